/**
 * A horizontal bar chart as server-rendered SVG: one bar per row, its segments stacked in the
 * series' order, and an optional marker per row (a frame the bar is measured against). Horizontal,
 * so long Norwegian names fit above their bars and the chart scales down to a 320 px screen with
 * its viewBox, never wider than its box.
 *
 * Accessibility: the SVG is role="img", named by its <title> and the text alternative in <desc>,
 * which states every row's figures (the caller writes it, in words a reader knows: "ramme",
 * "tildelt"). Segments differ by more than colour (WCAG 1.4.1): solid, hatched, or outlined, each
 * drawn in a dark blue with over 3:1 contrast against the white page (WCAG 1.4.11), and the legend
 * shows each swatch with its name. No inline style (the CSP forbids it): presentation attributes.
 *
 * Money stays decimal strings; only the bar lengths, which are drawing coordinates, become numbers.
 */
import { Decimal } from 'decimal.js';
import { html, raw } from 'hono/html';
import { parseMoney } from '../../domain/money.js';
import type { Html } from '../layout.js';

/** How a series' segment is drawn; each looks different without colour. */
export type SegmentStyle = 'solid' | 'hatched' | 'outlined';

export interface BarSeries {
  name: string;
  style: SegmentStyle;
}

export interface BarRow {
  label: string;
  /** one amount per series, stacked left to right; a negative amount draws as nothing */
  values: string[];
  /** an amount the bar is measured against (a frame), drawn as a vertical line */
  marker?: string;
  /** shown at the right of the label line, e.g. the row's total */
  note?: string;
}

export interface BarChart {
  /** unique on the page: the ids of the title, the description and the patterns start with it */
  id: string;
  title: string;
  series: BarSeries[];
  /** the marker's name in the legend, when rows have markers */
  markerName?: string;
  rows: BarRow[];
  /** the text alternative: every figure the bars show, in words */
  description: string;
}

/** Dark blue on white: 8.6:1, well over the 3:1 that graphics need. */
export const INK = '#1e4a8c';
const TEXT = '#1a1a1a';
const WIDTH = 560;
const PLOT = WIDTH - 16;
const LEGEND_HEIGHT = 32;
const ROW_HEIGHT = 46;
const BAR_HEIGHT = 18;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif';

/** An amount as a length to draw: a negative one (money missing) draws as nothing. */
const positive = (amount: string | undefined): Decimal => {
  if (amount === undefined || amount.startsWith('-')) return new Decimal(0);
  return parseMoney(amount);
};

/** The largest extent of any row (its stacked segments or its marker); at least one øre, so nothing divides by zero. */
export function scaleOf(rows: BarRow[]): Decimal {
  let max = new Decimal('0.01');
  for (const row of rows) {
    const stacked = row.values.reduce((sum, v) => sum.add(positive(v)), new Decimal(0));
    max = Decimal.max(max, stacked, positive(row.marker));
  }
  return max;
}

/** An amount's length in the plot, in viewBox units to one decimal. */
export const lengthOf = (amount: string | undefined, scale: Decimal): number =>
  positive(amount).mul(PLOT).div(scale).toDecimalPlaces(1).toNumber();

function segmentAttributes(chart: BarChart, style: SegmentStyle): string {
  if (style === 'solid') return `fill="${INK}"`;
  if (style === 'hatched') return `fill="url(#${chart.id}-hatch)" stroke="${INK}" stroke-width="1.5"`;
  return `fill="#ffffff" stroke="${INK}" stroke-width="2"`;
}

function legend(chart: BarChart): string {
  const items: string[] = [];
  let x = 8;
  for (const s of chart.series) {
    items.push(
      `<rect x="${x}" y="8" width="16" height="16" ${segmentAttributes(chart, s.style)}/><text x="${x + 22}" y="21">${escape(s.name)}</text>`,
    );
    x += 30 + s.name.length * 8;
  }
  if (chart.markerName)
    items.push(
      `<line x1="${x + 8}" y1="6" x2="${x + 8}" y2="26" stroke="${TEXT}" stroke-width="3"/><text x="${x + 16}" y="21">${escape(chart.markerName)}</text>`,
    );
  return items.join('');
}

/** Text for inside the SVG string (hono's html escapes interpolations; this part is built as a string). */
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function barChartSvg(chart: BarChart): Html {
  const scale = scaleOf(chart.rows);
  const height = LEGEND_HEIGHT + chart.rows.length * ROW_HEIGHT + 8;
  const rows = chart.rows.map((row, i) => {
    const top = LEGEND_HEIGHT + i * ROW_HEIGHT;
    const barY = top + 20;
    let x = 8;
    const segments = row.values.map((value, s) => {
      const w = lengthOf(value, scale);
      const rect =
        w > 0
          ? `<rect x="${x}" y="${barY}" width="${w}" height="${BAR_HEIGHT}" ${segmentAttributes(chart, chart.series[s]!.style)}/>`
          : '';
      x += w;
      return rect;
    });
    const marker =
      row.marker === undefined
        ? ''
        : `<line x1="${8 + lengthOf(row.marker, scale)}" y1="${barY - 4}" x2="${8 + lengthOf(row.marker, scale)}" y2="${barY + BAR_HEIGHT + 4}" stroke="${TEXT}" stroke-width="3"/>`;
    const note = row.note ? `<text x="${WIDTH - 8}" y="${top + 14}" text-anchor="end">${escape(row.note)}</text>` : '';
    return `<text x="8" y="${top + 14}">${escape(row.label)}</text>${note}${segments.join('')}${marker}`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="100%" viewBox="0 0 ${WIDTH} ${height}" aria-labelledby="${chart.id}-title ${chart.id}-desc" font-family="${FONT}" font-size="13" fill="${TEXT}">
<title id="${chart.id}-title">${escape(chart.title)}</title>
<desc id="${chart.id}-desc">${escape(chart.description)}</desc>
<defs><pattern id="${chart.id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${INK}" stroke-width="2.5"/></pattern></defs>
${legend(chart)}
${rows.join('\n')}
</svg>`;
  return html`${raw(svg)}`;
}
