import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../paths.ts';
import { loadYamlFromText, readDataFile } from '../../policy/load.ts';
import type { Policy } from '../../policy/schema.ts';
import {
  AI_DOMAINS,
  AI_PRACTICES,
  APP_PLATFORMS,
  AUDIENCES,
  CRITICALITIES,
  DATA_CATEGORIES,
  DECISION_IMPACTS,
} from '../../profile/schema.ts';
import type { Phrase } from './phrases.ts';
import { compilePhrases } from './phrases.ts';
import { phraseWords } from './tokens.ts';

// The words that stand for each answer (policy/vocabulary.yaml): data an admin extends, validated at
// start like the policy, and compiled once into phrases the readers match.

export const DEFAULT_VOCABULARY_PATH = path.join(projectRoot, 'policy', 'vocabulary.yaml');

// YAML reads `true`, `no`-like words and numbers as other types; a phrase is whatever was written.
const Phrase = z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(z.string().trim().min(1).max(120));
const Phrases = z.array(Phrase).default([]);
const OptionWords = z.object({ words: Phrases, likely: Phrases }).strict();
const options = <T extends readonly [string, ...string[]]>(values: T) =>
  z.partialRecord(z.enum(values), OptionWords).default({});
const YesNoCues = z.object({ yes: Phrases, no: Phrases, likelyYes: Phrases, likelyNo: Phrases }).strict();
const KnownSystem = z.union([
  z.string().trim().min(1).max(120),
  z.object({ name: z.string().trim().min(1).max(120), aliases: Phrases }).strict(),
]);

const VocabularySchema = z
  .object({
    version: z.number().int().positive(),
    negations: Phrases,
    negationsAfter: Phrases,
    hedges: Phrases,
    none: Phrases,
    yes: Phrases,
    no: Phrases,
    likelyYes: Phrases,
    likelyNo: Phrases,
    yesNo: z
      .object({ aiUsed: YesNoCues, aiGeneratesContent: YesNoCues, aiProfiling: YesNoCues, externalSharing: YesNoCues })
      .partial()
      .strict()
      .default({}),
    choices: z
      .object({
        platform: options(APP_PLATFORMS),
        audience: options(AUDIENCES),
        dataCategories: options(DATA_CATEGORIES),
        aiDecisionImpact: options(DECISION_IMPACTS),
        aiDomains: options(AI_DOMAINS),
        aiPractices: options(AI_PRACTICES),
        criticality: options(CRITICALITIES),
      })
      .partial()
      .strict()
      .default({}),
    systems: z.object({ known: z.array(KnownSystem).default([]), write: Phrases, read: Phrases }).strict(),
    leadIns: z.object({ name: Phrases, department: Phrases, departmentTrailing: Phrases }).strict(),
    acronyms: Phrases,
    openers: z.object({ greetings: Phrases, request: Phrases, filler: Phrases }).strict(),
  })
  .strict();
type VocabularyFile = z.infer<typeof VocabularySchema>;

export type ChoiceQuestionId = keyof VocabularyFile['choices'];
export type YesNoQuestionId = keyof VocabularyFile['yesNo'];
export type YesNoMeaning = 'yes' | 'no';

/** The vocabulary ready to match: phrases compiled once, at start. */
export interface Vocabulary {
  source: VocabularyFile;
  negations: Phrase<true>[];
  negationsAfter: Phrase<true>[];
  hedges: Phrase<true>[];
  none: Phrase<true>[];
  yesNo: Phrase<YesNoMeaning>[];
  cues: Partial<Record<YesNoQuestionId, Phrase<YesNoMeaning>[]>>;
  choices: Partial<Record<ChoiceQuestionId, Phrase<string>[]>>;
  systems: Phrase<string>[];
  access: Phrase<'read' | 'write'>[];
  greetings: Phrase<true>[];
  requests: Phrase<true>[];
  /** Opener words without content of their own, as folded words. */
  filler: Set<string>;
  acronyms: Map<string, string>;
}

const marker = (texts: readonly string[]) => compilePhrases(texts.map((text) => ({ text, meaning: true as const })));

function yesNoPhrases(cues: {
  yes: string[];
  no: string[];
  likelyYes: string[];
  likelyNo: string[];
}): Phrase<YesNoMeaning>[] {
  return compilePhrases([
    ...cues.yes.map((text) => ({ text, meaning: 'yes' as const })),
    ...cues.no.map((text) => ({ text, meaning: 'no' as const })),
    ...cues.likelyYes.map((text) => ({ text, meaning: 'yes' as const, likely: true })),
    ...cues.likelyNo.map((text) => ({ text, meaning: 'no' as const, likely: true })),
  ]);
}

function compileVocabulary(file: VocabularyFile): Vocabulary {
  const choices: Vocabulary['choices'] = {};
  for (const [question, byOption] of Object.entries(file.choices) as Array<
    [ChoiceQuestionId, Record<string, z.infer<typeof OptionWords>>]
  >) {
    choices[question] = compilePhrases(
      Object.entries(byOption).flatMap(([value, words]) => [
        ...words.words.map((text) => ({ text, meaning: value })),
        ...words.likely.map((text) => ({ text, meaning: value, likely: true })),
      ]),
    );
  }
  const cues: Vocabulary['cues'] = {};
  for (const [question, words] of Object.entries(file.yesNo) as Array<[YesNoQuestionId, z.infer<typeof YesNoCues>]>)
    cues[question] = yesNoPhrases(words);
  return {
    source: file,
    negations: marker(file.negations),
    negationsAfter: marker(file.negationsAfter),
    hedges: marker(file.hedges),
    none: marker(file.none),
    yesNo: yesNoPhrases(file),
    cues,
    choices,
    systems: compilePhrases(
      file.systems.known.flatMap((known) => {
        const name = typeof known === 'string' ? known : known.name;
        const aliases = typeof known === 'string' ? [] : known.aliases;
        return [name, ...aliases].map((text) => ({ text, meaning: name }));
      }),
    ),
    access: compilePhrases([
      ...file.systems.write.map((text) => ({ text, meaning: 'write' as const })),
      ...file.systems.read.map((text) => ({ text, meaning: 'read' as const })),
    ]),
    greetings: marker(file.openers.greetings),
    requests: marker(file.openers.request),
    filler: new Set(file.openers.filler.flatMap(phraseWords)),
    acronyms: new Map(file.acronyms.map((acronym) => [phraseWords(acronym).join(' '), acronym])),
  };
}

export function loadVocabularyFromText(text: string, sourceName: string): Vocabulary {
  return compileVocabulary(loadYamlFromText(text, sourceName, VocabularySchema));
}

/** Reads and validates a vocabulary file; throws PolicyError naming the line and field of each problem. */
export function loadVocabulary(
  filePath: string = DEFAULT_VOCABULARY_PATH,
  options: { displayName?: string } = {},
): Vocabulary {
  const sourceName = options.displayName ?? filePath;
  return loadVocabularyFromText(readDataFile(filePath, sourceName), sourceName);
}

/** The policy's `intake.vocabulary` (relative to the policy file), else the shipped vocabulary. */
export function resolveVocabularyPath(policy: Policy, policyFile: string): string {
  const configured = policy.intake.vocabulary;
  return configured ? path.resolve(path.dirname(policyFile), configured) : DEFAULT_VOCABULARY_PATH;
}

let shipped: Vocabulary | undefined;
/** The shipped vocabulary, loaded once (tests and tools that take no policy file). */
export function defaultVocabulary(): Vocabulary {
  shipped ??= loadVocabulary();
  return shipped;
}
