import { describe, expect, it } from 'vitest';
import { evaluateRules, wholeWordsMatcher } from '../src/assessment/rules.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { AI_DOMAINS, AI_PRACTICES, DATA_CATEGORIES, type AppProfile } from '../src/profile/schema.ts';
import { riskProfile, type ProfileOverrides } from './support/risk-profile.ts';

const policy = loadPolicy();

function fired(overrides: ProfileOverrides): string[] {
  return evaluateRules(riskProfile(overrides), policy).reasons.map((reason) => reason.rule);
}

function reasonFor(overrides: ProfileOverrides, rule: string) {
  return evaluateRules(riskProfile(overrides), policy).reasons.find((reason) => reason.rule === rule);
}

describe('evaluateRules: no rule', () => {
  it('gives low, no teams and no reasons to an internal team tool', () => {
    expect(evaluateRules(riskProfile(), policy)).toEqual({ tier: 'low', teams: [], reasons: [] });
  });
});

describe('each rule carries its tier, teams and source', () => {
  it.each([
    [
      'AI-PROHIBITED',
      { ai: { used: true, practices: ['manipulation'] } },
      'critical',
      ['privacy', 'ai-governance'],
      'EU AI Act Art. 5',
    ],
    [
      'AI-HIGH-RISK',
      { ai: { used: true, domains: ['employment'], decisionImpact: 'significant' } },
      'high',
      ['ai-governance'],
      'EU AI Act Annex III, Art. 6(3) profiling override',
    ],
    [
      'AI-ANNEX-III-LIMITED',
      { ai: { used: true, domains: ['employment'] } },
      'medium',
      ['ai-governance'],
      'EU AI Act Art. 6(3)',
    ],
    [
      'AI-TRANSPARENCY',
      { audience: 'organization', ai: { used: true, generatesContent: true } },
      'medium',
      ['ai-governance'],
      'EU AI Act Art. 50',
    ],
    ['SPECIAL-CATEGORY-DATA', { dataCategories: ['health'] }, 'high', ['privacy'], 'GDPR Art. 8 and 9, HIPAA'],
    ['PAYMENT-CARD-DATA', { dataCategories: ['payment-card'] }, 'high', ['security', 'compliance'], 'PCI DSS'],
    ['CREDENTIALS', { dataCategories: ['credentials'] }, 'high', ['security'], ''],
    [
      'PERSONAL-DATA-EXTERNAL',
      { dataCategories: ['personal'], externalSharing: true },
      'high',
      ['security', 'privacy'],
      'GDPR Art. 28, 44',
    ],
    [
      'PERSONAL-DATA-BROAD',
      { dataCategories: ['personal'], audience: 'department' },
      'medium',
      ['privacy'],
      'sharing threshold as in the Power Platform CoE kit',
    ],
    [
      'CONFIDENTIAL-EXTERNAL',
      { dataCategories: ['confidential'], externalSharing: true },
      'high',
      ['security'],
      'data classification',
    ],
    ['SYSTEM-OF-RECORD-WRITE', { systems: [{ name: 'SAP S/4HANA', access: 'write' }] }, 'medium', ['architecture'], ''],
    [
      'FINANCIAL-WRITE',
      { dataCategories: ['financial'], systems: [{ name: 'SAP S/4HANA', access: 'write' }] },
      'high',
      ['architecture', 'compliance'],
      'SOX IT general controls',
    ],
    ['BUSINESS-CRITICAL', { criticality: 'high' }, 'medium', ['architecture'], 'FIPS 199 availability'],
    ['BROAD-USE', { audience: 'organization' }, 'medium', ['architecture'], ''],
  ] as const)('%s', (rule, overrides, tier, teams, source) => {
    const reason = reasonFor(overrides as ProfileOverrides, rule);
    expect(reason).toMatchObject({ rule, tier, teams, source });
    // A whole sentence for the maker, with every placeholder filled in.
    expect(reason?.explanation).toMatch(/^[A-Z][^{}]+\.$/);
  });
});

