import type { AppProfile } from '../profile/schema.ts';
import { AppProfileSchema } from '../profile/schema.ts';
import type { AppRow, AppStatus, Client } from './types.ts';
import { toJson } from './types.ts';

// The inventory: apps and their versions (each version keeps the whole profile as registered).

interface OwnerRef {
  platform: string;
  userId: string;
}

/** APP- and at least four digits: a contract relied on outside the project. */
export function formatReference(refNumber: number): string {
  return `APP-${String(refNumber).padStart(4, '0')}`;
}

function parseReference(text: string): number | undefined {
  const match = /^\s*app-?\s*(\d+)\s*$/iu.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Names compare case- and space-insensitively, so "Complaint  Tracker" is "complaint tracker". */
function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

interface NewApp {
  name: string;
  owner: OwnerRef & { displayName?: string; email?: string };
  status: AppStatus;
  tier: string;
}

export interface AppRepository {
  byId(id: string): Promise<AppRow | null>;
  /** Any app by its reference ("APP-0042", "app 42"), whoever owns it. */
  byReference(reference: string): Promise<AppRow | null>;
  /**
   * The app, its row locked until the transaction ends (SELECT ... FOR UPDATE): decisions on one app
   * are taken one after another, so two teams approving at once both see each other's approval.
   */
  lockForDecision(id: string): Promise<AppRow | null>;
  /** The owner's app of that name (compared as nameKey does). */
  byOwnerAndName(owner: OwnerRef, name: string): Promise<AppRow | null>;
  /** An app of this owner named by reference, exact name, or a unique part of its name. */
  findOwned(owner: OwnerRef, target: string): Promise<AppRow | null>;
  ofOwner(owner: OwnerRef): Promise<AppRow[]>;
  /** Every app in reference order; `status` keeps those with one of the statuses, `active` leaves out retired ones. */
  list(filter?: { status?: AppStatus[]; active?: boolean }): Promise<AppRow[]>;
  create(app: NewApp): Promise<AppRow>;
  /**
   * Makes `version` the current one, with the name, status and tier it was assessed with. Add its profile
   * (addVersion) after: that sets the app's platform and department.
   */
  moveToVersion(id: string, change: { name: string; version: number; status: AppStatus; tier: string }): Promise<void>;
  setStatus(id: string, status: AppStatus): Promise<void>;
  /** A new assessment of the same version changed its tier (a policy change), and with it the status. */
  reclassify(id: string, change: { tier: string; status: AppStatus }): Promise<void>;
  /**
   * Keeps a version's profile. When it is the app's current version (added after create or moveToVersion),
   * the app's platform and department columns take the profile's, so they always match the current profile.
   */
  addVersion(version: { appId: string; version: number; profile: AppProfile; createdBy: string }): Promise<void>;
  /** The profile of the app's current version, parsed. */
  currentProfile(app: Pick<AppRow, 'id' | 'currentVersion'>): Promise<AppProfile>;
  /** Sets (or clears) who looks after the app when its owner is away. */
  setBackupOwner(id: string, backup: (OwnerRef & { displayName?: string; email?: string }) | null): Promise<void>;
  /** Apps the person owns, or backs up (by platform id, or by e-mail address when given), retired ones left out. */
  ownedOrBackedUpBy(person: OwnerRef & { email?: string }): Promise<AppRow[]>;
  /**
   * Makes `owner` the owner. `unconfirmed`: they did not ask for it (the backup of a leaver) and are
   * asked to accept. The backup owner is cleared when they are the new owner; the orphan mark goes.
   */
  transferOwner(
    id: string,
    owner: OwnerRef & { displayName?: string; email?: string },
    options: { unconfirmed: boolean; at: Date },
  ): Promise<void>;
  confirmOwnership(id: string): Promise<void>;
  markOrphaned(id: string, at: Date): Promise<void>;
  orphaned(): Promise<AppRow[]>;
  retire(id: string, at: Date): Promise<void>;
  /** The owner confirmed the app is in use (or registered or updated it): recertification counts from `at`. */
  markCertified(id: string, at: Date): Promise<void>;
  exempt(id: string, until: Date | null, reason: string | null): Promise<void>;
}

const backupColumns = (backup: (OwnerRef & { displayName?: string; email?: string }) | null) => ({
  backupOwnerPlatform: backup?.platform ?? null,
  backupOwnerUserId: backup?.userId ?? null,
  backupOwnerName: backup?.displayName ?? null,
  backupOwnerEmail: backup?.email ?? null,
});

export function appRepository(db: Client): AppRepository {
  const byOwnerAndName = (owner: OwnerRef, name: string) =>
    db.app.findUnique({
      where: {
        ownerPlatform_ownerUserId_nameKey: {
          ownerPlatform: owner.platform,
          ownerUserId: owner.userId,
          nameKey: nameKey(name),
        },
      },
    });
  return {
    byId: (id) => db.app.findUnique({ where: { id } }),
    async byReference(reference) {
      const refNumber = parseReference(reference);
      return refNumber === undefined ? null : db.app.findUnique({ where: { refNumber } });
    },
    async lockForDecision(id) {
      await db.$executeRaw`SELECT 1 FROM "App" WHERE "id" = ${id} FOR UPDATE`;
      return db.app.findUnique({ where: { id } });
    },
    byOwnerAndName,
    async findOwned(owner, target) {
      const refNumber = parseReference(target);
      if (refNumber !== undefined) {
        const app = await db.app.findUnique({ where: { refNumber } });
        return app && app.ownerPlatform === owner.platform && app.ownerUserId === owner.userId ? app : null;
      }
      const exact = await byOwnerAndName(owner, target);
      if (exact) return exact;
      const candidates = await db.app.findMany({
        where: { ownerPlatform: owner.platform, ownerUserId: owner.userId, nameKey: { contains: nameKey(target) } },
        take: 2,
      });
      return candidates.length === 1 ? (candidates[0] ?? null) : null;
    },
    ofOwner: (owner) =>
      db.app.findMany({
        where: { ownerPlatform: owner.platform, ownerUserId: owner.userId },
        orderBy: { refNumber: 'asc' },
      }),
    list: (filter = {}) =>
      db.app.findMany({
        where: {
          ...(filter.status ? { status: { in: filter.status } } : {}),
          ...(filter.active ? { NOT: { status: 'retired' } } : {}),
        },
        orderBy: { refNumber: 'asc' },
      }),
    create: (app) =>
      db.app.create({
        data: {
          name: app.name,
          nameKey: nameKey(app.name),
          ownerPlatform: app.owner.platform,
          ownerUserId: app.owner.userId,
          ownerName: app.owner.displayName ?? null,
          ownerEmail: app.owner.email ?? null,
          status: app.status,
          tier: app.tier,
          currentVersion: 1,
        },
      }),
    async moveToVersion(id, change) {
      await db.app.update({
        where: { id },
        data: {
          name: change.name,
          nameKey: nameKey(change.name),
          currentVersion: change.version,
          status: change.status,
          tier: change.tier,
        },
      });
    },
    async setStatus(id, status) {
      await db.app.update({ where: { id }, data: { status } });
    },
    async reclassify(id, change) {
      await db.app.update({ where: { id }, data: { tier: change.tier, status: change.status } });
    },
    async addVersion(version) {
      await db.appVersion.create({
        data: {
          appId: version.appId,
          version: version.version,
          profile: toJson(version.profile),
          createdBy: version.createdBy,
        },
      });
      // Here rather than in create and moveToVersion: this is where the profile arrives, whoever adds it.
      await db.app.updateMany({
        where: { id: version.appId, currentVersion: version.version },
        data: { platform: version.profile.platform, department: version.profile.department },
      });
    },
    async currentProfile(app) {
      const version = await db.appVersion.findUniqueOrThrow({
        where: { appId_version: { appId: app.id, version: app.currentVersion } },
      });
      return AppProfileSchema.parse(version.profile);
    },
    async setBackupOwner(id, backup) {
      await db.app.update({ where: { id }, data: backupColumns(backup) });
    },
    ownedOrBackedUpBy: (person) =>
      db.app.findMany({
        where: {
          NOT: { status: 'retired' },
          OR: [
            { ownerPlatform: person.platform, ownerUserId: person.userId },
            { backupOwnerPlatform: person.platform, backupOwnerUserId: person.userId },
            ...(person.email
              ? [
                  { ownerEmail: { equals: person.email, mode: 'insensitive' as const } },
                  { backupOwnerEmail: { equals: person.email, mode: 'insensitive' as const } },
                ]
              : []),
          ],
        },
        orderBy: { refNumber: 'asc' },
      }),
    async transferOwner(id, owner, options) {
      const app = await db.app.findUniqueOrThrow({ where: { id } });
      const backupIsNewOwner = app.backupOwnerPlatform === owner.platform && app.backupOwnerUserId === owner.userId;
      await db.app.update({
        where: { id },
        data: {
          ownerPlatform: owner.platform,
          ownerUserId: owner.userId,
          ownerName: owner.displayName ?? null,
          ownerEmail: owner.email ?? null,
          ownershipUnconfirmedSince: options.unconfirmed ? options.at : null,
          orphanedAt: null,
          ...(backupIsNewOwner ? backupColumns(null) : {}),
        },
      });
    },
    async confirmOwnership(id) {
      await db.app.update({ where: { id }, data: { ownershipUnconfirmedSince: null } });
    },
    async markOrphaned(id, at) {
      await db.app.update({ where: { id }, data: { orphanedAt: at } });
    },
    orphaned: () =>
      db.app.findMany({
        where: { orphanedAt: { not: null }, NOT: { status: 'retired' } },
        orderBy: { refNumber: 'asc' },
      }),
    async retire(id, at) {
      await db.app.update({ where: { id }, data: { status: 'retired', retiredAt: at } });
    },
    async markCertified(id, at) {
      await db.app.update({ where: { id }, data: { lastCertifiedAt: at } });
    },
    async exempt(id, until, reason) {
      await db.app.update({ where: { id }, data: { exemptUntil: until, exemptReason: reason } });
    },
  };
}
