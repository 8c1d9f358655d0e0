-- CreateTable
CREATE TABLE "PolicyVersion" (
    "number" SERIAL NOT NULL,
    "version" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publisherPlatform" TEXT NOT NULL,
    "publisherId" TEXT NOT NULL,
    "publisherName" TEXT,
    "restores" INTEGER,
    "summary" JSONB,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("number")
);
