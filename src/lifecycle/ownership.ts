import type { Reply } from '../chat/reply.ts';
import { isReviewer, leadsDestinations, reviewerTeams } from '../policy/routing.ts';
import type { Policy } from '../policy/schema.ts';
import { LEADS } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';
import type { Actor } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import type { AppRow } from '../store/types.ts';
import type { Person } from './people.ts';
import { personLabel, personPlatform, samePerson } from './people.ts';

// Who owns an app after registration: retiring it, confirming it is still in use, a backup taking
// over from an owner who left (and accepting or handing it on), and apps left without an owner.
// Every change is one transaction with its audit entry and the messages it causes.

export interface LifecycleDeps {
  store: Store;
  policy: Policy;
  /** Platforms this process delivers to: people and channels elsewhere are not messaged. */
  deliveryPlatforms: readonly string[];
  now: Date;
}

export interface LifecycleOutcome {
  ok: boolean;
  /** What the person who asked is told. */
  text: string;
}

const ownerOf = (app: AppRow): Person => ({
  platform: app.ownerPlatform,
  userId: app.ownerUserId,
  ...(app.ownerName ? { displayName: app.ownerName } : {}),
  ...(app.ownerEmail ? { email: app.ownerEmail } : {}),
});

const backupOf = (app: AppRow): Person | undefined =>
  app.backupOwnerPlatform && app.backupOwnerUserId
    ? {
        platform: app.backupOwnerPlatform,
        userId: app.backupOwnerUserId,
        ...(app.backupOwnerName ? { displayName: app.backupOwnerName } : {}),
        ...(app.backupOwnerEmail ? { email: app.backupOwnerEmail } : {}),
      }
    : undefined;

const actorOf = (person: Person): Actor => ({
  platform: person.platform,
  userId: person.userId,
  ...(person.displayName ? { displayName: person.displayName } : {}),
});

function label(app: AppRow): string {
  return `${formatReference(app.refNumber)} "${app.name}"`;
}

function isLead(policy: Policy, person: Person): boolean {
  return (
    (person.platform === 'slack' || person.platform === 'teams') &&
    isReviewer(policy, LEADS, person.platform, person.userId)
  );
}

function isAnyReviewer(policy: Policy, person: Person): boolean {
  return (
    (person.platform === 'slack' || person.platform === 'teams') &&
    reviewerTeams(policy, person.platform, person.userId).length > 0
  );
}

/** A message to a person in their own chat, when this process delivers to their platform. */
function toPerson(deps: LifecycleDeps, person: Person, app: AppRow, key: string, reply: Reply) {
  const platform = personPlatform(person.platform, deps.deliveryPlatforms);
  if (!platform) return [];
  return [
    {
      dedupeKey: key,
      platform,
      destination: `user:${person.userId}`,
      appId: app.id,
      payload: { kind: 'notification' as const, reply },
    },
  ];
}

function toLeads(deps: LifecycleDeps, app: AppRow, key: string, reply: Reply) {
  return leadsDestinations(deps.policy, deps.deliveryPlatforms).map((target) => ({
    dedupeKey: `${key}:${target.platform}:${target.destination}`,
    platform: target.platform,
    destination: target.destination,
    appId: app.id,
    payload: { kind: 'notification' as const, reply },
  }));
}

/**
 * "retire APP-0042": by its owner or a reviewer (or an administrator at the command line, `asAdmin`).
 * Kept, audited, left out of reviews and recertification; an owner who did not retire it is told.
 */
export async function retireApp(
  deps: LifecycleDeps,
  app: AppRow,
  by: Person,
  options: { reason?: string | null; asAdmin?: boolean } = {},
): Promise<LifecycleOutcome> {
  const owner = ownerOf(app);
  const reason = options.reason ?? null;
  if (!options.asAdmin && !samePerson(by, owner) && !isAnyReviewer(deps.policy, by))
    return { ok: false, text: `Only the owner of ${label(app)} or a reviewer can retire it.` };
  if (app.status === 'retired') return { ok: false, text: `${label(app)} is already retired.` };
  await deps.store.transaction(async (tx) => {
    await tx.apps.retire(app.id, deps.now);
    const closedCycle = await answerOpenCycle(tx, app.id, 'retire', by, deps.now);
    await tx.audit.record({
      actor: actorOf(by),
      action: 'app.retired',
      appId: app.id,
      details: { reference: formatReference(app.refNumber), reason, previousStatus: app.status, closedCycle },
    });
    // An app retires once, so one key, whoever retired it.
    if (!samePerson(by, owner))
      await tx.outbox.enqueue(
        toPerson(deps, owner, app, `retired:${app.id}:owner`, {
          text: `${options.asAdmin ? 'An administrator' : personLabel(by)} retired ${label(app)}${reason ? `: ${reason}` : '.'} It stays in the inventory as retired.`,
          tone: 'info',
          literal: true,
        }),
      );
  });
  return {
    ok: true,
    text: `Retired ${label(app)}. It stays in the inventory, and leaves reviews and recertification.`,
  };
}

