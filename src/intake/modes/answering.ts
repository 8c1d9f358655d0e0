import type { Reply } from '../../chat/reply.ts';
import type { ImpliedFacts } from '../../policy/schema.ts';
import { formatReference } from '../../store/apps.ts';
import { isQuestion } from '../commands.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import type { Draft } from '../../profile/draft.ts';
import { advance, askContext, draftOf, effectiveDraft, goTo } from '../progress.ts';
import type { Question } from '../questions.ts';
import { applicableQuestions, findQuestionByWords, isAnswered, questionById, setAnswer } from '../questions.ts';
import { duplicateReply, missReply, stepReply } from '../render.ts';
import type { IntakeState } from '../state.ts';
import type { Reading } from '../understand/reading.ts';
import { affirmed, preview } from '../understand/reading.ts';
import { compilePhrases, findPhrases } from '../understand/phrases.ts';
import { tokenize } from '../understand/tokens.ts';
import { readAccess } from '../understand/systems.ts';
import { readYesNo } from '../understand/yes-no.ts';
import { backupOwnerReason } from '../../assessment/backup-owner.ts';
import { backupOwnerRequiredAt } from '../backup-owner.ts';
import { answerGuardrail, unchanged } from './shared.ts';

// Answering the intake's questions: read the answer; store a certain reading, put a likely one to the
// maker ("Did you mean ...?"), offer the options when several fit, and ask for what is missing. A
// risk-relevant field is never filled from a guess, and no refusal is said twice in a row.

/** At most this many answers per registration are interpreted by the LLM. */
const MAX_LLM_READINGS = 3;

const stay = (intake: IntakeState, ...replies: Reply[]): TurnOutcome => ({
  state: { mode: 'intake', intake },
  replies,
});

export async function answerTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const question = questionById(intake.step.slice(2), ctx.policy);
  if (!question) {
    advance(intake, ctx.policy);
    return stay(intake, stepReply(intake, ctx));
  }
  if (intake.clarify) {
    const settled = await clarifyTurn(intake, question, text, ctx);
    if (settled) return settled;
  }
  return readAndRecord(intake, question, text, ctx);
}

async function readAndRecord(
  intake: IntakeState,
  question: Question,
  text: string,
  ctx: DialogueContext,
): Promise<TurnOutcome> {
  let reading = readAnswer(question, text, ctx);
  let byLlm = false;
  if (reading.kind === 'miss') {
    // A question to Steward in the middle ("Can I use Airtable for this?") is answered, then we carry on.
    if (isQuestion(text)) return unchanged({ mode: 'intake', intake }, ctx, ...(await answerGuardrail(text, ctx)));
    // Who a typed name stands for is the platform's to say, not the LLM's: a person is named again.
    const interpreted = question.readWith ? undefined : await interpret(intake, question, text, ctx);
    if (interpreted) {
      reading = interpreted;
      byLlm = true;
    }
  }
  switch (reading.kind) {
    case 'value':
      return recordAnswer(intake, question, reading.value, ctx);
    case 'confirm':
      intake.clarify = { kind: 'confirm', value: reading.value, byLlm };
      return stay(intake, stepReply(intake, ctx));
    case 'choose':
      intake.clarify = { kind: 'choose', candidates: reading.candidates };
      return stay(intake, stepReply(intake, ctx));
    case 'access':
      intake.clarify = { kind: 'access', known: reading.known, missing: reading.missing };
      return stay(intake, stepReply(intake, ctx));
    case 'miss':
      intake.misses += 1;
      intake.lastMiss = text.slice(0, 500);
      return stay(intake, missReply(intake, question, text, reading.hint, ctx), stepReply(intake, ctx));
  }
}

function readAnswer(question: Question, text: string, ctx: DialogueContext): Reading {
  if (question.readWith) return question.readWith(text, { speaker: ctx.speaker, mentions: ctx.mentions ?? [] });
  return question.read(text, ctx.vocabulary);
}

/** The LLM's reading of an answer the rules could not read, in words the rules do read; always confirmed. */
async function interpret(
  intake: IntakeState,
  question: Question,
  text: string,
  ctx: DialogueContext,
): Promise<Reading | undefined> {
  if (!ctx.interpret || intake.llmReadings >= MAX_LLM_READINGS) return undefined;
  intake.llmReadings += 1;
  const rephrased = await ctx.interpret(question, text);
  if (!rephrased) return undefined;
  const reading = question.read(rephrased, ctx.vocabulary);
  if (reading.kind === 'value') return { kind: 'confirm', value: reading.value };
  return reading.kind === 'miss' ? undefined : reading;
}

