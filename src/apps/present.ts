import { teamNames } from '../policy/schema.ts';
import type { AppRow } from '../store/types.ts';
import type { Reply, ReplyField } from '../chat/reply.ts';
import { profileToDraft } from '../profile/draft.ts';
import type { AnswerQuestion } from '../profile/answers.ts';
import { answerLabel, formatAnswer } from '../profile/answers.ts';
import { applicableFields } from '../profile/fields.ts';
import type { AppProfile } from '../profile/schema.ts';
import type { Assessment } from '../assessment/assess.ts';
import type { Policy } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';

// How apps, profiles and assessments read in chat. Shared by the maker's and the reviewers' messages.

const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  submitted: 'Registered, reviewers informed',
  in_review: 'In review',
  approved: 'Approved',
  changes_requested: 'Changes requested',
  rejected: 'Rejected',
  retired: 'Retired',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** The profile as label and value lines; answers to the policy's own questions last, by the policy's labels. */
export function profileFields(profile: AppProfile, policy?: Policy): ReplyField[] {
  const draft = profileToDraft(profile);
  const fields = applicableFields(draft).map((field) => ({
    label: field.label,
    value: field.format(draft[field.id]),
  }));
  return [...fields, ...answerFields(profile, policy)];
}

/** The answers in the policy's question order; answers to questions it no longer asks after them, by id. */
function answerFields(profile: AppProfile, policy: Policy | undefined): ReplyField[] {
  const answers = profile.answers ?? {};
  const questions = policy?.intake.questions ?? [];
  const asked = questions.filter((question) => question.id in answers);
  const others = Object.keys(answers)
    .filter((id) => !questions.some((question) => question.id === id))
    .map((id) => ({ id, type: typeOf(answers[id]) }));
  return [...asked, ...others].map((question) => ({
    label: answerLabel(question),
    value: formatAnswer(question, answers[question.id]),
  }));
}

function typeOf(value: unknown): AnswerQuestion['type'] {
  if (typeof value === 'boolean') return 'yesno';
  if (typeof value === 'number') return 'number';
  return Array.isArray(value) ? 'multi' : 'text';
}

export function reasonLines(assessment: Assessment): string[] {
  if (assessment.reasons.length === 0) return ['No policy rule applies.'];
  return assessment.reasons.map(
    (reason) => `• ${reason.rule} (${reason.tier}): ${reason.explanation}${reason.source ? ` [${reason.source}]` : ''}`,
  );
}

export function assessedByLabel(assessment: Assessment): string {
  return assessment.assessedBy === 'rules+llm' ? 'policy rules and AI assessment' : 'policy rules only';
}

export function appListReply(apps: AppRow[]): Reply {
  if (apps.length === 0)
    return { text: "You haven't registered any apps yet. Say *register* to add one.", tone: 'info' };
  const lines = apps.map(
    (app) =>
      `${formatReference(app.refNumber)}  ${app.name} — ${statusLabel(app.status)}${app.tier ? `, ${app.tier} risk` : ''}`,
  );
  return {
    title: 'Your apps',
    text: lines.join('\n'),
    fields: apps.map((app) => ({
      label: `${formatReference(app.refNumber)} ${app.name}`,
      value: `${statusLabel(app.status)}${app.tier ? ` · ${app.tier} risk` : ''}`,
    })),
    tone: 'info',
  };
}

export function appStatusReply(app: AppRow, assessment: Assessment | undefined, policy: Policy): Reply {
  const reference = formatReference(app.refNumber);
  const lines = [`${reference} "${app.name}" (version ${app.currentVersion}): ${statusLabel(app.status)}.`];
  if (assessment) {
    lines.push(`Risk tier: ${assessment.tier} (${assessedByLabel(assessment)}, policy ${assessment.policyVersion}).`);
    if (assessment.teams.length > 0) lines.push(`Reviewers: ${teamNames(policy, assessment.teams)}.`);
    lines.push(...reasonLines(assessment));
  }
  return { title: `${reference} ${app.name}`, text: lines.join('\n'), tone: 'info' };
}
