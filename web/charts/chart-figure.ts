/**
 * What every chart of the execution pages shares (web/charts/spent.ts, line.ts): the SVG as one
 * image for assistive technology (role="img", named by its <title>, which states the figures),
 * drawn at its own size and shrunk to scale on a narrower screen (web/assets/app.css), drawn narrow
 * enough to stay legible at 320 px, and its data table right after
 * it, so the figures can be read, copied and compared without the picture. The inks: dark on
 * white, each with contrast of 3:1 or more against the white ground and against each other's
 * fills, and never colour alone: outline against fill, solid against dashed, circle against square.
 */
import { html } from 'hono/html';
import type { Html } from '../layout.js';
import { scrollTable } from '../layout.js';

/** Navy (11:1 on white) for outlines, axes and text. */
export const INK = '#1e2d3d';
/** Blue (6:1 on white) for what was spent or registered. */
export const FILL = '#1d5fa6';
/** Dark green (7:1 on white) for the plan's target. */
export const TARGET = '#1b5e20';
/** Light grey for the grid: not information, only a guide. */
export const GRID = '#c8ced6';

export interface Chart {
  /** the text alternative: every figure the chart shows, in words */
  alt: string;
  svg: Html;
  table: Html;
}

/** The picture with its name, and the table beside it. */
export function chartFigure(id: string, width: number, height: number, alt: string, body: Html, table: Html): Chart {
  const svg = html`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-tittel" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="14" fill="${INK}">
<title id="${id}-tittel">${alt}</title>
${body}
</svg>`;
  return { alt, svg, table: scrollTable(`${id}-tabell`, table) };
}

/** A text cut to `max` characters with "…": the chart's labels; the full text is in the table. */
export const cut = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

/** The figure and its table as they go on the page. */
export const chartBlock = (chart: Chart): Html => html`<div class="chart-block">${chart.svg}${chart.table}</div>`;
