/** `--name value` from a command's arguments. */
export function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  return args[index + 1];
}

export function flag(args: string[], name: string): boolean {
  return args.includes(name);
}

/** Arguments that are neither flags nor the values of the named options. */
export function positional(args: string[], optionsWithValues: string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (optionsWithValues.includes(arg)) index += 1;
    else if (!arg.startsWith('--')) result.push(arg);
  }
  return result;
}

/** A date option such as --now or --until: undefined when absent, null (after saying why) when unreadable. */
export function dateOption(args: string[], name: string, io: { stderr(text: string): void }): Date | null | undefined {
  const given = option(args, name);
  if (given === undefined) return undefined;
  const date = new Date(given);
  if (given.startsWith('--') || Number.isNaN(date.getTime())) {
    io.stderr(`${name} must be a date such as 2026-11-30 or 2026-11-30T09:00:00Z, not "${given}".`);
    return null;
  }
  return date;
}
