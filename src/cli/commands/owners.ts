import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { LeaverOutcome } from '../../lifecycle/ownership.ts';
import type { Person } from '../../lifecycle/people.ts';
import { readPerson } from '../../lifecycle/people.ts';
import type { CommandContext } from '../registry.ts';
import { flag, option, positional } from '../options.ts';

// `steward owners leave`: an admin says who left. Their apps go to their backup owners (asked to accept)
// or are orphaned (the leads are asked to name a new owner). Marking someone twice changes nothing.

const USAGE = `Usage: steward owners leave <email | slack:U123 | teams:<id>> [--json]
       steward owners leave --file leavers.csv [--json]

A leavers file is a CSV with a column "email" or "person" (an e-mail address or platform:userId),
one person per row; a file of bare addresses without a header works too.`;

function peopleOfFile(text: string): { people: Person[]; problems: string[] } {
  const rows = parse(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][];
  const header = rows[0]?.map((cell) => cell.toLowerCase()) ?? [];
  const column = ['person', 'email', 'user', 'upn'].map((name) => header.indexOf(name)).find((index) => index >= 0);
  const data = column === undefined ? rows : rows.slice(1);
  const people: Person[] = [];
  const problems: string[] = [];
  data.forEach((row, index) => {
    const cell = row[column ?? 0] ?? '';
    const person = readPerson(cell);
    if (person) people.push(person);
    else
      problems.push(
        `row ${index + (column === undefined ? 1 : 2)}: "${cell}" is not an e-mail address or platform:userId`,
      );
  });
  return { people, problems };
}

function describe(person: Person, outcome: LeaverOutcome): string {
  const who = `${person.platform}:${person.userId}`;
  if (!outcome.recorded) return `${who}: already recorded as having left; nothing changed.`;
  const parts = [
    ...outcome.transferred.map((reference) => `${reference} to its backup owner (asked to accept)`),
    ...outcome.orphaned.map((reference) => `${reference} orphaned (the leads are asked to name an owner)`),
    ...outcome.backupCleared.map((reference) => `${reference} lost its backup owner (its owner is asked for another)`),
  ];
  return `${who}: recorded as having left. ${parts.length > 0 ? parts.join('; ') : 'They owned no apps.'}`;
}

export async function runOwners(args: string[], ctx: CommandContext): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'leave') {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const file = option(rest, '--file');
  const named = positional(rest, ['--file']);
  if ((file === undefined) === (named.length === 0) || named.length > 1) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  let people: Person[];
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(path.resolve(ctx.io.cwd, file), 'utf8');
    } catch (error) {
      ctx.io.stderr(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return 1;
    }
    const read = peopleOfFile(text);
    if (read.problems.length > 0) {
      ctx.io.stderr(`${file}: nothing was changed.\n${read.problems.map((problem) => `  ${problem}`).join('\n')}`);
      return 1;
    }
    people = read.people;
  } else {
    const person = readPerson(named[0]!);
    if (!person) {
      ctx.io.stderr(`"${named[0]}" is not an e-mail address or platform:userId (slack:U123, teams:<id>).\n\n${USAGE}`);
      return 2;
    }
    people = [person];
  }
  const services = await ctx.services();
  const results: Array<{ person: string } & LeaverOutcome> = [];
  for (const person of people) {
    const outcome = await services.personLeft(person, 'cli');
    results.push({ person: `${person.platform}:${person.userId}`, ...outcome });
    if (!flag(rest, '--json')) ctx.io.stdout(describe(person, outcome));
  }
  if (flag(rest, '--json')) ctx.io.stdout(JSON.stringify({ results }, null, 2));
  await services.deliverNow();
  return 0;
}
