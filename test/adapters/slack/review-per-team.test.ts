// Reviews are per team, end to end over Slack: a HIGH app escalated to security, privacy and
// architecture is approved only when all three have approved; a button's value names a team, and a
// value forged for a team the app was never sent to (the leads, here) decides nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { projectRoot } from '../../../src/paths.ts';
import { runSteward } from '../../support/processes.ts';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, postedIn, SlackSide, startSteward, visibleText } from './harness.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const CHANNELS = [
  { id: 'C0SECURITY', name: 'gov-security' },
  { id: 'C0PRIVACY', name: 'gov-privacy' },
  { id: 'C0AIGOV', name: 'gov-ai' },
  { id: 'C0ARCH', name: 'gov-architecture' },
  { id: 'C0COMPLY', name: 'gov-compliance' },
  { id: 'C0LEADS', name: 'gov-leads' },
  { id: 'C0GENERAL', name: 'general' },
];

const USERS = {
  UMAKERP: { name: 'pat', real_name: 'Pat Maker' },
  USEC1: { name: 'sam', real_name: 'Sam Security' },
  UPRIV1: { name: 'pia', real_name: 'Pia Privacy' },
  UARCH1: { name: 'ari', real_name: 'Ari Architect' },
  ULEAD1: { name: 'lee', real_name: 'Lee Lead' },
};

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'steward-per-team-'));
  const doc = parseDocument(await readFile(path.join(projectRoot, 'policy', 'default.yaml'), 'utf8'));
  doc.setIn(['teams', 'security', 'reviewers'], doc.createNode({ slack: ['USEC1'], teams: [] }));
  doc.setIn(['teams', 'privacy', 'reviewers'], doc.createNode({ slack: ['UPRIV1'], teams: [] }));
  doc.setIn(['teams', 'architecture', 'reviewers'], doc.createNode({ slack: ['UARCH1'], teams: [] }));
  doc.setIn(['leads', 'reviewers'], doc.createNode({ slack: ['ULEAD1'], teams: [] }));
  const policyFile = path.join(work, 'policy.yaml');
  await writeFile(policyFile, doc.toString());
  fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: CHANNELS, users: USERS });
  steward = await startSteward(fake, { STEWARD_POLICY: policyFile });
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await fake?.close();
  await rm(work, { recursive: true, force: true });
});

const mark = () => fake.calls.length;
const hasButtons = (blocks: any[]) => blocks.some((block) => block.type === 'actions');

async function statusOf(reference: string): Promise<string> {
  const listed = await runSteward(['apps', 'list', '--json'], steward.env);
  return JSON.parse(listed.stdout).find((app: any) => app.reference === reference).status;
}

function latestEdit(escalation: SlackCall, after: number): Promise<SlackCall> {
  return fake.waitFor((call) => call.method === 'chat.update' && call.args.ts === escalation.response.ts, {
    after,
    what: `the edit of the escalation in ${escalation.response.channel}`,
  });
}

