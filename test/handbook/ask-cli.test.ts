import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAsk } from '../../src/cli/commands/ask.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { OFF_TOPIC_ANSWER } from '../../src/handbook/answer.ts';
import { DEFAULT_POLICY_PATH } from '../../src/policy/load.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';

const workDir = mkdtempSync(path.join(tmpdir(), 'steward-ask-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

async function ask(args: string[], env: Record<string, string> = {}) {
  const io = memoryIO({ cwd: workDir, env });
  const code = await runAsk(args, io);
  return { code, out: io.out, err: io.err };
}

describe('steward ask --json', () => {
  it('prints { answer, citations: [{ id, title }], handoff } and nothing else', async () => {
    const { code, out, err } = await ask(['Can I put card numbers in Airtable?', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const output = JSON.parse(out);
    expect(Object.keys(output)).toEqual(['answer', 'citations', 'handoff']);
    expect(output.citations).toEqual([{ id: 'payment-card-data', title: 'Payment card data and PCI DSS' }]);
    expect(output.handoff).toBe(false);
    expect(output.answer).toContain('Full card numbers in Airtable');
  });

  it('an off-topic question: the redirect, no citations, no handoff', async () => {
    const { code, out } = await ask(['--json', "What's", 'the', 'weather', 'in', 'Paris?']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ answer: OFF_TOPIC_ANSWER, citations: [], handoff: false });
  });

  it('uses the LLM when OPENAI_BASE_URL is set, and says on stderr when it fell back', async () => {
    fake.respondWith({
      json: {
        answered: false,
        answer: 'The handbook does not name approved newsletter tools.',
        citations: ['personal-data'],
      },
    });
    const answered = await ask(['Which newsletter tool may my Zap use for customer emails?', '--json'], {
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_MODEL: 'fake-model',
    });
    expect(JSON.parse(answered.out)).toEqual({
      answer: 'The handbook does not name approved newsletter tools. I can ask the Privacy team for you.',
      citations: [{ id: 'personal-data', title: 'Personal data and GDPR' }],
      handoff: true,
    });
    expect(fake.requests).toHaveLength(1);

    fake.respondWith({ status: 500 });
    const fellBack = await ask(['Can I put card numbers in Airtable?', '--json'], { OPENAI_BASE_URL: fake.baseUrl });
    expect(fellBack.code).toBe(0);
    expect(JSON.parse(fellBack.out).citations[0].id).toBe('payment-card-data');
    expect(fellBack.err).toMatch(/^AI answer not used, handbook excerpt instead \(server-error: /);
  });
});

describe('steward ask (human-readable)', () => {
  it('prints the answer and its sources', async () => {
    const { code, out } = await ask([
      'Do',
      'I',
      'need',
      'approval',
      'to',
      'share',
      'my',
      'app',
      'with',
      'the',
      'whole',
      'company?',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^From the handbook, “Sharing and access inside the company”/);
    expect(out).toContain('\nSources: Sharing and access inside the company (sharing-and-access)\n');
  });
});

describe('steward ask: usage and configuration errors', () => {
  it('exits 2 without a question or with an unknown option', async () => {
    expect(await ask([])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('Missing the question') });
    expect(await ask(['--yaml', 'hello?'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('Unknown option --yaml'),
    });
    expect(await ask(['x'.repeat(1001)])).toMatchObject({ code: 2, err: expect.stringContaining('at most 1000') });
    expect((await ask(['--help'])).out).toContain('Usage: steward ask');
  });

  it('exits 1 naming the file and field when the policy points at a broken handbook', async () => {
    const handbook = path.join(workDir, 'handbook');
    cpSync(path.join(path.dirname(DEFAULT_POLICY_PATH), 'handbook'), handbook, { recursive: true });
    const file = path.join(handbook, 'payment-card-data.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('team: security', 'team: card-police'));
    writeFileSync(path.join(workDir, 'policy.yaml'), readFileSync(DEFAULT_POLICY_PATH, 'utf8'));

    const { code, out, err } = await ask(['Can I put card numbers in Airtable?'], { STEWARD_POLICY: 'policy.yaml' });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('payment-card-data.md:4:7: team: unknown team "card-police"');
  });
});