describe('AI-PROHIBITED', () => {
  it.each(AI_PRACTICES)('fires for the practice %s', (practice) => {
    expect(fired({ ai: { used: true, practices: [practice] } })).toContain('AI-PROHIBITED');
  });
  it('makes the app critical and names the practice', () => {
    const verdict = evaluateRules(riskProfile({ ai: { used: true, practices: ['social-scoring'] } }), policy);
    expect(verdict.tier).toBe('critical');
    expect(verdict.reasons[0]?.explanation).toContain('social-scoring');
  });
  it('does not fire without AI use, or without a practice', () => {
    expect(fired({ ai: { used: false, practices: ['social-scoring'] } })).not.toContain('AI-PROHIBITED');
    expect(fired({ ai: { used: true, practices: [] } })).not.toContain('AI-PROHIBITED');
  });
});

describe('AI-HIGH-RISK and AI-ANNEX-III-LIMITED', () => {
  it.each(AI_DOMAINS)('a significant decision in %s is high risk', (domain) => {
    const verdict = evaluateRules(
      riskProfile({ ai: { used: true, domains: [domain], decisionImpact: 'significant' } }),
      policy,
    );
    expect(verdict.tier).toBe('high');
    expect(verdict.reasons.map((reason) => reason.rule)).toEqual(['AI-HIGH-RISK']);
  });
  it('profiling makes an assistive AI in a high-risk area high risk (the Art. 6(3) override)', () => {
    expect(fired({ ai: { used: true, domains: ['education'], decisionImpact: 'assistive', profiling: true } })).toEqual(
      ['AI-HIGH-RISK'],
    );
  });
  it.each(['none', 'assistive'] as const)(
    'an AI with %s decision impact and no profiling is only limited',
    (decisionImpact) => {
      const verdict = evaluateRules(
        riskProfile({ ai: { used: true, domains: ['employment'], decisionImpact } }),
        policy,
      );
      expect(verdict).toMatchObject({ tier: 'medium', teams: ['ai-governance'] });
      expect(verdict.reasons.map((reason) => reason.rule)).toEqual(['AI-ANNEX-III-LIMITED']);
    },
  );
  it('exactly one of the two fires whenever AI is used in a high-risk area', () => {
    for (const decisionImpact of ['none', 'assistive', 'significant'] as const) {
      for (const profiling of [false, true]) {
        const rules = fired({ ai: { used: true, domains: ['migration'], decisionImpact, profiling } });
        expect(rules.filter((rule) => rule === 'AI-HIGH-RISK' || rule === 'AI-ANNEX-III-LIMITED')).toHaveLength(1);
      }
    }
  });
  it('neither fires without a high-risk area, or without AI', () => {
    expect(fired({ ai: { used: true, decisionImpact: 'significant', profiling: true } })).toEqual([]);
    expect(fired({ ai: { used: false, domains: ['employment'], decisionImpact: 'significant' } })).toEqual([]);
  });
});

describe('AI-TRANSPARENCY', () => {
  it.each(['organization', 'external'] as const)('fires for generated content shown to %s', (audience) => {
    expect(fired({ audience, ai: { used: true, generatesContent: true } })).toContain('AI-TRANSPARENCY');
  });
  it.each(['personal', 'team', 'department'] as const)('does not fire for an audience of %s', (audience) => {
    expect(fired({ audience, ai: { used: true, generatesContent: true } })).not.toContain('AI-TRANSPARENCY');
  });
  it('does not fire when the AI generates no content, or no AI is used', () => {
    expect(fired({ audience: 'external', ai: { used: true, generatesContent: false } })).not.toContain(
      'AI-TRANSPARENCY',
    );
    expect(fired({ audience: 'external', ai: { used: false, generatesContent: true } })).not.toContain(
      'AI-TRANSPARENCY',
    );
  });
});