/** "still in use APP-0042": the owner confirms the app; recertification counts from now. */
export async function keepApp(deps: LifecycleDeps, app: AppRow, by: Person): Promise<LifecycleOutcome> {
  if (!samePerson(by, ownerOf(app))) return { ok: false, text: `Only the owner of ${label(app)} can confirm it.` };
  if (app.status === 'retired') return { ok: false, text: `${label(app)} is retired.` };
  await deps.store.transaction(async (tx) => {
    await tx.apps.markCertified(app.id, deps.now);
    await answerOpenCycle(tx, app.id, 'still-in-use', by, deps.now);
    await tx.audit.record({
      actor: actorOf(by),
      action: 'app.recertified',
      appId: app.id,
      details: { reference: formatReference(app.refNumber) },
    });
  });
  return { ok: true, text: `Thanks: ${label(app)} is confirmed as still in use.` };
}

/** "accept APP-0042": a backup who became owner when the owner left takes it on. */
export async function acceptApp(deps: LifecycleDeps, app: AppRow, by: Person): Promise<LifecycleOutcome> {
  if (!samePerson(by, ownerOf(app)))
    return { ok: false, text: `${label(app)} is not yours to accept: its owner is ${personLabel(ownerOf(app))}.` };
  if (!app.ownershipUnconfirmedSince) return { ok: true, text: `${label(app)} is already yours.` };
  await deps.store.transaction(async (tx) => {
    await tx.apps.confirmOwnership(app.id);
    await tx.audit.record({
      actor: actorOf(by),
      action: 'app.ownership_accepted',
      appId: app.id,
      details: { reference: formatReference(app.refNumber) },
    });
  });
  return {
    ok: true,
    text: `Thanks: you own ${label(app)} now. Say *update ${formatReference(app.refNumber)}* when it changes.`,
  };
}

/**
 * "hand on APP-0042 to <person>": by the owner, or by a governance lead (how an orphaned app gets a new
 * owner). The new owner is asked to accept.
 */
export async function handOnApp(deps: LifecycleDeps, app: AppRow, by: Person, to: Person): Promise<LifecycleOutcome> {
  const owner = ownerOf(app);
  if (!samePerson(by, owner) && !isLead(deps.policy, by))
    return { ok: false, text: `Only the owner of ${label(app)} or a governance lead can hand it on.` };
  if (samePerson(to, owner) && !app.orphanedAt)
    return { ok: false, text: `${personLabel(to)} already owns ${label(app)}.` };
  if (await deps.store.leavers.has(to)) return { ok: false, text: `${personLabel(to)} has left; name someone else.` };
  await deps.store.transaction(async (tx) => {
    await tx.apps.transferOwner(app.id, to, { unconfirmed: true, at: deps.now });
    await tx.audit.record({
      actor: actorOf(by),
      action: 'app.owner_changed',
      appId: app.id,
      details: {
        reference: formatReference(app.refNumber),
        from: personLabel(owner),
        to: personLabel(to),
        reason: 'handed on',
      },
    });
    await tx.outbox.enqueue(
      toPerson(
        deps,
        to,
        app,
        `owner:${app.id}:${to.platform}:${to.userId}:${deps.now.toISOString()}`,
        takeOverReply(app, `${personLabel(by)} handed it on to you`),
      ),
    );
  });
  return { ok: true, text: `${label(app)} now belongs to ${personLabel(to)}, who is asked to accept it.` };
}

