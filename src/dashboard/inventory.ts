import { statusLabel } from '../apps/present.ts';
import { toSafeCsv } from '../csv-cell.ts';
import { TIERS } from '../policy/schema.ts';
import { APP_PLATFORMS } from '../profile/schema.ts';
import { formatReference } from '../store/apps.ts';
import type { InventoryItem, InventorySort } from '../store/dashboard.ts';
import type { Store } from '../store/store.ts';
import { APP_STATUSES } from '../store/types.ts';
import type { Html, PageContext } from './html.ts';
import { appLink, count, dataTable, date, empty, href, html, page, tierBadge } from './html.ts';
import type { InventoryParams } from './inventory-query.ts';
import { PAGE_SIZE, filterParams } from './inventory-query.ts';

// The inventory: search, filters and sorting done by the database, fifty apps a page, and the whole
// filtered set as CSV or JSON (the CSV neutralised against spreadsheet formulas, src/csv-cell.ts).

const COLUMNS: Array<{ sort: InventorySort; label: string }> = [
  { sort: 'reference', label: 'Reference' },
  { sort: 'name', label: 'Name' },
  { sort: 'tier', label: 'Tier' },
  { sort: 'status', label: 'Status' },
  { sort: 'platform', label: 'Platform' },
  { sort: 'department', label: 'Department' },
  { sort: 'owner', label: 'Owner' },
  { sort: 'registered', label: 'Registered' },
  { sort: 'updated', label: 'Updated' },
];

function ownerOf(item: InventoryItem): string {
  return item.ownerName ?? item.ownerEmail ?? `${item.ownerPlatform}:${item.ownerUserId}`;
}

function describeFilter(params: InventoryParams): string {
  const { filter } = params;
  const parts = [
    filter.q ? `matching "${filter.q}"` : '',
    filter.tiers ? `tier ${filter.tiers.join(' or ')}` : '',
    filter.statuses ? `status ${filter.statuses.map(statusLabel).join(' or ')}` : '',
    filter.platforms ? `platform ${filter.platforms.join(' or ')}` : '',
    filter.department ? `department "${filter.department}"` : '',
    filter.owner ? `owner "${filter.owner}"` : '',
    filter.orphaned ? 'orphaned (owner left)' : '',
  ].filter(Boolean);
  return parts.join(', ');
}

function checkboxes(
  name: string,
  values: readonly string[],
  chosen: readonly string[] | undefined,
  label = (v: string) => v,
): Html {
  return html`${values.map(
    (value) =>
      html`<label class="check"
        ><input type="checkbox" name="${name}" value="${value}" ${chosen?.includes(value) ? html` checked` : ''} />
        ${label(value)}</label
      >`,
  )}`;
}

function filterForm(ctx: PageContext, params: InventoryParams): Html {
  const { filter } = params;
  const platform = filter.platforms?.[0];
  return html`<form class="filters" method="get" action="${href(ctx, '/inventory')}">
    <p>
      <label for="q">Search</label>
      <input
        id="q"
        type="search"
        name="q"
        value="${filter.q ?? ''}"
        placeholder="name, description, owner or APP-0042"
      />
    </p>
    <fieldset>
      <legend>Tier</legend>
      ${checkboxes('tier', TIERS, filter.tiers)}
    </fieldset>
    <fieldset>
      <legend>Status</legend>
      ${checkboxes('status', APP_STATUSES, filter.statuses, statusLabel)}
    </fieldset>
    <p>
      <label for="platform">Platform</label>
      <select id="platform" name="platform">
        <option value="">any</option>
        ${APP_PLATFORMS.map((value) => html`<option value="${value}" ${value === platform ? html` selected` : ''}>${value}</option>`)}
      </select>
      <label for="department">Department</label>
      <input id="department" name="department" value="${filter.department ?? ''}" /> <label for="owner">Owner</label>
      <input id="owner" name="owner" value="${filter.owner ?? ''}" placeholder="name, e-mail or id" />
      <label class="check"
        ><input type="checkbox" name="orphaned" value="1" ${filter.orphaned ? html` checked` : ''} /> orphaned
        only</label
      >
    </p>
    <input type="hidden" name="sort" value="${params.sort}" /><input type="hidden" name="dir" value="${params.dir}" />
    <p><button type="submit">Apply</button> <a href="${href(ctx, '/inventory')}">Clear all filters</a></p>
  </form>`;
}

/** A column's header: a link sorting by it (the other way when it is the sort already). */
function sortHeader(ctx: PageContext, params: InventoryParams, column: (typeof COLUMNS)[number]) {
  const active = params.sort === column.sort;
  const dir = active && params.dir === 'asc' ? 'desc' : 'asc';
  const link = href(ctx, '/inventory', { ...filterParams(params.filter), sort: column.sort, dir });
  const arrow = active ? (params.dir === 'asc' ? ' ▲' : ' ▼') : '';
  return {
    label: html`<a href="${link}">${column.label}${arrow}</a>`,
    sort: active ? (params.dir === 'asc' ? 'ascending' : 'descending') : undefined,
  } as const;
}

