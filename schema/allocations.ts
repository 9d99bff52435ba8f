/**
 * The allocation view of a cycle (docs/api.md "Allocations"): what each funder pays, per measure and
 * year, against its frame. JSON, CSV and XLSX exports all render this one object, so they agree
 * to the øre. Every share follows docs/domain.md's rounding; every total is a sum of rounded shares.
 */
import type { FunderYearMap, Money, Phase, YearMap } from '../workflows/messages.js';

export interface FunderAllocation {
  id: string; // 'county' or municipality number
  name: string;
  frame: YearMap;
  allocated: YearMap;
  remaining: YearMap;
}

export interface MeasureAllocation {
  id: string;
  title: string;
  strategies: string[];
  rank: number | null;
  grants: YearMap;
  shares: FunderYearMap; // funderId -> year -> amount
}

export interface GoalAllocation {
  goal: string; // '1'..'5'
  title: string;
  granted: YearMap;
}

export interface StrategyAllocation {
  strategy: string;
  title: string;
  granted: YearMap;
}

/**
 * A grant of a list that the cycle's rule cannot split on the funders, e.g. money granted in a
 * year where a pro-rata partnership has every frame at zero. Its shares stay at 0.00 (nobody has
 * been given a part to pay), so the funders' totals leave it out and `totals.allocated` falls short
 * of `totals.granted` by exactly these amounts.
 */
export interface UnsplitGrant {
  measureId: string;
  year: number;
  grant: Money;
  reason: string;
}

export interface Allocations {
  cycle: string;
  phase: Phase;
  /** Which list the figures come from: the adopted one, or the one under vote (then not binding). */
  basis: { priorityListVersion: number | null; status: 'adopted' | 'voting' | 'none' };
  years: number[];
  funders: FunderAllocation[];
  measures: MeasureAllocation[];
  goals: GoalAllocation[];
  strategies: StrategyAllocation[];
  totals: { granted: YearMap; allocated: Money };
  /** Grants the rule cannot split; empty unless the list grants money the frames cannot carry at all. */
  unsplit: UnsplitGrant[];
}
