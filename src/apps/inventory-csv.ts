import { parse } from 'csv-parse/sync';
import { restoreCell, toSafeCsv } from '../csv-cell.ts';
import { ANSWERS_PREFIX } from '../policy/schema.ts';
import type { CustomQuestion } from '../policy/schema.ts';
import type { AnswerValue } from '../profile/answers.ts';
import { answerLabel } from '../profile/answers.ts';
import type { PlainTextLimits } from '../profile/plain-text.ts';
import { plainText } from '../profile/plain-text.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import { AppProfileSchema, describeIssues } from '../profile/schema.ts';

// The inventory as CSV: one row per app, lists joined with ";", systems as "Name:access", and a column
// `answers.<id>` per question of the policy's own (yes/no as yes or no, several values joined with "; ").
// The same columns are read back by `steward apps import`. Text cells are neutralised against spreadsheet
// formulas on the way out and restored on the way in (src/csv-cell.ts).

const CSV_COLUMNS = [
  'reference',
  'name',
  'description',
  'platform',
  'department',
  'audience',
  'userCount',
  'dataCategories',
  'systems',
  'aiUsed',
  'aiGeneratesContent',
  'aiDecisionImpact',
  'aiProfiling',
  'aiDomains',
  'aiPractices',
  'criticality',
  'externalSharing',
  'ownerPlatform',
  'ownerUserId',
  'ownerName',
  'ownerEmail',
  'status',
  'tier',
  'version',
] as const;

export interface InventoryRow {
  reference: string;
  status: string;
  tier: string | null;
  version: number;
  profile: AppProfile;
  owner: Owner;
}

/** A column per custom question: `answers.<id>`. */
const answerColumn = (id: string) => `${ANSWERS_PREFIX}${id}`;

/**
 * The inventory as CSV. `questions` are the policy's own (intake.questions): each gets a column
 * `answers.<id>` after the built-in ones, in policy order; answers to questions the policy no longer asks
 * get theirs after those, so nothing stored is left out.
 */
export function inventoryToCsv(rows: InventoryRow[], questions: readonly CustomQuestion[] = []): string {
  const known = new Set(questions.map((question) => question.id));
  const others = [...new Set(rows.flatMap((row) => Object.keys(row.profile.answers ?? {})))]
    .filter((id) => !known.has(id))
    .sort();
  const answerIds = [...questions.map((question) => question.id), ...others];
  return toSafeCsv(
    rows.map(({ reference, status, tier, version, profile, owner }) => ({
      reference,
      name: profile.name,
      description: profile.description,
      platform: profile.platform,
      department: profile.department,
      audience: profile.audience,
      userCount: profile.userCount,
      dataCategories: profile.dataCategories.join(';'),
      systems: profile.systems.map((system) => `${system.name}:${system.access}`).join(';'),
      aiUsed: profile.ai.used,
      aiGeneratesContent: profile.ai.generatesContent,
      aiDecisionImpact: profile.ai.decisionImpact,
      aiProfiling: profile.ai.profiling,
      aiDomains: profile.ai.domains.join(';'),
      aiPractices: profile.ai.practices.join(';'),
      criticality: profile.criticality,
      externalSharing: profile.externalSharing,
      ownerPlatform: owner.platform,
      ownerUserId: owner.userId,
      ownerName: owner.displayName ?? '',
      ownerEmail: owner.email ?? '',
      status,
      tier: tier ?? '',
      version,
      ...Object.fromEntries(answerIds.map((id) => [answerColumn(id), answerCell(profile.answers?.[id])])),
    })),
    [...CSV_COLUMNS, ...answerIds.map(answerColumn)],
  );
}

/** yes/no, several values joined with "; ", numbers and text as they are; no answer: an empty cell. */
function answerCell(answer: AnswerValue | undefined): string | number {
  if (answer === undefined) return '';
  if (typeof answer === 'boolean') return answer ? 'yes' : 'no';
  if (Array.isArray(answer)) return answer.join('; ');
  return answer;
}

/** A file the policy cannot take as a whole (a column for a question it does not ask): nothing is imported. */
export class InventoryCsvError extends Error {}

const TEXT_ANSWER_MAX = 2000;

