// Slack end to end: the server as `npm start` runs it, a fake Slack Web API, and signed requests
// shaped like Slack's. One server for the whole file; each test speaks as its own Slack users.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteward } from '../../support/processes.ts';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import {
  BOT_TOKEN,
  dmOf,
  fixture,
  postedIn,
  SIGNING_SECRET,
  SlackSide,
  slackSignature,
  startSteward,
  visibleText,
} from './harness.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const CHANNELS = [
  { id: 'C0SECURITY', name: 'gov-security' },
  { id: 'C0PRIVACY', name: 'gov-privacy', is_private: true },
  { id: 'C0AIGOV', name: 'gov-ai' },
  { id: 'C0ARCH', name: 'gov-architecture' },
  { id: 'C0COMPLY', name: 'gov-compliance' },
  { id: 'C0LEADS', name: 'gov-leads' },
  { id: 'C0GENERAL', name: 'general' },
];

const USERS = {
  UMAKER1: { name: 'mia', real_name: 'Mia Maker', display_name: 'Mia' },
  UMAKER2: { name: 'max', real_name: 'Max Maker' },
  UMAKER3: { name: 'mo', real_name: 'Mo Maker' },
  UREVIEWER1: { name: 'rita', real_name: 'Rita Reviewer', display_name: 'Rita' },
  UGROUPREV: { name: 'gus', real_name: 'Gus Groupmember' },
  UNOBODY: { name: 'nora', real_name: 'Nora Nobody' },
};

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: CHANNELS,
    users: USERS,
    usergroups: [{ id: 'SPRIVACYREV', handle: 'privacy-reviewers', users: ['UGROUPREV'] }],
  });
  steward = await startSteward(fake);
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await fake?.close();
});

function mark(): number {
  return fake.calls.length;
}

describe('requests Slack did not sign', () => {
  it('answers url_verification with its challenge when signed', async () => {
    const challenge = fixture('url_verification');
    const response = await slack.event(challenge);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ challenge: challenge.challenge });
  });

  it('refuses a bad signature, a stale timestamp and missing headers with 401, and does nothing', async () => {
    const before = mark();
    const { envelope } = await slack.dm('UFORGER', 'help');
    const body = JSON.stringify({ ...envelope, event_id: 'EvFORGED1' });
    const now = Math.floor(Date.now() / 1000);
    const badSignature = await slack.post(body, 'application/json', {
      signature: slackSignature(body, now, 'not-the-secret'),
    });
    const stale = await slack.post(body, 'application/json', { timestamp: now - 6 * 60 });
    const unsigned = await slack.post(body, 'application/json', { signature: null });
    expect([badSignature.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    // The one properly signed copy (from slack.dm) is answered; the forged ones are not.
    await fake.waitFor(postedIn(dmOf('UFORGER'), 'I register the apps you build'), {
      after: before,
      what: 'the help reply',
    });
    const replies = fake.calls
      .slice(before)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === dmOf('UFORGER'));
    expect(replies).toHaveLength(1);
  });
});

/** Sends one DM and waits for Steward's reply that contains `expected`; returns that posted message. */
async function say(user: string, text: string, expected: string): Promise<SlackCall> {
  const before = mark();
  const response = await slack.dm(user, text);
  expect(response.status).toBe(200);
  return fake.waitFor(postedIn(dmOf(user), expected), {
    after: before,
    what: `a reply containing "${expected}" to "${text}"`,
  });
}

/** Runs an interaction and waits for Steward's next question in the DM. */
async function answer(user: string, act: () => Promise<{ status: number }>, expected: string): Promise<SlackCall> {
  const before = mark();
  const response = await act();
  expect(response.status).toBe(200);
  return fake.waitFor(postedIn(dmOf(user), expected), { after: before, what: `a reply containing "${expected}"` });
}

function updatesOf(message: SlackCall, after = 0): SlackCall[] {
  return fake.calls
    .slice(after)
    .filter(
      (call) =>
        call.method === 'chat.update' &&
        call.args.ts === message.response.ts &&
        call.args.channel === message.response.channel,
    );
}

function hasButtons(blocks: any[]): boolean {
  return blocks.some((block) => block.type === 'actions');
}

