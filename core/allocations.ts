/**
 * The allocation view of a cycle (schema/allocations.ts): what each funder pays, per measure and
 * year, against its frame. Once the councils have adopted, it is read from the binding
 * `allocations` rows; before that it is computed from the newest list under vote or adopted by
 * IPR, with the cycle's frozen rule and key and its frames in force. Money is summed in whole øre;
 * every total is the sum of the rounded shares it covers.
 */
import type postgres from 'postgres';
import {
  CostSharingError,
  funderIds,
  membersOf,
  rejectedInEveryYear,
  remaining,
  shareMeasure,
  sumShares,
  type Members,
  type OutOfSplit,
} from '../domain/cost-sharing.js';
import { formatMoney, fromOre, parseMoney, sumMoney, toOre } from '../domain/money.js';
import type {
  Allocations,
  GoalAllocation,
  MeasureAllocation,
  StrategyAllocation,
  UnsplitGrant,
} from '../schema/allocations.js';
import { goalOf, type Plan, type Strategy } from '../schema/partnership.js';
import type { FunderYearMap, YearMap } from '../workflows/messages.js';
import * as records from './records.js';

export interface AllocationSources {
  cycle: records.CycleRecord;
  plan: Plan | null;
  measures: records.MeasureRecord[];
  lists: records.PriorityListRecord[];
  /** the binding rows; empty until the councils have adopted */
  rows: records.AllocationRow[];
  /** councils that rejected, out of the split as in the workflow (domain/ledger.ts, outOfSplit) */
  outOfSplit?: OutOfSplit;
}

/** Sums of money per key and year, in øre. */
class Ledger {
  private readonly ore = new Map<string, Map<string, bigint>>();

  constructor(
    keys: readonly string[],
    private readonly years: readonly string[],
  ) {
    for (const key of keys) this.row(key);
  }

  add(key: string, year: string, amount: string): void {
    const row = this.row(key);
    row.set(year, (row.get(year) ?? 0n) + toOre(parseMoney(amount)));
  }

  addMap(key: string, map: YearMap): void {
    for (const [year, amount] of Object.entries(map)) this.add(key, year, amount);
  }

  keys(): string[] {
    return [...this.ore.keys()];
  }

  /** Every year of the cycle, zero where nothing was added. */
  get(key: string): YearMap {
    const row = this.ore.get(key);
    return Object.fromEntries(this.years.map((y) => [y, formatMoney(fromOre(row?.get(y) ?? 0n))]));
  }

  private row(key: string): Map<string, bigint> {
    let row = this.ore.get(key);
    if (!row) this.ore.set(key, (row = new Map()));
    return row;
  }
}

/** Strategy code -> title, depth first in plan order. */
function strategyTitles(plan: Plan | null): Map<string, string> {
  const titles = new Map<string, string>();
  const walk = (list: Strategy[]) =>
    list.forEach((s) => {
      titles.set(s.code, s.title);
      walk(s.strategies ?? []);
    });
  plan?.goals.forEach((g) => walk(g.strategies));
  return titles;
}

interface Basis {
  basis: Allocations['basis'];
  /** measureId -> rank and grants of the list the figures come from */
  items: Map<string, { rank: number | null; grants: YearMap }>;
  /** measureId -> funderId -> year -> share */
  shares: Map<string, FunderYearMap>;
  /** grants the rule could not split */
  unsplit: UnsplitGrant[];
}

/**
 * Each funder's share of a grant, year by year. A year the rule cannot split (a pro-rata rule with
 * every frame of that year at zero: there is nothing to split by) is not an error of the read: the
 * list is what it is, and a finance officer still needs to see the rest of the cycle. That year's
 * shares are left out (they show as 0.00: nobody has been given a part to pay) and the grant is
 * reported in `unsplit` with the reason, so the view says plainly that this money has no funder
 * rather than answering 500, or 422 for a request that was fine. The workflow refuses such a list
 * when it is proposed (422); a list can still get here when frames shrink after it was adopted.
 */