/** One cell of an `answers.<id>` column, read as the question's type; an error names the column and the value. */
function readAnswerCell(
  question: CustomQuestion,
  cell: string,
): { ok: true; value: AnswerValue } | { ok: false; error: string } {
  const column = answerColumn(question.id);
  const fail = (problem: string) => ({ ok: false as const, error: `${column}: ${problem}` });
  const option = (said: string) => {
    const wanted = said.trim().toLowerCase();
    return question.options?.find(
      (candidate) => candidate.value.toLowerCase() === wanted || candidate.label.toLowerCase() === wanted,
    )?.value;
  };
  const optionList = () => (question.options ?? []).map((candidate) => candidate.value).join(', ');
  switch (question.type) {
    case 'yesno': {
      const said = cell.trim().toLowerCase();
      if (['yes', 'y', 'true', '1'].includes(said)) return { ok: true, value: true };
      if (['no', 'n', 'false', '0'].includes(said)) return { ok: true, value: false };
      return fail(`expected yes or no, got "${cell}"`);
    }
    case 'number': {
      const said = cell.trim().replace(/[\s,_]/gu, '');
      if (!/^\d+(?:\.\d+)?$/u.test(said)) return fail(`expected a number (0 or more), got "${cell}"`);
      return { ok: true, value: Number(said) };
    }
    case 'choice': {
      const value = option(cell);
      return value === undefined ? fail(`"${cell}" is not one of the options (${optionList()})`) : { ok: true, value };
    }
    case 'multi': {
      const values: string[] = [];
      for (const item of list(cell)) {
        const value = option(item);
        if (value === undefined) return fail(`"${item}" is not one of the options (${optionList()})`);
        values.push(value);
      }
      const order = (question.options ?? []).map((candidate) => candidate.value);
      return { ok: true, value: order.filter((candidate) => values.includes(candidate)) };
    }
    case 'text': {
      const result = plainText(cell, { min: 1, max: TEXT_ANSWER_MAX, what: answerLabel(question).toLowerCase() });
      return result.ok ? { ok: true, value: result.text } : fail(result.problem);
    }
  }
}

export type ImportRow =
  { row: number; ok: true; profile: AppProfile; owner: Owner } | { row: number; ok: false; errors: string[] };

// Header spellings from other tools' exports (e.g. the Power Platform admin centre) mapped to ours.
// A Map, not an object literal: a header such as "constructor" or "__proto__" must not find Object.prototype's.
const HEADER_ALIASES = new Map<string, string>([
  ['app name', 'name'],
  ['display name', 'name'],
  ['app display name', 'name'],
  ['owner', 'ownerUserId'],
  ['owner email', 'ownerEmail'],
  ['owner name', 'ownerName'],
  ['created by', 'ownerUserId'],
  ['user count', 'userCount'],
  ['users', 'userCount'],
]);

/** The free-text columns, under the same plain-text rules as a chat answer (src/profile/plain-text.ts). */
const TEXT_COLUMNS = {
  name: { min: 1, max: 120, what: 'name' },
  description: { min: 1, max: 4000, what: 'description' },
  department: { min: 1, max: 200, what: 'department' },
  // A person's display name comes from their platform profile and may be emoji only ("🦊").
  ownerName: { min: 1, max: 200, what: 'owner name', anySymbols: true },
} as const satisfies Record<string, PlainTextLimits>;
const SYSTEM_NAME: PlainTextLimits = { min: 1, max: 200, what: 'system name' };

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[;|]/u)
    .map((item) => item.trim())
    .filter(Boolean);
}

function bool(value: string | undefined, column: string, errors: string[]): boolean | undefined {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '') return undefined;
  if (['true', 'yes', 'y', '1'].includes(text)) return true;
  if (['false', 'no', 'n', '0'].includes(text)) return false;
  errors.push(`${column}: expected true or false, got "${value}"`);
  return undefined;
}

