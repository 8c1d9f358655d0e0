import type { ChoiceOption } from '../chat/reply.ts';
import type { Draft, DraftKey } from './draft.ts';
import type { Owner } from './schema.ts';

// The profile's fields as a person reads them: the question that asks for each, in the order asked,
// its options, and how a value is shown. Plain words, never field names. The intake adds how each
// answer is read (src/intake/questions.ts); summaries and reviewer messages use the labels and formats.

export interface ProfileField {
  id: DraftKey;
  /** Short label used in the summary and in "change <label>". */
  label: string;
  /** Other words a maker may use for this field in "change ...". */
  aliases: string[];
  prompt: string;
  /** Why we ask, for "help" and for refusing "skip". */
  why: string;
  options?: ChoiceOption[];
  multiple?: boolean;
  /** The value "skip" stands for; questions without one cannot be skipped. */
  skipValue?: unknown;
  appliesTo?: (draft: Draft) => boolean;
  /** A wrong guess here changes the risk tier: such answers are never filled from a guess. */
  riskRelevant?: boolean;
  format: (value: unknown) => string;
}

const PLATFORM_OPTIONS: ChoiceOption[] = [
  { value: 'power-apps', label: 'Power Apps' },
  { value: 'power-automate', label: 'Power Automate' },
  { value: 'copilot-studio', label: 'Copilot Studio' },
  { value: 'airtable', label: 'Airtable' },
  { value: 'zapier', label: 'Zapier' },
  { value: 'retool', label: 'Retool' },
  { value: 'excel', label: 'Excel or macros' },
  { value: 'google-apps-script', label: 'Google Apps Script' },
  { value: 'custom-gpt', label: 'Custom GPT' },
  { value: 'other', label: 'Something else' },
];

const AUDIENCE_OPTIONS: ChoiceOption[] = [
  { value: 'personal', label: 'Just me' },
  { value: 'team', label: 'My team' },
  { value: 'department', label: 'My department' },
  { value: 'organization', label: 'The whole organisation' },
  { value: 'external', label: 'People outside the company' },
];

const DATA_OPTIONS: ChoiceOption[] = [
  { value: 'public', label: 'Public information' },
  { value: 'internal', label: 'Internal business information' },
  { value: 'confidential', label: 'Confidential information (contracts, strategy, unreleased plans)' },
  { value: 'personal', label: 'Personal data (names, emails, phone numbers of people)' },
  {
    value: 'special-category',
    label: 'Sensitive personal data (ethnicity, religion, politics, union membership, sexuality, biometrics)',
  },
  { value: 'health', label: 'Health or medical information' },
  { value: 'children', label: "Children's data" },
  { value: 'payment-card', label: 'Payment card numbers' },
  { value: 'financial', label: 'Financial data (invoices, payroll, accounts)' },
  { value: 'credentials', label: 'Passwords, API keys or other credentials' },
];

const IMPACT_OPTIONS: ChoiceOption[] = [
  { value: 'none', label: "It doesn't affect decisions about people" },
  { value: 'assistive', label: 'It suggests, and a person decides' },
  { value: 'significant', label: 'It decides, or people usually follow what it says' },
];

const DOMAIN_OPTIONS: ChoiceOption[] = [
  { value: 'employment', label: 'Hiring, promotion, performance or other decisions about workers' },
  { value: 'education', label: 'Education: admissions, grading, exams' },
  { value: 'essential-services', label: 'Access to essential services: credit, insurance, benefits' },
  { value: 'biometrics', label: 'Biometrics: recognising people by face, voice or fingerprint' },
  { value: 'critical-infrastructure', label: 'Critical infrastructure: energy, water, transport, networks' },
  { value: 'law-enforcement', label: 'Law enforcement' },
  { value: 'migration', label: 'Migration, asylum or border control' },
  { value: 'justice', label: 'Justice or elections' },
];

const PRACTICE_OPTIONS: ChoiceOption[] = [
  { value: 'social-scoring', label: "Scoring people's trustworthiness from their behaviour" },
  { value: 'manipulation', label: 'Influencing people with hidden or manipulative techniques' },
  { value: 'exploiting-vulnerabilities', label: "Exploiting people's age, disability or hardship" },
  { value: 'emotion-recognition-workplace', label: "Reading employees' emotions" },
  { value: 'biometric-categorisation', label: 'Sorting people by biometrics into sensitive groups' },
  { value: 'facial-scraping', label: 'Collecting face images from the internet or CCTV' },
  { value: 'predictive-policing', label: 'Predicting whether someone will commit a crime' },
];

