/**
 * A cycle as the signed-in pages show it (the cycle page, "Mine oppgaver"): its record, its status
 * (the workflow's, or the records' once it has ended) and its measures, read once per version of
 * the cycle's records (web/kept-views.ts), not once per view. The status is the workflow's, asked
 * after the version was read, so a view is never older than the records it is kept under.
 *
 * The workflow notes a deadline passing without a write to the records (its overdue flag and a
 * line in its history), so a view is also read again just after each deadline; and the marks a
 * page draws from the clock (overdue, due) change at the same moments (nextMark).
 */
import {
  cycleStatus,
  Problem,
  records,
  type AllocationSnapshot,
  type CycleRecord,
  type CycleStatusView,
  type MeasureRecord,
} from './core.js';
import type { WebContext } from './core.js';
import { keptView } from './kept-views.js';
import type { CycleStatus } from '../workflows/messages.js';

export interface CycleView {
  version: string;
  /** the cycle's allocations at that version (the allocation cache's snapshot the view is kept under) */
  snapshot: AllocationSnapshot;
  cycle: CycleRecord;
  status: CycleStatusView;
  measures: MeasureRecord[];
  /** everyone the measures and the history name */
  actors: Set<string>;
  /** renderings the pages make of this view once and keep with it, by their own names */
  rendered: Map<string, Promise<unknown>>;
}

async function load(ctx: WebContext, cycleId: string, snapshot: AllocationSnapshot): Promise<CycleView> {
  const cycle = await records.cycle(ctx.sql, cycleId);
  if (!cycle) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  const [status, measures] = await Promise.all([cycleStatus(ctx, cycleId), records.measures(ctx.sql, cycleId)]);
  const actors = new Set([...measures.map((m) => m.proposedBy), ...status.history.map((h) => h.actor)]);
  return { version: snapshot.version, snapshot, cycle, status, measures, actors, rendered: new Map() };
}

/**
 * How long after a deadline the workflow may take to note that it passed (its timer fires, an
 * "overdue" line goes into its history): a view read before a deadline is read again this long after it.
 */
const NOTED_WITHIN_MS = 10_000;
/**
 * When a view read in the middle of a phase change is read again. The workflow's status shows a
 * new phase once its write of the cycle's row has completed, a moment after the row (and so the
 * version) changed: a status read in between still has the old phase.
 */
const IN_FLUX_MS = 500;
/** When a status taken from the records because the workflow did not answer is asked of it again. */
const UNANSWERED_MS = 30_000;

/**
 * Until when a view read at `now` may be kept at its version (ms since the epoch): just after the
 * next deadline; soon when its status lags the records' phase or came from the records.
 */
export function viewUntil(v: Pick<CycleView, 'cycle' | 'status'>, now: number): number {
  if (v.status.source === 'workflow' && v.status.phase !== v.cycle.phase) return now + IN_FLUX_MS;
  const noted = notedUntil(v.status, now);
  return v.status.source === 'records' ? Math.min(noted, now + UNANSWERED_MS) : noted;
}

/** The cycle at its records' current version (a 404 problem when there is none; a 503 when its workflow does not answer). */
export const cycleView = (ctx: WebContext, cycleId: string): Promise<CycleView> =>
  keptView(ctx, 'cycle', cycleId, (snapshot) => load(ctx, cycleId, snapshot), viewUntil);

/** The next moment after `now` at which a mark drawn from the clock may change: a deadline or other due time passing. */
export function nextMark(s: CycleStatus, now: number, dueTimes: readonly (string | null)[] = []): number {
  const moments = [...Object.values(s.deadlines), ...s.adoptions.map((a) => a.dueAt), ...dueTimes].flatMap((at) =>
    at ? [Date.parse(at)] : [],
  );
  return Math.min(Infinity, ...moments.filter((at) => at > now));
}

/** Until when a view read `now` holds what the workflow notes of the deadlines: till just after the next passes. */
export const notedUntil = (s: CycleStatus, now: number): number => nextMark(s, now - NOTED_WITHIN_MS) + NOTED_WITHIN_MS;