describe('data categories, one at a time, for an internal team app', () => {
  // What each category alone fires when the app stays inside a small team.
  const alone: Record<(typeof DATA_CATEGORIES)[number], string[]> = {
    public: [],
    internal: [],
    confidential: [],
    personal: [],
    'special-category': ['SPECIAL-CATEGORY-DATA'],
    health: ['SPECIAL-CATEGORY-DATA'],
    children: ['SPECIAL-CATEGORY-DATA'],
    'payment-card': ['PAYMENT-CARD-DATA'],
    financial: [],
    credentials: ['CREDENTIALS'],
  };
  it.each(DATA_CATEGORIES)('%s', (category) => {
    expect(fired({ dataCategories: [category] })).toEqual(alone[category]);
  });

  // ... and when the same app is shared outside the organization.
  const shared: Record<(typeof DATA_CATEGORIES)[number], string[]> = {
    public: [],
    internal: [],
    confidential: ['CONFIDENTIAL-EXTERNAL'],
    personal: ['PERSONAL-DATA-EXTERNAL'],
    'special-category': ['SPECIAL-CATEGORY-DATA', 'PERSONAL-DATA-EXTERNAL'],
    health: ['SPECIAL-CATEGORY-DATA', 'PERSONAL-DATA-EXTERNAL'],
    children: ['SPECIAL-CATEGORY-DATA', 'PERSONAL-DATA-EXTERNAL'],
    'payment-card': ['PAYMENT-CARD-DATA'],
    financial: ['CONFIDENTIAL-EXTERNAL'],
    credentials: ['CREDENTIALS'],
  };
  it.each(DATA_CATEGORIES)('%s, shared externally', (category) => {
    expect(fired({ dataCategories: [category], externalSharing: true })).toEqual(shared[category]);
  });
});

describe('external: audience external or externalSharing', () => {
  it('either one makes personal data external', () => {
    expect(fired({ dataCategories: ['personal'], audience: 'external', userCount: 5 })).toEqual([
      'PERSONAL-DATA-EXTERNAL',
    ]);
    expect(fired({ dataCategories: ['personal'], audience: 'team', externalSharing: true })).toEqual([
      'PERSONAL-DATA-EXTERNAL',
    ]);
  });
  it('neither means internal', () => {
    expect(fired({ dataCategories: ['personal', 'confidential'], audience: 'team', externalSharing: false })).toEqual(
      [],
    );
  });
});

describe('PERSONAL-DATA-BROAD: more than 20 users, or a department or organization audience', () => {
  it.each([
    [20, false],
    [21, true],
  ])('%i users of a team app', (userCount, fires) => {
    expect(fired({ dataCategories: ['personal'], audience: 'team', userCount }).includes('PERSONAL-DATA-BROAD')).toBe(
      fires,
    );
  });
  it.each(['department', 'organization'] as const)('fires for a %s audience whatever the user count', (audience) => {
    expect(fired({ dataCategories: ['personal'], audience, userCount: 3 })).toContain('PERSONAL-DATA-BROAD');
  });
  it('says how many users and what the threshold is', () => {
    expect(reasonFor({ dataCategories: ['personal'], userCount: 21 }, 'PERSONAL-DATA-BROAD')?.explanation).toContain(
      '21 users; the threshold is 20',
    );
  });
  it('needs personal data: 500 users of internal data do not fire it', () => {
    expect(fired({ dataCategories: ['internal'], audience: 'team', userCount: 500 })).not.toContain(
      'PERSONAL-DATA-BROAD',
    );
  });
});

describe('BROAD-USE: more than 100 users, or an organization audience', () => {
  it.each([
    [100, false],
    [101, true],
  ])('%i users of a department app', (userCount, fires) => {
    expect(fired({ audience: 'department', userCount }).includes('BROAD-USE')).toBe(fires);
  });
  it('fires for an organization audience with few users', () => {
    expect(fired({ audience: 'organization', userCount: 2 })).toEqual(['BROAD-USE']);
  });
});

