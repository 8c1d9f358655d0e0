import { createHash } from 'node:crypto';
import type { Reply, ReplyButton } from '../chat/reply.ts';
import { leadsDestinations } from '../policy/routing.ts';
import type { Policy } from '../policy/schema.ts';
import { TIERS } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';
import { SYSTEM_ACTOR } from '../store/audit.ts';
import type { OutboxEntry } from '../store/outbox.ts';
import type { RecertificationRow } from '../store/lifecycle.ts';
import type { Store } from '../store/store.ts';
import { personPlatform } from './people.ts';
import type { AppRow } from '../store/types.ts';

// Recertification: each owner re-confirms their apps every so many days (per tier, from the policy).
// One digest per owner lists every app that fell due; no answer after `recertifyReminderDays`, one
// reminder; as many days after that, the governance leads are told once and the app shows as overdue.
// State lives in the Recertification rows (asked, reminded, leads told, answered), written in the same
// transaction as the messages, so a run is safe to repeat: time is passed in, as for review SLAs.

const DAY_MS = 86_400_000;

/**
 * Apps in one digest that get buttons: three each, 24 in all, within Slack's 25 elements per actions
 * block (Teams shows extra actions in its overflow menu). The others are answered by typing the command.
 */
export const MAX_APPS_WITH_BUTTONS = 8;

/** Never asked: retired apps are kept for the record only; rejected and draft ones are not in use. */
const NOT_RECERTIFIED: ReadonlySet<string> = new Set(['retired', 'rejected', 'draft']);

type Owner = { platform: string; userId: string; displayName: string | null };

/** What a run now does about an app: ask its owner, remind them, or tell the leads; null: nothing yet. */
type RecertificationStep = 'ask' | 'remind' | 'tell-leads';

export interface RecertificationItem {
  appId: string;
  reference: string;
  name: string;
  tier: string;
  owner: Owner;
  /** The date the app fell due (the end of its exemption, if that is later). */
  dueAt: Date;
  /** due: not asked yet; asked: waiting for the owner; reminded: waiting after the reminder; overdue: the leads were told. */
  state: 'due' | 'asked' | 'reminded' | 'overdue';
  /** The open cycle, once asked. */
  cycleId: string | null;
  askedAt: Date | null;
  remindedAt: Date | null;
  leadsToldAt: Date | null;
  next: RecertificationStep | null;
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);
const startOfUtcDay = (date: Date) => new Date(`${utcDay(date)}T00:00:00.000Z`);

function everyDays(policy: Policy, tier: string | null): number | undefined {
  const known = TIERS.find((candidate) => candidate === tier);
  return known ? policy.lifecycle.recertifyEveryDays[known] : undefined;
}

/** Whether the app is asked at all: active, assessed, and with an owner (orphans wait for the leads to name one). */
function recertifiable(app: AppRow, policy: Policy): boolean {
  return !NOT_RECERTIFIED.has(app.status) && !app.orphanedAt && everyDays(policy, app.tier) !== undefined;
}

export function isExempt(app: Pick<AppRow, 'exemptUntil'>, now: Date): boolean {
  return app.exemptUntil !== null && app.exemptUntil > now;
}

/**
 * When the app falls due: its tier's period after it was last confirmed (or registered), from the start
 * of that UTC day so apps falling due the same day share one digest whatever the hour of the run; an
 * exemption ending later moves it to the exemption's end. undefined: the app is not recertified.
 */
export function recertificationDueAt(app: AppRow, policy: Policy): Date | undefined {
  const days = everyDays(policy, app.tier);
  if (days === undefined || !recertifiable(app, policy)) return undefined;
  const due = startOfUtcDay(addDays(app.lastCertifiedAt ?? app.createdAt, days));
  return app.exemptUntil && app.exemptUntil > due ? app.exemptUntil : due;
}

/**
 * The app was confirmed after its cycle was asked (updated through the update dialogue, which answers no
 * cycle itself): the cycle is settled and is never chased; a run closes it.
 */
function confirmedSince(app: Pick<AppRow, 'lastCertifiedAt'>, cycle: Pick<RecertificationRow, 'askedAt'>): boolean {
  return app.lastCertifiedAt !== null && app.lastCertifiedAt >= cycle.askedAt;
}

