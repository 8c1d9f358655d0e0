import type { App } from '../generated/prisma/client.ts';
import type { AppProfile } from '../profile/schema.ts';
import { AppProfileSchema } from '../profile/schema.ts';
import type { DbOrTx } from './types.ts';

// Reading the inventory. Writes happen in src/apps/submit.ts, inside the turn's transaction.

export interface OwnerRef {
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
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

export async function findAppByOwnerAndName(db: DbOrTx, owner: OwnerRef, name: string): Promise<App | null> {
  return db.app.findUnique({
    where: {
      ownerPlatform_ownerUserId_nameKey: {
        ownerPlatform: owner.platform,
        ownerUserId: owner.userId,
        nameKey: nameKey(name),
      },
    },
  });
}

async function findAppByReference(db: DbOrTx, reference: string): Promise<App | null> {
  const refNumber = parseReference(reference);
  return refNumber === undefined ? null : db.app.findUnique({ where: { refNumber } });
}

/** An app of this owner named by reference, exact name, or a unique part of its name. */
export async function findOwnedApp(db: DbOrTx, owner: OwnerRef, target: string): Promise<App | null> {
  const byReference = await findAppByReference(db, target);
  if (byReference)
    return byReference.ownerPlatform === owner.platform && byReference.ownerUserId === owner.userId
      ? byReference
      : null;
  const exact = await findAppByOwnerAndName(db, owner, target);
  if (exact) return exact;
  const candidates = await db.app.findMany({
    where: { ownerPlatform: owner.platform, ownerUserId: owner.userId, nameKey: { contains: nameKey(target) } },
    take: 2,
  });
  return candidates.length === 1 ? (candidates[0] ?? null) : null;
}

export async function listAppsOfOwner(db: DbOrTx, owner: OwnerRef): Promise<App[]> {
  return db.app.findMany({
    where: { ownerPlatform: owner.platform, ownerUserId: owner.userId },
    orderBy: { refNumber: 'asc' },
  });
}

export async function currentProfile(db: DbOrTx, app: Pick<App, 'id' | 'currentVersion'>): Promise<AppProfile> {
  const version = await db.appVersion.findUniqueOrThrow({
    where: { appId_version: { appId: app.id, version: app.currentVersion } },
  });
  return AppProfileSchema.parse(version.profile);
}

export async function latestAssessment(db: DbOrTx, appId: string) {
  return db.assessment.findFirst({ where: { appId }, orderBy: { createdAt: 'desc' } });
}
