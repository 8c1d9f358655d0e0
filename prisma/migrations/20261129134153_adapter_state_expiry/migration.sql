-- AlterTable
ALTER TABLE "PlatformReference" ADD COLUMN     "expiresAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "PlatformReference_expiresAt_idx" ON "PlatformReference"("expiresAt");