/** "systems[0].name: Too big" -> "systems": the column an issue from describeIssues is about. */
function columnOf(issue: string): string {
  return /^[^.[:]+/u.exec(issue)?.[0] ?? '';
}

/** Parses an import file; each data row becomes a validated profile, or the reasons it is not one. Row 1 is the header. */
export function parseInventoryCsv(text: string, questions: readonly CustomQuestion[] = []): ImportRow[] {
  const answerColumns = new Map<string, CustomQuestion>();
  // The parser wraps what its header callback throws, so the problem is kept and thrown after it.
  let headerProblem: string | undefined;
  const checkHeader = (header: string[]) => {
    for (const name of header.filter((column) => column.startsWith(ANSWERS_PREFIX))) {
      const question = questions.find((candidate) => answerColumn(candidate.id) === name);
      if (question) answerColumns.set(name, question);
      else {
        const known = questions.map((candidate) => answerColumn(candidate.id)).join(', ') || 'none';
        headerProblem ??= `column ${name}: the policy has no question "${name.slice(ANSWERS_PREFIX.length)}" (its answer columns: ${known}). Nothing was imported.`;
      }
    }
    return header;
  };
  const records = parse(text, {
    columns: (header: string[]) =>
      checkHeader(header.map((name) => HEADER_ALIASES.get(name.trim().toLowerCase()) ?? name.trim())),
    cast: (value, context) => (context.header ? value : restoreCell(value)),
    skip_empty_lines: true,
    trim: true,
    bom: true,
    relax_column_count: true,
  }) as Array<Record<string, string>>;
  if (headerProblem) throw new InventoryCsvError(headerProblem);
  /** The row's answers to the policy's questions; a cell that does not fit its question is the row's error. */
  const answersOf = (record: Record<string, string>, errors: string[]): { answers?: Record<string, AnswerValue> } => {
    const answers: Record<string, AnswerValue> = {};
    for (const [column, question] of answerColumns) {
      const cell = record[column];
      if (cell === undefined || cell.trim() === '') continue;
      const read = readAnswerCell(question, cell);
      if (read.ok) answers[question.id] = read.value;
      else errors.push(read.error);
    }
    return Object.keys(answers).length > 0 ? { answers } : {};
  };
  return records.map((record, index) => {
    const row = index + 2;
    const errors: string[] = [];
    // Columns whose text was refused: the schema's complaint about the same value would only repeat it.
    const refused = new Set<string>();
    const checked = (column: string, value: string, limits: PlainTextLimits): string => {
      const result = plainText(value, limits);
      if (result.ok) return result.text;
      errors.push(`${column}: ${result.problem}`);
      refused.add(column);
      return value;
    };
    // A missing or empty column is left to the schema, which says the field is required (or drops it).
    const text = (column: keyof typeof TEXT_COLUMNS): string | undefined => {
      const value = record[column];
      return value ? checked(column, value, TEXT_COLUMNS[column]) : value;
    };
    const systems = list(record.systems).map((entry) => {
      const match = /^(.*?)[:(]\s*(read|write)\)?$/iu.exec(entry);
      if (!match) errors.push(`systems: "${entry}" should be Name:read or Name:write`);
      const name = checked('systems', (match?.[1] ?? entry).trim(), SYSTEM_NAME);
      return { name, access: (match?.[2] ?? 'read').toLowerCase() };
    });
    const aiUsed = bool(record.aiUsed, 'aiUsed', errors) ?? false;
    const input = {
      name: text('name'),
      description: text('description'),
      platform: record.platform,
      department: text('department'),
      audience: record.audience,
      userCount: record.userCount === undefined || record.userCount === '' ? undefined : Number(record.userCount),
      dataCategories: list(record.dataCategories),
      systems,
      ai: {
        used: aiUsed,
        generatesContent: bool(record.aiGeneratesContent, 'aiGeneratesContent', errors) ?? false,
        decisionImpact: record.aiDecisionImpact || 'none',
        profiling: bool(record.aiProfiling, 'aiProfiling', errors) ?? false,
        domains: list(record.aiDomains),
        practices: list(record.aiPractices),
      },
      criticality: record.criticality,
      externalSharing: bool(record.externalSharing, 'externalSharing', errors) ?? false,
      ...answersOf(record, errors),
    };
    const parsed = AppProfileSchema.safeParse(input);
    if (!parsed.success) errors.push(...describeIssues(parsed.error).filter((issue) => !refused.has(columnOf(issue))));
    const ownerName = text('ownerName');
    const ownerUserId = record.ownerUserId?.trim() || record.ownerEmail?.trim();
    if (!ownerUserId) errors.push('ownerUserId: every app needs an owner (ownerUserId or ownerEmail)');
    if (errors.length > 0 || !parsed.success || !ownerUserId) return { row, ok: false, errors };
    const owner: Owner = {
      platform: record.ownerPlatform?.trim() || 'import',
      userId: ownerUserId,
      ...(ownerName ? { displayName: ownerName } : {}),
      ...(record.ownerEmail && /@/u.test(record.ownerEmail) ? { email: record.ownerEmail } : {}),
    };
    return { row, ok: true, profile: parsed.data, owner };
  });
}
