/**
 * Cost sharing between a partnership's funders (docs/domain.md, "Cost sharing"): every amount is split
 * in two stages by the largest-remainder method at øre precision, first the county against the
 * municipalities together, then the municipal part by the key. Shares always sum exactly to the
 * amount; ties go to the funder listed first (county, then municipalities in configuration order).
 *
 * Pure and deterministic: the workflow and the API both use it. All arithmetic is on integer øre
 * (BigInt), so nothing is ever rounded except by the rule itself.
 */
import { Decimal } from 'decimal.js';
import type { Sharing } from '../schema/partnership.js';
import { formatMoney, fromOre, parseMoney, toOre, type FunderYearMap, type Money, type YearMap } from './money.js';

export type { Sharing };

/** The funders of a partnership: the county id and the municipality numbers in configuration order. */
export interface Members {
  county: string;
  municipalities: string[];
}

export interface FrameViolation {
  funderId: string;
  year: number;
  frame: Money;
  allocated: Money;
  excess: Money;
}

/**
 * Year ("2027") -> the municipalities that take no part in that year's split: their council
 * rejected its contribution (docs/domain.md, decisions of 2026-12-01). The municipal part is shared by
 * the others, by the key renormalised over them; a municipality left out pays 0.00 that year.
 */
export type OutOfSplit = Record<string, readonly string[]>;

/** A plain rejection: the rejecting councils are out of the split of every year of the cycle. */
export function rejectedInEveryYear(years: readonly (number | string)[], rejecting: readonly string[]): OutOfSplit {
  return rejecting.length ? Object.fromEntries(years.map((y) => [String(y), [...rejecting]])) : {};
}

export class CostSharingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostSharingError';
  }
}

export function membersOf(config: { county: { id: string }; municipalities: { id: string }[] }): Members {
  return { county: config.county.id, municipalities: config.municipalities.map((m) => m.id) };
}

/** County first, then the municipalities in configuration order. */
export function funderIds(members: Members): string[] {
  return [members.county, ...members.municipalities];
}

// ---------------------------------------------------------------------------------------------
// Largest remainder

export function largestRemainder(amount: Decimal, weights: Decimal[]): Decimal[] {
  const ore = toOre(amount);
  if (ore < 0n) throw new CostSharingError(`cannot split a negative amount: ${formatMoney(amount)}`);
  return apportion(ore, toIntegers(weights)).map(fromOre);
}

/** Integer apportionment: floor of each exact quota, then one more unit by largest remainder. */
export function apportion(total: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((a, w) => a + w, 0n);
  if (weights.some((w) => w < 0n)) throw new CostSharingError('weights must not be negative');
  if (sum === 0n) throw new CostSharingError('weights are all zero; nothing to split by');
  const parts = weights.map((w) => (total * w) / sum);
  const remainders = weights.map((w) => (total * w) % sum);
  let left = total - parts.reduce((a, p) => a + p, 0n);
  // Larger remainder first; equal remainders go to the earlier position.
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = remainders[a]!;
      const rb = remainders[b]!;
      return ra === rb ? a - b : ra > rb ? -1 : 1;
    });
  for (const i of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts;
}

/** Exact integers proportional to the weights: every weight scaled by the same power of ten. */
function toIntegers(weights: Decimal[]): bigint[] {
  const plain = weights.map((w) => {
    if (!w.isFinite() || w.isNegative())
      throw new CostSharingError(`weight must be finite and non-negative: ${w.toString()}`);
    const [int = '0', frac = ''] = w.toFixed().split('.');
    return { int, frac };
  });
  const scale = Math.max(0, ...plain.map((p) => p.frac.length));
  return plain.map((p) => BigInt(p.int + p.frac.padEnd(scale, '0')));
}

// ---------------------------------------------------------------------------------------------
// The two-stage split

/** A year's rule in integers: stage 1 weights (county, municipalities together) and the key. */
export interface YearRule {
  county: bigint;
  municipal: bigint;
  key: bigint[];
}

