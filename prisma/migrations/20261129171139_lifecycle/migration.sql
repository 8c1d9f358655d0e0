-- AlterTable
ALTER TABLE "App" ADD COLUMN     "backupOwnerEmail" TEXT,
ADD COLUMN     "backupOwnerName" TEXT,
ADD COLUMN     "backupOwnerPlatform" TEXT,
ADD COLUMN     "backupOwnerUserId" TEXT,
ADD COLUMN     "exemptReason" TEXT,
ADD COLUMN     "exemptUntil" TIMESTAMP(3),
ADD COLUMN     "lastCertifiedAt" TIMESTAMP(3),
ADD COLUMN     "orphanedAt" TIMESTAMP(3),
ADD COLUMN     "ownershipUnconfirmedSince" TIMESTAMP(3),
ADD COLUMN     "retiredAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Leaver" (
    "id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "email" TEXT,
    "source" TEXT NOT NULL,
    "leftAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Leaver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Recertification" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "ownerPlatform" TEXT NOT NULL,
    "ownerUserId" TEXT NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remindedAt" TIMESTAMP(3),
    "leadsToldAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "answer" TEXT,
    "answeredBy" TEXT,

    CONSTRAINT "Recertification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Leaver_email_idx" ON "Leaver"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Leaver_platform_userId_key" ON "Leaver"("platform", "userId");

-- CreateIndex
CREATE INDEX "Recertification_answeredAt_idx" ON "Recertification"("answeredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Recertification_appId_dueAt_key" ON "Recertification"("appId", "dueAt");

-- CreateIndex
CREATE INDEX "App_backupOwnerPlatform_backupOwnerUserId_idx" ON "App"("backupOwnerPlatform", "backupOwnerUserId");

-- AddForeignKey
ALTER TABLE "Recertification" ADD CONSTRAINT "Recertification_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;