const CRITICALITY_OPTIONS: ChoiceOption[] = [
  { value: 'low', label: 'Minor: an inconvenience' },
  { value: 'medium', label: 'Noticeable: there are workarounds' },
  { value: 'high', label: 'Serious: work stops or customers are affected' },
];

function labelOf(options: ChoiceOption[], value: unknown): string {
  return options.find((option) => option.value === value)?.label ?? String(value);
}

function labelsOf(options: ChoiceOption[], values: unknown): string {
  const list = Array.isArray(values) ? values : [];
  return list.length === 0 ? 'None' : list.map((value) => labelOf(options, value).replace(/ \(.*\)$/u, '')).join(', ');
}

const yesNo = (value: unknown) => (value ? 'Yes' : 'No');
const usesAi = (draft: Draft) => draft.aiUsed === true;

/** A person as the summary names them: their name (and address), else their address or platform id. */
function formatPerson(value: unknown): string {
  const person = (value ?? {}) as Partial<Owner>;
  const email = person.email ?? (person.platform === 'email' ? person.userId : undefined);
  if (person.displayName)
    return email && email !== person.displayName ? `${person.displayName} (${email})` : person.displayName;
  if (email) return email;
  return `${person.platform ?? '?'}:${person.userId ?? '?'}`;
}

