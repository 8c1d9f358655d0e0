// Plays a scripted maker (test/fixtures/scripted-makers.json) against Steward on any channel: it answers
// whatever Steward asks with that maker's own words, says yes to a read-back that is right, picks the
// right option when offered a choice, and counts what a person would feel: re-asks and read-backs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { QUESTIONS } from '../../src/intake/questions.ts';
import { DATA_CATEGORIES } from '../../src/profile/schema.ts';
import type { AppProfile } from '../../src/profile/schema.ts';

export interface ScriptedMaker {
  id: string;
  opener: string;
  answers: Record<string, string>;
  expect: Record<string, unknown>;
}

export const SCRIPTED_MAKERS: ScriptedMaker[] = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'scripted-makers.json'), 'utf8'),
);

/** What Steward said in one turn, as the maker sees it: text, and the question id of what it waits for. */
export interface Heard {
  text: string;
  /** The last questionId in the turn's replies (`q:platform`, `q:platform:confirm`, `summary`...). */
  waitingFor?: string;
  /** Button values offered, so a choice can be clicked. */
  buttons?: string[];
  /** The turn refused an answer (an error-toned reply). */
  refused: boolean;
}

export interface MakerRun {
  reasks: number;
  readBacks: number;
  turns: number;
}

const sameSet = (a: unknown, b: unknown) =>
  JSON.stringify([...((a as unknown[]) ?? [])].map(String).sort()) ===
  JSON.stringify([...((b as unknown[]) ?? [])].map(String).sort());

function hintImplied(hintId: string, expected: Record<string, unknown>): boolean {
  const data = (expected.dataCategories as string[] | undefined) ?? [];
  const domains = (expected.aiDomains as string[] | undefined) ?? [];
  const implied: Record<string, () => boolean> = {
    hiring: () =>
      domains.includes('employment') ||
      (data.includes('personal') && /applicant|cv|candidate|recruit|hir/iu.test(JSON.stringify(expected))),
    credit: () => domains.includes('essential-services'),
    health: () => data.includes('health'),
    biometrics: () => data.includes('special-category') || domains.includes('biometrics'),
    'payment-card': () => data.includes('payment-card'),
    credentials: () => data.includes('credentials'),
    children: () => data.includes('children'),
    financial: () => data.includes('financial'),
  };
  return implied[hintId]?.() ?? false;
}

/**
 * What Steward waits for, read from what a person sees (for channels that show text only: the terminal,
 * Slack and Teams messages): the last question, read-back or summary in the text.
 */
export function waitingForInText(
  text: string,
  hintPrompts: Array<{ id: string; confirm: string }>,
): string | undefined {
  const last = (pattern: RegExp) => {
    let at = -1;
    for (const match of text.matchAll(pattern)) at = match.index;
    return at;
  };
  const candidates: Array<[string, number]> = [
    // The summary: its closing line, or (on a card, where Submit is a button) its heading.
    [
      'summary',
      Math.max(last(/Reply \*?yes\*? to submit/gu), last(/^\*?Summary(?: of APP-\d+ \(new version\))?:?\*?$/gmu)),
    ],
    ['duplicate', last(/Do you want to update that app instead/gu)],
    ...hintPrompts.map((hint): [string, number] => [`hint:${hint.id}`, text.lastIndexOf(hint.confirm)]),
    ...QUESTIONS.map((question): [string, number] => [`q:${question.id}`, text.lastIndexOf(question.prompt)]),
  ];
  const question = (id: string) => QUESTIONS.find((candidate) => candidate.id === id);
  const readBack = last(/Did you mean |I read that as /gu);
  const choose = last(/Which did you mean: /gu);
  const access = /Does it only read from (.+?), or also write to it/gu;
  let accessAt = -1;
  let accessSystem = '';
  for (const match of text.matchAll(access)) {
    accessAt = match.index;
    accessSystem = match[1]!;
  }
  const [best, at] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a), ['', -1] as [string, number]);
  // A read-back follows the question it is about (the question text is not repeated then).
  const about = (id: string) => (id.startsWith('q:') ? id : undefined);
  const latest = Math.max(at, readBack, choose, accessAt);
  if (latest < 0) return undefined;
  if (latest === accessAt) return 'q:systems:access:' + accessSystem;
  if (latest === choose || latest === readBack) {
    // The question may have been asked in an earlier turn: "q:?" stands for it.
    const step = about(best) && at < latest && question(best.slice(2)) ? best : 'q:?';
    return `${step}:${latest === choose ? 'choose' : 'confirm'}`;
  }
  return best;
}