describe('a maker in a DM', () => {
  it('registers an app by chatting: buttons, menus, checkboxes, a tidy summary, and an escalation to the reviewers', async () => {
    const maker = 'UMAKER1';
    const name = await say(maker, 'register', "What's the app called?");
    const description = await say(maker, 'Complaint tracker', 'what does it do and who uses it?');
    // The answered question is redrawn with the answer and without controls.
    const nameUpdate = updatesOf(name).at(-1)!;
    expect(visibleText(nameUpdate)).toContain('✔ Complaint tracker');

    const platform = await say(maker, 'Tracks customer complaints for the service desk', 'What did you build it with?');
    expect(visibleText(updatesOf(description).at(-1)!)).toContain('✔ Tracks customer complaints');
    // Ten platforms: a select menu rather than ten buttons.
    const platformMenu = platform.args.blocks.find((block: any) => block.type === 'actions').elements[0];
    expect(platformMenu.type).toBe('static_select');
    expect(platformMenu.options).toHaveLength(10);

    const department = await answer(
      maker,
      () => slack.choose(platform, 'Power Apps', maker),
      'Which department or team owns it?',
    );
    expect(visibleText(updatesOf(platform).at(-1)!)).toContain('✔ Power Apps');
    const audience = await say(maker, 'Customer service', 'Who will use it?');
    expect(visibleText(updatesOf(department).at(-1)!)).toContain('✔ Customer service');
    // Five choices: five buttons.
    const audienceButtons = audience.args.blocks.find((block: any) => block.type === 'actions').elements;
    expect(audienceButtons.map((button: any) => button.text.text)).toEqual([
      'Just me',
      'My team',
      'My department',
      'The whole organisation',
      'People outside the company',
    ]);

    const users = await answer(maker, () => slack.click(audience, 'My department', maker), 'how many people');
    const audienceUpdate = updatesOf(audience).at(-1)!;
    expect(visibleText(audienceUpdate)).toContain('✔ My department');
    expect(hasButtons(audienceUpdate.args.blocks)).toBe(false);

    const data = await say(maker, '45', 'What kinds of data');
    const checkboxes = data.args.blocks.find((block: any) => block.type === 'actions').elements[0];
    expect(checkboxes.type).toBe('checkboxes');
    expect(checkboxes.options).toHaveLength(10);
    const systems = await answer(
      maker,
      () => slack.tickAndSubmit(data, ['Personal data'], maker),
      'connect to other systems',
    );
    expect(visibleText(updatesOf(data).at(-1)!)).toContain('✔ Personal data');
    expect(visibleText(updatesOf(users).at(-1)!)).toContain('✔ 45');

    const ai = await say(maker, 'none', 'Does it use AI');
    expect(visibleText(updatesOf(systems).at(-1)!)).toContain('✔ none');
    const criticality = await answer(maker, () => slack.click(ai, 'No', maker), 'how bad would that be?');
    const sharing = await answer(
      maker,
      () => slack.click(criticality, 'Noticeable: there are workarounds', maker),
      'shared with anyone outside',
    );
    // A medium-risk app needs a backup owner (policy lifecycle.backupOwnerFrom).
    await answer(maker, () => slack.click(sharing, 'No', maker), 'looks after the app');
    const summary = await say(maker, 'mia.backup@example.com', 'Summary');
    // The summary shows the answers as fields, with Submit / Cancel and a menu to change one.
    expect(
      summary.args.blocks
        .filter((block: any) => block.type === 'section' && block.fields)
        .flatMap((block: any) => block.fields.map((field: any) => field.text)),
    ).toEqual(
      expect.arrayContaining([
        '*Name*\nComplaint tracker',
        '*Who uses it*\nMy department',
        '*Number of users*\n45',
        '*Data it handles*\nPersonal data',
        '*Backup owner*\nmia.backup@example.com',
      ]),
    );
    const controls = summary.args.blocks.find((block: any) => block.type === 'actions').elements;
    expect(controls.map((element: any) => element.type)).toEqual(['static_select', 'button', 'button']);

    const before = mark();
    const registered = await answer(maker, () => slack.click(summary, 'Submit', maker), 'Registered APP-');
    expect(visibleText(registered)).toContain('MEDIUM');
    expect(visibleText(registered)).toContain('Reviewers informed: #gov-privacy');
    expect(visibleText(updatesOf(summary, before).at(-1)!)).toContain('✔ Submit');

    // The reviewers' channel gets the escalation with the decision buttons.
    const escalation = await fake.waitFor(postedIn('C0PRIVACY', 'Complaint tracker'), {
      after: before,
      what: 'the escalation in #gov-privacy',
    });
    expect(visibleText(escalation)).toContain('Review needed');
    expect(visibleText(escalation)).toContain('Mia');
    const buttons = escalation.args.blocks
      .find((block: any) => block.type === 'actions')
      .elements.map((button: any) => button.text.text);
    expect(buttons).toEqual(['Approve', 'Reject', 'Request changes']);
  });
});

