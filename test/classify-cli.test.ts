import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClassify } from '../src/cli/commands/classify.ts';
import { memoryIO } from '../src/cli/io.ts';
import { DEFAULT_POLICY_PATH } from '../src/policy/load.ts';
import { startFakeOpenAI, type FakeOpenAI } from './support/fake-openai.ts';
import { runSteward, stewardEnv } from './support/processes.ts';

// Most tests call runClassify with an in-memory CliIO; the last one runs the real `npx steward classify`.

const workDir = mkdtempSync(path.join(tmpdir(), 'steward-classify-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const cardApp = {
  name: 'Phone order capture',
  description: 'Call centre agents type in phone orders, including the card number.',
  platform: 'power-apps',
  department: 'Sales',
  audience: 'team',
  userCount: 12,
  dataCategories: ['payment-card', 'personal'],
  systems: [],
  ai: { used: false },
  criticality: 'medium',
  externalSharing: false,
};
const plainApp = { ...cardApp, name: 'Stationery orders', description: 'Orders pens.', dataCategories: ['internal'] };

function writeJson(name: string, value: unknown): string {
  writeFileSync(path.join(workDir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return name;
}

async function classify(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const io = memoryIO({ cwd: workDir, env: options.env ?? {}, stdin: options.stdin });
  const code = await runClassify(args, io);
  return { code, out: io.out, err: io.err };
}

describe('steward classify --json', () => {
  it('prints one assessment in the contract shape', async () => {
    const { code, out, err } = await classify([writeJson('card.json', cardApp), '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const output = JSON.parse(out);
    expect(Object.keys(output)).toEqual(['tier', 'teams', 'reasons', 'assessedBy', 'policyVersion']);
    expect(output).toEqual({
      tier: 'high',
      teams: ['security', 'compliance'],
      reasons: [
        {
          rule: 'PAYMENT-CARD-DATA',
          tier: 'high',
          teams: ['security', 'compliance'],
          explanation: 'The app handles payment card data, which only PCI DSS compliant systems may store or process.',
          source: 'PCI DSS',
        },
      ],
      assessedBy: 'rules',
      policyVersion: '2026.11.1',
    });
  });

  it('prints an array for an array, in input order', async () => {
    const { code, out } = await classify([writeJson('both.json', [plainApp, cardApp]), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).map((item: { tier: string }) => item.tier)).toEqual(['low', 'high']);
  });

  it('reads standard input with -', async () => {
    const { code, out } = await classify(['-', '--json'], { stdin: JSON.stringify(plainApp) });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      tier: 'low',
      teams: [],
      reasons: [],
      assessedBy: 'rules',
      policyVersion: '2026.11.1',
    });
  });
});

describe('steward classify (human-readable)', () => {
  it('names the app, the tier and its meaning, the reasons and how it was assessed', async () => {
    const { code, out } = await classify([writeJson('card.json', cardApp)]);
    expect(code).toBe(0);
    expect(out).toContain('Phone order capture\nTier: high — A review is required before the app is used more widely.');
    expect(out).toContain('Teams: security, compliance');
    expect(out).toContain('[high] PAYMENT-CARD-DATA: The app handles payment card data');
    expect(out).toContain('Assessed by: rules only (no AI assessor configured).');
    expect(out).toContain('Policy version: 2026.11.1');
  });
});

describe('invalid input: exit 2, every field at fault on stderr, nothing on stdout', () => {
  it('an invalid profile', async () => {
    const { code, out, err } = await classify([
      writeJson('bad.json', { ...cardApp, audience: 'everyone', userCount: -3, platform: undefined }),
      '--json',
    ]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^ {2}platform: /m);
    expect(err).toMatch(/^ {2}audience: /m);
    expect(err).toMatch(/^ {2}userCount: /m);
  });

  it('an array with an invalid item names the item', async () => {
    const { code, out, err } = await classify([
      writeJson('mixed.json', [cardApp, { ...cardApp, systems: [{ name: 'SAP', access: 'delete' }] }]),
      '--json',
    ]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('[1] systems[0].access: ');
    expect(err).not.toMatch(/^ {2}\[0\]/m);
  });

  it('invalid JSON', async () => {
    const { code, out, err } = await classify([writeJson('broken.json', '{"name": "x",')]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('Invalid JSON in broken.json');
  });

  it('a missing file, a missing argument and an unknown option', async () => {
    expect((await classify(['nope.json'])).err).toContain('Cannot read nope.json: ENOENT');
    expect((await classify([])).code).toBe(2);
    const unknown = await classify(['card.json', '--yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown option --yaml');
  });
});

describe('policy and LLM settings come from the environment', () => {
  it('STEWARD_POLICY changes the outcome without code', async () => {
    const defaultText = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
    const cardsMedium = defaultText
      .replace('tier: high\n    teams: [security, compliance]', 'tier: medium\n    teams: [security, compliance]')
      .replace('version: "2026.11.1"', 'version: "local-1"');
    expect(cardsMedium).not.toBe(defaultText);
    writeFileSync(path.join(workDir, 'cards-medium.yaml'), cardsMedium);
    const { out } = await classify([writeJson('card.json', cardApp), '--json'], {
      env: { STEWARD_POLICY: 'cards-medium.yaml' },
    });
    expect(JSON.parse(out)).toMatchObject({ tier: 'medium', policyVersion: 'local-1' });
  });

  it('an invalid STEWARD_POLICY: exit 1 with the line at fault, no assessment', async () => {
    writeFileSync(
      path.join(workDir, 'bad-policy.yaml'),
      readFileSync(DEFAULT_POLICY_PATH, 'utf8').replace(
        'teams: [security, compliance]',
        'teams: [security, complience]',
      ),
    );
    const { code, out, err } = await classify([writeJson('card.json', cardApp), '--json'], {
      env: { STEWARD_POLICY: 'bad-policy.yaml' },
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /bad-policy\.yaml:\d+:\d+: rules\[5\]\.teams\[1\] \(rule PAYMENT-CARD-DATA\): unknown team "complience"/,
    );
  });

  describe('with OPENAI_BASE_URL set', () => {
    let fake: FakeOpenAI;
    beforeAll(async () => {
      fake = await startFakeOpenAI();
    });
    afterAll(async () => {
      await fake.close();
    });

    it('adds the AI assessment, using OPENAI_MODEL', async () => {
      fake.respondWith({
        json: {
          tier: 'critical',
          teams: ['privacy'],
          rationale: 'Card numbers are read out on recorded calls.',
          missingFacts: [],
        },
      });
      const { code, out } = await classify([writeJson('card.json', cardApp), '--json'], {
        env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODEL: 'local-llama' },
      });
      expect(code).toBe(0);
      const output = JSON.parse(out);
      expect(output).toMatchObject({
        tier: 'critical',
        teams: ['security', 'privacy', 'compliance'],
        assessedBy: 'rules+llm',
      });
      expect(output.reasons[0]).toMatchObject({ rule: 'AI-ASSESSMENT', source: 'AI assessment (local-llama)' });
      expect(fake.requests.at(-1)!.body.model).toBe('local-llama');
    });

    it('when the LLM fails: the rules verdict, exit 0, and the failure on stderr', async () => {
      fake.respondWith({ status: 500 });
      const { code, out, err } = await classify([writeJson('card.json', cardApp), '--json'], {
        env: { OPENAI_BASE_URL: fake.baseUrl },
      });
      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ tier: 'high', assessedBy: 'rules' });
      expect(err).toContain('Phone order capture: AI assessment failed, rules only (server-error');
    });
  });
});

describe('npx steward classify, as a user runs it', () => {
  it('assesses profiles piped to it, and refuses an invalid one with exit code 2', async () => {
    const npx = ['npx', '--no-install', 'steward'];
    const valid = await runSteward(
      ['classify', '-', '--json'],
      stewardEnv({}),
      JSON.stringify([plainApp, cardApp]),
      npx,
    );
    expect(valid.code).toBe(0);
    expect(
      JSON.parse(valid.stdout).map((item: { tier: string; assessedBy: string }) => `${item.tier} ${item.assessedBy}`),
    ).toEqual(['low rules', 'high rules']);

    const invalid = await runSteward(
      ['classify', '-', '--json'],
      stewardEnv({}),
      JSON.stringify({ ...cardApp, audience: 'everyone' }),
      npx,
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('audience: Invalid option');
  });
});
