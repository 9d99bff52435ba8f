/**
 * What the recommendation page and the priority-list editor read, once per state of the cycle's
 * records: the cycle, its measures, the administration's recommendation (from the workflow, which
 * alone keeps it) and the councils out of the split. Kept per cycle and per version of the
 * allocation cache's snapshot, which changes with every write to the cycle's records (a
 * recommendation is made when proposals close and after a loop-back, both written to the records),
 * so a page of a 500-measure cycle asks neither Postgres nor Temporal while nothing has changed.
 */
import { rejectedInEveryYear } from '../../domain/cost-sharing.js';
import {
  Problem,
  recommendation,
  records,
  type CycleRecord,
  type MeasureRecord,
  type Recommendation,
  type WebContext,
} from '../core.js';
import type { Person } from '../env.js';
import { keptView } from '../kept-views.js';
import type { CycleMoney } from '../priority-list.js';
import { ownCycleId, planYears } from './action-cycle.js';
import type { PageContext } from './render.js';

export interface PrioritisationView {
  /** the allocation snapshot's version this was read at */
  version: string;
  cycle: CycleRecord;
  years: string[];
  measures: MeasureRecord[];
  byId: Map<string, MeasureRecord>;
  title: (measureId: string) => string;
  /** null before proposals close, or once the workflow has ended */
  recommendation: Recommendation | null;
  money: CycleMoney;
  /** per-version renderings the pages keep with the view (the editor's first page) */
  kept: Map<string, unknown>;
}

async function load(ctx: WebContext, cycleId: string, version: string): Promise<PrioritisationView> {
  const cycle = await records.cycle(ctx.sql, cycleId);
  if (!cycle) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  const [measures, rejecting, found] = await Promise.all([
    records.measures(ctx.sql, cycleId),
    records.rejectingCouncils(ctx.sql, cycleId),
    recommendation(ctx, cycleId).catch((err: unknown) => {
      if (err instanceof Problem && err.kind === 'wrongPhase') return null;
      throw err;
    }),
  ]);
  const years = planYears(cycle);
  const byId = new Map(measures.map((m) => [m.id, m]));
  return {
    version,
    cycle,
    years,
    measures,
    byId,
    title: (mid) => byId.get(mid)?.title ?? mid,
    recommendation: found,
    money: { cycle, outOfSplit: rejectedInEveryYear(years, rejecting) },
    kept: new Map(),
  };
}

/**
 * The view of the cycle the address names, for a person of its own partnership (as cycleOf in
 * action-cycle.ts, but without a query while the cycle's records are unchanged).
 */
export async function prioritisationView(ctx: WebContext, c: PageContext, person: Person): Promise<PrioritisationView> {
  const cid = ownCycleId(c, person);
  return keptView(ctx, 'prioritisation', cid, (snapshot) => load(ctx, cid, snapshot.version));
}
