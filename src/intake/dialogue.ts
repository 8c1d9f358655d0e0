import type { Reply } from '../chat/reply.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import { AppProfileSchema, describeIssues } from '../profile/schema.ts';
import type { ImpliedFacts, Policy } from '../policy/schema.ts';
import type { AssessmentRecord, SubmitResult } from '../apps/submit.ts';
import { DuplicateAppNameError, submitApp } from '../apps/submit.ts';
import { appListReply, appStatusReply, assessedByLabel, reasonLines, statusLabel, teamNames } from '../apps/present.ts';
import type { AssessmentView } from '../apps/present.ts';
import {
  currentProfile,
  findAppByOwnerAndName,
  findOwnedApp,
  formatReference,
  latestAssessment,
  listAppsOfOwner,
} from '../store/apps.ts';
import type { Db, Tx } from '../store/types.ts';
import { parseYesNo, preview } from './answers.ts';
import type { Command } from './commands.ts';
import { GREETING, looksLikeAppDescription, looksLikeQuestion, parseCommand } from './commands.ts';
import type { Draft, DraftKey } from './draft.ts';
import { applyImplications, draftToProfile, profileToDraft } from './draft.ts';
import type { Question } from './questions.ts';
import { applicableQuestions, findQuestionByWords, nextUnanswered, questionById } from './questions.ts';
import type { ConversationState, FactsState, IntakeState, LastQuestion } from './state.ts';
import { IDLE } from './state.ts';

// The registration dialogue: one maker's message in, replies and the next state out. Pure of I/O
// except reads and the LLM; writes happen in `commit`, inside the turn's transaction.

export const MAX_MESSAGE_LENGTH = 4000;

export interface AssessmentOutcome extends AssessmentRecord {
  suggestedFacts: Array<{ fact: string; implies?: ImpliedFacts }>;
}

export interface DialogueContext {
  speaker: Owner;
  policy: Policy;
  db: Db;
  deliveryPlatforms: string[];
  assess(profile: AppProfile): Promise<AssessmentOutcome>;
  /** Re-runs the rules after the maker confirmed facts, keeping the earlier AI assessment as a floor. */
  reassess(profile: AppProfile, previous: AssessmentView): Promise<AssessmentOutcome>;
  /** Profile fields inferred from a free-text description (one LLM call), or nothing without an LLM. */
  extract?(description: string): Promise<Partial<Draft> | undefined>;
  /** Where the maker is talking to us, for handing a question over to a human. */
  address?: { channelId: string; threadId?: string };
  /** Guardrail questions ("Can I put card numbers in Airtable?") answered from the handbook. */
  answerQuestion?(question: string): Promise<QuestionAnswer>;
  /** Posts the maker's last question to the owning team's channel ("ask a human"). */
  requestHuman?(question: LastQuestion): Promise<Reply[]>;
  /** Filled during the turn: the question answered in it, remembered for "ask a human". */
  turn?: { asked?: LastQuestion; handedOver?: boolean };
}

export interface QuestionAnswer {
  replies: Reply[];
  /** The team that owns the answer, who would take the question if the maker wants a person. */
  team?: string;
  citations?: Array<{ id: string; title: string }>;
}

export interface CommitResult {
  replies: Reply[];
  state?: ConversationState;
}

export interface TurnOutcome {
  state: ConversationState;
  replies: Reply[];
  commit?: (tx: Tx) => Promise<CommitResult>;
}

const HELP_TEXT = [
  "I'm Steward. I register the apps you build (Power Apps, flows, Zaps, custom GPTs, macros...) and tell you which guardrails apply.",
  '• *register*: register an app, or just tell me about it ("I built a Power App for complaint tracking")',
  '• *my apps*: your apps and their status',
  '• *status APP-0042*: one app’s status and risk',
  '• *update <app>*: change a registered app',
  '• *help*: this message',
].join('\n');

const INTAKE_HELP = 'While we go: *back* to the previous question, *skip* for optional ones, *change <item>* to edit an answer, *status* for progress, *cancel* to stop.';

const YES_NO_BUTTONS = [
  { label: 'Yes', value: 'yes' },
  { label: 'No', value: 'no' },
];

