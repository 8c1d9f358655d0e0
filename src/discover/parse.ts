import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { DiscoveredFields } from '../store/discovery.ts';

// Platforms' exports read into discovered items. Power Platform: the JSON that `Get-AdminPowerApp` and
// `Get-AdminFlow` write through `ConvertTo-Json` (one object for one item, an array for more). Any other
// tool: a CSV with a mapping of its columns. A bad item is reported by position; the good ones are kept.

export type DiscoveredInput = DiscoveredFields & { externalId: string };

export interface ParsedExport {
  items: DiscoveredInput[];
  /** "item 3: ..." / "row 4: ...", in file order. */
  rejected: string[];
}

/** The file could not be read as an export at all: nothing in it is imported. */
export class ExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFormatError';
  }
}

/**
 * Text of an export file. Windows PowerShell 5.1's Out-File and `>` write UTF-16 LE with a byte order
 * mark; PowerShell 7 writes UTF-8, sometimes with one.
 */
export function exportText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value?.trim() || null);

/**
 * A time as ConvertTo-Json writes it: an ISO string (the cmdlets pass the API's strings through; PowerShell 7
 * writes DateTime so too), "/Date(ms)/" (Windows PowerShell 5.1's DateTime), or 5.1's { value, DateTime } wrapper.
 */
