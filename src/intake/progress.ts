import type { Policy, ImpliedFacts } from '../policy/schema.ts';
import type { Draft } from '../profile/draft.ts';
import { applyImplications } from '../profile/draft.ts';
import type { AskContext } from './questions.ts';
import { nextUnanswered } from './questions.ts';
import type { IntakeState } from './state.ts';

// Where an intake stands: the draft as answered and as it will be submitted, and what comes next.

export function newIntake(): IntakeState {
  return {
    draft: {},
    inferred: [],
    step: 'q:name',
    history: [],
    pendingHints: [],
    hintAnswers: {},
    reachedSummary: false,
    extractionDone: false,
    misses: 0,
    llmReadings: 0,
  };
}

export function draftOf(intake: IntakeState): Draft {
  return intake.draft as Draft;
}

function confirmedImplications(intake: IntakeState, policy: Policy): ImpliedFacts[] {
  return policy.intake.riskHints.filter((hint) => intake.hintAnswers[hint.id] === true).map((hint) => hint.implies);
}

/** The draft as it will be submitted: the maker's answers plus what they confirmed. */
export function effectiveDraft(intake: IntakeState, policy: Policy): Draft {
  return applyImplications(draftOf(intake), confirmedImplications(intake, policy));
}

/** What decides which questions this intake asks, beside its answers (see AskContext). */
export function askContext(intake: IntakeState, policy: Policy): AskContext {
  return { policy, effective: effectiveDraft(intake, policy) };
}

/**
 * Moves to the next pending risk hint, else the next unanswered question, else the summary. Without the
 * policy, questions that depend on it (the backup owner) are passed over.
 */
export function advance(intake: IntakeState, policy?: Policy): void {
  delete intake.clarify;
  delete intake.lastMiss;
  intake.misses = 0;
  const hint = intake.pendingHints[0];
  if (hint) {
    intake.step = `hint:${hint}`;
    return;
  }
  const next = nextUnanswered(draftOf(intake), policy ? askContext(intake, policy) : undefined);
  intake.step = next ? `q:${next.id}` : 'summary';
  if (!next) intake.reachedSummary = true;
}

/** Moves to a given step (back, change): any pending reading of the old step is dropped. */
export function goTo(intake: IntakeState, step: string): void {
  delete intake.clarify;
  delete intake.lastMiss;
  intake.misses = 0;
  intake.step = step;
}
