-- AlterTable
ALTER TABLE "DiscoveredItem" ADD COLUMN     "answer" TEXT,
ADD COLUMN     "answeredAt" TIMESTAMP(3),
ADD COLUMN     "answeredBy" TEXT,
ADD COLUMN     "nudgeKey" TEXT,
ADD COLUMN     "nudgeUnreachable" TEXT,
ADD COLUMN     "nudgedAt" TIMESTAMP(3),
ADD COLUMN     "nudgedVia" TEXT,
ADD COLUMN     "reappearances" INTEGER NOT NULL DEFAULT 0;