export const FIELDS: ProfileField[] = [
  {
    id: 'name',
    label: 'Name',
    aliases: ['name', 'app name', 'title'],
    prompt: "What's the app called?",
    why: 'The name is how you and reviewers will find the app in the inventory.',
    format: String,
  },
  {
    id: 'description',
    label: 'What it does',
    aliases: ['description', 'what it does', 'purpose', 'summary'],
    prompt: 'In a sentence or two, what does it do and who uses it?',
    why: 'Reviewers read this first, so a plain description saves you follow-up questions.',
    format: String,
  },
  {
    id: 'platform',
    label: 'Built with',
    aliases: ['platform', 'tool', 'built with', 'technology'],
    prompt: 'What did you build it with?',
    why: 'Each platform has its own guardrails (connectors, sharing, data location).',
    options: PLATFORM_OPTIONS,
    format: (value) => labelOf(PLATFORM_OPTIONS, value),
  },
  {
    id: 'department',
    label: 'Department',
    aliases: ['department', 'team', 'owning team', 'business unit'],
    prompt: 'Which department or team owns it?',
    why: 'If you are away, the owning department is who we contact about the app.',
    format: String,
  },
  {
    id: 'audience',
    label: 'Who uses it',
    aliases: ['audience', 'who uses it', 'who', 'sharing'],
    prompt: 'Who will use it?',
    why: 'The wider an app is shared, the more a mistake in it can affect.',
    options: AUDIENCE_OPTIONS,
    format: (value) => labelOf(AUDIENCE_OPTIONS, value),
  },
  {
    id: 'userCount',
    label: 'Number of users',
    aliases: ['users', 'user count', 'number of users', 'how many users', 'users count', 'count'],
    prompt: 'Roughly how many people will use it?',
    why: 'Apps used by many people need an owner and support plan.',
    format: (value) => Number(value).toLocaleString('en-US'),
  },
  {
    id: 'dataCategories',
    label: 'Data it handles',
    aliases: ['data', 'data categories', 'data it handles', 'information'],
    prompt: 'What kinds of data does it handle? Pick all that apply, separated by commas (e.g. 2, 4), or say none.',
    why: 'The kind of data decides most of the rules that apply: personal, health and card data need extra care.',
    options: DATA_OPTIONS,
    multiple: true,
    riskRelevant: true,
    format: (value) => labelsOf(DATA_OPTIONS, value),
  },
  {
    id: 'systems',
    label: 'Connected systems',
    aliases: ['systems', 'connected systems', 'connections', 'integrations', 'connectors'],
    prompt:
      'Does it connect to other systems? List them and whether it reads or writes, e.g. "Salesforce (write), SharePoint (read)". Say none if it doesn\'t.',
    why: 'Writing to systems of record such as SAP or Salesforce needs an architecture check.',
    skipValue: [],
    format: (value) => {
      const systems = Array.isArray(value) ? (value as Array<{ name: string; access: string }>) : [];
      return systems.length === 0 ? 'None' : systems.map((system) => `${system.name} (${system.access})`).join(', ');
    },
  },
  {
    id: 'aiUsed',
    label: 'Uses AI',
    aliases: ['ai', 'uses ai', 'artificial intelligence'],
    prompt: 'Does it use AI, for example GPT, Copilot, or a model that predicts, ranks or generates things?',
    why: 'AI features bring their own rules (the EU AI Act, transparency to users).',
    riskRelevant: true,
    format: yesNo,
  },
  {
    id: 'aiGeneratesContent',
    label: 'AI writes content',
    aliases: ['generates content', 'ai content', 'ai writes content'],
    prompt: 'Does the AI write text, images or other content that people will read?',
    why: 'People must be told when content is AI-generated.',
    appliesTo: usesAi,
    riskRelevant: true,
    format: yesNo,
  },
  {
    id: 'aiDecisionImpact',
    label: 'AI and decisions',
    aliases: ['decision impact', 'ai decisions', 'decisions'],
    prompt: "How much do the AI's outputs affect decisions about people?",
    why: 'AI that decides about people is regulated far more strictly than AI that only assists.',
    appliesTo: usesAi,
    options: IMPACT_OPTIONS,
    riskRelevant: true,
    format: (value) => labelOf(IMPACT_OPTIONS, value),
  },
  {
    id: 'aiProfiling',
    label: 'Profiles people',
    aliases: ['profiling', 'profiles people'],
    prompt: 'Does it score, rank or predict things about individual people (profiling)?',
    why: 'Profiling individuals is always treated as high risk in sensitive areas.',
    appliesTo: usesAi,
    riskRelevant: true,
    format: yesNo,
  },
  {
    id: 'aiDomains',
    label: 'AI used in',
    aliases: ['domains', 'ai domains', 'areas', 'ai used in'],
    prompt: 'Is the AI used in any of these areas? Pick all that apply, or say none.',
    why: 'These areas are listed as high-risk in the EU AI Act (Annex III).',
    appliesTo: usesAi,
    options: DOMAIN_OPTIONS,
    multiple: true,
    skipValue: [],
    riskRelevant: true,
    format: (value) => labelsOf(DOMAIN_OPTIONS, value),
  },
  {
    id: 'aiPractices',
    label: 'AI practices',
    aliases: ['practices', 'ai practices', 'prohibited practices'],
    prompt: 'Does the AI do any of these? Pick all that apply, or say none.',
    why: 'These practices are prohibited by the EU AI Act (Article 5) and need a decision before use.',
    appliesTo: usesAi,
    options: PRACTICE_OPTIONS,
    multiple: true,
    skipValue: [],
    riskRelevant: true,
    format: (value) => labelsOf(PRACTICE_OPTIONS, value),
  },
  {
    id: 'criticality',
    label: 'If it stopped working',
    aliases: ['criticality', 'importance', 'if it stopped working', 'impact'],
    prompt: 'If it stopped working for a day, how bad would that be?',
    why: 'Business-critical apps need an owner, a backup plan and an architecture review.',
    options: CRITICALITY_OPTIONS,
    format: (value) => labelOf(CRITICALITY_OPTIONS, value),
  },
  {
    id: 'externalSharing',
    label: 'Shared outside the company',
    aliases: ['external sharing', 'external', 'shared outside', 'shared outside the company'],
    prompt: 'Is the app or its data shared with anyone outside the company, such as customers, suppliers or partners?',
    why: 'Sharing outside the company brings contracts and data-transfer rules into play.',
    // Apps whose audience is external are shared externally by definition.
    appliesTo: (draft) => draft.audience !== 'external',
    riskRelevant: true,
    format: yesNo,
  },
  {
    id: 'backupOwner',
    label: 'Backup owner',
    aliases: ['backup owner', 'backup', 'deputy', 'cover', 'second owner', 'co-owner', 'stand-in'],
    prompt: "Who looks after the app when you're away? Mention them (@name) or give their e-mail address.",
    why: 'If you are away or leave, this person keeps the app running, answers reviewers and can take it over.',
    // Asked from the policy's tier up (the intake decides); shown wherever the app has one.
    appliesTo: (draft) => draft.backupOwner !== undefined,
    format: formatPerson,
  },
];

/** The fields that apply to this draft (the AI ones only when it uses AI, and so on), in order. */
export function applicableFields(draft: Draft): ProfileField[] {
  return FIELDS.filter((field) => !field.appliesTo || field.appliesTo(draft));
}