/** Registers an app through the form (a view_submission) and waits for its escalation in #gov-privacy. */
async function registerByForm(
  user: string,
  name: string,
): Promise<{ reference: string; escalation: SlackCall; view: any }> {
  const before = mark();
  const response = await slack.submitForm(user, { name: { type: 'plain_text_input', value: name } });
  expect(response.status).toBe(200);
  const body = JSON.parse(response.text);
  expect(body.response_action).toBe('update');
  const reference = /APP-\d{4,}/u.exec(JSON.stringify(body.view))?.[0];
  if (!reference) throw new Error(`No reference in ${response.text}`);
  const escalation = await fake.waitFor(postedIn('C0PRIVACY', reference), {
    after: before,
    what: `the escalation of ${reference}`,
  });
  return { reference, escalation, view: body.view };
}

describe('Slack delivery quirks', () => {
  it("ignores messages from bots, Steward's own included", async () => {
    const user = 'UBOTWATCH';
    const before = mark();
    const otherBot = fixture('event_message_im_bot');
    Object.assign(otherBot.event, { channel: dmOf(user) });
    otherBot.event_id = 'EvOTHERBOT1';
    const own = fixture('event_message_im');
    Object.assign(own.event, {
      user: fake.identity.botUserId,
      bot_id: fake.identity.botId,
      channel: dmOf(user),
      text: 'Registered APP-0001',
    });
    own.event_id = 'EvOWNMSG1';
    expect((await slack.event(otherBot)).status).toBe(200);
    expect((await slack.event(own)).status).toBe(200);
    // A person's message after them is answered, and it is the only thing answered.
    await say(user, 'help', 'I register the apps you build');
    const replies = fake.calls
      .slice(before)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === dmOf(user));
    expect(replies).toHaveLength(1);
  });

  it('acknowledges and ignores a message event of an unexpected shape, then answers the next one', async () => {
    const user = 'UODDSHAPE';
    const before = mark();
    const odd = fixture('event_message_im');
    Object.assign(odd.event, { user: null, text: 42, channel: dmOf(user) });
    delete odd.event.blocks;
    odd.event_id = 'EvODDSHAPE1';
    expect((await slack.event(odd)).status).toBe(200);
    await say(user, 'help', 'I register the apps you build');
    const replies = fake.calls
      .slice(before)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === dmOf(user));
    expect(replies).toHaveLength(1);
  });

  it('handles a retried event and a duplicated click only once', async () => {
    const user = 'UREPEAT1';
    const before = mark();
    const first = await slack.dm(user, 'register');
    await fake.waitFor(postedIn(dmOf(user), "What's the app called?"), { after: before });
    // Slack retries an event it thinks was not received (x-slack-retry-num), or delivers it twice.
    const retried = await slack.event(first.envelope, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    const duplicate = await slack.event(first.envelope);
    expect([retried.status, duplicate.status]).toEqual([200, 200]);
    await say(user, 'Expense helper', 'what does it do');
    const platform = await say(user, 'Tracks who spent what on team trips', 'What did you build it with?');
    // The same click delivered twice, at the same time.
    const click = slack.choicePayload(platform, 'Zapier', user);
    const clicks = await Promise.all([slack.interaction(click), slack.interaction(click)]);
    expect(clicks.map((response) => response.status)).toEqual([200, 200]);
    await fake.waitFor(postedIn(dmOf(user), 'Which department or team owns it?'), { after: before });
    await say(user, 'Finance', 'Who will use it?');

    const texts = fake.calls
      .slice(before)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === dmOf(user))
      .map(visibleText);
    expect(texts.filter((text) => text.includes("What's the app called?"))).toHaveLength(1);
    expect(texts.filter((text) => text.includes("Let's register your app"))).toHaveLength(1);
    expect(texts.filter((text) => text.includes('Which department or team owns it?'))).toHaveLength(1);
  });

  it('turns away a click on a question already answered by typing, and the live question still takes its answer', async () => {
    const user = 'USTALE1';
    const before = mark();
    await slack.dm(user, 'register');
    await fake.waitFor(postedIn(dmOf(user), "What's the app called?"), { after: before });
    await say(user, 'Trip planner', 'what does it do');
    const platform = await say(user, 'Plans team trips and who pays for what', 'What did you build it with?');
    // Typed rather than picked from the menu; then the old menu is used after all.
    await say(user, 'Power Apps', 'Which department or team owns it?');
    const clicked = mark();
    expect((await slack.choose(platform, 'Zapier', user)).status).toBe(200);
    const refusal = await fake.waitFor((call) => call.method === 'chat.postEphemeral' && call.args.user === user, {
      after: clicked,
    });
    expect(String(refusal.args.text)).toContain('so I ignored the click');
    // Nothing moved on: the department question is still the one waiting, and Zapier was not taken.
    await say(user, 'Finance', 'Who will use it?');
    const asked = fake.calls
      .slice(clicked)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === dmOf(user))
      .map(visibleText);
    expect(asked.filter((text) => text.includes('Which department or team owns it?'))).toHaveLength(0);
    expect(asked.join('\n')).not.toContain('Zapier');
  });

  it('honours Retry-After when Slack answers 429, for replies and for escalations', async () => {
    const user = 'URATED1';
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }, 1, (args) => args.channel === dmOf(user));
    const before = mark();
    const reply = await say(user, 'help', 'I register the apps you build');
    const limited = fake.calls.slice(before).find((call) => call.method === 'chat.postMessage' && call.status === 429)!;
    expect(reply.at - limited.at).toBeGreaterThanOrEqual(1000);

    // The outbox: the escalation's first post is rate limited and goes out after Retry-After.
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }, 1, (args) => args.channel === 'C0PRIVACY');
    const outboxBefore = mark();
    const { escalation } = await registerByForm(user, 'Rate limited app');
    const rejected = fake.calls
      .slice(outboxBefore)
      .find((call) => call.status === 429 && call.args.channel === 'C0PRIVACY')!;
    expect(rejected).toBeDefined();
    expect(escalation.at - rejected.at).toBeGreaterThanOrEqual(1000);
  });

  it('apologises instead of staying silent when Slack refuses a reply', async () => {
    const user = 'UAPOLOGY1';
    fake.failNext('chat.postMessage', { error: 'invalid_blocks' }, 1, (args) => args.channel === dmOf(user));
    const apology = await say(user, 'help', 'Sorry');
    expect(visibleText(apology)).toContain("couldn't show you my whole answer");
  });
});

