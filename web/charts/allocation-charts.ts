/**
 * The finance officer's charts (web/pages/allocations.ts), built from the allocations exactly as
 * the page's tables show them: frame, allocated and remaining per funder and year; each funder's
 * share of the grants; the grants per goal. Each chart's text alternative states its figures in
 * the page's own formats ("1 250 000,00 kr", "66,7 %"), so a reader who cannot see the bars
 * hears the same numbers the table beside it holds.
 */
import { Decimal } from 'decimal.js';
import { formatMoney, fromOre, toOre } from '../../domain/money.js';
import type { Allocations } from '../../schema/allocations.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import type { YearMap } from '../../workflows/messages.js';
import { formatNok } from '../format.js';
import { funderName } from '../names.js';
import type { BarChart } from './bar.js';

/** The exact sum of amounts that may be negative (a remaining below zero), in whole øre: "1250000.00". */
export const sumAmounts = (amounts: Iterable<string>): string => {
  let ore = 0n;
  for (const a of amounts) ore += toOre(new Decimal(a));
  return formatMoney(fromOre(ore));
};

/** The sum of a year map's amounts. */
export const totalOf = (map: YearMap): string => sumAmounts(Object.values(map));

/** A part of a whole as Norwegians write a percentage: "66,7 %"; "0,0 %" of nothing. */
export function percentOf(part: string, whole: string): string {
  const w = new Decimal(whole);
  const p = w.isZero() ? new Decimal(0) : new Decimal(part).mul(100).div(w);
  return `${p.toFixed(1).replace('.', ',')}\u00a0%`;
}

/**
 * Labels that would run into the amount on their line end in "…" (about 44 characters fit beside
 * "99 999 999,99 kr" at the chart's width); the text alternative and the table keep them whole.
 */
const short = (label: string, max = 44) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);

export function frameChart(config: PartnershipConfig, a: Allocations): BarChart {
  const years = a.years.map(String);
  const rows = a.funders.flatMap((f) =>
    years.map((y) => {
      const frame = f.frame[y] ?? '0.00';
      const allocated = f.allocated[y] ?? '0.00';
      const remaining = f.remaining[y] ?? '0.00';
      return {
        label: `${funderName(config, f.id)} ${y}`,
        values: [allocated, remaining],
        marker: frame,
        note: `${formatNok(allocated)} av ${formatNok(frame)}`,
        text: `${funderName(config, f.id)} ${y}: ramme ${formatNok(frame)}, tildelt ${formatNok(allocated)}, igjen ${formatNok(remaining)}.`,
      };
    }),
  );
  return {
    id: 'graf-rammer',
    title: 'Ramme, tildelt og igjen per finansiør og år',
    series: [
      { name: 'Tildelt', style: 'solid' },
      { name: 'Igjen', style: 'hatched' },
    ],
    markerName: 'Ramme',
    rows,
    description: rows.map((r) => r.text).join(' '),
  };
}

/** Each funder's part of all the grants of the cycle's four years. */
export function funderShareChart(config: PartnershipConfig, a: Allocations): BarChart {
  const granted = totalOf(a.totals.granted);
  const rows = a.funders.map((f) => {
    const allocated = totalOf(f.allocated);
    const percent = percentOf(allocated, granted);
    return {
      label: funderName(config, f.id),
      values: [allocated],
      note: `${formatNok(allocated)} (${percent})`,
      text: `${funderName(config, f.id)}: ${formatNok(allocated)}, ${percent} av tilskuddene.`,
    };
  });
  return {
    id: 'graf-andeler',
    title: `Hver finansiørs andel av tilskuddene ${a.years[0]}–${a.years[a.years.length - 1]} (i alt ${formatNok(granted)})`,
    series: [{ name: 'Tildelt i alt', style: 'solid' }],
    rows,
    description: rows.map((r) => r.text).join(' '),
  };
}

export function goalChart(a: Allocations): BarChart {
  const rows = a.goals.map((g) => {
    const total = totalOf(g.granted);
    return {
      label: short(`${g.goal}. ${g.title}`),
      values: [total],
      note: formatNok(total),
      text: `Delmål ${g.goal}, ${g.title}: ${formatNok(total)}.`,
    };
  });
  return {
    id: 'graf-delmal',
    title: `Tilskudd per delmål ${a.years[0]}–${a.years[a.years.length - 1]}`,
    series: [{ name: 'Tilskudd i alt', style: 'solid' }],
    rows,
    description: rows.map((r) => r.text).join(' '),
  };
}
