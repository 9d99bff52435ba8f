/**
 * An indicator year by year: the values registered for it (a line with a circle per year) against
 * the plan's baseline (a square) and target (a dashed line at its level, ending in a triangle at
 * its year), where the plan states them as levels (web/indicator-plan.ts). The figures in the
 * text alternative and the table are the decimal strings as recorded; only positions are geometry.
 */
import { html } from 'hono/html';
import { withUnit } from '../decimal.js';
import type { PlanMark } from '../indicator-plan.js';
import type { Html } from '../layout.js';
import { chartFigure, FILL, GRID, INK, TARGET, type Chart } from './chart-figure.js';

export interface IndicatorSeries {
  title: string;
  unit: string;
  /** registered values, any order */
  values: { year: number; value: string }[];
  baseline: PlanMark | null;
  target: PlanMark | null;
}

const W = 420;
const H = 280;
const LEFT = 64;
const RIGHT = 16;
const TOP = 56;
const BOTTOM = 40;

const BOUND_WORDS = { over: 'over ', under: 'under ' } as const;

/** "over 88 %", "83,6 %", "352 674". */
export const markText = (m: PlanMark, unit: string): string =>
  `${m.bound ? BOUND_WORDS[m.bound] : ''}${withUnit(m.value, unit)}`;

/** A step of 1, 2, 2.5 or 5 times a power of ten, about a quarter of the span. */
function niceStep(span: number): number {
  const raw = span / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
}

const decimalsOf = (step: number) => Math.max(0, (String(Number(step.toPrecision(6))).split('.')[1] ?? '').length);

export function lineChart(id: string, series: IndicatorSeries): Chart {
  // The plan's titles end with a full stop; the chart's sentences and caption go on after the name.
  const s = { ...series, title: series.title.replace(/\.$/, '') };
  const values = [...s.values].sort((a, b) => a.year - b.year);
  const marks = [s.baseline, s.target].filter((m): m is PlanMark => m !== null);
  const years = [...values.map((v) => v.year), ...marks.map((m) => m.year)];
  const levels = [...values.map((v) => Number(v.value)), ...marks.map((m) => Number(m.value))];

  const registered = values.length
    ? `registrert ${values.map((v) => `${withUnit(v.value, s.unit)} i ${v.year}`).join(', ')}`
    : 'ingen verdier registrert ennå';
  const alt = `Linjediagram for ${s.title}: ${registered}${s.baseline ? `; utgangspunkt i planen ${markText(s.baseline, s.unit)} i ${s.baseline.year}` : ''}${s.target ? `; mål i planen ${markText(s.target, s.unit)} innen ${s.target.year}` : ''}.`;

  const rows = [
    ...(s.baseline
      ? [{ year: s.baseline.year, value: markText(s.baseline, s.unit), what: 'Utgangspunkt i planen' }]
      : []),
    ...values.map((v) => ({ year: v.year, value: withUnit(v.value, s.unit), what: 'Registrert' })),
    ...(s.target ? [{ year: s.target.year, value: markText(s.target, s.unit), what: 'Mål i planen' }] : []),
  ].sort((a, b) => a.year - b.year);
  const table = html`<table class="ds-table" data-border>
<caption id="${id}-tabell">${s.title}: år for år</caption>
<thead><tr><th scope="col">År</th><th scope="col" class="num">Verdi</th><th scope="col">Hva</th></tr></thead>
<tbody>
${rows.length ? rows.map((r) => html`<tr><th scope="row">${r.year}</th><td class="num">${r.value}</td><td>${r.what}</td></tr>`) : html`<tr><td colspan="3">Ingen tall ennå.</td></tr>`}
</tbody>
</table>`;

  if (years.length === 0)
    return chartFigure(id, W, 60, alt, html`<text x="0" y="36">Ingen tall å vise ennå.</text>`, table);

  const y0 = Math.min(...years) - (years.length === 1 || Math.min(...years) === Math.max(...years) ? 1 : 0);
  const y1 = Math.max(...years) + (y0 === Math.min(...years) ? 0 : 1);
  let lo = Math.min(...levels);
  let hi = Math.max(...levels);
  if (lo === hi) [lo, hi] = [lo - Math.max(Math.abs(lo) * 0.1, 1), hi + Math.max(Math.abs(hi) * 0.1, 1)];
  const step = niceStep(hi - lo);
  const v0 = Math.floor(lo / step) * step;
  const v1 = Math.ceil(hi / step) * step;
  const x = (year: number) => LEFT + ((year - y0) / (y1 - y0)) * (W - LEFT - RIGHT);
  const y = (v: number) => TOP + (1 - (v - v0) / (v1 - v0)) * (H - TOP - BOTTOM);
  const fix = (n: number) => n.toFixed(1);

  const ticks: number[] = [];
  for (let t = v0; t <= v1 + step / 2; t += step) ticks.push(Number(t.toFixed(decimalsOf(step))));
  const yearTicks: number[] = [];
  // About six year labels at most, so they never run into each other.
  const every = Math.max(1, Math.ceil((y1 - y0) / 6));
  // Counted back from the last year, so the target's year always has its label.
  for (let t = y1; t >= y0; t -= every) yearTicks.unshift(t);

  const grid = html`${ticks.map(
    (t) =>
      html`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${fix(y(t))}" y2="${fix(y(t))}" stroke="${GRID}" stroke-width="1"/><text x="${LEFT - 8}" y="${fix(y(t) + 5)}" text-anchor="end" font-size="13">${withUnit(t.toFixed(decimalsOf(step)), s.unit)}</text>`,
  )}