function takeOverReply(app: AppRow, why: string): Reply {
  const reference = formatReference(app.refNumber);
  return {
    title: `${reference}: you are now its owner`,
    text: `You are now the owner of ${label(app)}: ${why}. Accept it (say *accept ${reference}*), or hand it on to the right person: *hand on ${reference} to @name* (or their e-mail address).`,
    buttons: [{ label: 'Accept', value: `accept ${reference}`, style: 'primary' }],
    tone: 'question',
  };
}

/** Answers the app's open recertification, if any (true when there was one). */
export async function answerOpenCycle(
  store: Store,
  appId: string,
  answer: string,
  by: Person,
  at: Date,
): Promise<boolean> {
  const open = await store.recertifications.openOf(appId);
  if (!open) return false;
  await store.recertifications.answer(open.id, { answer, by: `${by.platform}:${by.userId}`, at });
  return true;
}

export interface LeaverOutcome {
  /** False when the person was already known to have left: nothing changed. */
  recorded: boolean;
  /** References of the apps their backup took over, left without an owner, or left without a backup. */
  transferred: string[];
  orphaned: string[];
  backupCleared: string[];
}

/**
 * Someone left (an admin, HR's system or Slack said so). Each app they owned goes to its backup owner,
 * who is asked to accept or hand it on; with no backup (or one who left too) it is orphaned and the
 * governance leads are asked to name a new owner. Apps they backed up lose their backup, and the owner
 * is asked for a new one. The same person leaving twice changes nothing.
 */
export async function markLeft(deps: LifecycleDeps, person: Person, source: string): Promise<LeaverOutcome> {
  return deps.store.transaction(async (tx) => {
    const outcome: LeaverOutcome = { recorded: false, transferred: [], orphaned: [], backupCleared: [] };
    // Everything that follows is done because the source said so.
    const actor: Actor = { platform: 'system', userId: source };
    outcome.recorded = await tx.leavers.record({ ...person, source });
    if (!outcome.recorded) return outcome;
    await tx.audit.record({
      actor,
      action: 'person.left',
      details: { person: `${person.platform}:${person.userId}`, source },
    });
    for (const app of await tx.apps.ownedOrBackedUpBy(person)) {
      const reference = formatReference(app.refNumber);
      const owner = ownerOf(app);
      const backup = backupOf(app);
      if (!samePerson(owner, person)) {
        // They were the backup: the owner is asked for a new one.
        await tx.apps.setBackupOwner(app.id, null);
        await tx.audit.record({
          actor,
          action: 'app.backup_owner_left',
          appId: app.id,
          details: { reference, backup: personLabel(person) },
        });
        await tx.outbox.enqueue(
          toPerson(deps, owner, app, `backup-left:${app.id}:${person.platform}:${person.userId}`, {
            text: `${personLabel(person)}, the backup owner of ${label(app)}, has left. Who looks after it when you're away? Say *update ${reference}* and *change backup owner*.`,
            tone: 'info',
          }),
        );
        outcome.backupCleared.push(reference);
        continue;
      }
      if (backup && !(await tx.leavers.has(backup))) {
        await tx.apps.transferOwner(app.id, backup, { unconfirmed: true, at: deps.now });
        await tx.audit.record({
          actor,
          action: 'app.owner_changed',
          appId: app.id,
          details: { reference, from: personLabel(person), to: personLabel(backup), reason: 'owner left' },
        });
        await tx.outbox.enqueue(
          toPerson(
            deps,
            backup,
            app,
            `owner-left:${app.id}:${person.platform}:${person.userId}`,
            takeOverReply(app, `${personLabel(person)} has left, and you are its backup owner`),
          ),
        );
        outcome.transferred.push(reference);
        continue;
      }
      await tx.apps.markOrphaned(app.id, deps.now);
      await tx.audit.record({
        actor,
        action: 'app.orphaned',
        appId: app.id,
        details: { reference, owner: personLabel(person) },
      });
      await tx.outbox.enqueue(
        toLeads(deps, app, `orphaned:${app.id}:${person.platform}:${person.userId}`, {
          title: `${reference} has no owner`,
          text: `${label(app)} (${app.tier ?? 'unassessed'} risk) has no owner: ${personLabel(person)} has left${backup ? ', and so has its backup owner' : ' and it has no backup owner'}. Name a new owner by telling me *hand on ${reference} to @name* (or their e-mail address).`,
          tone: 'warning',
        }),
      );
      outcome.orphaned.push(reference);
    }
    return outcome;
  });
}