/** The leads have been told and the owner has still not answered. */
function isOverdue(cycle: Pick<RecertificationRow, 'answeredAt' | 'leadsToldAt'>): boolean {
  return cycle.answeredAt === null && cycle.leadsToldAt !== null;
}

function nextStep(cycle: RecertificationRow, policy: Policy, now: Date): RecertificationStep | null {
  const days = policy.lifecycle.recertifyReminderDays;
  if (!cycle.remindedAt) return now >= addDays(cycle.askedAt, days) ? 'remind' : null;
  // The leads hear of it only once the owner has had the reminder's full days to answer.
  if (!cycle.leadsToldAt && now >= addDays(cycle.askedAt, 2 * days) && now >= addDays(cycle.remindedAt, days))
    return 'tell-leads';
  return null;
}

function item(app: AppRow, dueAt: Date, cycle: RecertificationRow | undefined, next: RecertificationStep | null) {
  return {
    appId: app.id,
    reference: formatReference(app.refNumber),
    name: app.name,
    tier: app.tier ?? '',
    owner: { platform: app.ownerPlatform, userId: app.ownerUserId, displayName: app.ownerName },
    dueAt,
    state: !cycle ? 'due' : cycle.leadsToldAt ? 'overdue' : cycle.remindedAt ? 'reminded' : 'asked',
    cycleId: cycle?.id ?? null,
    askedAt: cycle?.askedAt ?? null,
    remindedAt: cycle?.remindedAt ?? null,
    leadsToldAt: cycle?.leadsToldAt ?? null,
    next,
  } satisfies RecertificationItem;
}

/**
 * Every app due or waiting for its owner's answer at `now`, in reference order, with what a run would
 * do about it. Exempt apps are left out (an exemption expires by itself on its date), as are retired,
 * rejected and orphaned ones.
 */
export async function recertificationItems(store: Store, policy: Policy, now: Date): Promise<RecertificationItem[]> {
  const open = new Map((await store.recertifications.unanswered()).map((cycle) => [cycle.appId, cycle]));
  const items: RecertificationItem[] = [];
  for (const app of await store.apps.list({ active: true })) {
    if (!recertifiable(app, policy) || isExempt(app, now)) continue;
    const asked = open.get(app.id);
    const cycle = asked && !confirmedSince(app, asked) ? asked : undefined;
    if (cycle) {
      items.push(item(app, cycle.dueAt, cycle, nextStep(cycle, policy, now)));
      continue;
    }
    const dueAt = recertificationDueAt(app, policy);
    if (dueAt && now >= dueAt) items.push(item(app, dueAt, undefined, 'ask'));
  }
  return items;
}

interface OwnerDigest {
  owner: { platform: string; userId: string };
  /** The apps it lists, by reference. */
  apps: string[];
}

export interface RecertificationRun {
  /** Digests of newly due apps, one per owner. */
  asked: OwnerDigest[];
  /** Reminder digests, one per owner. */
  reminded: OwnerDigest[];
  /** Apps the leads were told about (in one message per leads destination). */
  leadsTold: string[];
  /** Outbox messages queued. */
  messages: number;
}

/**
 * One run: opens a cycle for each app that fell due and sends each owner one digest of them, reminds
 * owners of cycles unanswered after the reminder days, and tells the leads of those unanswered a reminder
 * period later. Safe to run often: repeating it sends nothing new.
 */
