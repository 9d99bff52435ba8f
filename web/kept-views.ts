/**
 * What a page reads of a cycle, kept per cycle and per version of the allocation cache's
 * snapshot, which changes with every write to the cycle's records (core/allocation-cache.ts):
 * while nothing has changed, a page of a 500-measure cycle asks neither Postgres nor Temporal,
 * and the version costs no query while the records feed listens. Per app and per kind of view,
 * so two apps in one process (tests) never share one; a bounded number of cycles per kind.
 */
import { Problem, type AllocationSnapshot, type WebContext } from './core.js';

const CAPACITY = 32;

type Kept = Map<string, { version: string; view: Promise<unknown>; until: number; started: number; settled: boolean }>;

/**
 * How long a read still under way is shared with the requests that come after it. A read that
 * hangs (a connection that went silent) would otherwise hold every later request of its version
 * until its cycle is written again; past a page's own deadline (8 s) the next request reads anew.
 */
const SHARED_WHILE_PENDING_MS = 10_000;
const keptByApp = new WeakMap<WebContext, Map<string, Kept>>();

/**
 * The view of kind `kind` of cycle `cycleId` at the records' current version: kept, or read by
 * `load` (given the allocation snapshot of that version, whose `version` it is kept under). No such cycle is the 404 problem. `until` says when a view read
 * now is to be read again even if the records have not changed (ms since the epoch): for a view
 * of what the workflow notes without a write, such as a deadline passing.
 */
export async function keptView<V>(
  ctx: WebContext,
  kind: string,
  cycleId: string,
  load: (snapshot: AllocationSnapshot) => Promise<V>,
  until: (view: V, now: number) => number = () => Infinity,
): Promise<V> {
  const snapshot = await ctx.allocations.get(cycleId);
  if (!snapshot) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  let kinds = keptByApp.get(ctx);
  if (!kinds) keptByApp.set(ctx, (kinds = new Map()));
  let views = kinds.get(kind);
  if (!views) kinds.set(kind, (views = new Map()));
  const entry = views.get(cycleId);
  const now = Date.now();
  if (
    entry &&
    entry.version === snapshot.version &&
    entry.until > now &&
    (entry.settled || now - entry.started < SHARED_WHILE_PENDING_MS)
  )
    return entry.view as Promise<V>;
  const view = load(snapshot);
  const kept = { version: snapshot.version, view, until: Infinity, started: now, settled: false };
  views.delete(cycleId);
  views.set(cycleId, kept);
  void view.then(
    (v) => {
      kept.until = until(v, Date.now());
      kept.settled = true;
    },
    () => undefined,
  );
  if (views.size > CAPACITY) views.delete(views.keys().next().value!);
  // A failed read (an outage) is not kept: the next request tries again.
  view.catch(() => {
    if (views.get(cycleId)?.view === view) views.delete(cycleId);
  });
  return view;
}
