// The dashboard's one stylesheet, served at /static/dashboard.css under the router's mount point. It is
// code rather than a file beside it so the compiled build (dist/) carries it without a copy step.

export const DASHBOARD_CSS = `:root {
  --ink: #1d2430; --muted: #5b6575; --line: #d9dee6; --paper: #ffffff; --wash: #f4f6f9; --accent: #2456a6;
  --low: #3b8b4a; --medium: #c28a00; --high: #d3602a; --critical: #b3261e;
  --ok: #3b8b4a; --soon: #c28a00; --late: #d3602a; --late-twice: #b3261e;
  --series-a: #2456a6; --series-b: #d3602a;
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--wash); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #7aa7f0; outline-offset: 2px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding: 0.6rem 1.5rem; background: var(--ink); color: #fff; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: 700; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top nav a { padding: 0.2rem 0; border-bottom: 2px solid transparent; }
header.top nav a[aria-current="page"], header.top nav a:hover { border-bottom-color: #fff; }
header.top .viewer { margin: 0 0 0 auto; }
header.top .viewer .muted { color: #c9d1dd; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 1.5rem 1.5rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.4rem; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 0.25rem 1rem 1rem; margin: 0 0 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 0 1rem; }
.stats { display: flex; flex-wrap: wrap; gap: 1rem; margin: 0 0 1rem; }
.stat { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 1rem; min-width: 200px; flex: 1 1 200px; }
.stat-value { font-size: 1.8rem; font-weight: 700; margin: 0; }
.stat-value a { text-decoration: none; }
.stat-label, .stat-note { margin: 0; color: var(--muted); }
.muted { color: var(--muted); }
.empty { padding: 0.75rem 1rem; background: var(--wash); border: 1px dashed var(--line); border-radius: 6px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
caption { text-align: left; color: var(--muted); padding: 0.25rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
thead th { background: var(--wash); font-weight: 600; }
thead th a { text-decoration: none; color: var(--ink); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.bars th { font-weight: normal; }
table.bars td.bar { width: 170px; }
.scroll { overflow-x: auto; }
table.versions td.changed { background: #fff4d6; font-weight: 600; }
.tier { display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem; font-weight: 700; text-transform: uppercase; color: #fff; background: var(--muted); }
.tier-low { background: var(--low); } .tier-medium { background: var(--medium); } .tier-high { background: var(--high); } .tier-critical { background: var(--critical); }
.flag { display: inline-block; padding: 0 0.45rem; border-radius: 4px; font-size: 0.8rem; background: #fde2e0; color: var(--critical); }
.sla { font-size: 0.85rem; }
.sla-ok { color: var(--ok); } .sla-late { color: var(--late); font-weight: 600; } .sla-late-twice { color: var(--late-twice); font-weight: 700; }
tr.row-late-twice td { background: #fdf0ef; }
svg .fill { fill: var(--accent); }
svg .fill.tier-low { fill: var(--low); } svg .fill.tier-medium { fill: var(--medium); } svg .fill.tier-high { fill: var(--high); } svg .fill.tier-critical { fill: var(--critical); }
svg .fill.status-rejected { fill: var(--critical); } svg .fill.status-changes_requested { fill: var(--medium); } svg .fill.status-approved { fill: var(--low); } svg .fill.status-retired { fill: var(--muted); }
svg .fill.sla-ok { fill: var(--ok); } svg .fill.sla-soon { fill: var(--soon); } svg .fill.sla-late { fill: var(--late); } svg .fill.sla-late-twice { fill: var(--late-twice); }
svg .fill.series-a { fill: var(--series-a); } svg .fill.series-b { fill: var(--series-b); }
svg .track { fill: var(--wash); stroke: var(--line); }
svg .sla-mark, svg .axis-line { stroke: var(--ink); stroke-width: 1; }
svg .axis { fill: var(--muted); font-size: 10px; }
figure.trend { margin: 0.5rem 0; overflow-x: auto; }
ul.legend { display: inline-flex; gap: 1rem; list-style: none; margin: 0 0 0 1rem; padding: 0; }
ul.compact { margin: 0.25rem 0; padding-left: 1.2rem; }
ul.inline-list { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; padding: 0; }
form.filters { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 1rem; margin: 0 0 1rem; }
form.filters fieldset { border: 0; padding: 0; margin: 0.4rem 0; }
form.filters legend { font-weight: 600; float: left; margin-right: 0.75rem; }
form.filters label { margin-right: 0.3rem; }
form.filters .check { margin-right: 0.9rem; white-space: nowrap; }
form.filters input[type="search"] { width: min(32rem, 100%); }
input, select, button { font: inherit; }
button { padding: 0.3rem 1rem; border: 1px solid var(--accent); border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
.pager { display: flex; gap: 1rem; align-items: center; margin: 0.75rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dl.inline { margin: 0; }
dl.inline dt { display: inline; color: var(--muted); }
dl.inline dt::after { content: ": "; }
dl.inline dd { display: inline; margin: 0 0.75rem 0 0; }
article.assessment { border-top: 1px solid var(--line); padding-top: 0.25rem; }
.decision-reject { color: var(--critical); font-weight: 600; } .decision-changes { color: var(--medium); font-weight: 600; } .decision-approve { color: var(--low); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
nav.toc { margin: 0.5rem 0 1rem; }
@media (max-width: 700px) { main { padding: 0.5rem; } header.top .viewer { margin: 0; } }
`;
