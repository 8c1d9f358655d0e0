import type { Reply } from '../chat/reply.ts';
import type { AssessmentResult } from '../assessment/assess.ts';
import { backupOwnerReason, tierNeedingBackupOwner } from '../assessment/backup-owner.ts';
import { submittedReply } from './submitted-reply.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import { AppProfileSchema } from '../profile/schema.ts';
import type { Policy } from '../policy/schema.ts';
import type { Store } from '../store/store.ts';
import type { SubmitResult } from './submit.ts';
import { DuplicateAppNameError, submitApp } from './submit.ts';

// Registers a whole profile at once: a form (Slack's modal) or a bulk import, rather than a chat.

export interface RegisterDeps {
  store: Store;
  policy: Policy;
  deliveryPlatforms: string[];
  assess(profile: AppProfile): Promise<AssessmentResult>;
}

export interface RegisterOptions {
  /** The platform's id for the submission: a second delivery registers nothing. */
  eventId?: string;
  /**
   * Refuse, with an error on `backupOwner`, an app whose tier needs a backup owner (policy
   * lifecycle.backupOwnerFrom) and has none: a form asks for one. An import of existing apps does not.
   */
  requireBackupOwner?: boolean;
}

export type RegisterOutcome =
  | { ok: true; result: SubmitResult; assessment: AssessmentResult; reply: Reply }
  | { ok: false; duplicate?: boolean; errors: Record<string, string> };

/** "systems.0.name" -> message, for forms that show errors next to each field. */
export function fieldErrors(input: unknown): Record<string, string> | undefined {
  const parsed = AppProfileSchema.safeParse(input);
  if (parsed.success) return undefined;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join('.') || 'profile';
    errors[key] ??= issue.message;
  }
  return errors;
}

export async function registerProfile(
  deps: RegisterDeps,
  owner: Owner,
  input: unknown,
  options: RegisterOptions = {},
): Promise<RegisterOutcome> {
  const errors = fieldErrors(input);
  if (errors) return { ok: false, errors };
  const profile: AppProfile = { ...AppProfileSchema.parse(input), owner };
  // Answers to the policy's own questions must fit those questions, as the chat and the CSV import see to.
  const answerErrors = answerProblems(profile.answers, deps.policy);
  if (Object.keys(answerErrors).length > 0) return { ok: false, errors: answerErrors };
  const backupProblem = backupOwnerProblem(profile, owner, deps.policy, options);
  if (backupProblem) return { ok: false, errors: { backupOwner: backupProblem } };
  const assessment = await deps.assess(profile);
  try {
    const result = await deps.store.transaction(async (tx) => {
      // A form submitted twice (Slack retries the view_submission) registers once.
      if (options.eventId && !(await tx.events.remember(options.eventId))) return undefined;
      return submitApp(tx, {
        owner,
        profile,
        assessment,
        policy: deps.policy,
        deliveryPlatforms: deps.deliveryPlatforms,
      });
    });
    if (!result) return { ok: false, duplicate: true, errors: {} };
    return { ok: true, result, assessment, reply: submittedReply(result, profile, assessment, deps.policy) };
  } catch (error) {
    if (error instanceof DuplicateAppNameError) {
      return {
        ok: false,
        errors: {
          name: `You already registered an app with this name (${error.reference}). Update it instead, or choose another name.`,
        },
      };
    }
    throw error;
  }
}

/** The backup owner is someone else; from the policy's tier up, a form must name one (checked before any LLM call). */
function backupOwnerProblem(
  profile: AppProfile,
  owner: Owner,
  policy: Policy,
  options: RegisterOptions,
): string | undefined {
  const backup = profile.backupOwner;
  if (backup && backup.platform === owner.platform && backup.userId === owner.userId)
    return 'The backup owner should be someone other than you.';
  if (backup || !options.requireBackupOwner) return undefined;
  const tier = tierNeedingBackupOwner(profile, policy);
  return tier ? `${backupOwnerReason(tier, policy)} Choose who that is.` : undefined;
}

/** Each answer that does not fit the policy's question of that id, keyed `answers.<id>` as forms show it. */
function answerProblems(answers: AppProfile['answers'], policy: Policy): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [id, value] of Object.entries(answers ?? {})) {
    const question = policy.intake.questions.find((candidate) => candidate.id === id);
    const key = `answers.${id}`;
    if (!question) {
      problems[key] = `The policy has no question "${id}".`;
      continue;
    }
    const options = (question.options ?? []).map((option) => option.value);
    const expected: Record<typeof question.type, [boolean, string]> = {
      yesno: [typeof value === 'boolean', 'yes or no'],
      number: [typeof value === 'number' && value >= 0, 'a number, 0 or more'],
      text: [typeof value === 'string' && value.trim() !== '', 'some text'],
      choice: [typeof value === 'string' && options.includes(value), `one of ${options.join(', ')}`],
      multi: [Array.isArray(value) && value.every((one) => options.includes(one)), `some of ${options.join(', ')}`],
    };
    const [fits, wanted] = expected[question.type];
    if (!fits) problems[key] = `Expected ${wanted}.`;
  }
  return problems;
}
