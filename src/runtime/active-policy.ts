import { readFileSync } from 'node:fs';
import type { AssessmentResult } from '../assessment/assess.ts';
import type { DialogueDeps } from '../conversation/engine.ts';
import { createGuardrailAdvisor } from '../handbook/answer.ts';
import type { GuardrailAdvisor } from '../handbook/answer.ts';
import { loadHandbook, resolveHandbookDir } from '../handbook/load.ts';
import { loadVocabulary, resolveVocabularyPath } from '../intake/understand/vocabulary.ts';
import type { LlmClient } from '../llm/client.ts';
import type { Logger } from '../logger.ts';
import { loadPolicyFromText } from '../policy/load.ts';
import type { Policy } from '../policy/schema.ts';
import type { AppProfile } from '../profile/schema.ts';
import type { Store } from '../store/store.ts';
import { createDialogueDeps } from './dialogue-deps.ts';

// The policy in force and what is built from it (the handbook's advisor, the dialogue's vocabulary and
// assessment). Once a policy is published, the database holds it: every instance follows the newest
// published number, checked before each piece of work, so a publish on one instance reaches all.
// Paths a published policy names (handbook.dir, intake.vocabulary) are read relative to the folder of
// the policy file this instance started with, since a published policy has no folder of its own.

export interface PolicyBound {
  policy: Policy;
  /** Its YAML: a publish keeps the text it replaces. */
  source: string;
  /** The published number it came from; undefined while nothing was published (the file rules). */
  number: number | undefined;
  dialogue: DialogueDeps & { assess(profile: AppProfile): Promise<AssessmentResult> };
  advisor: GuardrailAdvisor;
}

export interface BindOptions {
  /** The file the instance started with: the folder a policy's relative paths are read from. */
  policyFile: string;
  llm?: LlmClient;
  deliveryPlatforms: string[];
  logger: Logger;
}

type Resources = { handbook: ReturnType<typeof loadHandbook>; vocabulary: ReturnType<typeof loadVocabulary> };

/** The handbook and vocabulary a policy names, validated: a broken one is refused like a broken policy. */
export function loadPolicyResources(policy: Policy, policyFile: string): Resources {
  return {
    handbook: loadHandbook(resolveHandbookDir(policy, policyFile), policy),
    vocabulary: loadVocabulary(resolveVocabularyPath(policy, policyFile)),
  };
}

/** Wires the dialogue and the handbook's advisor to a policy; throws as loading its files does. */
function bindPolicy(
  policy: Policy,
  source: string,
  number: number | undefined,
  options: BindOptions,
  resources: Resources = loadPolicyResources(policy, options.policyFile),
): PolicyBound {
  const { handbook, vocabulary } = resources;
  const { llm } = options;
  const advisor = createGuardrailAdvisor({ policy, handbook, ...(llm ? { llm } : {}) });
  const dialogue = createDialogueDeps({
    policy,
    vocabulary,
    advisor,
    ...(llm ? { llm } : {}),
    deliveryPlatforms: options.deliveryPlatforms,
    logger: options.logger,
  });
  return { policy, source, number, dialogue, advisor };
}

/** How a published policy's text is named in errors. */
export function publishedSourceName(number: number, version: string): string {
  return `published policy #${number} (version ${version})`;
}

export class ActivePolicy {
  private checking: Promise<void> | undefined;
  /** A published number that failed to load here: not tried again on every turn. */
  private refusedNumber: number | undefined;

  constructor(
    private readonly store: Store,
    private current: PolicyBound,
    private readonly options: BindOptions,
  ) {}

  /** At start: the newest published policy when there is one, else the file's. */
  static async open(
    store: Store,
    filePolicy: Policy,
    options: BindOptions,
    fileResources: Resources,
  ): Promise<ActivePolicy> {
    const row = await store.policies.active();
    const bound = row
      ? bindPolicy(
          loadPolicyFromText(row.source, publishedSourceName(row.number, row.version)),
          row.source,
          row.number,
          options,
        )
      : bindPolicy(filePolicy, readFileSync(options.policyFile, 'utf8'), undefined, options, fileResources);
    return new ActivePolicy(store, bound, options);
  }

  get bound(): PolicyBound {
    return this.current;
  }

  get policy(): Policy {
    return this.current.policy;
  }

  /** Follows a publish made anywhere: one small query, and a rebuild only when the number moved. */
  refresh(): Promise<void> {
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Whether `policy` would load here: its handbook and vocabulary, read from this instance's policy folder. */
  loadsHere(policy: Policy): void {
    loadPolicyResources(policy, this.options.policyFile);
  }

  /** This process just published `number`: use it without asking the database. */
  adopt(policy: Policy, source: string, number: number): void {
    this.current = bindPolicy(policy, source, number, this.options);
  }

  private async check(): Promise<void> {
    const number = await this.store.policies.activeNumber();
    if (number === undefined || number === this.current.number || number === this.refusedNumber) return;
    const row = await this.store.policies.byNumber(number);
    if (!row) return;
    try {
      this.current = bindPolicy(
        loadPolicyFromText(row.source, publishedSourceName(row.number, row.version)),
        row.source,
        row.number,
        this.options,
      );
      this.options.logger.info({ policyVersion: row.version, number }, 'now governing by the newly published policy');
    } catch (error) {
      // Publishing validated it; this instance may run other code or lack a file the policy names.
      this.refusedNumber = number;
      this.options.logger.error(
        { err: error instanceof Error ? error.message : String(error), number },
        'the newly published policy does not load here; the previous one stays in force on this instance',
      );
    }
  }
}
