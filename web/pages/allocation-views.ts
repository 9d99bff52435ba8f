/**
 * The three views of /sykluser/{cid}/fordeling (web/pages/allocations.ts), each the main content of
 * a page of its own: per measure (grants and every funder's share per year, and the measures'
 * other co-funding), per funder (frame, allocated and remaining, and each funder's share of the
 * grants, as charts with their tables) and per goal (grants per goal, as a chart with its table,
 * and per strategy). Every figure is the allocations' own (web/allocation-view.ts); every total is
 * one the allocations hold, or a sum in whole øre of the rows above it.
 */
import { html } from 'hono/html';
import type { YearMap } from '../../workflows/messages.js';
import type { AllocationView } from '../allocation-view.js';
import { barChartSvg, type BarChart } from '../charts/bar.js';
import {
  frameChart,
  funderShareChart,
  goalChart,
  percentOf,
  sumAmounts,
  totalOf,
} from '../charts/allocation-charts.js';
import { formatNok } from '../format.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName } from '../names.js';

export const VIEWS = {
  tiltak: { label: 'Per tiltak', title: 'Tildelinger per tiltak' },
  finansiorer: { label: 'Per finansiør', title: 'Tildelinger per finansiør' },
  mal: { label: 'Per delmål', title: 'Tildelinger per delmål' },
} as const;

export type ViewName = keyof typeof VIEWS;

const money = (amount: string | undefined) => html`<td class="num">${formatNok(amount ?? '0.00')}</td>`;
const moneyHead = (label: string) => html`<th scope="col" class="num">${label}</th>`;

export function viewContent(view: AllocationView, name: ViewName): Html {
  if (name === 'finansiorer') return funderView(view);
  if (name === 'mal') return goalView(view);
  return measureView(view);
}

function measureView(view: AllocationView): Html {
  const a = view.allocations;
  const years = a.years.map(String);
  const funders = a.funders.map((f) => ({ ...f, name: funderName(view.config, f.id) }));
  const allYears = (map: YearMap) => totalOf(map);
  const table =
    a.measures.length === 0
      ? html`<p class="ds-paragraph">Ingen tiltak i syklusen.</p>`
      : scrollTable(
          'andeler',
          html`<table class="ds-table" data-border>
<caption id="andeler">Tilskudd og hver finansiørs andel per tiltak og år (${a.measures.length} tiltak)</caption>
<thead><tr><th scope="col">Rang</th><th scope="col">Tiltak</th><th scope="col">År</th>${moneyHead('Tilskudd')}${funders.map((f) => moneyHead(f.name))}</tr></thead>
${a.measures.map(
  (m) =>
    html`<tbody>${years.map(
      (y, i) =>
        html`<tr>${i === 0 ? html`<td rowspan="${years.length}">${m.rank ?? '–'}</td><th scope="rowgroup" rowspan="${years.length}">${m.title}</th>` : ''}<th scope="row">${y}</th>${money(m.grants[y])}${funders.map((f) => money(m.shares[f.id]?.[y]))}</tr>`,
    )}</tbody>`,
)}
<tfoot>
${years.map((y) => html`<tr class="sum"><td></td><th scope="row" colspan="2">Sum ${y}</th>${money(a.totals.granted[y])}${funders.map((f) => money(f.allocated[y]))}</tr>`)}
<tr class="sum"><td></td><th scope="row" colspan="2">Sum alle år</th>${money(allYears(a.totals.granted))}${funders.map((f) => money(allYears(f.allocated)))}</tr>
</tfoot>
</table>`,
        );
  const cofundingTotal = sumAmounts(view.cofunding.map((c) => c.amount));
  const cofunding =
    view.cofunding.length === 0
      ? html`<p class="ds-paragraph">Ingen av tiltakene har annen medfinansiering.</p>`
      : scrollTable(
          'medfinansiering',
          html`<table class="ds-table" data-border>
<caption id="medfinansiering">Annen medfinansiering per tiltak, utenom partnerskapets tilskudd</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">Kilde</th>${moneyHead('Beløp')}</tr></thead>
<tbody>
${view.cofunding.map((c) => html`<tr><th scope="row">${c.title}</th><td>${c.source}</td>${money(c.amount)}</tr>`)}
</tbody>
<tfoot><tr class="sum"><th scope="row" colspan="2">Sum annen medfinansiering</th>${money(cofundingTotal)}</tr></tfoot>
</table>`,
        );
  return html`<h2 class="ds-heading" data-size="md">Tilskudd og andeler</h2>
${table}
<h2 class="ds-heading" data-size="md">Annen medfinansiering</h2>
${cofunding}`;
}

