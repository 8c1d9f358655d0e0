// HTML for the dashboard, escaped by construction: `html` escapes every value it interpolates unless it
// is already Html (the result of another `html`), so text typed by makers (app names, profiles, reasons)
// can never become markup. Pages carry no inline style or script: a strict Content-Security-Policy
// forbids them, and the one stylesheet (stylesheet.ts) is served beside the pages.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (char) => ESCAPES[char]!);
}

/** Markup that is safe as it is: only `html` (and `raw` for constants) make one. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Interpolated = Html | string | number | null | undefined | false | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return (value as readonly Interpolated[]).map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

interface Viewer {
  name: string;
  email?: string;
}

const NAV = [
  { id: 'overview', path: '/', label: 'Overview' },
  { id: 'inventory', path: '/inventory', label: 'Inventory' },
  { id: 'reviews', path: '/reviews', label: 'Reviews' },
  { id: 'failures', path: '/failures', label: 'Where governance fails' },
] as const;
export type Section = (typeof NAV)[number]['id'];

/** What every page needs to link and to say who is looking. */
export interface PageContext {
  /** Where the router is mounted ("/admin"); every link starts with it. */
  base: string;
  viewer: Viewer | undefined;
  now: Date;
}

/** A link inside the dashboard: `path` under the mount point, with query parameters (empty ones left out). */
export function href(
  ctx: Pick<PageContext, 'base'>,
  path: string,
  params: Record<string, string | readonly string[] | number | undefined> = {},
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, String(one));
  }
  const query = search.toString();
  return `${ctx.base}${path === '/' && ctx.base ? '/' : path}${query ? `?${query}` : ''}`;
}

export function page(ctx: PageContext, options: { title: string; section?: Section; body: Html }): string {
  const nav = NAV.map(
    (item) =>
      html`<li>
        <a href="${href(ctx, item.path)}" ${item.id === options.section ? html` aria-current="page"` : ''}
          >${item.label}</a
        >
      </li>`,
  );
  const viewer = ctx.viewer
    ? html`<p class="viewer">
        Signed in as
        <strong>${ctx.viewer.name}</strong
        >${ctx.viewer.email ? html` <span class="muted">(${ctx.viewer.email})</span>` : ''} ·
        <a href="${href(ctx, '/logout')}">Sign out</a>
      </p>`
    : '';
  return `<!doctype html>${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${options.title} · Steward governance</title>
      <link rel="stylesheet" href="${href(ctx, '/static/dashboard.css')}" />
    </head>
    <body>
      <header class="top">
        <a class="brand" href="${href(ctx, '/')}">Steward governance</a>
        <nav aria-label="Sections">
          <ul>
            ${nav}
          </ul>
        </nav>
        ${viewer}
      </header>
      <main>
        <h1>${options.title}</h1>
        ${options.body}
      </main>
      <footer><p class="muted">Dates and times are UTC. Figures as of ${dateTime(ctx.now)}.</p></footer>
    </body>
  </html> `}`;
}

/** A column of a data table (a plain string is a header label alone). */
interface Column {
  /** The header: text, or markup (a sort link). */
  label: Html | string;
  /** For the header and every cell under it: `num` right-aligns figures. */
  class?: string;
  /** The order a sortable column's rows are in (aria-sort). */
  sort?: 'ascending' | 'descending' | undefined;
}

/** A cell's content, or its content with a class of its own (added to its column's). */
type Cell = Interpolated | { content: Interpolated; class: string };

/** A row's cells, or its cells with a class for the row. */
type Row = readonly Cell[] | { cells: readonly Cell[]; class?: string | undefined };

/** `name="value"` for each attribute with a value, space-separated. */
function attributes(values: Record<string, string | undefined>): Html {
  const present = Object.entries(values).filter(([, value]) => value);
  return html`${present.map(([name, value], index) => html`${index > 0 ? ' ' : ''}${name}="${value}"`)}`;
}

function classes(...names: Array<string | undefined>): string | undefined {
  return names.filter(Boolean).join(' ') || undefined;
}

function isClassed(cell: Cell): cell is { content: Interpolated; class: string } {
  return typeof cell === 'object' && cell !== null && !(cell instanceof Html) && !Array.isArray(cell);
}

/**
 * A table: a header cell per column (none when there are no columns), then a row per entry of `rows`.
 * With `rowHeader`, each row's first cell heads its row.
 */
export function dataTable(
  headers: ReadonlyArray<string | Column>,
  rows: readonly Row[],
  options: { class?: string; caption?: Html | string; rowHeader?: boolean } = {},
): Html {
  const columns = headers.map((column) => (typeof column === 'string' ? { label: column } : column));
  const head =
    columns.length === 0
      ? ''
      : html`<thead>
          <tr>
            ${columns.map((column) => {
              const header = attributes({ scope: 'col', 'aria-sort': column.sort, class: column.class });
              return html`<th ${header}>${column.label}</th>`;
            })}
          </tr>
        </thead>`;
  const body = rows.map((row) => {
    const { cells, class: rowClass } = 'cells' in row ? row : { cells: row, class: undefined };
    return html`<tr ${attributes({ class: rowClass })}>
      ${cells.map((cell, index) => {
        const { content, class: cellClass } = isClassed(cell) ? cell : { content: cell, class: undefined };
        const cellClasses = classes(columns[index]?.class, cellClass);
        return index === 0 && options.rowHeader
          ? html`<th ${attributes({ scope: 'row', class: cellClasses })}>${content}</th>`
          : html`<td ${attributes({ class: cellClasses })}>${content}</td>`;
      })}
    </tr>`;
  });
  return html`<table class="${options.class ?? 'data'}">
    ${
      options.caption === undefined
        ? ''
        : html`<caption>
            ${options.caption}
          </caption>`
    }
    ${head}
    <tbody>
      ${body}
    </tbody>
  </table>`;
}

/** A column of figures: header and cells right-aligned. */
export function num(label: string): Column {
  return { label, class: 'num' };
}

/** The link to an app's page, its reference as the label unless another is given. */
export function appLink(ctx: Pick<PageContext, 'base'>, reference: string, label: Html | string = reference): Html {
  return html`<a href="${href(ctx, `/apps/${reference}`)}">${label}</a>`;
}

/** What is missing, said plainly, where a table or chart would be. */
export function empty(text: string): Html {
  return html`<p class="empty">${text}</p>`;
}

export function date(value: Date | null | undefined): string {
  return value ? value.toISOString().slice(0, 10) : '–';
}

export function dateTime(value: Date | null | undefined): string {
  return value ? `${value.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '–';
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function plural(value: number, one: string, many = `${one}s`): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}

/** Hours as people read a wait: "5 h", "3.5 days". */
export function duration(hours: number): string {
  if (hours < 48) return `${Math.round(hours)} h`;
  const days = hours / 24;
  return `${days < 10 ? days.toFixed(1) : Math.round(days)} days`;
}

export function tierBadge(tier: string | null): Html {
  return tier ? html`<span class="tier tier-${tier}">${tier}</span>` : html`<span class="tier">unassessed</span>`;
}