describe('channels', () => {
  it('answers an @mention in the thread of the mention', async () => {
    const mention = fixture('event_app_mention');
    Object.assign(mention.event, {
      user: 'UMENTION1',
      channel: 'C0GENERAL',
      ts: '1715449522.000016',
      event_ts: '1715449522.000016',
    });
    mention.event_id = 'EvMENTION01';
    const before = mark();
    expect((await slack.event(mention)).status).toBe(200);
    const reply = await fake.waitFor(postedIn('C0GENERAL', 'I register the apps you build'), { after: before });
    expect(reply.args.thread_ts).toBe('1715449522.000016');
  });

  it('answers a mention in the DM once, though Slack sends it as message.im and as app_mention', async () => {
    const user = 'UMENTION2';
    const before = mark();
    const inDm = fixture('event_app_mention');
    Object.assign(inDm.event, { user, channel: dmOf(user), channel_type: 'im', text: '<@U0STEWARD> help' });
    inDm.event_id = 'EvMENTIONDM1';
    expect((await slack.event(inDm)).status).toBe(200);
    const help = await say(user, '<@U0STEWARD> help', 'I register the apps you build');
    expect(visibleText(help)).not.toContain("I'm not sure what you mean");
    await say(user, 'my apps', "You haven't registered any apps yet");
    const replies = fake.calls
      .slice(before)
      .filter((call) => call.method === 'chat.postMessage' && call.args.channel === dmOf(user));
    expect(replies).toHaveLength(2);
  });
});

describe('/steward', () => {
  it('answers help, apps, status and ask ephemerally, unknown subcommands with the help, and register in the DM', async () => {
    const user = 'UCOMMAND1';
    const { reference } = await registerByForm(user, 'Supplier scorecard');

    const help = await slack.command('help', user);
    expect(help.status).toBe(200);
    expect(help.body.response_type).toBe('ephemeral');
    expect(help.body.text).toContain("I'm Steward");

    const apps = await slack.command('apps', user);
    expect(apps.body.text).toContain(`${reference}  Supplier scorecard`);

    const status = await slack.command(`status ${reference}`, user);
    expect(status.body.text).toContain(`${reference} "Supplier scorecard" (version 1)`);
    expect(status.body.text).toContain('PERSONAL-DATA-BROAD');

    const ask = await slack.command('ask Can I put card numbers in Airtable?', user);
    expect(ask.body.response_type).toBe('ephemeral');
    expect(ask.body.text).toMatch(/handbook|card/iu);
    expect(ask.body.text).not.toContain("I'm not sure what you mean");

    const unknown = await slack.command('frobnicate now', user);
    expect(unknown.body.text).toContain("I don't know `/steward frobnicate`");
    expect(unknown.body.text).toContain("I'm Steward");

    const before = mark();
    const register = await slack.command('register', user);
    expect(register.body.text).toContain("I've sent you a direct message");
    expect(register.body.blocks.find((block: any) => block.type === 'actions').elements[0].text.text).toBe(
      'Use a form instead',
    );
    await fake.waitFor(postedIn(dmOf(user), "What's the app called?"), {
      after: before,
      what: 'the first question in the DM',
    });
  });
});

