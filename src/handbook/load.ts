import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { Policy } from '../policy/schema.ts';
import { projectRoot } from '../paths.ts';

// The guardrails handbook: a folder of Markdown files, one section each, with YAML front matter.
// Read and checked once at start, all or nothing, like the policy: a bad file stops the start with
// every problem listed as file:line:column: field: message.

export interface HandbookSection {
  /** Stable id that answers cite, like payment-card-data. */
  id: string;
  title: string;
  /** The policy team that answers when a maker asks a human. */
  team: string;
  /** The rule in a sentence or two; the first thing quoted when there is no LLM. */
  summary?: string;
  /** Words makers use that the text may not, to help retrieval. */
  keywords: string[];
  /** The guidance, as Markdown. */
  body: string;
  /** File name within the handbook folder, for messages. */
  file: string;
}

export interface Handbook {
  dir: string;
  /** In file-name order. */
  sections: readonly HandbookSection[];
}

export interface HandbookIssue {
  /** File name within the folder; empty for problems with the folder itself. */
  file: string;
  /** 1-based, in the file. */
  line?: number;
  column?: number;
  /** The front-matter field at fault, or 'body'; empty when the whole file is. */
  field: string;
  message: string;
}

export class HandbookError extends Error {
  constructor(
    readonly dir: string,
    readonly issues: HandbookIssue[],
  ) {
    const lines = issues.map((issue) => {
      const where = issue.file
        ? `${issue.file}${issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`}`
        : dir;
      return `  ${where}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
    });
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`Handbook ${dir} is invalid (${count}):\n${lines.join('\n')}`);
    this.name = 'HandbookError';
  }
}

const SECTION_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const FrontMatterSchema = z
  .object({
    id: z.string().regex(SECTION_ID, 'ids are lower-kebab-case, like payment-card-data'),
    title: z.string().trim().min(1).max(120),
    team: z.string().trim().min(1),
    summary: z.string().trim().min(1).max(600).optional(),
    keywords: z.array(z.string().trim().min(1)).default([]),
  })
  .strict();

/** The handbook folder a policy names, resolved against the policy file's folder. */
export function handbookDir(policy: Policy, policyFile: string): string {
  return path.resolve(path.dirname(policyFile), policy.handbook.dir);
}

const SHIPPED_HANDBOOK = path.join(projectRoot, 'policy', 'handbook');

/** A policy kept elsewhere without a handbook of its own uses the shipped one; a folder it names must exist. */
export function resolveHandbookDir(policy: Policy, policyFile: string): string {
  const dir = handbookDir(policy, policyFile);
  if (!existsSync(dir) && policy.handbook.dir === 'handbook') return SHIPPED_HANDBOOK;
  return dir;
}

/** Files that document the folder rather than being sections. */
function isSectionFile(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('_') && name.toLowerCase() !== 'readme.md';
}

/** Reads and checks every section in `dir` against the policy's teams. Throws HandbookError listing every problem. */
export function loadHandbook(dir: string, policy: Policy): Handbook {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && isSectionFile(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new HandbookError(dir, [
      {
        file: '',
        field: '',
        message: `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      },
    ]);
  }
  if (names.length === 0)
    throw new HandbookError(dir, [
      { file: '', field: '', message: 'no sections: add Markdown files with front matter (see README.md)' },
    ]);

  const files = names.map((name) => {
    try {
      return { name, text: readFileSync(path.join(dir, name), 'utf8') };
    } catch (error) {
      return { name, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
    }
  });
  return parseHandbookFiles(dir, files, policy);
}

/** The checks of loadHandbook on files already read: for callers that keep sections elsewhere, and tests. */
export function parseHandbookFiles(
  dir: string,
  files: Array<{ name: string; text?: string; error?: string }>,
  policy: Policy,
): Handbook {
  const issues: HandbookIssue[] = [];
  const sections: HandbookSection[] = [];
  const firstFileOfId = new Map<string, string>();
  const teamIds = Object.keys(policy.teams);

  for (const file of files) {
    if (file.text === undefined) {
      issues.push({ file: file.name, field: '', message: `cannot read the file (${file.error ?? 'unknown error'})` });
      continue;
    }
    const parsed = parseSectionFile(file.name, file.text);
    if ('issues' in parsed) {
      issues.push(...parsed.issues);
      continue;
    }
    const { section, locate } = parsed;
    const earlier = firstFileOfId.get(section.id);
    if (earlier !== undefined)
      issues.push({
        file: file.name,
        ...locate('id'),
        field: 'id',
        message: `duplicate id "${section.id}" (also in ${earlier})`,
      });
    else firstFileOfId.set(section.id, file.name);
    if (!teamIds.includes(section.team)) {
      issues.push({
        file: file.name,
        ...locate('team'),
        field: 'team',
        message: `unknown team "${section.team}" (teams: ${teamIds.join(', ')})`,
      });
    }
    sections.push(section);
  }
  if (issues.length > 0) throw new HandbookError(dir, issues);
  return deepFreeze({ dir, sections });
}

type Position = { line: number; column: number };

function parseSectionFile(
  file: string,
  rawText: string,
): { section: HandbookSection; locate: (field: string) => Position } | { issues: HandbookIssue[] } {
  const text = rawText.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') {
    return {
      issues: [
        {
          file,
          line: 1,
          column: 1,
          field: '',
          message: 'missing front matter: start the file with a line "---", then id, title and team, then "---"',
        },
      ],
    };
  }
  const closing = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (closing === -1)
    return {
      issues: [
        { file, line: 1, column: 1, field: '', message: 'the front matter is not closed: add a line "---" after it' },
      ],
    };

  // The YAML starts on the file's second line.
  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, closing).join('\n'), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + 1, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((error) => ({
        file,
        ...toPosition(error.pos[0]),
        field: '',
        message: `YAML syntax: ${error.message.split('\n')[0]!.trim()}`,
      })),
    };
  }
  const locate = (field: string): Position => {
    const offset = fieldOffset(doc, field);
    return offset === undefined ? { line: 1, column: 1 } : toPosition(offset);
  };

  const issues: HandbookIssue[] = [];
  const parsed = FrontMatterSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          issues.push({
            file,
            ...locate(key),
            field: key,
            message: `unknown field "${key}" (fields: ${Object.keys(FrontMatterSchema.shape).join(', ')})`,
          });
        continue;
      }
      const field = at
        .map((part) => (typeof part === 'number' ? `[${part}]` : part))
        .join('.')
        .replace('.[', '[');
      const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
      issues.push({
        file,
        ...locate(String(at[0] ?? '')),
        field: field || '(front matter)',
        message: missing ? `missing (expected ${issue.expected})` : issue.message,
      });
    }
  }
  const body = lines
    .slice(closing + 1)
    .join('\n')
    .trim();
  if (body === '')
    issues.push({
      file,
      line: closing + 2,
      column: 1,
      field: 'body',
      message: 'the section has no text after the front matter',
    });
  if (issues.length > 0 || !parsed.success) return { issues };

  const { id, title, team, summary, keywords } = parsed.data;
  return { section: { id, title, team, ...(summary ? { summary } : {}), keywords, body, file }, locate };
}

/** Offset of a top-level field's value (its key when the value is not a scalar). */
function fieldOffset(doc: Document.Parsed, field: string): number | undefined {
  if (!isMap(doc.contents)) return doc.contents?.range?.[0];
  const pair = doc.contents.items.find((item) => isScalar(item.key) && String(item.key.value) === field);
  if (!pair) return undefined;
  if (isScalar(pair.value) && pair.value.range) return pair.value.range[0];
  return isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
