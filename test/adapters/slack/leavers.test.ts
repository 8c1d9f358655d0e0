// Leavers end to end: Slack's user_change for a deactivated account and HR's POST /api/leavers, against
// the server as `npm start` runs it. Without the admin token the API changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteward } from '../../support/processes.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, dmOf, fixture, postedIn, SlackSide, startSteward, visibleText } from './harness.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';
const CHANNELS = [
  { id: 'C0PRIVACY', name: 'gov-privacy' },
  { id: 'C0LEADS', name: 'gov-leads' },
];
const USERS = {
  U0LEAVER1: { name: 'lena', real_name: 'Lena Leaver' },
  U0STAYER1: { name: 'sten', real_name: 'Sten Stayer' },
  UBACKUP1: { name: 'pat', real_name: 'Pat Lee' },
};

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: CHANNELS, users: USERS });
  steward = await startSteward(fake, { STEWARD_ADMIN_TOKEN: ADMIN_TOKEN });
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await fake?.close();
});

/** The form's fixture registers a MEDIUM app with UBACKUP1 picked as backup owner; `lowRisk` one with none. */
async function registerByForm(user: string, name: string, lowRisk = false): Promise<string> {
  const response = await slack.submitForm(user, {
    name: { type: 'plain_text_input', value: name },
    ...(lowRisk
      ? {
          audience: { type: 'radio_buttons', selected_option: { value: 'team' } },
          userCount: { type: 'number_input', value: '6' },
          dataCategories: { type: 'checkboxes', selected_options: [{ value: 'internal' }] },
          backupOwner: { type: 'users_select', selected_user: null },
        }
      : {}),
  });
  const reference = /APP-\d{4,}/u.exec(response.text)?.[0];
  if (!reference) throw new Error(`No reference in ${response.text}`);
  return reference;
}

async function auditActions(): Promise<Array<{ action: string; details: any }>> {
  return JSON.parse((await runSteward(['audit', 'export', '--format', 'json'], steward.env)).stdout);
}

const leavers = (body: unknown, token?: string) =>
  fetch(`${steward.url}/api/leavers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('people who leave', () => {
  it("a deactivated Slack account's app goes to its backup owner, who accepts it with one click", async () => {
    const reference = await registerByForm('U0LEAVER1', 'Expense helper');
    const before = fake.calls.length;
    expect((await slack.event(fixture('event_user_change'))).status).toBe(200);
    const asked = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === 'UBACKUP1' &&
        visibleText(call).includes(`You are now the owner of ${reference}`),
      { after: before, what: 'the backup owner asked to accept' },
    );
    expect(visibleText(asked)).toContain('Lena Leaver has left, and you are its backup owner');
    // Slack redelivers the event under another id: nothing new happens.
    const again = fixture('event_user_change');
    again.event_id = 'Ev0USERCHANGE2';
    await slack.event(again, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });

    const click = fake.calls.length;
    expect((await slack.click(asked, 'Accept', 'UBACKUP1')).status).toBe(200);
    const thanked = await fake.waitFor(
      (call) =>
        ['chat.postMessage', 'chat.update'].includes(call.method) &&
        visibleText(call).includes(`Thanks: you own ${reference} "Expense helper" now.`),
      { after: click, what: 'the acceptance confirmed' },
    );
    expect(thanked.args.channel).toBe(dmOf('UBACKUP1'));
    const shown = JSON.parse((await runSteward(['apps', 'show', reference, '--json'], steward.env)).stdout);
    expect(shown.owner).toMatchObject({ platform: 'slack', userId: 'UBACKUP1', unconfirmedSince: null });
    expect(shown.backupOwner).toBeNull();
    const audit = await auditActions();
    expect(audit.filter((event) => event.action === 'person.left')).toHaveLength(1);
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(['app.owner_changed', 'app.ownership_accepted']),
    );
  });

  it('POST /api/leavers refuses a request without the admin token, and changes nothing', async () => {
    const reference = await registerByForm('U0STAYER1', 'Room planner', true);
    const before = (await auditActions()).length;
    for (const token of [undefined, 'wrong-token-wrong-token-wrong-token-00']) {
      const response = await leavers({ leavers: ['slack:U0STAYER1'] }, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = await response.json();
      expect(body).toEqual({
        error: { code: 'unauthorized', message: 'Send the admin token as "Authorization: Bearer <token>".' },
        requestId: response.headers.get('x-request-id'),
      });
    }
    expect((await auditActions()).length).toBe(before);

    const accepted = await leavers({ leavers: ['slack:U0STAYER1'] }, ADMIN_TOKEN);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({
      results: [
        { person: 'slack:U0STAYER1', recorded: true, transferred: [], orphaned: [reference], backupCleared: [] },
      ],
    });
    // Without a backup owner the app waits in the orphan queue, and the leads are asked to name one.
    await fake.waitFor(postedIn('C0LEADS', `${reference} has no owner`), { what: 'the leads asked for an owner' });
    const orphaned = JSON.parse((await runSteward(['apps', 'list', '--orphaned', '--json'], steward.env)).stdout);
    expect(orphaned.map((app: any) => app.reference)).toEqual([reference]);
    const twice = await leavers({ leavers: ['slack:U0STAYER1'] }, ADMIN_TOKEN);
    expect(((await twice.json()) as { results: unknown[] }).results[0]).toMatchObject({
      recorded: false,
      orphaned: [],
    });

    const invalid = await leavers({ leavers: ['Sten'] }, ADMIN_TOKEN);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('invalid-leavers');
  });
});