<line x1="${LEFT}" x2="${W - RIGHT}" y1="${H - BOTTOM}" y2="${H - BOTTOM}" stroke="${INK}" stroke-width="1.5"/>
${yearTicks.map((t) => html`<text x="${fix(x(t))}" y="${H - BOTTOM + 22}" text-anchor="middle" font-size="13">${t}</text>`)}`;

  const legend = html`<line x1="0" x2="24" y1="14" y2="14" stroke="${FILL}" stroke-width="3"/><circle cx="12" cy="14" r="5" fill="${FILL}"/><text x="32" y="19">Registrert</text>
<rect x="118" y="9" width="10" height="10" fill="${INK}"/><text x="134" y="19">Utgangspunkt</text>
<line x1="248" x2="278" y1="14" y2="14" stroke="${TARGET}" stroke-width="3" stroke-dasharray="8 4"/><text x="286" y="19">Mål</text>`;

  const target = s.target
    ? html`<line x1="${LEFT}" x2="${fix(x(s.target.year))}" y1="${fix(y(Number(s.target.value)))}" y2="${fix(y(Number(s.target.value)))}" stroke="${TARGET}" stroke-width="3" stroke-dasharray="8 4"/>
<path d="M ${fix(x(s.target.year))} ${fix(y(Number(s.target.value)) - 8)} l 7 12 h -14 z" fill="${TARGET}"/>`
    : '';
  const baseline = s.baseline
    ? html`<rect x="${fix(x(s.baseline.year) - 6)}" y="${fix(y(Number(s.baseline.value)) - 6)}" width="12" height="12" fill="${INK}"/>`
    : '';
  const line = values.length
    ? html`<polyline points="${values.map((v) => `${fix(x(v.year))},${fix(y(Number(v.value)))}`).join(' ')}" fill="none" stroke="${FILL}" stroke-width="3"/>
${values.map((v) => html`<circle cx="${fix(x(v.year))}" cy="${fix(y(Number(v.value)))}" r="5" fill="${FILL}"/>`)}`
    : '';
  const body: Html = html`${legend}${grid}${target}${baseline}${line}`;
  return chartFigure(id, W, H, alt, body, table);
}