function splitGrants(
  measureId: string,
  grants: YearMap,
  cycle: records.CycleRecord,
  members: Members,
  unsplit: UnsplitGrant[],
  outOfSplit: OutOfSplit,
): FunderYearMap {
  const shares: FunderYearMap = {};
  for (const [year, grant] of Object.entries(grants)) {
    let byFunder: FunderYearMap;
    try {
      byFunder = shareMeasure({ [year]: grant }, cycle.config.sharing, members, cycle.frames, outOfSplit);
    } catch (e) {
      if (!(e instanceof CostSharingError)) throw e;
      unsplit.push({ measureId, year: Number(year), grant: formatMoney(parseMoney(grant)), reason: e.message });
      continue;
    }
    for (const [funderId, byYear] of Object.entries(byFunder)) Object.assign((shares[funderId] ??= {}), byYear);
  }
  return shares;
}

function basisOf(src: AllocationSources, years: string[]): Basis {
  const { cycle, rows, lists } = src;
  const members = membersOf(cycle.config);
  if (rows.length > 0) {
    const version = rows[0]!.version;
    const list = lists.find((l) => l.version === version);
    const shares = new Map<string, FunderYearMap>();
    for (const r of rows) {
      const byFunder = shares.get(r.measureId) ?? (shares.set(r.measureId, {}), shares.get(r.measureId)!);
      (byFunder[r.funderId] ??= {})[String(r.year)] = r.amount;
    }
    const items = new Map<string, { rank: number | null; grants: YearMap }>();
    for (const [measureId, byFunder] of shares) {
      const grants = new Ledger([measureId], years);
      Object.values(byFunder).forEach((byYear) => grants.addMap(measureId, byYear));
      const rank = list?.items.find((i) => i.measureId === measureId)?.rank ?? null;
      items.set(measureId, { rank, grants: grants.get(measureId) });
    }
    return { basis: { priorityListVersion: version, status: 'adopted' }, items, shares, unsplit: [] };
  }
  const newest = [...lists].reverse().find((l) => l.status === 'voting' || l.status === 'adopted');
  if (!newest)
    return { basis: { priorityListVersion: null, status: 'none' }, items: new Map(), shares: new Map(), unsplit: [] };
  const items = new Map(newest.items.map((i) => [i.measureId, { rank: i.rank, grants: i.grants }]));
  const unsplit: UnsplitGrant[] = [];
  const shares = new Map(
    newest.items.map((i) => [
      i.measureId,
      splitGrants(i.measureId, i.grants, cycle, members, unsplit, src.outOfSplit ?? {}),
    ]),
  );
  unsplit.sort((a, b) => a.year - b.year || (items.get(a.measureId)?.rank ?? 0) - (items.get(b.measureId)?.rank ?? 0));
  return {
    basis: { priorityListVersion: newest.version, status: newest.status as 'voting' | 'adopted' },
    items,
    shares,
    unsplit,
  };
}