/** The maker's reply to what Steward waits for; undefined when the script has nothing to say (a failure). */
function reply(maker: ScriptedMaker, heard: Heard, run: MakerRun, retried: Set<string>): string | undefined {
  const waiting = heard.waitingFor ?? '';
  if (waiting === 'summary') return 'yes';
  if (waiting === 'duplicate') return 'rename';
  if (waiting.startsWith('hint:')) return hintImplied(waiting.slice(5), maker.expect) ? 'yes' : 'no';
  if (waiting.startsWith('fact:')) return 'no';
  const [, id, clarify, system] = /^q:([^:]+)(?::([^:]+))?(?::(.+))?$/u.exec(waiting) ?? [];
  if (!id) return undefined;
  const expected = maker.expect[id];
  if (clarify === 'confirm') {
    run.readBacks += 1;
    return 'yes';
  }
  if (clarify === 'choose') {
    run.readBacks += 1;
    const wanted = Array.isArray(expected) ? expected[0] : expected;
    return heard.buttons?.find((value) => value === wanted) ?? String(wanted);
  }
  if (clarify === 'access') {
    run.readBacks += 1;
    const systems = (maker.expect.systems as Array<{ name: string; access: string }>) ?? [];
    return systems.find((candidate) => candidate.name.toLowerCase() === system?.toLowerCase())?.access ?? 'read';
  }
  if (heard.refused || retried.has(id)) {
    // Refused: a person picks from the list, or types the plain value.
    run.reasks += 1;
    retried.add(id);
    if (id === 'dataCategories')
      return (
        (expected as string[]).map((value) => String(DATA_CATEGORIES.indexOf(value as never) + 1)).join(', ') || 'none'
      );
    if (typeof expected === 'boolean') return expected ? 'yes' : 'no';
    return String(expected);
  }
  return maker.answers[id] ?? DEFAULT_ANSWERS[id];
}

/** Answers the scripts leave out: the backup owner is asked only from the policy's tier up. */
const DEFAULT_ANSWERS: Record<string, string> = { backupOwner: 'sam.backup@example.com' };

/** Drives one maker from the opener to the registration; `say` sends a message and returns what Steward said. */
export async function playMaker(maker: ScriptedMaker, say: (text: string) => Promise<Heard>): Promise<MakerRun> {
  const run: MakerRun = { reasks: 0, readBacks: 0, turns: 0 };
  const retried = new Set<string>();
  let asked: string | undefined;
  let heard = await say(maker.opener);
  for (let turn = 0; turn < 60; turn++) {
    if (/Registered APP-\d+/u.test(heard.text) && heard.waitingFor === undefined) return run;
    // After a greeting Steward shows what it can do; the maker then says what they came for.
    // A read-back seen only as text names no question: it is about the one asked last.
    if (heard.waitingFor?.startsWith('q:?:') && asked)
      heard = { ...heard, waitingFor: heard.waitingFor.replace('q:?', asked) };
    if (heard.waitingFor && /^q:[^:?]+$/u.test(heard.waitingFor)) asked = heard.waitingFor;
    const answer =
      heard.waitingFor === undefined && turn === 0 ? 'I want to register an app' : reply(maker, heard, run, retried);
    if (answer === undefined)
      throw new Error(
        `${maker.id}: no scripted answer for ${heard.waitingFor ?? '(nothing)'} after: ${heard.text.slice(0, 300)}`,
      );
    run.turns += 1;
    heard = await say(answer);
  }
  throw new Error(`${maker.id}: not registered after 60 turns`);
}

/** Differences between the stored profile and what the maker meant, as readable lines. */
export function profileDifferences(maker: ScriptedMaker, profile: AppProfile): string[] {
  const expected = maker.expect;
  const actual: Record<string, unknown> = {
    ...profile,
    aiUsed: profile.ai.used,
    aiGeneratesContent: profile.ai.generatesContent,
    aiDecisionImpact: profile.ai.decisionImpact,
    aiProfiling: profile.ai.profiling,
    aiDomains: profile.ai.domains,
    aiPractices: profile.ai.practices,
  };
  const problems: string[] = [];
  for (const [key, wanted] of Object.entries(expected)) {
    const got = actual[key];
    const same =
      key === 'systems'
        ? sameSet(
            (wanted as Array<{ name: string; access: string }>).map(
              (system) => `${system.name.toLowerCase()}:${system.access}`,
            ),
            (got as Array<{ name: string; access: string }>).map(
              (system) => `${system.name.toLowerCase()}:${system.access}`,
            ),
          )
        : Array.isArray(wanted)
          ? sameSet(wanted, got)
          : JSON.stringify(wanted) === JSON.stringify(got);
    if (!same) problems.push(`${maker.id}.${key}: wanted ${JSON.stringify(wanted)}, stored ${JSON.stringify(got)}`);
  }
  return problems;
}

const REFUSED = /couldn't (match|read)|no option|Please give|needs at least|can't be empty/u;

/** What a person makes of a turn shown as text only: what Steward waits for, and whether it refused. */
export function heardInText(text: string, hintPrompts: Array<{ id: string; confirm: string }>): Heard {
  const waitingFor = waitingForInText(text, hintPrompts);
  return { text, ...(waitingFor ? { waitingFor } : {}), refused: REFUSED.test(text) };
}

/**
 * How far the exported inventory is from what the makers meant. Every reading that decides the risk
 * tier must match; free-text spellings (a typo kept as typed, "Postgres" shown as "PostgreSQL") may
 * differ in a few places, listed in `spelling`.
 */
export function inventoryDifferences(apps: Array<{ profile: AppProfile }>): { risk: string[]; spelling: string[] } {
  const problems = SCRIPTED_MAKERS.flatMap((maker) => {
    const app = apps.find((candidate) => candidate.profile.name === maker.expect.name);
    return app
      ? profileDifferences(maker, app.profile)
      : [`${maker.id}: no app named ${JSON.stringify(maker.expect.name)}`];
  });
  const spelling = problems.filter((problem) => /\.(department|systems):/u.test(problem));
  return { risk: problems.filter((problem) => !spelling.includes(problem)), spelling };
}
