-- AlterTable
ALTER TABLE "App" ADD COLUMN     "department" TEXT,
ADD COLUMN     "platform" TEXT;

-- CreateIndex
CREATE INDEX "App_platform_idx" ON "App"("platform");

-- CreateIndex
CREATE INDEX "App_department_idx" ON "App"("department");

-- CreateIndex
CREATE INDEX "OutboxMessage_appId_kind_idx" ON "OutboxMessage"("appId", "kind");

-- Backfill (added by hand): each app's platform and department from its current version's profile.
UPDATE "App" a SET "platform" = v."profile"->>'platform', "department" = v."profile"->>'department' FROM "AppVersion" v WHERE v."appId" = a."id" AND v."version" = a."currentVersion";
