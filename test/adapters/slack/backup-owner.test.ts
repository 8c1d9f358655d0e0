// The backup owner over Slack, end to end (the server as `npm start` runs it, a fake Slack Web API,
// signed requests): named in the DM with an @mention, or picked in the registration form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, dmOf, postedIn, SlackSide, startSteward } from './harness.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const USERS = {
  UMAKER7: { name: 'mia', real_name: 'Mia Maker', display_name: 'Mia' },
  UMAKER8: { name: 'max', real_name: 'Max Maker' },
  UBACKUP1: { name: 'pat', real_name: 'Pat Lee', display_name: 'Pat Lee' },
};

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: [{ id: 'C0PRIVACY', name: 'gov-privacy', is_private: true }],
    users: USERS,
  });
  steward = await startSteward(fake);
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await fake?.close();
});

/** Sends one DM and waits for Steward's reply that contains `expected`. */
async function say(user: string, text: string, expected: string): Promise<SlackCall> {
  const before = fake.calls.length;
  expect((await slack.dm(user, text)).status).toBe(200);
  return fake.waitFor(postedIn(dmOf(user), expected), { after: before, what: `"${expected}" after "${text}"` });
}

/** The backup owner of the app named `name`, as the inventory export has its profile. */
async function backupOwnerOf(name: string): Promise<unknown> {
  const exported = await runSteward(['apps', 'export', '--format', 'json'], steward.env);
  expect(exported.code, exported.stderr).toBe(0);
  return JSON.parse(exported.stdout).find((app: any) => app.profile.name === name)?.profile.backupOwner;
}

describe('the backup owner in Slack', () => {
  it('is named in the DM with an @mention: the summary shows them, and the app keeps their Slack id', async () => {
    const maker = 'UMAKER7';
    const answers = ['register', 'Complaint tracker', 'Tracks customer complaints', 'power apps', 'Customer Service'];
    const expected = ['called', 'what does it do', 'build it with', 'department', 'Who will use it'];
    for (const [index, answer] of answers.entries()) await say(maker, answer, expected[index]!);
    for (const [answer, next] of [
      ['department', 'how many'],
      ['45', 'kinds of data'],
      ['personal', 'connect to other systems'],
      ['none', 'use AI'],
      ['no', 'stopped working'],
      ['medium', 'outside the company'],
    ])
      await say(maker, answer!, next!);
    await say(maker, 'no', "Who looks after the app when you're away?");
    // A typed name is not a person Slack knows: the re-ask says how to mention someone.
    await say(maker, 'Pat Lee', 'type @ and pick them');
    const summary = await say(maker, 'my colleague <@UBACKUP1>', 'Summary');
    const fields = summary.args.blocks
      .filter((block: any) => block.type === 'section' && block.fields)
      .flatMap((block: any) => block.fields.map((field: any) => field.text));
    expect(fields).toContain('*Backup owner*\nPat Lee');
    await say(maker, 'yes', 'Registered APP-');
    expect(await backupOwnerOf('Complaint tracker')).toEqual({
      platform: 'slack',
      userId: 'UBACKUP1',
      displayName: 'Pat Lee',
    });
  });

  it('is picked in the form: missing, the form says why under it; picked, the app keeps it', async () => {
    const maker = 'UMAKER8';
    const missing = await slack.submitForm(maker, {
      name: { type: 'plain_text_input', value: 'Visitor log' },
      backupOwner: { type: 'users_select', selected_user: null },
    });
    expect(JSON.parse(missing.text)).toEqual({
      response_action: 'errors',
      errors: { backupOwner: expect.stringContaining('apps at medium risk and above need a backup owner') },
    });
    const themself = await slack.submitForm(maker, {
      name: { type: 'plain_text_input', value: 'Visitor log' },
      backupOwner: { type: 'users_select', selected_user: maker },
    });
    expect(JSON.parse(themself.text).errors).toEqual({
      backupOwner: expect.stringContaining('someone other than you'),
    });

    const picked = await slack.submitForm(maker, {
      name: { type: 'plain_text_input', value: 'Visitor log' },
      backupOwner: { type: 'users_select', selected_user: 'UBACKUP1' },
    });
    const body = JSON.parse(picked.text);
    expect(body.response_action).toBe('update');
    expect(JSON.stringify(body.view)).toContain('Registered APP-');
    expect(await backupOwnerOf('Visitor log')).toEqual({
      platform: 'slack',
      userId: 'UBACKUP1',
      displayName: 'Pat Lee',
    });

    // A low-risk app needs none: the form registers it without.
    const lowRisk = await slack.submitForm(maker, {
      name: { type: 'plain_text_input', value: 'Lunch rota' },
      dataCategories: { type: 'checkboxes', selected_options: [{ value: 'internal' }] },
      audience: { type: 'radio_buttons', selected_option: { value: 'team' } },
      userCount: { type: 'number_input', value: '8' },
      backupOwner: { type: 'users_select', selected_user: null },
    });
    expect(JSON.parse(lowRisk.text).response_action).toBe('update');
    expect(await backupOwnerOf('Lunch rota')).toBeUndefined();
  });
});
