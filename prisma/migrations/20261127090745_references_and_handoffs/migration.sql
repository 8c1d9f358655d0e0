-- CreateTable
CREATE TABLE "PlatformReference" (
    "id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "reference" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformReference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Handoff" (
    "id" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "makerPlatform" TEXT NOT NULL,
    "makerUserId" TEXT NOT NULL,
    "makerChannelId" TEXT NOT NULL,
    "makerThreadId" TEXT,
    "destinationPlatform" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "threadKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "answeredBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PlatformReference_platform_key_key" ON "PlatformReference"("platform", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_threadKey_key" ON "Handoff"("threadKey");

-- CreateIndex
CREATE INDEX "Handoff_makerPlatform_makerUserId_idx" ON "Handoff"("makerPlatform", "makerUserId");
