/**
 * The plan's indicators as the indicator page shows them: name, unit, baseline and target, with
 * the baseline and target also as points for the chart where the plan's text states a level in a
 * year ("83,6 % (2023)", "Over 88 % innen 2030", "352 674 (2010)"). The plan keeps them as text
 * (schema/partnership.ts IndicatorSchema); a text that states a change rather than a level
 * ("+15 % innen 2030", "Økning på 12,6 % de siste 5 årene") or no number at all is shown as text
 * only, never guessed into a point.
 */
import type { Indicator } from '../schema/partnership.js';
import { parseDecimalInput } from './decimal.js';

export interface PlanMark {
  /** decimal string, "83.6" */
  value: string;
  year: number;
  /** "over" for a target such as "Over 88 % innen 2030" */
  bound: 'over' | 'under' | null;
  /** the plan's own words */
  text: string;
}

export interface PlanIndicator {
  id: string;
  title: string;
  /** "%" when the plan states the indicator's level as a share, else "" (a count, or not stated) */
  unit: string;
  baselineText: string | null;
  targetText: string | null;
  baseline: PlanMark | null;
  target: PlanMark | null;
}

const LEVEL =
  /^(over|minst|mer enn|under|høyst|mindre enn)?\s*(\d[\d\u0020\u00a0\u202f]*(?:,\d+)?)\s*(%)?\s*(?:\((\d{4})\)|(?:innen|i) (\d{4}))$/i;

/** A level in a year from the plan's text, or null when the text states none. */
export function planMark(text: string | undefined): (PlanMark & { percent: boolean }) | null {
  if (!text) return null;
  const m = LEVEL.exec(text.trim());
  if (!m) return null;
  const parsed = parseDecimalInput(m[2] ?? '');
  if (!parsed.ok || parsed.value === null) return null;
  const word = (m[1] ?? '').toLowerCase();
  const bound = ['over', 'minst', 'mer enn'].includes(word) ? 'over' : word ? 'under' : null;
  return { value: parsed.value, year: Number(m[4] ?? m[5]), bound, text, percent: m[3] === '%' };
}

export function planIndicator(i: Indicator): PlanIndicator {
  const baseline = planMark(i.baseline);
  const target = planMark(i.target);
  // Only a level says the unit: "+15 %" of a count of employees is a change, and the count has no unit.
  const percent = [baseline, target].some((x) => x?.percent);
  const strip = (x: ReturnType<typeof planMark>): PlanMark | null =>
    x ? { value: x.value, year: x.year, bound: x.bound, text: x.text } : null;
  return {
    id: String(i.id),
    title: i.title,
    unit: percent ? '%' : '',
    baselineText: i.baseline ?? null,
    targetText: i.target ?? null,
    baseline: strip(baseline),
    target: strip(target),
  };
}