export function ruleFor(
  sharing: Sharing,
  members: Members,
  framesOre?: Record<string, bigint>,
  absent: readonly string[] = [],
): YearRule {
  const fraction = sharing.countyFraction;
  const takesPart = (id: string) => !absent.includes(id);
  let county: bigint;
  let municipal: bigint;
  if (fraction.type === 'fixed') {
    if (!(fraction.numerator > 0 && fraction.numerator < fraction.denominator)) {
      throw new CostSharingError(`county fraction ${fraction.numerator}/${fraction.denominator} is not in (0, 1)`);
    }
    county = BigInt(fraction.numerator);
    municipal = BigInt(fraction.denominator - fraction.numerator);
  } else {
    if (!framesOre) throw new CostSharingError("a pro-rata rule needs the funders' frames for the year");
    county = framesOre[members.county] ?? 0n;
    // Pro-rata of what the funders put in: a municipality out of the split puts in nothing.
    municipal = members.municipalities.filter(takesPart).reduce((a, id) => a + (framesOre[id] ?? 0n), 0n);
  }

  const key = sharing.key;
  const keyWeights = members.municipalities.map((id) => {
    // Weight 0: the key renormalised over the municipalities that take part. Largest remainder
    // never gives a unit to a weight of 0, so ties still go to the first listed that takes part.
    if (!takesPart(id)) return 0n;
    if (key.type === 'equal') return 1n;
    const w = key.type === 'population' ? key.figures[id] : key.weights[id];
    if (w === undefined) throw new CostSharingError(`the ${key.type} key has no entry for municipality ${id}`);
    return BigInt(w);
  });
  return { county, municipal, key: keyWeights };
}

/** [county, ...municipalities] in øre. */
export function splitOre(amount: bigint, rule: YearRule): bigint[] {
  if (amount === 0n) return [0n, ...rule.key.map(() => 0n)];
  if (rule.county + rule.municipal === 0n) {
    throw new CostSharingError('pro-rata split impossible: the county and municipal frames are all zero');
  }
  const [county = 0n, municipal = 0n] = apportion(amount, [rule.county, rule.municipal]);
  if (municipal > 0n && !takesAnyPart(rule)) {
    throw new CostSharingError('no municipality takes part in the split: the municipal part has nobody to pay it');
  }
  return [county, ...(municipal === 0n ? rule.key.map(() => 0n) : apportion(municipal, rule.key))];
}

export const takesAnyPart = (rule: YearRule) => rule.key.some((k) => k > 0n);

/**
 * Splits one amount on the funders. `frames` (funderId -> that year's frame) is needed for a
 * pro-rata rule only; `absent` are the municipalities out of the split (see OutOfSplit).
 * Returns county first, then the municipalities in configuration order.
 */
export function splitAmount(
  amount: Decimal,
  sharing: Sharing,
  members: Members,
  frames?: Record<string, Decimal>,
  absent: readonly string[] = [],
): Record<string, Decimal> {
  const ore = toOre(amount);
  if (ore < 0n) throw new CostSharingError(`cannot split a negative amount: ${formatMoney(amount)}`);
  const framesOre = frames ? Object.fromEntries(Object.entries(frames).map(([id, f]) => [id, toOre(f)])) : undefined;
  const parts = splitOre(ore, ruleFor(sharing, members, framesOre, absent));
  return Object.fromEntries(funderIds(members).map((id, i) => [id, fromOre(parts[i]!)]));
}

/**
 * Each funder's share of a measure, per year. A pro-rata rule uses that year's `frames`; a
 * municipality out of a year's split (`outOfSplit`) has no share of it.
 */
