import { stringify } from 'csv-stringify/sync';

// Spreadsheet formula injection (OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell
// that starts with = + - @ tab or CR as a formula, so an app named =HYPERLINK(...) would run on the
// reviewer's machine. Every CSV Steward writes prefixes such text with ', and `steward apps import` takes
// exactly that ' off again, so an export imports back unchanged.

const FORMULA_START = /^[=+\-@\t\r]/u;
/** What neutraliseCell writes for text that starts a formula, and for text that already looked like that. */
const QUOTED_FORMULA = /^'+[=+\-@\t\r]/u;

/** The text a spreadsheet shows as written: one more leading ' for a formula, or for text that looks neutralised. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) || QUOTED_FORMULA.test(text) ? `'${text}` : text;
}

/** The text neutraliseCell was given: restoreCell(neutraliseCell(text)) === text for any text. */
export function restoreCell(text: string): string {
  return QUOTED_FORMULA.test(text) ? text.slice(1) : text;
}

/**
 * Rows as CSV with a header, every text cell neutralised. Numbers and booleans are not formulas and are
 * written as they are (booleans as true/false, which the import reads back).
 */
export function toSafeCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  return stringify([...rows], {
    header: true,
    columns: [...columns],
    cast: { string: neutraliseCell, boolean: (value) => (value ? 'true' : 'false') },
  });
}
