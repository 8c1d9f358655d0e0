-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "uncertain" BOOLEAN NOT NULL DEFAULT false;