describe('the registration form', () => {
  it('opens from the shortcut, shows field errors inline, and registers a valid form', async () => {
    const user = 'UMAKER2';
    const before = mark();
    const shortcut = {
      ...fixture('shortcut'),
      user: { id: user, username: 'max', team_id: 'T0STEWARD' },
      trigger_id: 'trigger-shortcut-1',
    };
    expect((await slack.interaction(shortcut)).status).toBe(200);
    const opened = await fake.waitFor(
      (call) => call.method === 'views.open' && call.args.trigger_id === 'trigger-shortcut-1',
      { after: before },
    );
    expect(opened.args.view.callback_id).toBe('steward_register');
    const inputs = opened.args.view.blocks
      .filter((block: any) => block.type === 'input')
      .map((block: any) => block.block_id);
    expect(inputs).toEqual(
      expect.arrayContaining([
        'name',
        'description',
        'platform',
        'audience',
        'userCount',
        'dataCategories',
        'systems',
        'ai.used',
        'ai.decisionImpact',
        'criticality',
        'externalSharing',
      ]),
    );

    // A system without saying whether the app reads or writes it: the error sits under that input.
    const invalid = await slack.submitForm(user, { systems: { type: 'plain_text_input', value: 'SAP' } });
    expect(JSON.parse(invalid.text)).toEqual({
      response_action: 'errors',
      errors: { systems: expect.stringContaining('Does it read from or write to SAP?') },
    });

    const { reference, view } = await registerByForm(user, 'Complaint tracker');
    expect(view.title.text).toBe('Registered');
    expect(JSON.stringify(view.blocks)).toContain('MEDIUM');
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === user &&
        visibleText(call).includes(`Registered ${reference}`),
      { what: 'the confirmation in the DM' },
    );

    // The same name again is refused next to the name.
    const again = await slack.submitForm(user, { name: { type: 'plain_text_input', value: 'complaint  tracker' } });
    expect(JSON.parse(again.text)).toEqual({
      response_action: 'errors',
      errors: { name: expect.stringContaining(`(${reference})`) },
    });
  });
});