export async function converse(state: ConversationState, rawText: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const text = rawText.trim();
  if (text.length > MAX_MESSAGE_LENGTH) {
    return unchanged(state, ctx, {
      text: `That message is ${text.length.toLocaleString('en-US')} characters long; I can read up to ${MAX_MESSAGE_LENGTH.toLocaleString('en-US')}. Nothing was changed.`,
      tone: 'error',
    });
  }
  if (text === '') return unchanged(state, ctx, { text: "I didn't get any text.", tone: 'error' });
  const command = parseCommand(text);
  ctx.turn = {};
  let outcome: TurnOutcome;
  if (command?.kind === 'askHuman') outcome = await unchanged(state, ctx, ...(await askHuman(state.lastQuestion, ctx)));
  else if (state.mode === 'idle') outcome = await idleTurn(text, command, ctx);
  else if (state.mode === 'intake') outcome = await intakeTurn(state.intake, text, command, ctx);
  else outcome = await factsTurn(state.facts, text, command, ctx);
  // Whatever the mode becomes, the last guardrail question is remembered for "ask a human".
  const lastQuestion = ctx.turn.asked ?? state.lastQuestion;
  if (lastQuestion) outcome.state = { ...outcome.state, lastQuestion };
  const commit = outcome.commit;
  if (commit && lastQuestion) {
    outcome.commit = async (tx) => {
      const committed = await commit(tx);
      return committed.state ? { ...committed, state: { ...committed.state, lastQuestion } } : committed;
    };
  }
  return outcome;
}

async function askHuman(lastQuestion: LastQuestion | undefined, ctx: DialogueContext): Promise<Reply[]> {
  if (!lastQuestion) return [{ text: 'Ask me your question first; then say *ask a human* and I will pass it to the right team.', tone: 'info' }];
  if (!ctx.requestHuman) return [{ text: 'I cannot reach the governance teams from here. Please contact them directly.', tone: 'warning' }];
  if (ctx.turn) ctx.turn.handedOver = true;
  return ctx.requestHuman(lastQuestion);
}

/** Replies, then repeats whatever we were waiting for, without changing the state. */
async function unchanged(state: ConversationState, ctx: DialogueContext, ...replies: Reply[]): Promise<TurnOutcome> {
  return { state, replies: [...replies, ...prompt(state, ctx)] };
}

function prompt(state: ConversationState, ctx: DialogueContext): Reply[] {
  if (state.mode === 'intake') return [stepReply(state.intake, ctx)];
  if (state.mode === 'facts') return [factReply(state.facts)];
  return [];
}

// ------------------------------------------------------------------------------------------ idle

async function idleTurn(text: string, command: Command | undefined, ctx: DialogueContext): Promise<TurnOutcome> {
  const idle = (...replies: Reply[]): TurnOutcome => ({ state: IDLE, replies });
  switch (command?.kind) {
    case 'help':
      return idle({ text: HELP_TEXT, tone: 'info' });
    case 'register':
      return startIntake(ctx);
    case 'myApps':
      return idle(appListReply(await listAppsOfOwner(ctx.db, ctx.speaker)));
    case 'status':
      return idle(await statusReply(command.target, ctx));
    case 'update':
      return startUpdate(command.target, ctx);
    case 'ask':
      return idle(...(await answer(command.question, ctx)));
    case 'cancel':
    case 'back':
    case 'skip':
    case 'change':
      return idle({ text: "There's nothing in progress. Say *register* to register an app, or *help* to see what I can do.", tone: 'info' });
    case undefined:
      break;
  }
  if (GREETING.test(text.toLowerCase()) && text.split(/\s+/u).length <= 4) return idle({ text: HELP_TEXT, tone: 'info' });
  if (looksLikeAppDescription(text)) return startIntake(ctx, text);
  if (looksLikeQuestion(text)) return idle(...(await answer(text, ctx)));
  return idle({ text: `I'm not sure what you mean by "${preview(text)}".\n${HELP_TEXT}`, tone: 'info' });
}