describe('per-team reviews over Slack', () => {
  it('counts a decision only from a team the app was sent to, and approves once every team has', async () => {
    const before = mark();
    const form = await slack.submitForm('UMAKERP', {
      name: { type: 'plain_text_input', value: 'Partner contact sharing' },
      externalSharing: { type: 'radio_buttons', selected_option: { value: 'yes' } },
      criticality: { type: 'radio_buttons', selected_option: { value: 'high' } },
    });
    const reference = /APP-\d{4,}/u.exec(form.text)?.[0];
    if (!reference) throw new Error(`No reference in ${form.text}`);
    const security = await fake.waitFor(postedIn('C0SECURITY', reference), { after: before, what: 'security' });
    const privacy = await fake.waitFor(postedIn('C0PRIVACY', reference), { after: before, what: 'privacy' });
    const architecture = await fake.waitFor(postedIn('C0ARCH', reference), { after: before, what: 'architecture' });
    expect(fake.calls.slice(before).some(postedIn('C0LEADS', reference))).toBe(false);

    // A lead sends the security button's value with the team changed to the leads, from #general.
    const forged = mark();
    const approve = security.args.blocks
      .flatMap((block: any) => block.elements ?? [])
      .find((element: any) => element.type === 'button' && element.text.text === 'Approve');
    const forgedValue = (approve.value as string).replace(/ security$/u, ' leads');
    const inGeneral = { ...security, response: { ...security.response, channel: 'C0GENERAL' } };
    const response = await slack.interaction(
      slack.actionPayload(inGeneral, 'ULEAD1', 'general', { ...approve, value: forgedValue, action_ts: '1.2' }),
    );
    expect(response.status).toBe(200);
    const refusal = await fake.waitFor((call) => call.method === 'chat.postEphemeral' && call.args.user === 'ULEAD1', {
      after: forged,
      what: 'the refusal',
    });
    expect(refusal.args.text).toBe(
      `${reference} was not sent to Governance leads for review; only Security, Privacy and Architecture can decide on it. Your attempt was recorded.`,
    );
    // The genuine security button is no better in a lead's hands.
    expect((await slack.click(security, 'Approve', 'ULEAD1', 'gov-security')).status).toBe(200);
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' &&
        call.args.user === 'ULEAD1' &&
        call.args.text === `Only reviewers of Security can decide on ${reference}. Your attempt was recorded.`,
      { after: forged, what: 'the second refusal' },
    );
    expect(fake.calls.slice(forged).some((call) => call.method === 'chat.update')).toBe(false);
    expect(await statusOf(reference)).toBe('in_review');

    // Security approves: its copy closes, the others keep their buttons, the app still waits.
    const first = mark();
    await slack.click(security, 'Approve', 'USEC1', 'gov-security');
    const securityEdit = await latestEdit(security, first);
    expect(visibleText(securityEdit)).toContain('Approved by Sam Security (Security)');
    expect(visibleText(securityEdit)).toContain('Still waiting for: Privacy and Architecture.');
    expect(hasButtons(securityEdit.args.blocks)).toBe(false);
    const privacyEdit = await latestEdit(privacy, first);
    expect(visibleText(privacyEdit)).toContain('Approved by Sam Security (Security)');
    expect(hasButtons(privacyEdit.args.blocks)).toBe(true);
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === 'UMAKERP' &&
        visibleText(call).includes('Sam Security (Security) approved') &&
        visibleText(call).includes('Still waiting for: Privacy and Architecture.'),
      { after: first, what: "the maker's progress note" },
    );
    expect(await statusOf(reference)).toBe('in_review');

    // A second click by security is told it already decided; privacy and architecture approve.
    const again = mark();
    await slack.click(security, 'Approve', 'USEC1', 'gov-security');
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postEphemeral' &&
        call.args.user === 'USEC1' &&
        String(call.args.text).includes('was already approved by Sam Security (Security)'),
      { after: again, what: 'already decided' },
    );
    await slack.click(privacy, 'Approve', 'UPRIV1', 'gov-privacy');
    const last = mark();
    await slack.click(architecture, 'Approve', 'UARCH1', 'gov-architecture');
    const final = await fake.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args.ts === privacy.response.ts &&
        visibleText(call).includes('Approved by Ari Architect'),
      { after: last, what: 'the privacy copy showing the last approval' },
    );
    for (const line of [
      'Approved by Sam Security (Security)',
      'Approved by Pia Privacy (Privacy)',
      'Approved by Ari Architect (Architecture)',
    ])
      expect(visibleText(final)).toContain(line);
    expect(hasButtons(final.args.blocks)).toBe(false);
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === 'UMAKERP' &&
        visibleText(call).includes(`${reference} "Partner contact sharing" was approved by Ari Architect`),
      { after: last, what: "the maker's approval" },
    );
    expect(await statusOf(reference)).toBe('approved');

    // /metrics is scraped without authentication: counts by platform, outcome and team, never people or apps.
    const metrics = await (await fetch(`${steward.url}/metrics`)).text();
    expect(metrics).toContain('steward_escalations{team="security"}');
    for (const personal of ['UMAKERP', 'USEC1', 'Pat Maker', 'Sam Security', 'Partner contact sharing', reference])
      expect(metrics).not.toContain(personal);
  });

  it('says at start which teams have no reviewers, and escalations say who can decide', async () => {
    expect(steward.output()).toContain(
      'No reviewers are named for AI governance, Compliance: nobody can decide on their escalations',
    );
    const before = mark();
    const form = await slack.submitForm('UMAKERP', { name: { type: 'plain_text_input', value: 'Visitor book' } });
    const reference = /APP-\d{4,}/u.exec(form.text)![0];
    const privacy = await fake.waitFor(postedIn('C0PRIVACY', reference), { after: before, what: 'privacy' });
    expect(visibleText(privacy)).toContain(
      "Who can decide: the 1 reviewer of Privacy named in the policy; anyone else's click is refused and recorded.",
    );
  });

  it("shows an app's name and description exactly as written: no bold, italics or strike-through read into them", async () => {
    const before = mark();
    const form = await slack.submitForm('UMAKERP', {
      name: { type: 'plain_text_input', value: '*URGENT* _approve_ ~now~' },
      description: { type: 'plain_text_input', value: 'Click *here* to _approve_ it ~without~ review' },
    });
    const reference = /APP-\d{4,}/u.exec(form.text)![0];
    const escalation = await fake.waitFor(postedIn('C0PRIVACY', reference), { after: before, what: 'privacy' });
    const texts = escalation.args.blocks.flatMap((block: any) => [block.text, ...(block.fields ?? [])]).filter(Boolean);
    const quoting = texts.filter((text: any) => /URGENT|Click \*here/u.test(text.text));
    expect(quoting.length).toBeGreaterThanOrEqual(2);
    for (const text of quoting) expect(text.type).toBe('plain_text');
    expect(quoting.map((text: any) => text.text).join('\n')).toContain('*URGENT* _approve_ ~now~');
  });
});
