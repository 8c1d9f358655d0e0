import type { Html } from './html.ts';
import { count, dataTable, date, empty, html, num } from './html.ts';

// Charts as inline SVG: no library, nothing fetched, no script. Colours come from classes in the
// stylesheet; sizes are SVG attributes (the CSP forbids style attributes, not presentation attributes).
// Every chart has its numbers as text too, so it reads without the picture.

export interface Bar {
  label: string;
  value: number;
  /** Where the label and the number lead (the inventory filtered to it). */
  link?: string;
  /** A class for the bar: tier-high, status-rejected... */
  tone?: string;
}

const BAR_WIDTH = 160;

/** One row per bar: label, number and a bar scaled to the largest value. */
export function barList(bars: Bar[], options: { caption: string; emptyText: string }): Html {
  if (bars.length === 0 || bars.every((bar) => bar.value === 0)) return empty(options.emptyText);
  const max = Math.max(...bars.map((bar) => bar.value));
  const rows = bars.map((bar) => {
    const width = max === 0 ? 0 : Math.max(bar.value > 0 ? 2 : 0, Math.round((bar.value / max) * BAR_WIDTH));
    const label = bar.link ? html`<a href="${bar.link}">${bar.label}</a>` : bar.label;
    const value = bar.link ? html`<a href="${bar.link}">${count(bar.value)}</a>` : count(bar.value);
    return [
      label,
      { content: value, class: 'num' },
      {
        content: html`<svg
          width="${BAR_WIDTH}"
          height="12"
          viewBox="0 0 ${BAR_WIDTH} 12"
          aria-hidden="true"
          focusable="false"
        >
          <rect class="${`fill ${bar.tone ?? ''}`.trim()}" x="0" y="1" width="${width}" height="10" rx="2"></rect>
        </svg>`,
        class: 'bar',
      },
    ];
  });
  return dataTable([], rows, { class: 'bars', caption: options.caption, rowHeader: true });
}

export interface Series {
  name: string;
  tone: string;
  values: number[];
}

/** Grouped columns per period (weeks), one colour per series, with a legend and the figures in a table. */
export function trendChart(periods: Date[], series: Series[], options: { caption: string; emptyText: string }): Html {
  const total = series.reduce((sum, one) => sum + one.values.reduce((a, b) => a + b, 0), 0);
  if (periods.length === 0 || total === 0) return empty(options.emptyText);
  const height = 160;
  const top = 10;
  const bottom = 28;
  const left = 36;
  const group = 36;
  const width = left + periods.length * group + 8;
  const max = Math.max(1, ...series.flatMap((one) => one.values));
  const barWidth = Math.floor((group - 8) / series.length);
  const scale = (value: number) => Math.round((value / max) * (height - top - bottom));
  const columns = periods.map((period, index) => {
    const x = left + index * group + 4;
    const bars = series.map((one, which) => {
      const value = one.values[index] ?? 0;
      const barHeight = scale(value);
      return html`<rect
        class="fill ${one.tone}"
        x="${x + which * barWidth}"
        y="${height - bottom - barHeight}"
        width="${barWidth - 1}"
        height="${barHeight}"
        ><title>${one.name}, week of ${date(period)}: ${count(value)}</title></rect
      >`;
    });
    const label =
      index % 2 === 0 || periods.length <= 8
        ? html`<text class="axis" x="${x + (group - 8) / 2}" y="${height - bottom + 14}" text-anchor="middle"
            >${date(period).slice(5)}</text
          >`
        : '';
    return html`${bars}${label}`;
  });
  const legend = series.map(
    (one) =>
      html`<li>
        <svg width="10" height="10" aria-hidden="true" focusable="false">
          <rect class="fill ${one.tone}" width="10" height="10"></rect>
        </svg>
        ${one.name}
      </li>`,
  );
  const figures = dataTable(
    ['Week of', ...series.map((one) => num(one.name))],
    periods.map((period, index) => [date(period), ...series.map((one) => count(one.values[index] ?? 0))]),
    { rowHeader: true },
  );
  return html`<figure class="trend">
      <svg
        width="${width}"
        height="${height}"
        viewBox="0 0 ${width} ${height}"
        role="img"
        aria-label="${options.caption}"
      >
        <line class="axis-line" x1="${left}" y1="${height - bottom}" x2="${width - 4}" y2="${height - bottom}"></line>
        <text class="axis" x="${left - 4}" y="${top + 4}" text-anchor="end">${count(max)}</text>
        <text class="axis" x="${left - 4}" y="${height - bottom}" text-anchor="end">0</text>
        ${columns}
      </svg>
      <figcaption>
        ${options.caption}
        <ul class="legend">
          ${legend}
        </ul>
      </figcaption>
    </figure>
    <details>
      <summary>The figures</summary>
      ${figures}
    </details>`;
}

/** How much of its SLA a review has used: the bar fills at the SLA, turns red past it. */
export function slaMeter(usedDays: number, slaDays: number): Html {
  const width = 80;
  const share = slaDays > 0 ? usedDays / slaDays : 1;
  const filled = Math.round(Math.min(share, 2) * (width / 2));
  const tone = share >= 2 ? 'late-twice' : share >= 1 ? 'late' : share >= 0.75 ? 'soon' : 'ok';
  return html`<svg width="${width}" height="10" viewBox="0 0 ${width} 10" aria-hidden="true" focusable="false">
    <rect class="track" width="${width}" height="10" rx="2"></rect>
    <rect class="fill sla-${tone}" width="${filled}" height="10" rx="2"></rect>
    <line class="sla-mark" x1="${width / 2}" y1="0" x2="${width / 2}" y2="10"></line>
  </svg>`;
}
