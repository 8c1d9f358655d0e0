import type { PlainTextLimits } from '../../profile/plain-text.ts';
import { plainText } from '../../profile/plain-text.ts';
import type { Reading } from './reading.ts';
import { miss, value } from './reading.ts';
import { fold, phraseWords } from './tokens.ts';
import type { Vocabulary } from './vocabulary.ts';

// Free-text answers, kept as the maker typed them, less the words around them: "it's called Lunch
// rota" -> "Lunch rota", "we're in finance" -> "Finance".

/** The profile's plain-text rules (trimmed, no control characters, within limits, no markup) as a reading. */
export function readText(text: string, limits: PlainTextLimits): Reading<string> {
  const result = plainText(text, limits);
  return result.ok ? value(result.text) : miss(result.problem);
}

/** Drops the first lead-in that starts the text (longest first), keeping the rest as typed. */
function withoutLeadIn(text: string, leadIns: readonly string[]): string {
  const sorted = [...leadIns].sort((a, b) => b.length - a.length);
  const folded = fold(text);
  for (const leadIn of sorted) {
    const pattern = new RegExp(`^\\s*${phraseWords(leadIn).map(escape).join("[\\s'’]*")}[\\s:,-]+`, 'u');
    const match = pattern.exec(folded);
    // Folding keeps lengths for the scripts a lead-in is written in, so the offset holds in the original.
    if (match && match[0].length < text.length) return text.slice(match[0].length);
  }
  return text;
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

function unquoted(text: string): string {
  const trimmed = text.trim().replace(/[.!]+$/u, '');
  const quoted = /^["'“‘`«](.+)["'”’`»]$/u.exec(trimmed);
  return (quoted?.[1] ?? trimmed).trim();
}

export function readName(text: string, vocabulary: Vocabulary): Reading<string> {
  const name = unquoted(withoutLeadIn(text.trim(), vocabulary.source.leadIns.name));
  return readText(name || text, { min: 1, max: 120, what: 'name' });
}

export function readDepartment(text: string, vocabulary: Vocabulary): Reading<string> {
  // The name, not the comment after it: "Contact Centre's, we own it" -> "Contact Centre".
  let department = text
    .trim()
    .split(/\s*(?:[,;(]|\s-\s|\s–\s)\s*/u)[0]!
    .replace(/[\s\p{Extended_Pictographic}\ufe0f\u200d]+$/u, '')
    .replace(/['’]s$/u, '')
    .replace(/[.!]+$/u, '');
  for (let pass = 0; pass < 4; pass++) department = withoutLeadIn(department, vocabulary.source.leadIns.department);
  const trailing = vocabulary.source.leadIns.departmentTrailing.map((word) =>
    phraseWords(word).map(escape).join('\\s+'),
  );
  const trailingPattern = new RegExp(`\\s+(?:${trailing.join('|')})(?:\\s+(?:${trailing.join('|')}))*$`, 'iu');
  const stripped = department.replace(trailingPattern, '').trim();
  department = unquoted(stripped || department);
  if (department === department.toLowerCase()) department = capitalised(department, vocabulary);
  if (!department) return miss('Which department or team owns it? For example: Finance, or Customer Support.');
  return readText(department, { min: 1, max: 200, what: 'department' });
}

/** "customer success" -> "Customer Success", "hr" -> "HR", "r&d" -> "R&D". */
function capitalised(text: string, vocabulary: Vocabulary): string {
  const whole = vocabulary.acronyms.get(phraseWords(text).join(' '));
  if (whole && !/\s/u.test(text)) return whole;
  return text
    .split(/(\s+)/u)
    .map((word) => {
      const acronym = vocabulary.acronyms.get(phraseWords(word).join(' '));
      if (
        acronym &&
        phraseWords(word).length > 0 &&
        fold(word).replace(/[^\p{L}\p{N}&]/gu, '') === fold(acronym).replace(/[^\p{L}\p{N}&]/gu, '')
      )
        return acronym;
      if (/^(and|of|the|for|&)$/u.test(word)) return word;
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join('');
}
