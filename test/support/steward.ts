// Builds the core on a test database, the way src/runtime/services.ts does, with a recording transport.
import { ConversationEngine } from '../../src/conversation/engine.ts';
import type { DialogueDeps, InboundMessage } from '../../src/conversation/engine.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { LlmClient } from '../../src/llm/client.ts';
import type { OutgoingMessage, OutboxTransport } from '../../src/outbox/transport.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import type { Policy } from '../../src/policy/schema.ts';
import type { Store } from '../../src/store/store.ts';
import { createGuardrailAdvisor } from '../../src/handbook/answer.ts';
import { createDialogueDeps } from '../../src/runtime/dialogue-deps.ts';
import { defaultVocabulary } from '../../src/intake/understand/vocabulary.ts';
import { loadHandbook, resolveHandbookDir } from '../../src/handbook/load.ts';
import { DEFAULT_POLICY_PATH } from '../../src/policy/load.ts';

export interface TestSteward {
  engine: ConversationEngine;
  worker: OutboxWorker;
  policy: Policy;
  delivered: OutgoingMessage[];
  /** Sends one message as `user` (default "maker") and returns the replies' text joined. */
  say(text: string, user?: string, extra?: Partial<InboundMessage>): Promise<string>;
  sayFull(text: string, user?: string, extra?: Partial<InboundMessage>): Promise<Reply[]>;
}

export function recordingTransport(platform: string, delivered: OutgoingMessage[]): OutboxTransport {
  return {
    platform,
    async deliver(message) {
      delivered.push(message);
      return { receipt: { id: `msg-${delivered.length}` } };
    },
  };
}

export function createTestSteward(
  store: Store,
  options: {
    llm?: LlmClient;
    policy?: Policy;
    platforms?: string[];
    /** Changes what the dialogue gets from the rest of the core (to inject a fault, say). */
    wrapDeps?: (deps: DialogueDeps) => DialogueDeps;
  } = {},
): TestSteward {
  const policy = options.policy ?? loadPolicy();
  const delivered: OutgoingMessage[] = [];
  const platforms = options.platforms ?? ['console'];
  const llm = options.llm;
  const advisor = createGuardrailAdvisor({
    policy,
    handbook: loadHandbook(resolveHandbookDir(policy, DEFAULT_POLICY_PATH), policy),
    ...(llm ? { llm } : {}),
  });
  // The same wiring as the server's (src/runtime/services.ts).
  const deps = createDialogueDeps({
    policy,
    vocabulary: defaultVocabulary(),
    advisor,
    ...(llm ? { llm } : {}),
    deliveryPlatforms: platforms,
  });
  const engine = new ConversationEngine(store, () => (options.wrapDeps ? options.wrapDeps(deps) : deps));
  const worker = new OutboxWorker({
    store,
    transports: platforms.map((platform) => recordingTransport(platform, delivered)),
  });
  const sayFull = async (text: string, user = 'maker', extra: Partial<InboundMessage> = {}) => {
    const result = await engine.handle({
      platform: 'console',
      channelId: 'dm',
      user: { userId: user, displayName: user },
      text,
      ...extra,
    });
    return result.replies;
  };
  return {
    engine,
    worker,
    policy,
    delivered,
    sayFull,
    say: async (text, user, extra) => (await sayFull(text, user, extra)).map((reply) => reply.text).join('\n---\n'),
  };
}

/**
 * After "register", a name and a description: the rest of a registration that is escalated to privacy
 * (personal data shared across a department of 45), ending with the "yes" that submits it.
 */
export const MEDIUM_RISK_ANSWERS = [
  'power apps', // platform
  'Customer Service', // department
  'department', // audience
  '45', // users
  'personal', // data
  'none', // systems
  'no', // AI
  'medium', // criticality
  'no', // external sharing
  'sam.backup@example.com', // backup owner (asked from medium risk up)
  'yes', // submit
];

/** Answers for a complete low-risk registration, after "register". */
export const LOW_RISK_ANSWERS = [
  'Team lunch rota', // name
  'Keeps track of who orders lunch for the team each week', // description
  'Excel', // platform
  'Facilities', // department
  'my team', // audience
  '8', // users
  'internal', // data
  'none', // systems
  'no', // AI
  'minor', // criticality
  'no', // external sharing
];

/**
 * A low-risk registration's answers by the words of the question asked, for dialogues that start
 * part-filled (from the inventory, say): the answer to the last question in `reply` (list options
 * aside), else "no" (a risk hint to confirm).
 */
export function lowRiskAnswerTo(reply: string): string {
  const byQuestion: Array<[RegExp, string]> = [
    [/Which department/u, 'Finance'],
    [/Who will use it/u, 'my team'],
    [/how many people/iu, '8'],
    [/What kinds of data/u, 'internal'],
    [/connect to other systems/u, 'none'],
    [/use AI/u, 'no'],
    [/stopped working/u, 'minor'],
    [/outside the company/u, 'no'],
  ];
  const lines = reply.split('\n').filter((line) => !/^\s*\d+\.\s/u.test(line));
  for (const line of lines.reverse()) {
    const answer = byQuestion.find(([words]) => words.test(line));
    if (answer) return answer[1];
  }
  return 'no';
}
