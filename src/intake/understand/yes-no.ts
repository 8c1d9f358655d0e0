import type { Phrase, PhraseMatch } from './phrases.ts';
import { findPhrases } from './phrases.ts';
import type { Reading } from './reading.ts';
import { affirmed, confirm, hedged, miss, value } from './reading.ts';
import { tokenize } from './tokens.ts';
import type { Vocabulary, YesNoMeaning, YesNoQuestionId } from './vocabulary.ts';

// Yes or no, with the words around it: "yes, it uses GPT-4", "nope", "not really", "I think so"
// (confirmed), or a description that answers it ("Gemini summarises the meeting notes").

const INTERJECTIONS = new Set([
  'hmm',
  'hm',
  'um',
  'umm',
  'uh',
  'well',
  'oh',
  'so',
  'honestly',
  'ah',
  'erm',
  'er',
  'lol',
  'haha',
  'ok',
  'okay',
  'and',
]);

export function readYesNo(
  text: string,
  vocabulary: Vocabulary,
  options: { question?: YesNoQuestionId; riskRelevant?: boolean; cues?: Phrase<YesNoMeaning>[] } = {},
): Reading<boolean> {
  const tokens = tokenize(text);
  const riskRelevant = options.riskRelevant ?? false;
  const generic = findPhrases(tokens, vocabulary.yesNo);
  const decide = (match: PhraseMatch<YesNoMeaning>): Reading<boolean> => {
    const answer = match.phrase.meaning === 'yes';
    return match.phrase.likely || (riskRelevant && (match.fuzzy || hedged(tokens, vocabulary)))
      ? confirm(answer)
      : value(answer);
  };
  // A yes or no said first settles it ("no, it works on products, not people").
  let lead = 0;
  while (lead < tokens.length && INTERJECTIONS.has(tokens[lead]!.word)) lead += 1;
  // What it says besides: the question's cues ("customers can log in"), a "no" cancelling a cue.
  const cuePhrases = options.cues ?? (options.question ? (vocabulary.cues[options.question] ?? []) : []);
  const cues = findPhrases(tokens, cuePhrases);
  const standing = new Set(affirmed(tokens, cues, vocabulary));
  const cueSides = cues.map((cue) =>
    standing.has(cue)
      ? cue
      : {
          ...cue,
          phrase: { ...cue.phrase, meaning: cue.phrase.meaning === 'yes' ? ('no' as const) : ('yes' as const) },
        },
  );
  const first = generic.find((match) => match.start === lead);
  if (first) {
    // "I don't think so? It uses the AI Builder sentiment action": an unsure word gives way to what is described.
    const against = cueSides.find((cue) => !cue.phrase.likely && cue.phrase.meaning !== first.phrase.meaning);
    return first.phrase.likely && against ? confirm(against.phrase.meaning === 'yes') : decide(first);
  }
  const sides: Array<PhraseMatch<YesNoMeaning>> = [...generic, ...cueSides].sort((a, b) => a.start - b.start);
  if (sides.length === 0) return miss('Please answer yes or no (a few words on why are welcome).');
  const meanings = new Set(sides.map((side) => side.phrase.meaning));
  // Both said: the later one is usually the correction ("it scores tickets, not people"); ask.
  if (meanings.size > 1) return confirm(sides.at(-1)!.phrase.meaning === 'yes');
  return decide(sides.find((side) => !side.phrase.likely) ?? sides[0]!);
}