async function answer(question: string, ctx: DialogueContext): Promise<Reply[]> {
  if (ctx.answerQuestion) {
    const answered = await ctx.answerQuestion(question);
    if (answered.team && ctx.turn) ctx.turn.asked = { question, team: answered.team, citations: answered.citations ?? [] };
    return answered.replies;
  }
  return [{ text: "I can't answer handbook questions here yet. Your governance team can help; meanwhile, say *register* to register an app.", tone: 'info' }];
}

async function statusReply(target: string | undefined, ctx: DialogueContext): Promise<Reply> {
  if (!target) return appListReply(await listAppsOfOwner(ctx.db, ctx.speaker));
  const app = await findOwnedApp(ctx.db, ctx.speaker, target);
  if (!app) return notFoundReply(target, ctx);
  const assessment = await latestAssessment(ctx.db, app.id);
  return appStatusReply(app, assessment ? toView(assessment) : undefined, ctx.policy);
}

async function notFoundReply(target: string, ctx: DialogueContext): Promise<Reply> {
  const apps = await listAppsOfOwner(ctx.db, ctx.speaker);
  const yours = apps.length > 0 ? ` Your apps: ${apps.map((app) => `${formatReference(app.refNumber)} ${app.name}`).join(', ')}.` : '';
  return { text: `I couldn't find an app of yours called "${preview(target)}".${yours}`, tone: 'warning' };
}

function toView(assessment: { tier: string; teams: string[]; reasons: unknown; assessedBy: string; policyVersion: string }): AssessmentView {
  return {
    tier: assessment.tier as AssessmentView['tier'],
    teams: assessment.teams,
    reasons: (Array.isArray(assessment.reasons) ? assessment.reasons : []) as AssessmentView['reasons'],
    assessedBy: assessment.assessedBy === 'rules+llm' ? 'rules+llm' : 'rules',
    policyVersion: assessment.policyVersion,
  };
}

function newIntake(): IntakeState {
  return {
    draft: {},
    inferred: [],
    step: 'q:name',
    history: [],
    pendingHints: [],
    hintAnswers: {},
    reachedSummary: false,
    extractionDone: false,
  };
}

async function startIntake(ctx: DialogueContext, description?: string): Promise<TurnOutcome> {
  const intake = newIntake();
  const intro: Reply = {
    text: `Let's register your app. I'll ask a few short questions. ${INTAKE_HELP}`,
    tone: 'info',
  };
  if (description) {
    const question = questionById('description') as Question;
    const parsed = question.parse(description);
    if (parsed.ok) {
      intake.draft.description = parsed.value;
      intake.history.push('q:description');
      await afterDescription(intake, ctx);
      intro.text = `Thanks! Let's get it registered. I'll use what you wrote as the description and ask what I still need. ${INTAKE_HELP}`;
    }
  }
  advance(intake);
  return { state: { mode: 'intake', intake }, replies: [intro, stepReply(intake, ctx)] };
}

async function startUpdate(target: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const app = await findOwnedApp(ctx.db, ctx.speaker, target);
  if (!app) return { state: IDLE, replies: [await notFoundReply(target, ctx)] };
  const reference = formatReference(app.refNumber);
  const intake = newIntake();
  intake.draft = profileToDraft(await currentProfile(ctx.db, app)) as Record<string, unknown>;
  intake.updating = { appId: app.id, reference };
  intake.step = 'summary';
  intake.reachedSummary = true;
  return {
    state: { mode: 'intake', intake },
    replies: [
      { text: `Here's ${reference} "${app.name}" as registered (${statusLabel(app.status)}). Say *change <item>* for what you want to change, then *yes* to submit the new version.`, tone: 'info' },
      summaryReply(intake, ctx),
    ],
  };
}

// ---------------------------------------------------------------------------------------- intake

function draftOf(intake: IntakeState): Draft {
  return intake.draft as Draft;
}

function confirmedImplications(intake: IntakeState, policy: Policy): ImpliedFacts[] {
  return policy.intake.riskHints.filter((hint) => intake.hintAnswers[hint.id] === true).map((hint) => hint.implies);
}