export function computeAllocations(src: AllocationSources): Allocations {
  const { cycle, plan } = src;
  const yearNumbers = [0, 1, 2, 3].map((i) => cycle.year + i);
  const years = yearNumbers.map(String);
  const ids = funderIds(membersOf(cycle.config));
  const { basis, items, shares, unsplit } = basisOf(src, years);
  const everyYear = (map: YearMap | undefined): YearMap =>
    Object.fromEntries(years.map((y) => [y, formatMoney(parseMoney(map?.[y] ?? '0'))]));
  const everyFunder = (map: FunderYearMap | undefined): FunderYearMap =>
    Object.fromEntries(ids.map((id) => [id, everyYear(map?.[id])]));

  const open = src.measures.filter((m) => m.status !== 'withdrawn');
  const ranked = [...open].sort((a, b) => (items.get(a.id)?.rank ?? Infinity) - (items.get(b.id)?.rank ?? Infinity));
  // Every measure has a full map (every year; every funder and year), 0.00 where nothing is granted,
  // also before there is any list: the same shape as the funders' and goals' maps.
  const measures: MeasureAllocation[] = ranked.map((m) => ({
    id: m.id,
    title: m.title,
    strategies: m.strategies,
    rank: items.get(m.id)?.rank ?? null,
    grants: everyYear(items.get(m.id)?.grants),
    shares: everyFunder(shares.get(m.id)),
  }));

  const allocated = sumShares([everyFunder(undefined), ...measures.map((m) => m.shares)]);
  const frames = everyFunder(cycle.frames);
  const left = remaining(frames, allocated);
  const names = new Map([
    [cycle.config.county.id, cycle.config.county.name],
    ...cycle.config.municipalities.map((m) => [m.id, m.name] as const),
  ]);

  const titles = strategyTitles(plan);
  const goalLedger = new Ledger(plan?.goals.map((g) => g.code) ?? [], years);
  const strategyLedger = new Ledger([...titles.keys()], years);
  const granted = new Ledger(['all'], years);
  for (const m of measures) {
    const first = m.strategies[0];
    if (first === undefined) continue;
    goalLedger.addMap(goalOf(first), m.grants);
    strategyLedger.addMap(first, m.grants);
    granted.addMap('all', m.grants);
  }
  const goalTitles = new Map(plan?.goals.map((g) => [g.code, g.title]) ?? []);
  const goals: GoalAllocation[] = goalLedger
    .keys()
    .map((goal) => ({ goal, title: goalTitles.get(goal) ?? '', granted: goalLedger.get(goal) }));
  const strategies: StrategyAllocation[] = strategyLedger
    .keys()
    .map((strategy) => ({ strategy, title: titles.get(strategy) ?? '', granted: strategyLedger.get(strategy) }));

  const total = sumMoney(Object.values(allocated).flatMap((byYear) => Object.values(byYear).map(parseMoney)));

  return {
    cycle: cycle.id,
    phase: cycle.phase,
    basis,
    years: yearNumbers,
    funders: ids.map((id) => ({
      id,
      name: names.get(id) ?? id,
      frame: frames[id]!,
      allocated: allocated[id]!,
      remaining: left[id]!,
    })),
    measures,
    goals,
    strategies,
    totals: { granted: granted.get('all'), allocated: formatMoney(total) },
    unsplit,
  };
}

export async function loadAllocations(sql: postgres.Sql, cycleId: string): Promise<Allocations | null> {
  const cycle = await records.cycle(sql, cycleId);
  if (!cycle) return null;
  const [partnership, measures, lists, rows, rejecting] = await Promise.all([
    records.partnership(sql, cycle.partnership),
    records.measures(sql, cycleId),
    records.priorityLists(sql, cycleId),
    records.allocationRows(sql, cycleId),
    records.rejectingCouncils(sql, cycleId),
  ]);
  const outOfSplit = rejectedInEveryYear(
    [0, 1, 2, 3].map((i) => cycle.year + i),
    rejecting,
  );
  return computeAllocations({ cycle, plan: partnership?.plan ?? null, measures, lists, rows, outOfSplit });
}

/** Roles that read every funder's figures; a municipal clerk without one of them reads their own municipality's. */
export const READS_ALL_ALLOCATIONS = ['finance', 'admin', 'ipr_member'] as const;

/**
 * Which allocations a caller may read (docs/api.md section 10): 'all', a clerk's own municipality
 * number, or null for none. The API and the web pages decide by this one rule.
 */
export function allocationReader(roles: readonly string[], municipality: string | undefined): 'all' | string | null {
  if (READS_ALL_ALLOCATIONS.some((r) => roles.includes(r))) return 'all';
  if (roles.includes('municipal_clerk') && municipality) return municipality;
  return null;
}

/**
 * What a municipal clerk may read of the allocations (docs/api.md): their own municipality's
 * frame and share of every measure, per year, and the total it comes to; the grants and the
 * goals' totals as they are (the list is the same for every council), no other funder's share.
 */
export function forMunicipality(a: Allocations, municipality: string): Allocations {
  const own = (shares: FunderYearMap): FunderYearMap =>
    shares[municipality] ? { [municipality]: shares[municipality] } : {};
  const funders = a.funders.filter((f) => f.id === municipality);
  const allocated = sumMoney(funders.flatMap((f) => Object.values(f.allocated).map(parseMoney)));
  return {
    ...a,
    funders,
    measures: a.measures.map((m) => ({ ...m, shares: own(m.shares) })),
    totals: { granted: a.totals.granted, allocated: formatMoney(allocated) },
  };
}