describe('systems of record', () => {
  const writesTo = (name: string, access: 'read' | 'write' = 'write') => fired({ systems: [{ name, access }] });

  it('writing fires SYSTEM-OF-RECORD-WRITE, reading does not', () => {
    expect(writesTo('SAP S/4HANA', 'write')).toEqual(['SYSTEM-OF-RECORD-WRITE']);
    expect(writesTo('SAP S/4HANA', 'read')).toEqual([]);
  });
  it.each([
    'SAP Concur',
    'sap',
    'Dynamics 365 Sales',
    'dynamics  365 Finance',
    'Salesforce Service Cloud',
    'Workday HCM',
    'NetSuite',
    'Oracle E-Business Suite 12.2',
    'ServiceNow ITSM',
    'Epic Hyperspace',
    'Guidewire PolicyCenter',
    'SAP-HR',
  ])('%s is a system of record', (name) => expect(writesTo(name)).toEqual(['SYSTEM-OF-RECORD-WRITE']));
  it.each(['Sapphire LIMS', 'Epicor Kinetic', 'Dynamics 366', 'Oracle Database', 'SharePoint', 'Salesforced', 'Jira'])(
    '%s is not (whole words only)',
    (name) => expect(writesTo(name)).toEqual([]),
  );
  it('the write must go to the system of record itself', () => {
    expect(
      fired({
        systems: [
          { name: 'SAP S/4HANA', access: 'read' },
          { name: 'SharePoint', access: 'write' },
        ],
      }),
    ).toEqual([]);
  });
  it('FINANCIAL-WRITE needs financial data written to a system of record', () => {
    expect(fired({ dataCategories: ['financial'], systems: [{ name: 'NetSuite', access: 'write' }] })).toEqual([
      'FINANCIAL-WRITE',
      'SYSTEM-OF-RECORD-WRITE',
    ]);
    expect(fired({ dataCategories: ['financial'], systems: [{ name: 'NetSuite', access: 'read' }] })).toEqual([]);
    expect(fired({ dataCategories: ['financial'], systems: [{ name: 'Google Sheets', access: 'write' }] })).toEqual([]);
    expect(fired({ dataCategories: ['confidential'], systems: [{ name: 'NetSuite', access: 'write' }] })).toEqual([
      'SYSTEM-OF-RECORD-WRITE',
    ]);
  });
});

describe('BUSINESS-CRITICAL', () => {
  it.each([
    ['high', ['BUSINESS-CRITICAL']],
    ['medium', []],
    ['low', []],
  ] as const)('criticality %s', (criticality, expected) => {
    expect(fired({ criticality })).toEqual(expected);
  });
});

describe('combining fired rules', () => {
  const busy = riskProfile({
    dataCategories: ['personal', 'payment-card'],
    audience: 'organization',
    userCount: 400,
    criticality: 'high',
    ai: { used: true, generatesContent: true },
  });

  it('takes the highest tier and the union of teams in policy order', () => {
    const verdict = evaluateRules(busy, policy);
    expect(verdict.tier).toBe('high');
    expect(verdict.teams).toEqual(['security', 'privacy', 'ai-governance', 'architecture', 'compliance']);
  });
  it('lists reasons highest tier first, then in policy order', () => {
    expect(evaluateRules(busy, policy).reasons.map((reason) => `${reason.tier} ${reason.rule}`)).toEqual([
      'high PAYMENT-CARD-DATA',
      'medium AI-TRANSPARENCY',
      'medium PERSONAL-DATA-BROAD',
      'medium BUSINESS-CRITICAL',
      'medium BROAD-USE',
    ]);
  });
  it('leaves the profile untouched and gives the same answer every time', () => {
    const frozen: AppProfile = structuredClone(busy);
    Object.freeze(frozen.dataCategories);
    Object.freeze(frozen.ai);
    Object.freeze(frozen);
    expect(evaluateRules(frozen, policy)).toEqual(evaluateRules(busy, policy));
  });
  it('ignores who owns the app', () => {
    const owned = riskProfile({ owner: { platform: 'slack', userId: 'U1', displayName: 'CISO' } });
    expect(evaluateRules(owned, policy).tier).toBe('low');
  });
});

describe('wholeWordsMatcher', () => {
  it('matches phrases as whole words, ignoring case and spacing, in any script', () => {
    const mentions = wholeWordsMatcher(['SAP', 'Dynamics 365', 'Société Générale']);
    expect(mentions('sap concur')).toBe(true);
    expect(mentions('Microsoft Dynamics   365 Sales')).toBe(true);
    expect(mentions('(SAP)')).toBe(true);
    expect(mentions('SAPphire')).toBe(false);
    expect(mentions('société générale export')).toBe(true);
    expect(mentions('Sociétés Générales')).toBe(false);
    expect(mentions('ÉSAP')).toBe(false);
  });
  it('treats regular-expression characters in phrases literally', () => {
    expect(wholeWordsMatcher(['C++ tool'])('our C++ tool')).toBe(true);
    expect(wholeWordsMatcher(['a.b'])('axb')).toBe(false);
  });
});