/** The draft as it will be submitted: the maker's answers plus what they confirmed. */
function effectiveDraft(intake: IntakeState, policy: Policy): Draft {
  return applyImplications(draftOf(intake), confirmedImplications(intake, policy));
}

function advance(intake: IntakeState): void {
  const hint = intake.pendingHints[0];
  if (hint) {
    intake.step = `hint:${hint}`;
    return;
  }
  const next = nextUnanswered(draftOf(intake));
  intake.step = next ? `q:${next.id}` : 'summary';
  if (!next) intake.reachedSummary = true;
}

async function intakeTurn(intake: IntakeState, text: string, command: Command | undefined, ctx: DialogueContext): Promise<TurnOutcome> {
  const state = (): ConversationState => ({ mode: 'intake', intake });
  const same = (...replies: Reply[]) => unchanged(state(), ctx, ...replies);
  switch (command?.kind) {
    case 'help':
      return same({ text: `${stepHelp(intake)}\n${INTAKE_HELP}`, tone: 'info' });
    case 'cancel':
      return {
        state: IDLE,
        replies: [{ text: intake.updating ? `Cancelled. ${intake.updating.reference} is unchanged.` : 'Cancelled. Nothing was registered.', tone: 'info' }],
      };
    case 'back': {
      const previous = intake.history.pop();
      if (!previous) return same({ text: "This is the first question, so there's nothing to go back to. Say *cancel* to stop.", tone: 'info' });
      intake.step = previous;
      return { state: state(), replies: [stepReply(intake, ctx)] };
    }
    case 'skip':
      return skipTurn(intake, ctx);
    case 'status':
      if (command.target) return same(await statusReply(command.target, ctx));
      return same({ text: progressText(intake, ctx), tone: 'info' });
    case 'myApps':
      return same(appListReply(await listAppsOfOwner(ctx.db, ctx.speaker)));
    case 'change':
      return changeTurn(intake, command.field, ctx);
    case 'ask':
      return same(...(await answer(command.question, ctx)));
    case 'update':
    case 'register':
      return same({
        text: `We're in the middle of ${intake.updating ? `updating ${intake.updating.reference}` : 'a registration'}. Finish it, or say *cancel* first.`,
        tone: 'info',
      });
    case undefined:
      break;
  }
  // A question asked mid-intake ("Can I use Airtable for this?") is answered, then we carry on.
  if (text.endsWith('?') && looksLikeQuestion(text)) return same(...(await answer(text, ctx)));
  if (intake.step === 'summary') return summaryTurn(intake, text, ctx);
  if (intake.step === 'duplicate') return duplicateTurn(intake, text, ctx);
  if (intake.step.startsWith('hint:')) return hintTurn(intake, text, ctx);
  return answerTurn(intake, text, ctx);
}

async function answerTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const question = questionById(intake.step.slice(2));
  if (!question) {
    advance(intake);
    return { state: { mode: 'intake', intake }, replies: [stepReply(intake, ctx)] };
  }
  const parsed = question.parse(text);
  if (!parsed.ok) return unchanged({ mode: 'intake', intake }, ctx, { text: parsed.hint, tone: 'error' });
  return recordAnswer(intake, question, parsed.value, ctx);
}

async function recordAnswer(intake: IntakeState, question: Question, value: unknown, ctx: DialogueContext): Promise<TurnOutcome> {
  intake.draft[question.id] = value;
  intake.inferred = intake.inferred.filter((id) => id !== question.id);
  intake.history.push(`q:${question.id}`);
  if (question.id === 'name') {
    const existing = await findAppByOwnerAndName(ctx.db, ctx.speaker, String(value));
    if (existing && existing.id !== intake.updating?.appId) {
      const reference = formatReference(existing.refNumber);
      intake.duplicateOf = { appId: existing.id, reference };
      intake.step = 'duplicate';
      return { state: { mode: 'intake', intake }, replies: [duplicateReply(intake, existing.name)] };
    }
  }
  // Risky words are checked once there is a description (and again if the name is given after it).
  if (question.id === 'description' || (question.id === 'name' && intake.draft.description !== undefined)) await afterDescription(intake, ctx);
  advance(intake);
  return { state: { mode: 'intake', intake }, replies: [stepReply(intake, ctx)] };
}

