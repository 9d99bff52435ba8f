/**
 * The administration's recommendation (docs/domain.md, "Recommendation"): the measures granted in
 * rank order within every funder's remaining frame, a partial grant in whole grant units, and
 * the reasons (./recommendation-reasons.ts) for what is left unallocated and which funder's frame
 * binds, each also as an English note. It splits every grant by the cost-sharing rule
 * (./cost-sharing.ts), on integer øre like it.
 */
import type { Sharing } from '../schema/partnership.js';
import {
  apportion,
  CostSharingError,
  framesOfYear,
  fmt,
  funderIds,
  mapOre,
  ruleFor,
  sortedYears,
  splitOre,
  takesAnyPart,
  type Members,
  type OutOfSplit,
  type YearRule,
} from './cost-sharing.js';
import { parseMoney, toOre, type FunderYearMap, type Money, type YearMap } from './money.js';
import {
  noteOf,
  type MeasureReason,
  type RecommendationReason,
  type UnallocatedReason,
} from './recommendation-reasons.js';

export interface RecommendedItem {
  measureId: string;
  rank: number;
  grants: YearMap;
}

export interface Recommendation {
  items: RecommendedItem[];
  unallocated: FunderYearMap;
  /** the reasons in English, one per reason and in its order: notes[i] says reasons[i] */
  notes: string[];
  /** per year (the councils out of the split, then the money left per funder), then per measure */
  reasons: RecommendationReason[];
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
  const yearReasons: RecommendationReason[] = [];

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
    const takingPart = {
      county: members.county,
      municipalities: members.municipalities.filter((id) => !absent.includes(id)),
    };
    const everyCouncil = takingPart.municipalities.length === 0;
    if (absent.length) yearReasons.push({ kind: 'outOfSplit', year, municipalities: absent, everyCouncil });
    // With a municipal part to pay and no council to pay it, no grant splits (splitOre refuses).
    const unpayable = everyCouncil && rule.municipal > 0n && requested > 0n;
    yearReasons.push(
      ...unallocatedReasons(year, ids, takingPart, absent, frame, left, requested, granted, binding, unpayable),
    );
  }

  const items: RecommendedItem[] = [];
  const measureReasons: MeasureReason[] = [];
  measures.forEach((measure, m) => {
    const given = grants[m]!;
    const outside = Object.keys(measure.amounts).filter(
      (y) => !years.includes(y) && requestOre(measure.amounts, y) > 0n,
    );
    if (outside.length > 0)
      measureReasons.push({ kind: 'outsideYears', measureId: measure.id, years: sortedYears(outside) });
    if (years.every((y) => given[y] === 0n)) {
      const asked = years.flatMap((y) => {
        const v = requestOre(measure.amounts, y);
        return v > 0n ? [[y, fmt(v)]] : [];
      });
      measureReasons.push({ kind: 'notGranted', measureId: measure.id, requested: Object.fromEntries(asked) });
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
        measureReasons.push({
          kind: 'grantedInPart',
          measureId: measure.id,
          year: y,
          granted: fmt(given[y]!),
          requested: fmt(asked),
        });
    }
  });

  const reasons = [...yearReasons, ...measureReasons];
  return {
    items,
    unallocated: mapOre(unallocated),
    notes: reasons.map((r) => noteOf(r, members.county)),
    reasons,
  };
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

/**
 * One reason per funder with money left in the year. A council out of the split pays no share,
 * whatever binds the others; when nobody can pay the municipal part (`unpayable`: no council in the
 * split), that is why the rest is left.
 */
function unallocatedReasons(
  year: string,
  ids: string[],
  members: Members,
  absent: string[],
  frame: Record<string, bigint>,
  left: bigint[],
  requested: bigint,
  granted: bigint,
  binding: number[] | null,
  unpayable: boolean,
): UnallocatedReason[] {
  return ids.flatMap((funder, i): UnallocatedReason[] => {
    if (left[i]! <= 0n) return [];
    const base = { year, funder, unallocated: fmt(left[i]!) };
    if (absent.includes(funder)) return [{ ...base, kind: 'notInSplit' }];
    if (unpayable) return [{ ...base, kind: 'noCouncilInSplit' }];
    if (binding === null)
      return [
        granted === requested && requested > 0n
          ? { ...base, kind: 'grantedInFull', requested: fmt(requested) }
          : { ...base, kind: 'nothingRequested' },
      ];
    if (binding.includes(i)) return [{ ...base, kind: 'ownFrameBinds' }];
    if (binding.length === 0) return [{ ...base, kind: 'noFrameInSplit' }];
    const bound = binding.map((b) => ids[b]!);
    const frames = fmt(bound.reduce((a, id) => a + frame[id]!, 0n));
    return [
      bound.length === members.municipalities.length && !bound.includes(members.county)
        ? { ...base, kind: 'municipalFramesBind', frames }
        : { ...base, kind: 'otherFramesBind', binding: bound, frames },
    ];
  });
}

function requestOre(amounts: YearMap, year: string): bigint {
  const a = amounts[year];
  return a === undefined ? 0n : toOre(parseMoney(a));
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
