import { z } from 'zod';
import { TIERS } from '../policy/schema.ts';
import { APP_PLATFORMS } from '../profile/schema.ts';
import type { InventoryFilter, InventorySort } from '../store/dashboard.ts';
import { INVENTORY_SORTS } from '../store/dashboard.ts';
import { APP_STATUSES } from '../store/types.ts';
import type { AppStatus } from '../store/types.ts';

// The inventory's query string, parsed at the boundary: an unknown tier, status, platform or sort is a
// clear 400 naming the parameter and the values it takes, never a query with a surprise in it.

export const PAGE_SIZE = 50;

/** A query string the dashboard does not understand; the message names the parameter and what it takes. */
export class BadDashboardQuery extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'BadDashboardQuery';
  }
}

const listOf = (name: string, values: readonly string[]) => {
  const one = z.enum(values as [string, ...string[]], {
    error: (issue) => `${name} "${String(issue.input)}" is unknown: choose ${values.join(', ')}.`,
  });
  return z
    .preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(one))
    .transform((value) => [...new Set(value)]);
};

const text = (name: string, max: number) =>
  z
    .string({ error: `${name} must be given once, as text.` })
    .max(max, { error: `${name} is longer than ${max} characters.` })
    .optional()
    .transform((value) => value?.trim() || undefined);

const InventoryQuerySchema = z.object({
  q: text('The search', 200),
  tier: listOf('Tier', TIERS),
  status: listOf('Status', APP_STATUSES),
  platform: listOf('Platform', APP_PLATFORMS),
  department: text('The department', 200),
  owner: text('The owner', 320),
  orphaned: z
    .enum(['', '1', 'yes', 'true'], { error: 'orphaned takes 1 (only apps whose owner left) or nothing.' })
    .optional()
    .transform((value) => (value ? true : undefined)),
  sort: z
    .enum(INVENTORY_SORTS, {
      error: (issue) => `Sort "${String(issue.input)}" is unknown: choose ${INVENTORY_SORTS.join(', ')}.`,
    })
    .default('reference'),
  dir: z.enum(['asc', 'desc'], { error: 'dir takes asc or desc.' }).default('asc'),
  page: z.coerce
    .number({ error: 'page must be a whole number from 1.' })
    .int({ error: 'page must be a whole number from 1.' })
    .min(1, { error: 'page must be a whole number from 1.' })
    .max(1_000_000, { error: 'page is too large.' })
    .default(1),
});

export interface InventoryParams {
  filter: InventoryFilter;
  sort: InventorySort;
  dir: 'asc' | 'desc';
  page: number;
}

/** The query string as Express gives it (strings, or arrays of them for repeated keys). */
export function parseInventoryQuery(query: unknown): InventoryParams {
  const parsed = InventoryQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw new BadDashboardQuery([...new Set(parsed.error.issues.map((issue) => issue.message))]);
  const { q, tier, status, platform, department, owner, orphaned, sort, dir, page } = parsed.data;
  const filter: InventoryFilter = {
    ...(q ? { q } : {}),
    ...(tier.length > 0 ? { tiers: tier } : {}),
    ...(status.length > 0 ? { statuses: status as AppStatus[] } : {}),
    ...(platform.length > 0 ? { platforms: platform } : {}),
    ...(department ? { department } : {}),
    ...(owner ? { owner } : {}),
    ...(orphaned ? { orphaned } : {}),
  };
  return { filter, sort, dir, page };
}

/** The filter as query parameters again, for links and the export buttons. */
export function filterParams(filter: InventoryFilter): Record<string, string | readonly string[] | undefined> {
  return {
    q: filter.q,
    tier: filter.tiers,
    status: filter.statuses,
    platform: filter.platforms,
    department: filter.department,
    owner: filter.owner,
    orphaned: filter.orphaned ? '1' : undefined,
  };
}
