/**
 * Money spent against grants during the year, per measure: for each granted measure a bar of its
 * grant for the cycle's year (an outline) with what has been spent of it so far (solid, inside
 * the outline), and the figures written beside it. Per measure, not per funder, because that is
 * what is reported and what a proposer or the administrator follows up: a funder's part of the
 * spending is a split of these figures by its shares (workflow/ledger.ts), shown at the year-end
 * close. Figures are formatted from the decimal strings; only the bars' lengths are geometry. At
 * most MOST_BARS bars, the largest grants, and the text alternative says so; the table beside it
 * lists every measure.
 */
import { html } from 'hono/html';
import type { Decimal } from 'decimal.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { formatNok } from '../format.js';
import type { Html } from '../layout.js';
import { chartFigure, cut, FILL, INK, type Chart } from './chart-figure.js';

export interface SpentRow {
  title: string;
  /** granted for the year */
  granted: string;
  /** spent of it so far */
  spent: string;
}

const WIDTH = 320;
const BAR = 316;
const ROW = 64;
const TOP = 40;

/** Whole per cent of the grant spent, rounded half up; "–" when nothing was granted. */
export function spentShare(spent: Decimal, granted: Decimal): string {
  if (granted.isZero()) return '–';
  return `${spent.times(100).dividedBy(granted).toDecimalPlaces(0, 4).toString()}\u00a0%`;
}

/** Bars the chart draws at most: a picture of hundreds of bars helps nobody; the table has every measure. */
export const MOST_BARS = 20;

export function spentChart(id: string, year: number, rows: SpentRow[], most = MOST_BARS): Chart {
  const parsed = rows.map((r) => {
    const granted = parseMoney(r.granted);
    const spent = parseMoney(r.spent);
    return { ...r, g: granted, s: spent, left: formatMoney(granted.minus(spent)) };
  });
  // Over the limit, the largest grants (ties in the list's order), drawn in the list's order.
  const largest = new Set(
    parsed
      .map((r, i) => ({ r, i }))
      .sort((a, b) => b.r.g.comparedTo(a.r.g) || a.i - b.i)
      .slice(0, most)
      .map((x) => x.i),
  );
  const drawn = parsed.filter((_, i) => largest.has(i));
  const max = drawn.reduce((m, r) => (r.g.greaterThan(m) ? r.g : m), parseMoney('0'));
  const length = (d: Decimal) => (max.isZero() ? 0 : d.dividedBy(max).times(BAR).toDecimalPlaces(1).toNumber());
  const height = TOP + ROW * Math.max(drawn.length, 1);

  const which =
    drawn.length < parsed.length ? `de ${drawn.length} største tildelingene av ${parsed.length}` : 'per tiltak';
  const alt =
    parsed.length === 0
      ? `Stolpediagram over brukte midler i ${year}: ingen tiltak har fått tildelt midler for ${year}.`
      : `Stolpediagram over brukte midler mot tildelt i ${year}, ${which}: ${drawn
          .map((r) => `${r.title}: brukt ${formatNok(r.spent)} av ${formatNok(r.granted)} (${spentShare(r.s, r.g)})`)
          .join('; ')}.`;

  const legend = html`<rect x="0" y="6" width="20" height="14" fill="#ffffff" stroke="${INK}" stroke-width="2"/>
<text x="28" y="18">Tildelt ${year}</text>
<rect x="140" y="6" width="20" height="14" fill="${FILL}"/>
<text x="168" y="18">Brukt så langt</text>`;
  const bars = drawn.map((r, i) => {
    const y = TOP + i * ROW;
    return html`<g>
<text x="0" y="${y + 12}" font-weight="600">${cut(r.title, 36)}</text>
<rect x="1" y="${y + 18}" width="${Math.max(length(r.g), 1)}" height="20" fill="#ffffff" stroke="${INK}" stroke-width="2"/>
<rect x="1" y="${y + 22}" width="${length(r.s)}" height="12" fill="${FILL}"/>
<text x="0" y="${y + 54}" font-size="12">${formatNok(r.spent)} av ${formatNok(r.granted)} (${spentShare(r.s, r.g)})</text>
</g>`;
  });
  const body: Html = html`${legend}${bars}`;

  const table = html`<table class="ds-table" data-border>
<caption id="${id}-tabell">Brukt mot tildelt i ${year}, per tiltak</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col" class="num">Tildelt ${year}</th><th scope="col" class="num">Brukt</th><th scope="col" class="num">Igjen</th><th scope="col" class="num">Andel brukt</th></tr></thead>
<tbody>
${parsed.map((r) => html`<tr><th scope="row">${r.title}</th><td class="num">${formatNok(r.granted)}</td><td class="num">${formatNok(r.spent)}</td><td class="num">${formatNok(r.left)}</td><td class="num">${spentShare(r.s, r.g)}</td></tr>`)}
</tbody>
</table>`;
  return chartFigure(id, WIDTH, height, alt, body, table);
}
