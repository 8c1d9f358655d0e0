import type { Reply } from '../chat/reply.ts';
import type { Policy } from '../policy/schema.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import type { AssessmentResult } from '../assessment/assess.ts';
import type { Assessment } from '../assessment/assess.ts';
import type { Store } from '../store/store.ts';
import type { Draft } from '../profile/draft.ts';
import type { Question } from './questions.ts';
import type { ConversationState, LastQuestion } from './state.ts';
import type { Vocabulary } from './understand/vocabulary.ts';

// What one turn of the registration dialogue gets (the context) and gives back (the outcome).

interface QuestionAnswer {
  replies: Reply[];
  /** The team that owns the answer, who would take the question if the maker wants a person. */
  team?: string;
  citations?: Array<{ id: string; title: string }>;
}

export interface DialogueContext {
  speaker: Owner;
  /** People the message mentions, on the speaker's platform (see InboundMessage.mentions). */
  mentions?: ReadonlyArray<{ userId: string; displayName?: string; text: string }>;
  policy: Policy;
  /** The words answers are read by (policy/vocabulary.yaml). */
  vocabulary: Vocabulary;
  store: Store;
  deliveryPlatforms: string[];
  assess(profile: AppProfile): Promise<AssessmentResult>;
  /** Re-runs the rules after the maker confirmed facts, keeping the earlier AI assessment as a floor. */
  reassess(profile: AppProfile, previous: Assessment): Promise<AssessmentResult>;
  /** Profile fields inferred from a free-text description (one LLM call), or nothing without an LLM. */
  extract?(description: string): Promise<Partial<Draft> | undefined>;
  /**
   * An answer the rules could not read, put in the words the rules do read (one LLM call), or nothing.
   * The reading is always confirmed with the maker.
   */
  interpret?(question: Question, answer: string): Promise<string | undefined>;
  /** Where the maker is talking to us, for handing a question over to a human. */
  address?: { channelId: string; threadId?: string };
  /** Guardrail questions ("Can I put card numbers in Airtable?") answered from the handbook. */
  answerQuestion?(question: string): Promise<QuestionAnswer>;
  /** Posts the maker's last question to the owning team's channel ("ask a human"). */
  requestHuman?(question: LastQuestion, tx: Store): Promise<Reply[]>;
  /** Filled during the turn: the question answered in it, remembered for "ask a human". */
  turn?: { asked?: LastQuestion; handedOver?: boolean };
}

interface CommitResult {
  replies: Reply[];
  state?: ConversationState;
}

export interface TurnOutcome {
  state: ConversationState;
  replies: Reply[];
  /** Writes the turn's effects, on the store of the turn's transaction. */
  commit?: (tx: Store) => Promise<CommitResult>;
}