/** The maker's word on a read-back. Undefined: not an answer to it, so read as a new answer. */
async function clarifyTurn(
  intake: IntakeState,
  question: Question,
  text: string,
  ctx: DialogueContext,
): Promise<TurnOutcome | undefined> {
  const clarify = intake.clarify!;
  if (clarify.kind === 'access') {
    const access = readAccess(text, ctx.vocabulary);
    if (!access) {
      delete intake.clarify;
      return undefined;
    }
    const [system, ...others] = clarify.missing;
    const known = [...clarify.known, { name: system!, access }];
    if (others.length > 0) {
      intake.clarify = { kind: 'access', known, missing: others };
      return stay(intake, stepReply(intake, ctx));
    }
    return recordAnswer(intake, question, known, ctx);
  }
  if (clarify.kind === 'choose') {
    const candidate = clarify.candidates.find((value) => value === text.trim());
    if (candidate) return recordAnswer(intake, question, question.multiple ? [candidate] : candidate, ctx);
    const reading = question.read(text, ctx.vocabulary);
    delete intake.clarify;
    if (reading.kind === 'value') return recordAnswer(intake, question, reading.value, ctx);
    if (reading.kind === 'choose' && reading.candidates.length === 1)
      return recordAnswer(intake, question, reading.candidates[0], ctx);
    return undefined;
  }
  const said = readYesNo(text, ctx.vocabulary);
  const bare = text.trim().split(/\s+/u).length <= 3;
  if (said.kind === 'value' && bare) {
    if (said.value) return recordAnswer(intake, question, clarify.value, ctx);
    delete intake.clarify;
    const what = question.options
      ? 'Which is it? Pick from the list, or say it another way.'
      : 'Could you say it another way?';
    return stay(intake, { text: `OK, not that. ${what}`, tone: 'info' }, stepReply(intake, ctx));
  }
  // "no, health data" or a fresh answer: read it as the answer to the question.
  delete intake.clarify;
  return readAndRecord(
    intake,
    question,
    text.replace(/^\s*(no|nope|nah|yes|yeah|yep)\b[\s,.:;!-]*/iu, '') || text,
    ctx,
  );
}

async function recordAnswer(
  intake: IntakeState,
  question: Question,
  value: unknown,
  ctx: DialogueContext,
): Promise<TurnOutcome> {
  setAnswer(intake.draft, question, value);
  intake.inferred = intake.inferred.filter((id) => id !== question.id);
  intake.history.push(`q:${question.id}`);
  delete intake.clarify;
  if (question.id === 'name') {
    const existing = await ctx.store.apps.byOwnerAndName(ctx.speaker, String(value));
    if (existing && existing.id !== intake.updating?.appId) {
      const reference = formatReference(existing.refNumber);
      intake.duplicateOf = { appId: existing.id, reference };
      goTo(intake, 'duplicate');
      return stay(intake, duplicateReply(intake, existing.name));
    }
  }
  // Risky words are checked once there is a description (and again if the name is given after it).
  if (question.id === 'description' || (question.id === 'name' && intake.draft.description !== undefined))
    await afterDescription(intake, ctx);
  advance(intake, ctx.policy);
  return stay(intake, stepReply(intake, ctx));
}

/** After the maker describes the app: infer fields (with an LLM) and queue confirm questions for risky words. */
export async function afterDescription(intake: IntakeState, ctx: DialogueContext): Promise<void> {
  const draft = draftOf(intake);
  if (draft.description && !intake.extractionDone && ctx.extract) {
    intake.extractionDone = true;
    const inferred = await ctx.extract(draft.description);
    for (const [key, value] of Object.entries(inferred ?? {})) {
      if (value === undefined || value === null || intake.draft[key] !== undefined) continue;
      intake.draft[key] = value;
      intake.inferred.push(key);
    }
  }
  const said = `${draft.name ?? ''} ${draft.description ?? ''}`.toLowerCase();
  const effective = effectiveDraft(intake, ctx.policy);
  for (const hint of ctx.policy.intake.riskHints) {
    if (hint.id in intake.hintAnswers || intake.pendingHints.includes(hint.id)) continue;
    if (!hint.keywords.some((keyword) => mentions(said, keyword))) continue;
    if (alreadyImplied(effective, hint.implies)) continue;
    intake.pendingHints.push(hint.id);
  }
}