describe('reviewers', () => {
  it('a reviewer asks for changes with a reason: the escalation shows the decision and the maker gets a DM', async () => {
    const maker = 'UMAKER3';
    const { reference, escalation } = await registerByForm(maker, 'Visitor log');
    const before = mark();
    expect((await slack.click(escalation, 'Request changes', 'UREVIEWER1', 'gov-privacy')).status).toBe(200);
    const opened = await fake.waitFor(
      (call) => call.method === 'views.open' && call.args.view.callback_id === 'steward_review_reason',
      { after: before, what: 'the reason modal' },
    );
    expect(visibleText(opened)).toContain(reference);

    const submitted = await slack.submitReason(opened, 'Please add how long visitor data is kept.', 'UREVIEWER1');
    expect(submitted.status).toBe(200);
    const updated = await fake.waitFor(
      (call) => call.method === 'chat.update' && call.args.ts === escalation.response.ts,
      { after: before, what: 'the escalation updated' },
    );
    expect(visibleText(updated)).toContain(
      'Changes requested by Rita (Privacy): Please add how long visitor data is kept.',
    );
    expect(hasButtons(updated.args.blocks)).toBe(false);
    const dm = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === maker &&
        visibleText(call).includes('asked for changes'),
      { after: before, what: "the maker's DM" },
    );
    expect(visibleText(dm)).toContain(
      `Rita (Privacy) asked for changes to ${reference} "Visitor log": Please add how long visitor data is kept.`,
    );
  });

  it("refuses a non-reviewer's click ephemerally and records it; a member of the reviewers' group approves", async () => {
    const maker = 'UMAKER4';
    const { reference, escalation } = await registerByForm(maker, 'Badge photos');
    const before = mark();
    expect((await slack.click(escalation, 'Approve', 'UNOBODY', 'gov-privacy')).status).toBe(200);
    const refusal = await fake.waitFor((call) => call.method === 'chat.postEphemeral' && call.args.user === 'UNOBODY', {
      after: before,
      what: 'the refusal',
    });
    expect(refusal.args.channel).toBe('C0PRIVACY');
    expect(refusal.args.text).toBe(`Only reviewers of Privacy can decide on ${reference}. Your attempt was recorded.`);
    // The policy lists a user group for privacy, so clickers' groups are looked up (and cached briefly).
    expect(fake.callsOf('usergroups.list').some((call) => call.args.include_users === 'true')).toBe(true);
    const audit = await runSteward(['audit', 'export', '--format', 'json'], steward.env);
    const refused = JSON.parse(audit.stdout).filter(
      (event: any) => event.action === 'review.refused' && event.actorId === 'UNOBODY',
    );
    expect(refused).toHaveLength(1);
    expect(refused[0].details).toMatchObject({ reference, why: 'not-reviewer', decision: 'approve', team: 'privacy' });

    const approve = mark();
    expect((await slack.click(escalation, 'Approve', 'UGROUPREV', 'gov-privacy')).status).toBe(200);
    const updated = await fake.waitFor(
      (call) => call.method === 'chat.update' && call.args.ts === escalation.response.ts,
      { after: approve, what: 'the escalation updated' },
    );
    expect(visibleText(updated)).toContain('Approved by Gus Groupmember (Privacy)');
    expect(
      fake.calls
        .slice(before, approve)
        .some((call) => call.method === 'chat.update' && call.args.ts === escalation.response.ts),
    ).toBe(false);
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === maker &&
        visibleText(call).includes(`${reference} "Badge photos" was approved by Gus Groupmember`),
      { after: approve, what: "the maker's DM" },
    );
  });
});

describe('App Home', () => {
  it("lists the user's apps with status and risk tier, with a button that opens the form", async () => {
    const user = 'UHOME1';
    const { reference } = await registerByForm(user, 'Canteen menu');
    const opened = fixture('event_app_home_opened');
    opened.event.user = user;
    opened.event_id = `EvHOME${randomUUID().slice(0, 6)}`;
    const before = mark();
    expect((await slack.event(opened)).status).toBe(200);
    const published = await fake.waitFor((call) => call.method === 'views.publish' && call.args.user_id === user, {
      after: before,
      what: 'App Home',
    });
    expect(visibleText(published)).toContain(`${reference} Canteen menu`);
    expect(visibleText(published)).toContain('Registered, reviewers informed · medium risk');

    const button = published.args.view.blocks.find((block: any) => block.type === 'actions').elements[0];
    expect(button.text.text).toBe('Register an app');
    const click = slack.actionPayload(
      {
        ...published,
        args: { blocks: published.args.view.blocks },
        response: { channel: dmOf(user), ts: '1' },
      } as SlackCall,
      user,
      'home',
      { ...button, block_id: 'steward_home', action_ts: '1' },
    );
    click.container = { type: 'view', view_id: published.response.view.id };
    delete click.channel;
    delete click.message;
    expect((await slack.interaction(click)).status).toBe(200);
    const form = await fake.waitFor(
      (call) => call.method === 'views.open' && call.args.trigger_id === click.trigger_id,
      { after: before, what: 'the form' },
    );
    expect(form.args.view.callback_id).toBe('steward_register');
  });
});

describe('the server', () => {
  it('says at start that Slack is on, reports it in /healthz, and never logs the token or the signing secret', async () => {
    expect(steward.output()).toContain('Slack enabled: HTTP (POST /slack/events)');
    expect(steward.output()).toContain('Slack connected as @steward in Steward Test');
    const health = (await (await fetch(`${steward.url}/healthz`)).json()) as any;
    expect(health.adapters).toEqual(['slack']);
    expect(health.platforms.slack).toEqual({ status: 'ok', bot: 'steward', team: 'Steward Test', mode: 'http' });
    expect(steward.output()).not.toContain(BOT_TOKEN);
    expect(steward.output()).not.toContain(SIGNING_SECRET);
    // Every Web API call carried the bot token, as a header.
    expect(fake.calls.filter((call) => call.method !== 'response_url').every((call) => call.token === BOT_TOKEN)).toBe(
      true,
    );
  });
});
