// `npm run teams:package`: zips adapters/teams/appPackage into dist/steward-teams.zip, the file you
// upload to Teams. The bot id in the manifest comes from MICROSOFT_APP_ID when it is set; otherwise the
// placeholder stays and must be replaced (see README, "Connect Microsoft Teams").
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { projectRoot } from '../src/paths.ts';

const PACKAGE_DIR = path.join(projectRoot, 'adapters', 'teams', 'appPackage');
const PACKAGE_ZIP = path.join(projectRoot, 'dist', 'steward-teams.zip');
const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/iu;

interface Manifest {
  bots: Array<{ botId: string }>;
}

function main(): number {
  const appId = process.env.MICROSOFT_APP_ID?.trim();
  if (appId && !GUID.test(appId)) {
    console.error(
      "MICROSOFT_APP_ID: must be the bot's Microsoft App ID, a GUID such as 3f2a1b0c-1234-4cde-9f00-1234567890ab",
    );
    return 1;
  }
  const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'manifest.json'), 'utf8')) as Manifest;
  for (const bot of manifest.bots) bot.botId = appId ?? PLACEHOLDER_BOT_ID;

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  zip.addLocalFile(path.join(PACKAGE_DIR, 'color.png'));
  zip.addLocalFile(path.join(PACKAGE_DIR, 'outline.png'));
  mkdirSync(path.dirname(PACKAGE_ZIP), { recursive: true });
  zip.writeZip(PACKAGE_ZIP);

  console.log(`Wrote ${path.relative(process.cwd(), PACKAGE_ZIP)} (manifest.json, color.png, outline.png).`);
  if (!appId)
    console.warn(
      `The bot id is the placeholder ${PLACEHOLDER_BOT_ID}: set MICROSOFT_APP_ID and run this again before uploading.`,
    );
  return 0;
}

process.exitCode = main();
