// `steward owners leave`: an admin records who left, one at a time or from a file, as the command line
// runs it (in-process, real database).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS_CSV_HEADER, HeldCli } from './support/cli.ts';

const ROWS = [
  'Desk booking,Books hot desks,power-apps,Facilities,organization,400,internal,,false,medium,false,slack,UANA,ana@example.com',
  'Leads sync,Copies leads to HubSpot,zapier,Marketing,team,6,personal,HubSpot:write,false,low,false,slack,UBEN,',
  'Lunch rota,Who orders lunch,excel,Facilities,team,8,internal,,false,low,false,slack,UCLEO,',
];

describe('steward owners leave', () => {
  const cli = new HeldCli();
  const run = cli.run;

  beforeAll(async () => {
    await cli.open('steward-owners-', { apps: [APPS_CSV_HEADER, ...ROWS] });
  });
  afterAll(() => cli.close());

  it('records a leaver named by e-mail, orphans their app, and says so; a second time changes nothing', async () => {
    const first = await run('owners', 'leave', 'Ana@Example.com');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(
      /^email:ana@example\.com: recorded as having left\. APP-\d{4} orphaned \(the leads are asked to name an owner\)\n$/u,
    );
    const again = await run('owners', 'leave', 'ana@example.com', '--json');
    expect(JSON.parse(again.out)).toEqual({
      results: [{ person: 'email:ana@example.com', recorded: false, transferred: [], orphaned: [], backupCleared: [] }],
    });
  });

  it('reads a leavers file, and changes nothing when a row is not a person', async () => {
    await writeFile(path.join(cli.dir, 'bad.csv'), 'person\nslack:UBEN\nBen from marketing\n');
    const bad = await run('owners', 'leave', '--file', 'bad.csv');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('row 3: "Ben from marketing" is not an e-mail address or platform:userId');
    await writeFile(path.join(cli.dir, 'leavers.csv'), 'person\nslack:UBEN\nslack:UCLEO\n');
    const good = await run('owners', 'leave', '--file', 'leavers.csv', '--json');
    expect(good.code).toBe(0);
    const results = JSON.parse(good.out).results as Array<{ person: string; orphaned: string[] }>;
    expect(results.map((result) => [result.person, result.orphaned.length])).toEqual([
      ['slack:UBEN', 1],
      ['slack:UCLEO', 1],
    ]);
  });

  it('explains its usage when the person is missing or unreadable', async () => {
    expect((await run('owners', 'leave')).code).toBe(2);
    const unreadable = await run('owners', 'leave', 'Ben');
    expect(unreadable.code).toBe(2);
    expect(unreadable.err).toContain('"Ben" is not an e-mail address or platform:userId');
  });
});