/** After the maker describes the app: infer fields (with an LLM) and queue confirm questions for risky words. */
async function afterDescription(intake: IntakeState, ctx: DialogueContext): Promise<void> {
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
  const has = <T>(list: T[] | undefined, wanted: T[] | undefined) => !wanted || wanted.every((item) => list?.includes(item));
  return (
    has(draft.dataCategories, implies.dataCategories) &&
    has(draft.aiDomains, implies.aiDomains) &&
    has(draft.aiPractices, implies.aiPractices) &&
    (implies.aiUsed === undefined || draft.aiUsed === implies.aiUsed) &&
    (implies.profiling === undefined || draft.aiProfiling === implies.profiling) &&
    (implies.decisionImpact === undefined || draft.aiDecisionImpact === implies.decisionImpact)
  );
}

async function hintTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const hintId = intake.step.slice('hint:'.length);
  const parsed = parseYesNo(text);
  if (!parsed.ok) return unchanged({ mode: 'intake', intake }, ctx, { text: parsed.hint, tone: 'error' });
  intake.hintAnswers[hintId] = parsed.value;
  intake.pendingHints = intake.pendingHints.filter((id) => id !== hintId);
  intake.history.push(intake.step);
  advance(intake);
  const noted: Reply[] = parsed.value ? [{ text: 'Noted, thanks.', tone: 'info' }] : [];
  return { state: { mode: 'intake', intake }, replies: [...noted, stepReply(intake, ctx)] };
}

async function duplicateTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const duplicate = intake.duplicateOf;
  const said = text.toLowerCase().trim();
  const yes = parseYesNo(text);
  if (duplicate && (said === 'update' || said === 'update it' || (yes.ok && yes.value))) {
    const app = await ctx.db.app.findUnique({ where: { id: duplicate.appId } });
    if (app) {
      const answered = { ...intake.draft };
      delete answered.name;
      intake.draft = { ...(profileToDraft(await currentProfile(ctx.db, app)) as Record<string, unknown>), ...answered };
      intake.updating = duplicate;
      delete intake.duplicateOf;
      intake.step = 'summary';
      intake.reachedSummary = true;
      return {
        state: { mode: 'intake', intake },
        replies: [{ text: `OK, we'll update ${duplicate.reference}. Here it is with your changes; say *change <item>* to edit, or *yes* to submit.`, tone: 'info' }, summaryReply(intake, ctx)],
      };
    }
  }
  if (said === 'rename' || said === 'new' || said === 'new name' || (yes.ok && !yes.value)) {
    delete intake.draft.name;
    delete intake.duplicateOf;
    intake.history = intake.history.filter((step) => step !== 'q:name');
    intake.step = 'q:name';
    return { state: { mode: 'intake', intake }, replies: [{ text: 'OK, a new app then. It needs a different name.', tone: 'info' }, stepReply(intake, ctx)] };
  }
  return unchanged({ mode: 'intake', intake }, ctx, { text: 'Please answer *update* to update the existing app, or *rename* to register a new one.', tone: 'error' });
}

async function skipTurn(intake: IntakeState, ctx: DialogueContext): Promise<TurnOutcome> {
  const question = intake.step.startsWith('q:') ? questionById(intake.step.slice(2)) : undefined;
  if (question && question.skipValue !== undefined) return recordAnswer(intake, question, question.skipValue, ctx);
  const why = question ? `I need this one: ${question.why}` : 'This one needs an answer.';
  return unchanged({ mode: 'intake', intake }, ctx, { text: why, tone: 'info' });
}

async function changeTurn(intake: IntakeState, field: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const draft = draftOf(intake);
  const question = findQuestionByWords(field, draft);
  const answered = question && (draft[question.id] !== undefined || intake.reachedSummary);
  if (!question || !answered) {
    const items = applicableQuestions(draft)
      .filter((candidate) => draft[candidate.id] !== undefined)
      .map((candidate) => candidate.label.toLowerCase());
    return unchanged({ mode: 'intake', intake }, ctx, {
      text: items.length > 0 ? `I can change: ${items.join(', ')}.` : "There's nothing to change yet.",
      tone: 'error',
    });
  }
  intake.history.push(intake.step);
  intake.step = `q:${question.id}`;
  return { state: { mode: 'intake', intake }, replies: [stepReply(intake, ctx)] };
}