/** A chart and the table of its figures, side by side where the screen is wide enough. */
function chartWithTable(chart: BarChart, table: Html): Html {
  return html`<div class="chart-with-table">
<figure class="chart-figure">${barChartSvg(chart)}</figure>
${table}
</div>`;
}

function funderView(view: AllocationView): Html {
  const a = view.allocations;
  const years = a.years.map(String);
  const name = (id: string) => funderName(view.config, id);
  const granted = totalOf(a.totals.granted);
  const several = a.funders.length > 1;
  const frames = scrollTable(
    'rammer',
    html`<table class="ds-table" data-border>
<caption id="rammer">Ramme, tildelt og igjen per finansiør og år</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col">År</th>${moneyHead('Ramme')}${moneyHead('Tildelt')}${moneyHead('Igjen')}</tr></thead>
<tbody>
${a.funders.flatMap((f) => years.map((y) => html`<tr><th scope="row">${name(f.id)}</th><td>${y}</td>${money(f.frame[y])}${money(f.allocated[y])}${money(f.remaining[y])}</tr>`))}
</tbody>
${
  several
    ? html`<tfoot>${years.map(
        (y) =>
          html`<tr class="sum"><th scope="row">Sum</th><td>${y}</td>${(['frame', 'allocated', 'remaining'] as const).map((k) => money(sumAmounts(a.funders.map((f) => f[k][y] ?? '0.00'))))}</tr>`,
      )}</tfoot>`
    : ''
}
</table>`,
  );
  const shares = scrollTable(
    'finansiorandeler',
    html`<table class="ds-table" data-border>
<caption id="finansiorandeler">Hver finansiørs andel av tilskuddene ${years[0]}–${years[years.length - 1]}</caption>
<thead><tr><th scope="col">Finansiør</th>${moneyHead('Tildelt i alt')}${moneyHead('Andel')}</tr></thead>
<tbody>
${a.funders.map((f) => {
  const total = totalOf(f.allocated);
  return html`<tr><th scope="row">${name(f.id)}</th>${money(total)}<td class="num">${percentOf(total, granted)}</td></tr>`;
})}
</tbody>
<tfoot><tr class="sum"><th scope="row">Tilskudd i alt</th>${money(granted)}<td class="num">${percentOf(granted, granted)}</td></tr></tfoot>
</table>`,
  );
  return html`<h2 class="ds-heading" data-size="md">Ramme, tildelt og igjen</h2>
${chartWithTable(frameChart(view.config, a), frames)}
<h2 class="ds-heading" data-size="md">Hver finansiørs andel av tilskuddene</h2>
${chartWithTable(funderShareChart(view.config, a), shares)}`;
}

function byYearTable(
  id: string,
  caption: string,
  head: string,
  items: { label: string; granted: YearMap }[],
  years: string[],
  totals: YearMap,
): Html {
  return scrollTable(
    id,
    html`<table class="ds-table" data-border>
<caption id="${id}">${caption}</caption>
<thead><tr><th scope="col">${head}</th>${years.map((y) => moneyHead(y))}${moneyHead('Sum')}</tr></thead>
<tbody>
${items.map((g) => html`<tr><th scope="row">${g.label}</th>${years.map((y) => money(g.granted[y]))}${money(totalOf(g.granted))}</tr>`)}
</tbody>
<tfoot><tr class="sum"><th scope="row">Sum</th>${years.map((y) => money(totals[y]))}${money(totalOf(totals))}</tr></tfoot>
</table>`,
  );
}

function goalView(view: AllocationView): Html {
  const a = view.allocations;
  const years = a.years.map(String);
  const goals = byYearTable(
    'delmal',
    'Tilskudd per delmål og år',
    'Delmål',
    a.goals.map((g) => ({ label: `${g.goal}. ${g.title}`, granted: g.granted })),
    years,
    a.totals.granted,
  );
  const strategies = byYearTable(
    'strategier',
    'Tilskudd per strategi og år (et tiltak teller under sin første strategi)',
    'Strategi',
    a.strategies.map((s) => ({ label: `${s.strategy} ${s.title}`, granted: s.granted })),
    years,
    a.totals.granted,
  );
  return html`<h2 class="ds-heading" data-size="md">Tilskudd per delmål</h2>
${chartWithTable(goalChart(a), goals)}
<h2 class="ds-heading" data-size="md">Tilskudd per strategi</h2>
${strategies}`;
}