const exportTime = z
  .union([z.string(), z.object({ value: z.string() }).loose()])
  .nullish()
  .transform((value, ctx) => {
    const text = (typeof value === 'object' && value !== null ? value.value : value)?.trim();
    if (!text) return null;
    const epoch = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/u.exec(text);
    const time = epoch ? new Date(Number(epoch[1])) : new Date(text);
    if (Number.isNaN(time.getTime())) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a date and time` });
      return z.NEVER;
    }
    return time;
  });

/** An e-mail address as compared everywhere in discovery: trimmed, lower case; anything without @ is not one. */
export function emailOf(value: string | null | undefined): string | null {
  const text = value?.trim().toLowerCase();
  return text && /^[^\s@]+@[^\s@]+$/u.test(text) ? text : null;
}

// Get-AdminPowerApp: Owner is the API's properties.owner ({ id, displayName, email, type, tenantId,
// userPrincipalName }); Internal repeats the raw API object and is not read.
const PowerAppSchema = z.object({
  AppName: z.string().trim().min(1, 'AppName is missing'),
  DisplayName: z.string().trim().min(1, 'DisplayName is missing'),
  EnvironmentName: optionalText,
  CreatedTime: exportTime,
  LastModifiedTime: exportTime,
  Owner: z
    .object({
      id: optionalText,
      displayName: optionalText,
      email: optionalText,
      userPrincipalName: optionalText,
    })
    .nullish(),
});

// Get-AdminFlow: CreatedBy is the API's properties.creator ({ tenantId, objectId, userId, userType }), which
// names no e-mail; some module versions and enriched exports add displayName, email or userPrincipalName.
const FlowSchema = z.object({
  FlowName: z.string().trim().min(1, 'FlowName is missing'),
  DisplayName: z.string().trim().min(1, 'DisplayName is missing'),
  EnvironmentName: optionalText,
  CreatedTime: exportTime,
  LastModifiedTime: exportTime,
  Enabled: z.boolean().nullish(),
  CreatedBy: z
    .object({
      objectId: optionalText,
      userId: optionalText,
      displayName: optionalText,
      email: optionalText,
      userPrincipalName: optionalText,
    })
    .nullish(),
});

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function jsonItems(text: string): unknown[] {
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ExportFormatError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return [value];
  throw new ExportFormatError('expected the JSON of an object or an array of objects, as ConvertTo-Json writes');
}

/** Keeps the first item of each id: a second one is a bad item, not a silent overwrite. */
function collect(rows: Array<{ label: string; parsed: DiscoveredInput | string }>): ParsedExport {
  const items: DiscoveredInput[] = [];
  const rejected: string[] = [];
  const seen = new Map<string, string>();
  for (const { label, parsed } of rows) {
    if (typeof parsed === 'string') rejected.push(`${label}: ${parsed}`);
    else if (seen.has(parsed.externalId))
      rejected.push(`${label}: the id ${parsed.externalId} was already listed by ${seen.get(parsed.externalId)}`);
    else {
      seen.set(parsed.externalId, label);
      items.push(parsed);
    }
  }
  return { items, rejected };
}

function parseJsonExport<T>(text: string, schema: z.ZodType<T>, toItem: (value: T) => DiscoveredInput): ParsedExport {
  return collect(
    jsonItems(text).map((value, index) => {
      const result = schema.safeParse(value);
      return { label: `item ${index + 1}`, parsed: result.success ? toItem(result.data) : issuesText(result.error) };
    }),
  );
}

export function parsePowerApps(text: string): ParsedExport {
  return parseJsonExport(text, PowerAppSchema, (app) => ({
    externalId: app.AppName,
    name: app.DisplayName,
    ownerEmail: emailOf(app.Owner?.email) ?? emailOf(app.Owner?.userPrincipalName),
    ownerName: app.Owner?.displayName ?? null,
    ownerId: app.Owner?.id ?? null,
    environment: app.EnvironmentName,
    createdAt: app.CreatedTime,
    modifiedAt: app.LastModifiedTime,
    enabled: null,
  }));
}

export function parseFlows(text: string): ParsedExport {
  return parseJsonExport(text, FlowSchema, (flow) => ({
    externalId: flow.FlowName,
    name: flow.DisplayName,
    ownerEmail: emailOf(flow.CreatedBy?.email) ?? emailOf(flow.CreatedBy?.userPrincipalName),
    ownerName: flow.CreatedBy?.displayName ?? null,
    ownerId: flow.CreatedBy?.objectId ?? flow.CreatedBy?.userId ?? null,
    environment: flow.EnvironmentName,
    createdAt: flow.CreatedTime,
    modifiedAt: flow.LastModifiedTime,
    enabled: flow.Enabled ?? null,
  }));
}

/** Which CSV column holds each field; externalId and name are required. */
const CsvMappingSchema = z.strictObject({
  externalId: z.string().min(1),
  name: z.string().min(1),
  owner: z.string().min(1).optional(),
  ownerName: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  createdAt: z.string().min(1).optional(),
  modifiedAt: z.string().min(1).optional(),
  enabled: z.string().min(1).optional(),
});

type CsvMapping = z.infer<typeof CsvMappingSchema>;

/** A mapping file, JSON or YAML. */
export function parseCsvMapping(text: string): CsvMapping {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ExportFormatError(`mapping: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = CsvMappingSchema.safeParse(value);
  if (!result.success) throw new ExportFormatError(`mapping: ${issuesText(result.error)}`);
  return result.data;
}

const ENABLED_WORDS = new Map([
  ...['true', 'yes', 'y', '1', 'on', 'enabled', 'active', 'started'].map((word) => [word, true] as const),
  ...['false', 'no', 'n', '0', 'off', 'disabled', 'inactive', 'stopped', 'suspended'].map(
    (word) => [word, false] as const,
  ),
]);

/** Rows are numbered as a spreadsheet shows them: the header is row 1. */
export function parseCsvExport(text: string, mapping: CsvMapping): ParsedExport {
  let records: Array<Record<string, string>>;
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<
      Record<string, string>
    >;
  } catch (error) {
    throw new ExportFormatError(`not CSV (${error instanceof Error ? error.message : String(error)})`);
  }
  const header = new Set(records.length > 0 ? Object.keys(records[0]!) : []);
  const absent = Object.values(mapping).filter((column) => !header.has(column));
  if (records.length > 0 && absent.length > 0)
    throw new ExportFormatError(`the mapping names columns the CSV does not have: ${absent.join(', ')}`);
  const cell = (record: Record<string, string>, column: string | undefined) =>
    (column === undefined ? '' : (record[column] ?? '')).trim() || null;
  return collect(
    records.map((record, index) => {
      const label = `row ${index + 2}`;
      const problems: string[] = [];
      const externalId = cell(record, mapping.externalId);
      const name = cell(record, mapping.name);
      if (!externalId) problems.push(`${mapping.externalId}: the id is empty`);
      if (!name) problems.push(`${mapping.name}: the name is empty`);
      const time = (column: string | undefined) => {
        const result = exportTime.safeParse(cell(record, column));
        if (result.success) return result.data;
        problems.push(`${column}: ${issuesText(result.error)}`);
        return null;
      };
      const createdAt = time(mapping.createdAt);
      const modifiedAt = time(mapping.modifiedAt);
      const enabledText = cell(record, mapping.enabled)?.toLowerCase();
      const enabled = enabledText === undefined ? null : ENABLED_WORDS.get(enabledText);
      if (enabled === undefined) problems.push(`${mapping.enabled}: "${enabledText}" is neither yes nor no`);
      const owner = cell(record, mapping.owner);
      if (problems.length > 0 || !externalId || !name) return { label, parsed: problems.join('; ') };
      return {
        label,
        parsed: {
          externalId,
          name,
          ownerEmail: emailOf(owner),
          // A column of names where e-mail addresses were expected still says who owns it.
          ownerName: cell(record, mapping.ownerName) ?? (emailOf(owner) ? null : owner),
          ownerId: null,
          environment: cell(record, mapping.environment),
          createdAt,
          modifiedAt,
          enabled: enabled ?? null,
        },
      };
    }),
  );
}