async function summaryTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const said = text.toLowerCase().trim().replace(/[.!]+$/u, '');
  const yes = parseYesNo(text);
  if (['submit', 'confirm', 'looks good', 'correct', 'send', 'go', 'done'].includes(said) || (yes.ok && yes.value)) return submitTurn(intake, ctx);
  if (yes.ok && !yes.value) {
    return unchanged({ mode: 'intake', intake }, ctx, { text: 'What would you like to change? For example: *change audience*.', tone: 'info' });
  }
  const question = findQuestionByWords(said, draftOf(intake));
  if (question) return changeTurn(intake, said, ctx);
  return unchanged({ mode: 'intake', intake }, ctx, { text: 'Reply *yes* to submit, *change <item>* to edit an answer, or *cancel*.', tone: 'error' });
}

async function submitTurn(intake: IntakeState, ctx: DialogueContext): Promise<TurnOutcome> {
  const candidate = draftToProfileSafely(effectiveDraft(intake, ctx.policy), ctx.speaker);
  if (!candidate.ok) {
    advance(intake);
    return unchanged({ mode: 'intake', intake }, ctx, { text: `Some answers need another look: ${candidate.problems.join('; ')}`, tone: 'error' });
  }
  const profile = candidate.profile;
  const assessment = await ctx.assess(profile);
  const updating = intake.updating;
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => {
      let result: SubmitResult;
      try {
        result = await submitApp(tx, {
          owner: ctx.speaker,
          profile,
          assessment,
          ...(updating ? { updatingAppId: updating.appId } : {}),
          policy: ctx.policy,
          deliveryPlatforms: ctx.deliveryPlatforms,
        });
      } catch (error) {
        if (!(error instanceof DuplicateAppNameError)) throw error;
        delete intake.draft.name;
        intake.step = 'q:name';
        return {
          state: { mode: 'intake', intake },
          replies: [{ text: `You already have an app with that name (${error.reference}). Please pick another name, or *cancel* and say *update ${error.reference}*.`, tone: 'error' }, stepReply(intake, ctx)],
        };
      }
      const replies = [submittedReply(result, profile, assessment, ctx.policy)];
      const facts = assessment.suggestedFacts;
      if (facts.length === 0) return { replies };
      const factsState: FactsState = { appId: result.appId, reference: result.reference, facts, index: 0, confirmed: [] };
      replies.push({ text: 'The AI assessor thinks the profile may be missing something. Please confirm or correct it:', tone: 'info' }, factReply(factsState));
      return { replies, state: { mode: 'facts', facts: factsState } };
    },
  };
}

function draftToProfileSafely(draft: Draft, owner: Owner): { ok: true; profile: AppProfile } | { ok: false; problems: string[] } {
  try {
    return { ok: true, profile: draftToProfile(draft, owner) };
  } catch {
    const result = AppProfileSchema.safeParse(draft);
    return { ok: false, problems: result.success ? ['the profile is incomplete'] : describeIssues(result.error) };
  }
}

export function submittedReply(result: SubmitResult, profile: AppProfile, assessment: AssessmentOutcome, policy: Policy): Reply {
  const tier = policy.tiers[assessment.tier];
  const llmFailed = typeof assessment.llm === 'object' && assessment.llm !== null && 'error' in assessment.llm;
  const lines = [
    result.created
      ? `Registered ${result.reference} "${profile.name}".`
      : `Updated ${result.reference} "${profile.name}" (version ${result.version}).`,
    `Risk tier: ${assessment.tier.toUpperCase()}. ${tier.meaning}`,
    `Assessed by ${assessedByLabel(assessment)}${llmFailed ? ' (the AI assessment was unavailable this time)' : ''}, policy ${assessment.policyVersion}.`,
    'Why:',
    ...reasonLines(assessment),
    `What happens next: ${tier.nextSteps}`,
  ];
  if (result.escalatedTo.length > 0) {
    lines.push(`Reviewers informed: ${result.escalatedTo.map((delivery) => delivery.destination).join(', ')}.`);
  }
  return {
    title: result.created ? `Registered ${result.reference}` : `Updated ${result.reference}`,
    text: lines.join('\n'),
    fields: [
      { label: 'Reference', value: result.reference },
      { label: 'Status', value: statusLabel(result.status) },
      { label: 'Risk tier', value: assessment.tier },
      ...(assessment.teams.length > 0 ? [{ label: 'Reviewers', value: teamNames(policy, assessment.teams) }] : []),
    ],
    tone: assessment.tier === 'low' ? 'success' : 'info',
  };
}

