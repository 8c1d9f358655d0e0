-- CreateTable
CREATE TABLE "AppExternalId" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppExternalId_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscoveredItem" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ownerEmail" TEXT,
    "ownerName" TEXT,
    "ownerId" TEXT,
    "environment" TEXT,
    "createdAt" TIMESTAMP(3),
    "modifiedAt" TIMESTAMP(3),
    "enabled" BOOLEAN,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "missingSince" TIMESTAMP(3),
    "linkedAppId" TEXT,

    CONSTRAINT "DiscoveredItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AppExternalId_appId_idx" ON "AppExternalId"("appId");

-- CreateIndex
CREATE UNIQUE INDEX "AppExternalId_source_externalId_key" ON "AppExternalId"("source", "externalId");

-- CreateIndex
CREATE INDEX "DiscoveredItem_linkedAppId_idx" ON "DiscoveredItem"("linkedAppId");

-- CreateIndex
CREATE UNIQUE INDEX "DiscoveredItem_source_externalId_key" ON "DiscoveredItem"("source", "externalId");

-- AddForeignKey
ALTER TABLE "AppExternalId" ADD CONSTRAINT "AppExternalId_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscoveredItem" ADD CONSTRAINT "DiscoveredItem_linkedAppId_fkey" FOREIGN KEY ("linkedAppId") REFERENCES "App"("id") ON DELETE SET NULL ON UPDATE CASCADE;
