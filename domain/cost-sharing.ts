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

export interface RecommendedItem {
  measureId: string;
  rank: number;
  grants: YearMap;
}

export interface Recommendation {
  items: RecommendedItem[];
  unallocated: FunderYearMap;
  notes: string[];
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

export interface RecommendInput {
  /** in rank order, highest priority first */
  measures: { id: string; amounts: YearMap }[];
  frames: FunderYearMap;
  sharing: Sharing;
  members: Members;
  years: readonly (number | string)[];
  /**
   * A partial grant is a whole number of this unit ("1000.00": whole thousands of kroner), so that
   * nobody is shown 299 999.97 of 300 000.00; a full grant is exactly what was asked. The shares of
   * either are split to the øre as always.
   */
  grantUnit: Money;
  outOfSplit?: OutOfSplit;
}

/** The recommendation's partial grants without configuration: whole thousands of kroner. */
export const DEFAULT_GRANT_UNIT: Money = '1000.00';
export const grantUnitOf = (config: { grantUnit?: Money }): Money => config.grantUnit ?? DEFAULT_GRANT_UNIT;

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
function apportion(total: bigint, weights: bigint[]): bigint[] {
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
interface YearRule {
  county: bigint;
  municipal: bigint;
  key: bigint[];
}

function ruleFor(
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
function splitOre(amount: bigint, rule: YearRule): bigint[] {
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

const takesAnyPart = (rule: YearRule) => rule.key.some((k) => k > 0n);

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
// The administration's recommendation

/**
 * Grants the measures in rank order, year by year: a request every funder's remaining frame
 * carries is granted in full; otherwise the grant is the largest whole number of `grantUnit` up to
 * the request such that every funder's share fits its remaining frame, both the exact share and
 * the rounded share. (Requiring the exact share to fit too keeps rounding from stretching a frame:
 * 1 MNOK of municipal money carries exactly 3 MNOK at a 2/3 county fraction, not 3 MNOK + 1 øre.)
 * What a partial grant leaves may still carry a smaller measure further down in full.
 */
export function recommend(input: RecommendInput): Recommendation {
  const { measures, frames, sharing, members } = input;
  const unit = toOre(parseMoney(input.grantUnit));
  if (unit <= 0n) throw new CostSharingError(`the grant unit must be at least 0.01, not ${input.grantUnit}`);
  const outOfSplit = input.outOfSplit ?? {};
  const ids = funderIds(members);
  const years = [...new Set(input.years.map(String))].sort((a, b) => Number(a) - Number(b));
  const grants = measures.map(() => ({}) as Record<string, bigint>);
  const unallocated: Record<string, Record<string, bigint>> = Object.fromEntries(ids.map((id) => [id, {}]));
  const yearNotes: string[] = [];

  for (const year of years) {
    const frame = framesOfYear(frames, ids, year);
    const rule = ruleFor(sharing, members, frame, outOfSplit[year]);
    const left = ids.map((id) => frame[id]!);
    let requested = 0n;
    let granted = 0n;
    let binding: number[] | null = null;

    measures.forEach((measure, m) => {
      const request = requestOre(measure.amounts, year);
      const grant = grantOf(request, left, rule, unit);
      const parts = splitOre(grant, rule);
      parts.forEach((p, i) => (left[i]! -= p));
      grants[m]![year] = grant;
      requested += request;
      granted += grant;
      if (grant < request && binding === null)
        binding = bindingFunders(
          left.map((l, i) => l + parts[i]!),
          rule,
        );
    });

    ids.forEach((id, i) => (unallocated[id]![year] = left[i]!));
    const absent = members.municipalities.filter((id) => outOfSplit[year]?.includes(id));
    if (absent.length)
      yearNotes.push(
        `${year}: ${absent.join(', ')} take${absent.length === 1 ? 's' : ''} no part in the split (rejected); the municipal part is shared by the others`,
      );
    const takingPart = {
      county: members.county,
      municipalities: members.municipalities.filter((id) => !absent.includes(id)),
    };
    yearNotes.push(...unallocatedNotes(year, ids, takingPart, frame, left, requested, granted, binding));
  }

  const items: RecommendedItem[] = [];
  const measureNotes: string[] = [];
  measures.forEach((measure, m) => {
    const given = grants[m]!;
    const outside = Object.keys(measure.amounts).filter(
      (y) => !years.includes(y) && requestOre(measure.amounts, y) > 0n,
    );
    if (outside.length > 0) {
      measureNotes.push(
        `${measure.id}: request for ${sortedYears(outside).join(', ')} is outside the years recommended for and not granted`,
      );
    }
    if (years.every((y) => given[y] === 0n)) {
      const asked = describeYears(years.map((y) => [y, requestOre(measure.amounts, y)]));
      measureNotes.push(
        `${measure.id}: not granted and not on the list${asked ? ` (requested ${asked})` : ' (nothing requested)'}`,
      );
      return;
    }
    items.push({
      measureId: measure.id,
      rank: items.length + 1,
      grants: Object.fromEntries(years.map((y) => [y, fmt(given[y]!)])),
    });
    for (const y of years) {
      const asked = requestOre(measure.amounts, y);
      if (given[y]! < asked)
        measureNotes.push(`${measure.id}: ${y} granted ${fmt(given[y]!)} of ${fmt(asked)} requested`);
    }
  });

  return { items, unallocated: mapOre(unallocated), notes: [...yearNotes, ...measureNotes] };
}

/** Each funder's exact part of every øre granted, as a fraction num/den (null when zero). */
function weightsOf(rule: YearRule): ({ num: bigint; den: bigint } | null)[] {
  const stage1 = rule.county + rule.municipal;
  const keyTotal = rule.key.reduce((a, k) => a + k, 0n);
  return [
    rule.county > 0n ? { num: rule.county, den: stage1 } : null,
    ...rule.key.map((k) =>
      rule.municipal > 0n && k > 0n ? { num: rule.municipal * k, den: stage1 * keyTotal } : null,
    ),
  ];
}

/**
 * The request when `left` carries it; else the largest whole number of `unit` that it carries.
 * Largest remainder is not monotone, so a multiple of the unit below the øre-exact maximum can still
 * break a frame by an øre of rounding: then the next multiple down is tried.
 */
function grantOf(request: bigint, left: bigint[], rule: YearRule, unit: bigint): bigint {
  const most = maxGrant(request, left, rule);
  if (most === request) return request;
  for (let grant = (most / unit) * unit; grant > 0n; grant -= unit) {
    if (splitOre(grant, rule).every((p, i) => p <= left[i]!)) return grant;
  }
  return 0n;
}

/** The largest grant the remaining frame `left` carries, exact and rounded, up to `request`. */
function maxGrant(request: bigint, left: bigint[], rule: YearRule): bigint {
  if (request === 0n || rule.county + rule.municipal === 0n) return 0n;
  if (rule.municipal > 0n && !takesAnyPart(rule)) return 0n; // nobody can pay the municipal part
  let candidate = request;
  weightsOf(rule).forEach((w, i) => {
    if (w) candidate = min(candidate, (left[i]! * w.den) / w.num);
  });
  // At or below the exact cap the county share (at most the ceiling of its exact quota) always
  // fits, but rounding the municipal total up and then splitting it can still put one øre more on
  // a municipality than its frame holds. Every grant with the same municipal total splits the same
  // way, so step to the largest grant with one øre less for the municipalities; one step suffices.
  for (;;) {
    if (candidate <= 0n) return 0n;
    if (splitOre(candidate, rule).every((p, i) => p <= left[i]!)) return candidate;
    const municipal = stage1(candidate, rule)[1];
    candidate = lastWithin(candidate, (g) => stage1(g, rule)[1] < municipal);
  }
}

function stage1(amount: bigint, rule: YearRule): [bigint, bigint] {
  const [county = 0n, municipal = 0n] = apportion(amount, [rule.county, rule.municipal]);
  return [county, municipal];
}

/** The largest g in [0, below) with ok(g), for ok monotone (true, then false); 0 if none. */
function lastWithin(below: bigint, ok: (g: bigint) => boolean): bigint {
  let lo = 0n;
  let hi = below - 1n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (ok(mid)) lo = mid;
    else hi = mid - 1n;
  }
  return lo;
}

/** The funders whose remaining frame carries the smallest total grant: the ones that bind. */
function bindingFunders(left: bigint[], rule: YearRule): number[] {
  let best: { left: bigint; num: bigint; den: bigint } | null = null;
  let binding: number[] = [];
  weightsOf(rule).forEach((w, i) => {
    if (!w) return;
    // capacity = left / (num/den) = left*den/num; compare left_i*den_i*num_b with left_b*den_b*num_i
    const cmp = best === null ? -1n : left[i]! * w.den * best.num - best.left * best.den * w.num;
    if (cmp < 0n) {
      best = { left: left[i]!, num: w.num, den: w.den };
      binding = [i];
    } else if (cmp === 0n) binding.push(i);
  });
  return binding;
}

function unallocatedNotes(
  year: string,
  ids: string[],
  members: Members,
  frame: Record<string, bigint>,
  left: bigint[],
  requested: bigint,
  granted: bigint,
  binding: number[] | null,
): string[] {
  const notes: string[] = [];
  ids.forEach((id, i) => {
    if (left[i]! <= 0n) return;
    const what = `${year}: ${fmt(left[i]!)} of ${id === members.county ? 'county' : id} frame unallocated`;
    if (binding === null) {
      notes.push(
        granted === requested && requested > 0n
          ? `${what}: every request for ${year} is granted in full (${fmt(requested)} requested)`
          : `${what}: nothing was requested for ${year}`,
      );
    } else if (binding.includes(i)) {
      notes.push(`${what}: this frame binds; what is left is too small for its share of a further grant`);
    } else {
      notes.push(
        `${what}: ${describeBinding(
          binding.map((b) => ids[b]!),
          members,
          frame,
        )}`,
      );
    }
  });
  return notes;
}

function describeBinding(binding: string[], members: Members, frame: Record<string, bigint>): string {
  const total = fmt(binding.reduce((a, id) => a + frame[id]!, 0n));
  if (binding.length === members.municipalities.length && !binding.includes(members.county)) {
    return `municipal frames bind at ${total}`;
  }
  if (binding.length === 1) {
    return binding[0] === members.county
      ? `the county frame binds at ${total}`
      : `the frame of ${binding[0]} binds at ${total}`;
  }
  const names = binding.map((id) => (id === members.county ? 'county' : id));
  return `the frames of ${names.slice(0, -1).join(', ')} and ${names.at(-1)} bind at ${total} together`;
}

// ---------------------------------------------------------------------------------------------
// helpers

function framesOfYear(frames: FunderYearMap, ids: string[], year: string): Record<string, bigint> {
  return Object.fromEntries(
    ids.map((id) => {
      const f = frames[id]?.[year];
      return [id, f === undefined ? 0n : toOre(parseMoney(f))];
    }),
  );
}

function requestOre(amounts: YearMap, year: string): bigint {
  const a = amounts[year];
  return a === undefined ? 0n : toOre(parseMoney(a));
}

function describeYears(entries: [string, bigint][]): string {
  return entries
    .filter(([, v]) => v > 0n)
    .map(([y, v]) => `${y}: ${fmt(v)}`)
    .join(', ');
}

function sortedYears(years: string[]): string[] {
  return [...years].sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function mapOre(rows: Record<string, Record<string, bigint>>): FunderYearMap {
  return Object.fromEntries(
    Object.entries(rows).map(([id, years]) => [
      id,
      Object.fromEntries(sortedYears(Object.keys(years)).map((y) => [y, fmt(years[y]!)])),
    ]),
  );
}

function fmt(ore: bigint): Money {
  return formatMoney(fromOre(ore));
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