// ----------------------------------------------------------------------------------------- facts

function factReply(facts: FactsState): Reply {
  const fact = facts.facts[facts.index];
  return {
    text: `${fact?.fact ?? ''} Is that right?`,
    buttons: YES_NO_BUTTONS,
    questionId: `fact:${facts.index}`,
    tone: 'question',
  };
}

async function factsTurn(facts: FactsState, text: string, command: Command | undefined, ctx: DialogueContext): Promise<TurnOutcome> {
  const state: ConversationState = { mode: 'facts', facts };
  if (command?.kind === 'cancel') return { state: IDLE, replies: [{ text: `OK, ${facts.reference} stays as registered.`, tone: 'info' }] };
  if (command?.kind === 'help') return unchanged(state, ctx, { text: `Answer yes or no: confirmed facts are added to ${facts.reference} and its rules re-run. Say *cancel* to leave it as it is.`, tone: 'info' });
  if (command?.kind === 'myApps') return unchanged(state, ctx, appListReply(await listAppsOfOwner(ctx.db, ctx.speaker)));
  if (command?.kind === 'status') return unchanged(state, ctx, await statusReply(command.target ?? facts.reference, ctx));
  const parsed = parseYesNo(text);
  if (!parsed.ok) return unchanged(state, ctx, { text: parsed.hint, tone: 'error' });
  const fact = facts.facts[facts.index];
  if (parsed.value && fact?.implies) facts.confirmed.push(fact.implies);
  facts.index += 1;
  if (facts.index < facts.facts.length) return { state, replies: [factReply(facts)] };
  if (facts.confirmed.length === 0) return { state: IDLE, replies: [{ text: `Thanks. ${facts.reference} stays as registered.`, tone: 'info' }] };

  const app = await ctx.db.app.findUniqueOrThrow({ where: { id: facts.appId } });
  const before = await currentProfile(ctx.db, app);
  const previous = await latestAssessment(ctx.db, app.id);
  const profile = draftToProfile(applyImplications(profileToDraft(before), facts.confirmed), before.owner ?? ctx.speaker);
  const assessment = await ctx.reassess(profile, previous ? toView(previous) : { tier: 'low', teams: [], reasons: [], assessedBy: 'rules', policyVersion: ctx.policy.version });
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => {
      const result = await submitApp(tx, {
        owner: ctx.speaker,
        profile,
        assessment,
        updatingAppId: app.id,
        policy: ctx.policy,
        deliveryPlatforms: ctx.deliveryPlatforms,
      });
      return { replies: [{ text: 'Thanks, I added what you confirmed and re-ran the rules.', tone: 'info' }, submittedReply(result, profile, assessment, ctx.policy)] };
    },
  };
}

// ------------------------------------------------------------------------------------- rendering

function stepHelp(intake: IntakeState): string {
  if (intake.step === 'summary') return 'This is the summary of your answers. Reply *yes* to submit, or *change <item>* to edit one.';
  if (intake.step === 'duplicate') return 'You already registered an app with this name. *update* changes that app; *rename* registers a new one.';
  if (intake.step.startsWith('hint:')) return 'Something you wrote suggests a risk that changes which rules apply, so please confirm it with yes or no.';
  const question = questionById(intake.step.slice(2));
  return question ? `${question.why}${question.skipValue !== undefined ? ' You can *skip* this one.' : ''}` : '';
}