export function shareMeasure(
  amounts: YearMap,
  sharing: Sharing,
  members: Members,
  frames?: FunderYearMap,
  outOfSplit: OutOfSplit = {},
): FunderYearMap {
  const ids = funderIds(members);
  const shares: FunderYearMap = Object.fromEntries(ids.map((id) => [id, {}]));
  for (const year of sortedYears(Object.keys(amounts))) {
    const rule = ruleFor(sharing, members, frames ? framesOfYear(frames, ids, year) : undefined, outOfSplit[year]);
    const parts = splitOre(toOre(parseMoney(amounts[year]!)), rule);
    ids.forEach((id, i) => (shares[id]![year] = formatMoney(fromOre(parts[i]!))));
  }
  return shares;
}

/** Per funder per year, the sum of the (already rounded) shares. */
export function sumShares(shares: Iterable<FunderYearMap>): FunderYearMap {
  const totals: Record<string, Record<string, bigint>> = {};
  for (const share of shares) {
    for (const [funderId, years] of Object.entries(share)) {
      const row = (totals[funderId] ??= {});
      for (const [year, amount] of Object.entries(years)) row[year] = (row[year] ?? 0n) + toOre(parseMoney(amount));
    }
  }
  return mapOre(totals);
}

/** What a list of grants puts on each funder: the sum of every grant's rounded shares. */
export function allocatedShares(
  grants: Iterable<YearMap>,
  sharing: Sharing,
  members: Members,
  frames?: FunderYearMap,
  outOfSplit: OutOfSplit = {},
): FunderYearMap {
  const empty: FunderYearMap = Object.fromEntries(funderIds(members).map((id) => [id, {}]));
  return sumShares([empty, ...[...grants].map((g) => shareMeasure(g, sharing, members, frames, outOfSplit))]);
}

// ---------------------------------------------------------------------------------------------
// Frames

/** Every funder-year where the allocation exceeds the frame (a missing frame counts as 0.00). */
export function checkFrames(allocated: FunderYearMap, frames: FunderYearMap): FrameViolation[] {
  const violations: FrameViolation[] = [];
  for (const [funderId, years] of Object.entries(allocated)) {
    for (const year of sortedYears(Object.keys(years))) {
      const amount = toOre(parseMoney(years[year]!));
      const frameStr = frames[funderId]?.[year];
      const frame = frameStr === undefined ? 0n : toOre(parseMoney(frameStr));
      if (amount > frame) {
        violations.push({
          funderId,
          year: Number(year),
          frame: fmt(frame),
          allocated: fmt(amount),
          excess: fmt(amount - frame),
        });
      }
    }
  }
  return violations;
}

/** Frame minus allocated per funder per year; negative where a frame is exceeded. */
export function remaining(frames: FunderYearMap, allocated: FunderYearMap): FunderYearMap {
  const result: Record<string, Record<string, bigint>> = {};
  for (const [funderId, years] of Object.entries(frames)) {
    const row = (result[funderId] ??= {});
    for (const [year, frame] of Object.entries(years)) row[year] = toOre(parseMoney(frame));
  }
  for (const [funderId, years] of Object.entries(allocated)) {
    const row = (result[funderId] ??= {});
    for (const [year, amount] of Object.entries(years)) row[year] = (row[year] ?? 0n) - toOre(parseMoney(amount));
  }
  return mapOre(result);
}

// ---------------------------------------------------------------------------------------------
// helpers

export function framesOfYear(frames: FunderYearMap, ids: string[], year: string): Record<string, bigint> {
  return Object.fromEntries(
    ids.map((id) => {
      const f = frames[id]?.[year];
      return [id, f === undefined ? 0n : toOre(parseMoney(f))];
    }),
  );
}

export function sortedYears(years: string[]): string[] {
  return [...years].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function mapOre(rows: Record<string, Record<string, bigint>>): FunderYearMap {
  return Object.fromEntries(
    Object.entries(rows).map(([id, years]) => [
      id,
      Object.fromEntries(sortedYears(Object.keys(years)).map((y) => [y, fmt(years[y]!)])),
    ]),
  );
}

export function fmt(ore: bigint): Money {
  return formatMoney(fromOre(ore));
}
