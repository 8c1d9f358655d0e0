-- DropIndex
DROP INDEX "ReviewDecision_appId_appVersion_key";

-- CreateIndex
CREATE UNIQUE INDEX "ReviewDecision_appId_appVersion_team_key" ON "ReviewDecision"("appId", "appVersion", "team");