function progressText(intake: IntakeState, ctx: DialogueContext): string {
  const draft = effectiveDraft(intake, ctx.policy);
  const questions = applicableQuestions(draft);
  const answered = questions.filter((question) => draft[question.id] !== undefined).length;
  const what = intake.updating ? `updating ${intake.updating.reference}` : `registering ${draft.name ? `"${draft.name}"` : 'a new app'}`;
  return `We're ${what}: ${answered} of ${questions.length} questions answered. Nothing is registered until you confirm the summary.`;
}

function duplicateReply(intake: IntakeState, name: string): Reply {
  const reference = intake.duplicateOf?.reference ?? '';
  return {
    text: `You already registered ${reference} "${name}". Do you want to update that app instead of registering a new one?`,
    buttons: [
      { label: `Update ${reference}`, value: 'update', style: 'primary' },
      { label: 'Register a new one', value: 'rename' },
    ],
    questionId: 'duplicate',
    tone: 'question',
  };
}

export function stepReply(intake: IntakeState, ctx: DialogueContext): Reply {
  if (intake.step === 'summary') return summaryReply(intake, ctx);
  if (intake.step === 'duplicate') return duplicateReply(intake, String(intake.draft.name ?? ''));
  if (intake.step.startsWith('hint:')) {
    const hint = ctx.policy.intake.riskHints.find((candidate) => `hint:${candidate.id}` === intake.step);
    return { text: hint?.confirm ?? 'Please confirm with yes or no.', buttons: YES_NO_BUTTONS, questionId: intake.step, tone: 'question' };
  }
  const question = questionById(intake.step.slice(2));
  if (!question) return summaryReply(intake, ctx);
  const draft = draftOf(intake);
  let text = question.prompt;
  const current = draft[question.id];
  if (current !== undefined) text += ` (Currently: ${question.format(current)}.)`;
  if (question.id === 'dataCategories') {
    const noted = effectiveDraft(intake, ctx.policy).dataCategories ?? [];
    if (current === undefined && noted.length > 0) text += ` Already noted from your earlier answers: ${question.format(noted)}.`;
  }
  // Yes/No buttons only where the answer is a yes or a no (free text also accepts the word "yes").
  const yes = question.parse('yes');
  const no = question.parse('no');
  const isYesNo = !question.options && yes.ok && yes.value === true && no.ok && no.value === false;
  return {
    text,
    ...(question.options ? { choices: { multiple: question.multiple ?? false, options: question.options } } : {}),
    ...(isYesNo ? { buttons: YES_NO_BUTTONS } : {}),
    questionId: intake.step,
    tone: 'question',
  };
}

function summaryReply(intake: IntakeState, ctx: DialogueContext): Reply {
  const draft = effectiveDraft(intake, ctx.policy);
  const questions = applicableQuestions(draft);
  const fields = questions.map((question) => {
    const value = draft[question.id as DraftKey];
    const inferred = intake.inferred.includes(question.id);
    return { label: question.label, value: value === undefined ? '—' : question.format(value), ...(inferred ? { inferred } : {}) };
  });
  const anyInferred = fields.some((field) => field.inferred);
  const heading = intake.updating ? `Summary of ${intake.updating.reference} (new version)` : 'Summary';
  const lines = fields.map((field) => `${field.label}: ${field.value}${field.inferred ? ' (inferred)' : ''}`);
  return {
    title: heading,
    text: [
      `${heading}:`,
      ...lines,
      anyInferred ? 'Items marked (inferred) come from your description; check them before you submit.' : '',
      'Reply *yes* to submit, *change <item>* to edit (e.g. *change audience*), or *cancel*.',
    ]
      .filter(Boolean)
      .join('\n'),
    fields,
    buttons: [
      { label: intake.updating ? 'Submit new version' : 'Submit', value: 'yes', style: 'primary' },
      { label: 'Cancel', value: 'cancel', style: 'danger' },
    ],
    choices: {
      multiple: false,
      options: questions.map((question) => ({ value: `change ${question.aliases[0] ?? question.id}`, label: `Change: ${question.label}` })),
    },
    questionId: 'summary',
    tone: 'question',
  };
}