function pager(ctx: PageContext, params: InventoryParams, total: number): Html {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (pages === 1) return html``;
  const at = (pageNumber: number) =>
    href(ctx, '/inventory', {
      ...filterParams(params.filter),
      sort: params.sort,
      dir: params.dir,
      page: pageNumber === 1 ? undefined : pageNumber,
    });
  const link = (pageNumber: number, label: string, rel?: string) =>
    pageNumber >= 1 && pageNumber <= pages && pageNumber !== params.page
      ? html`<a href="${at(pageNumber)}" ${rel ? html` rel="${rel}"` : ''}>${label}</a>`
      : html`<span class="muted">${label}</span>`;
  return html`<nav class="pager" aria-label="Pages">
    ${link(1, '« First')} ${link(params.page - 1, '‹ Previous', 'prev')}
    <span>Page ${count(params.page)} of ${count(pages)}</span> ${link(params.page + 1, 'Next ›', 'next')}
    ${link(pages, 'Last »')}
  </nav>`;
}

export async function inventoryPage(ctx: PageContext, store: Store, params: InventoryParams): Promise<string> {
  const offset = (params.page - 1) * PAGE_SIZE;
  const { total, rows } = await store.dashboard.inventory({
    filter: params.filter,
    sort: params.sort,
    dir: params.dir,
    page: { limit: PAGE_SIZE, offset },
  });
  const described = describeFilter(params);
  const exportParams = { ...filterParams(params.filter), sort: params.sort, dir: params.dir };
  const exports = html`<p class="exports">
    Export these ${count(total)} apps: <a href="${href(ctx, '/inventory.csv', exportParams)}" download>CSV</a> ·
    <a href="${href(ctx, '/inventory.json', exportParams)}" download>JSON</a>
  </p>`;
  let table: Html;
  if (total === 0)
    table = described
      ? empty(`No app is ${described}. Loosen or clear the filters to see more.`)
      : empty('No apps are registered yet.');
  else if (rows.length === 0)
    table = empty(
      `Page ${count(params.page)} is past the last page: ${count(total)} apps match, ${count(PAGE_SIZE)} a page.`,
    );
  else
    table = dataTable(
      COLUMNS.map((column) => sortHeader(ctx, params, column)),
      rows.map((row) => {
        const reference = formatReference(row.refNumber);
        return [
          appLink(ctx, reference),
          html`${appLink(ctx, reference, row.name)}${row.orphanedAt && row.status !== 'retired' ? html` <span class="flag">orphaned</span>` : ''}`,
          tierBadge(row.tier),
          statusLabel(row.status),
          row.platform ?? '–',
          row.department ?? '–',
          ownerOf(row),
          date(row.createdAt),
          date(row.updatedAt),
        ];
      }),
      {
        class: 'data inventory',
        caption: html`Apps ${count(offset + 1)}–${count(offset + rows.length)} of ${count(total)}`,
      },
    );
  const body = html`${filterForm(ctx, params)}
    <p class="summary">${count(total)} ${total === 1 ? 'app' : 'apps'}${described ? html`, ${described}` : ''}.</p>
    ${total > 0 ? exports : ''} ${table} ${pager(ctx, params, total)}`;
  return page(ctx, { title: 'Inventory', section: 'inventory', body });
}

const EXPORT_COLUMNS = [
  'reference',
  'name',
  'tier',
  'status',
  'platform',
  'department',
  'ownerName',
  'ownerEmail',
  'ownerPlatform',
  'ownerUserId',
  'version',
  'orphanedAt',
  'registeredAt',
  'updatedAt',
] as const;

function exportRow(item: InventoryItem): Record<(typeof EXPORT_COLUMNS)[number], string | number | null> {
  return {
    reference: formatReference(item.refNumber),
    name: item.name,
    tier: item.tier,
    status: item.status,
    platform: item.platform,
    department: item.department,
    ownerName: item.ownerName,
    ownerEmail: item.ownerEmail,
    ownerPlatform: item.ownerPlatform,
    ownerUserId: item.ownerUserId,
    version: item.version,
    orphanedAt: item.orphanedAt?.toISOString() ?? null,
    registeredAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  };
}

/** Every app the filter matches, in the page's order, as CSV or JSON. */
export async function inventoryExport(store: Store, params: InventoryParams, format: 'csv' | 'json'): Promise<string> {
  const { rows } = await store.dashboard.inventory({ filter: params.filter, sort: params.sort, dir: params.dir });
  const records = rows.map(exportRow);
  if (format === 'json') return `${JSON.stringify(records, null, 2)}\n`;
  return toSafeCsv(
    records.map((record) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value ?? '']))),
    EXPORT_COLUMNS,
  );
}