function mentions(text: string, keyword: string): boolean {
  const escaped = keyword.toLowerCase().replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}(s|es)?($|[^\\p{L}\\p{N}])`, 'u').test(text);
}

/** A hint whose facts the profile already states (say, inferred by the AI) needs no extra question. */
function alreadyImplied(draft: Draft, implies: ImpliedFacts): boolean {
  const has = <T>(list: T[] | undefined, wanted: T[] | undefined) =>
    !wanted || wanted.every((item) => list?.includes(item));
  return (
    has(draft.dataCategories, implies.dataCategories) &&
    has(draft.aiDomains, implies.aiDomains) &&
    has(draft.aiPractices, implies.aiPractices) &&
    (implies.aiUsed === undefined || draft.aiUsed === implies.aiUsed) &&
    (implies.profiling === undefined || draft.aiProfiling === implies.profiling) &&
    (implies.decisionImpact === undefined || draft.aiDecisionImpact === implies.decisionImpact)
  );
}

export async function hintTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const hintId = intake.step.slice('hint:'.length);
  const hint = ctx.policy.intake.riskHints.find((candidate) => candidate.id === hintId);
  const said = readYesNo(text, ctx.vocabulary);
  // A likely yes or no ("I think so") is taken here: the hint question is itself the confirmation. An
  // answer that describes the risk in its own words ("it emails customers about unpaid invoices") is a yes.
  const answer =
    said.kind === 'value' || said.kind === 'confirm'
      ? said.value
      : hint && mentionsAffirmed(text, hint.keywords, ctx)
        ? true
        : undefined;
  if (answer === undefined) {
    intake.misses += 1;
    const again =
      intake.misses === 1
        ? 'Please answer yes or no.'
        : `Sorry, I need a yes or a no for this one (I couldn't tell from "${preview(text)}").`;
    return unchanged({ mode: 'intake', intake }, ctx, { text: again, tone: 'error' });
  }
  intake.hintAnswers[hintId] = answer;
  intake.pendingHints = intake.pendingHints.filter((id) => id !== hintId);
  intake.history.push(intake.step);
  advance(intake, ctx.policy);
  const noted: Reply[] = answer ? [{ text: 'Noted, thanks.', tone: 'info' }] : [];
  return stay(intake, ...noted, stepReply(intake, ctx));
}

function mentionsAffirmed(text: string, keywords: readonly string[], ctx: DialogueContext): boolean {
  const tokens = tokenize(text);
  const found = findPhrases(tokens, compilePhrases(keywords.map((keyword) => ({ text: keyword, meaning: true }))));
  return affirmed(tokens, found, ctx.vocabulary).length > 0;
}

export function skipTurn(intake: IntakeState, ctx: DialogueContext): TurnOutcome {
  const question = intake.step.startsWith('q:') ? questionById(intake.step.slice(2), ctx.policy) : undefined;
  if (question?.id === 'backupOwner') return skipBackupOwner(intake, ctx);
  if (question && question.skipValue !== undefined) {
    setAnswer(intake.draft, question, question.skipValue);
    intake.inferred = intake.inferred.filter((id) => id !== question.id);
    intake.history.push(`q:${question.id}`);
    advance(intake, ctx.policy);
    return stay(intake, stepReply(intake, ctx));
  }
  const why = question ? `I need this one: ${question.why}` : 'This one needs an answer.';
  return unchanged({ mode: 'intake', intake }, ctx, { text: why, tone: 'info' });
}

/** Required from the policy's tier up, with the reason; below it (reached by "change"), skip removes it. */
function skipBackupOwner(intake: IntakeState, ctx: DialogueContext): TurnOutcome {
  const tier = backupOwnerRequiredAt(effectiveDraft(intake, ctx.policy), ctx.policy);
  if (tier)
    return unchanged({ mode: 'intake', intake }, ctx, {
      text: `I need this one. ${backupOwnerReason(tier, ctx.policy)}`,
      tone: 'info',
    });
  delete intake.draft.backupOwner;
  intake.history.push('q:backupOwner');
  advance(intake, ctx.policy);
  return stay(intake, stepReply(intake, ctx));
}

export function changeTurn(intake: IntakeState, field: string, ctx: DialogueContext): TurnOutcome {
  const draft = draftOf(intake);
  const context = askContext(intake, ctx.policy);
  const question = findQuestionByWords(field, draft, context);
  const answered = question && (isAnswered(draft, question) || intake.reachedSummary);
  if (!question || !answered) {
    const items = applicableQuestions(draft, context)
      .filter((candidate) => isAnswered(draft, candidate))
      .map((candidate) => candidate.label.toLowerCase());
    return unchanged({ mode: 'intake', intake }, ctx, {
      text: items.length > 0 ? `I can change: ${items.join(', ')}.` : "There's nothing to change yet.",
      tone: 'error',
    });
  }
  intake.history.push(intake.step);
  goTo(intake, `q:${question.id}`);
  return stay(intake, stepReply(intake, ctx));
}