export async function runRecertification(
  store: Store,
  policy: Policy,
  now: Date,
  deliveryPlatforms: readonly string[],
): Promise<RecertificationRun> {
  await closeConfirmedCycles(store, now);
  const items = await recertificationItems(store, policy, now);
  const run: RecertificationRun = { asked: [], reminded: [], leadsTold: [], messages: 0 };
  const owner = (apps: RecertificationItem[]) => ({ platform: apps[0]!.owner.platform, userId: apps[0]!.owner.userId });
  for (const apps of byOwner(items.filter((entry) => entry.next === 'ask')).values()) {
    const sent = await sendStep(store, apps, askStep(policy, now, deliveryPlatforms));
    if (sent.apps.length === 0) continue;
    run.asked.push({ owner: owner(apps), apps: sent.apps });
    run.messages += sent.messages;
  }
  for (const apps of byOwner(items.filter((entry) => entry.next === 'remind')).values()) {
    const sent = await sendStep(store, apps, remindStep(policy, now, deliveryPlatforms));
    if (sent.apps.length === 0) continue;
    run.reminded.push({ owner: owner(apps), apps: sent.apps });
    run.messages += sent.messages;
  }
  const overdue = items.filter((entry) => entry.next === 'tell-leads');
  if (overdue.length > 0) {
    const told = await sendStep(store, overdue, leadsStep(policy, now, deliveryPlatforms));
    run.leadsTold.push(...told.apps);
    run.messages += told.messages;
  }
  return run;
}

async function closeConfirmedCycles(store: Store, now: Date): Promise<void> {
  const cycles = await store.recertifications.unanswered();
  if (cycles.length === 0) return;
  const apps = new Map((await store.apps.list()).map((app) => [app.id, app]));
  for (const cycle of cycles) {
    const app = apps.get(cycle.appId);
    if (app && confirmedSince(app, cycle))
      await store.recertifications.answer(cycle.id, { answer: 'updated', by: 'system:steward', at: now });
  }
}

function byOwner(items: RecertificationItem[]): Map<string, RecertificationItem[]> {
  const groups = new Map<string, RecertificationItem[]>();
  for (const entry of items) {
    const key = `${entry.owner.platform}:${entry.owner.userId}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return groups;
}

/** The same messages for the same apps and cycles get the same key: a repeated run writes nothing twice. */
function keyOf(parts: string[]): string {
  return createHash('sha256').update(parts.sort().join('\n')).digest('hex').slice(0, 24);
}

function toOwner(owner: Owner, deliveryPlatforms: readonly string[], key: string, reply: Reply): OutboxEntry[] {
  const platform = personPlatform(owner.platform, deliveryPlatforms);
  if (!platform) return [];
  return [
    {
      dedupeKey: `${key}:${owner.platform}:${owner.userId}`,
      platform,
      destination: `user:${owner.userId}`,
      payload: { kind: 'notification', reply },
    },
  ];
}

/** One step of a run (ask, remind, tell the leads): what it does to each app and the one message for them all. */
interface Step {
  /**
   * In the step's transaction: takes the app for this step, or false when it no longer needs it (the
   * owner answered, or another instance's run took it since the items were read).
   */
  take(tx: Store, app: RecertificationItem): Promise<boolean>;
  audit(app: RecertificationItem): { action: string; details: Record<string, unknown> };
  /** The apps taken as a dedupe key's parts: the same apps and cycles, the same key. */
  keyParts(taken: RecertificationItem[]): string[];
  keyPrefix: string;
  messages(taken: RecertificationItem[], key: string): OutboxEntry[];
}

/** Takes, audits and messages in one transaction: a repeated run writes nothing twice. */
async function sendStep(
  store: Store,
  apps: RecertificationItem[],
  step: Step,
): Promise<{ apps: string[]; messages: number }> {
  return store.transaction(async (tx) => {
    const taken: RecertificationItem[] = [];
    for (const app of apps) {
      if (!(await step.take(tx, app))) continue;
      taken.push(app);
      await tx.audit.record({ actor: SYSTEM_ACTOR, appId: app.appId, ...step.audit(app) });
    }
    if (taken.length === 0) return { apps: [], messages: 0 };
    const key = `${step.keyPrefix}:${keyOf(step.keyParts(taken))}`;
    return { apps: refs(taken), messages: await tx.outbox.enqueue(step.messages(taken, key)) };
  });
}

const ownerOf = (app: RecertificationItem) => `${app.owner.platform}:${app.owner.userId}`;

function askStep(policy: Policy, now: Date, deliveryPlatforms: readonly string[]): Step {
  return {
    take: (tx, app) => tx.recertifications.open({ appId: app.appId, dueAt: app.dueAt, owner: app.owner, askedAt: now }),
    audit: (app) => ({
      action: 'recertification.asked',
      details: { reference: app.reference, dueAt: app.dueAt.toISOString(), owner: ownerOf(app) },
    }),
    keyPrefix: 'recertify:ask',
    keyParts: (taken) => taken.map((app) => `${app.appId}@${app.dueAt.toISOString()}`),
    messages: (taken, key) => toOwner(taken[0]!.owner, deliveryPlatforms, key, askReply(taken, policy)),
  };
}

/** Takes an app whose open cycle is still the one read and still `pending`, marking it with `mark`. */
function takeWaiting(
  pending: (cycle: RecertificationRow) => boolean,
  mark: (tx: Store, cycleId: string) => Promise<void>,
): Step['take'] {
  return async (tx, app) => {
    const cycle = await tx.recertifications.openOf(app.appId);
    if (!cycle || cycle.id !== app.cycleId || !pending(cycle)) return false;
    await mark(tx, cycle.id);
    return true;
  };
}

function remindStep(policy: Policy, now: Date, deliveryPlatforms: readonly string[]): Step {
  return {
    take: takeWaiting(
      (cycle) => !cycle.remindedAt,
      (tx, id) => tx.recertifications.markReminded(id, now),
    ),
    audit: (app) => ({
      action: 'recertification.reminded',
      details: { reference: app.reference, askedAt: app.askedAt?.toISOString() ?? null },
    }),
    keyPrefix: 'recertify:remind',
    keyParts: (taken) => taken.map((app) => app.cycleId!),
    messages: (taken, key) => toOwner(taken[0]!.owner, deliveryPlatforms, key, reminderReply(taken, policy)),
  };
}

function leadsStep(policy: Policy, now: Date, deliveryPlatforms: readonly string[]): Step {
  return {
    take: takeWaiting(
      (cycle) => !cycle.leadsToldAt,
      (tx, id) => tx.recertifications.markLeadsTold(id, now),
    ),
    audit: (app) => ({
      action: 'recertification.overdue',
      details: { reference: app.reference, owner: ownerOf(app), askedAt: app.askedAt?.toISOString() ?? null },
    }),
    keyPrefix: 'recertify:leads',
    keyParts: (taken) => taken.map((app) => app.cycleId!),
    messages: (taken, key) => {
      const reply = leadsReply(taken);
      return leadsDestinations(policy, deliveryPlatforms).map((target) => ({
        dedupeKey: `${key}:${target.platform}:${target.destination}`,
        platform: target.platform,
        destination: target.destination,
        payload: { kind: 'notification', reply },
      }));
    },
  };
}

const refs = (apps: RecertificationItem[]) => apps.map((app) => app.reference);

// ------------------------------------------------------------------------------------------ messages

function appLine(app: RecertificationItem, policy: Policy): string {
  const every = everyDays(policy, app.tier);
  return `• ${app.reference} "${app.name}" (${app.tier} risk${every ? `, every ${every} days` : ''}; due ${utcDay(app.dueAt)})`;
}

function answerButtons(apps: RecertificationItem[]): ReplyButton[] {
  return apps.slice(0, MAX_APPS_WITH_BUTTONS).flatMap((app) => [
    { label: `${app.reference}: still in use`, value: `still in use ${app.reference}`, style: 'primary' as const },
    { label: `Update ${app.reference}`, value: `update ${app.reference}` },
    { label: `Retire ${app.reference}`, value: `retire ${app.reference}`, style: 'danger' as const },
  ]);
}

function howToAnswer(apps: RecertificationItem[]): string {
  const example = apps[MAX_APPS_WITH_BUTTONS]?.reference ?? apps[0]!.reference;
  const typed = `"still in use ${example}", "update ${example}" (to change its registration) or "retire ${example}"`;
  return apps.length > MAX_APPS_WITH_BUTTONS
    ? `The buttons cover the first ${MAX_APPS_WITH_BUTTONS}; for the others, type ${typed} with each one's reference.`
    : `Use the buttons, or type ${typed}.`;
}

function askReply(apps: RecertificationItem[], policy: Policy): Reply {
  const one = apps.length === 1;
  return {
    title: one ? `Is ${apps[0]!.reference} still in use?` : `Are your ${apps.length} apps still in use?`,
    text: [
      `Time to re-confirm ${one ? 'this app' : 'these apps'}. For each, tell me whether it is still in use, needs its registration updated, or can be retired:`,
      ...apps.map((app) => appLine(app, policy)),
      howToAnswer(apps),
    ].join('\n'),
    buttons: answerButtons(apps),
    tone: 'question',
    // App names are quoted as their makers wrote them.
    literal: true,
  };
}

function reminderReply(apps: RecertificationItem[], policy: Policy): Reply {
  const one = apps.length === 1;
  const days = policy.lifecycle.recertifyReminderDays;
  return {
    title: one ? `Reminder: is ${apps[0]!.reference} still in use?` : `Reminder: ${apps.length} apps to re-confirm`,
    text: [
      `I asked about ${one ? 'this app' : 'these apps'} and have not heard back. Without an answer in ${days} day${days === 1 ? '' : 's'}, the governance leads are told.`,
      ...apps.map((app) => appLine(app, policy)),
      howToAnswer(apps),
    ].join('\n'),
    buttons: answerButtons(apps),
    tone: 'warning',
    literal: true,
  };
}

function leadsReply(apps: RecertificationItem[]): Reply {
  const example = apps[0]!.reference;
  return {
    title: `Overdue recertification: ${apps.length} app${apps.length === 1 ? '' : 's'}`,
    text: [
      `Their owners have not confirmed whether these apps are still in use, despite a reminder:`,
      ...apps.map(
        (app) =>
          `• ${app.reference} "${app.name}" (${app.tier} risk), owner ${app.owner.displayName ?? `${app.owner.platform}:${app.owner.userId}`}, asked ${app.askedAt ? utcDay(app.askedAt) : '-'}`,
      ),
      `The owner can still answer. An admin can retire an app ("steward apps retire ${example}") or exempt it until a date ("steward apps exempt ${example} --until DATE --reason TEXT").`,
    ].join('\n'),
    tone: 'warning',
    literal: true,
  };
}

// ------------------------------------------------------------------------------------------ reading

/** Unanswered cycles the leads were told about, of apps not retired since: the `/metrics` gauge. */
export async function overdueRecertificationCount(store: Store): Promise<number> {
  let count = 0;
  for (const cycle of (await store.recertifications.unanswered()).filter(isOverdue)) {
    const app = await store.apps.byId(cycle.appId);
    if (app && app.status !== 'retired' && !confirmedSince(app, cycle)) count += 1;
  }
  return count;
}

export interface AppRecertification {
  everyDays: number | null;
  lastCertifiedAt: Date | null;
  /** The open cycle's due date, else when the app falls due next; null when it is not recertified. */
  nextDueAt: Date | null;
  /** not-recertified: retired, rejected, orphaned or unassessed; exempt: until its exemption ends. */
  state: 'current' | 'due' | 'asked' | 'reminded' | 'overdue' | 'exempt' | 'not-recertified';
  askedAt: Date | null;
}

/** Where one app stands, for `steward apps show`. */
export async function appRecertification(
  store: Store,
  policy: Policy,
  app: AppRow,
  now: Date,
): Promise<AppRecertification> {
  const base = {
    everyDays: everyDays(policy, app.tier) ?? null,
    lastCertifiedAt: app.lastCertifiedAt,
  };
  if (!recertifiable(app, policy)) return { ...base, nextDueAt: null, state: 'not-recertified', askedAt: null };
  const asked = await store.recertifications.openOf(app.id);
  const cycle = asked && !confirmedSince(app, asked) ? asked : undefined;
  const dueAt = recertificationDueAt(app, policy) ?? null;
  if (isExempt(app, now)) return { ...base, nextDueAt: dueAt, state: 'exempt', askedAt: null };
  if (cycle)
    return {
      ...base,
      nextDueAt: cycle.dueAt,
      state: item(app, cycle.dueAt, cycle, null).state,
      askedAt: cycle.askedAt,
    };
  return { ...base, nextDueAt: dueAt, state: dueAt && now >= dueAt ? 'due' : 'current', askedAt: null };
}
