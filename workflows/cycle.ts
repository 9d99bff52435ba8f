/**
 * One partnership's annual HØP cycle, id `{partnership}-{year}`:
 * proposals → prioritisation → adoption (→ back to prioritisation when a council lowers its
 * share) → adopted → closed, or cancelled. Every action arrives as an Update whose validator
 * refuses bad input before anything happens; every accepted action is written to Postgres
 * (with an audit entry) before the Update returns, but for a submitted measure: its Update returns
 * the write, which the caller makes before it answers, and the workflow makes again, a moment later
 * in the background, for the caller that could not (see `unflushed`).
 */
import {
  allHandlersFinished, CancellationScope, condition, continueAsNew, isCancellation, patched, proxyActivities,
  proxyLocalActivities, setHandler, sleep, startChild, workflowInfo, type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { createActivities } from '../activities/index.js';
import type { AuditEntry, MeasureWrite } from '../activities/records.js';
import { adoptionWorkflow, type AdoptionOutcome } from './adoption.js';
import {
  initialState, listUnderVote, majority, statusOf, type CycleState,
} from './cycle-state.js';
import {
  addMoney, adoptedGrants, framesWithCarryOver, lowerFrame, measureStatuses, municipalRequests, recommend,
  normalize, risesAbove, shareList, yearEndFor,
} from './ledger.js';
import * as m from './messages.js';
import * as rules from './rules.js';

type Activities = ReturnType<typeof createActivities>;

/** Small writes that must land before an Update returns: run in the worker, inside the workflow task. */
const record = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '10s', backoffCoefficient: 2 },
});
/** Large writes (a cycle's allocation rows): ordinary activities, retried until they land. */
const bulk = proxyActivities<Activities>({
  startToCloseTimeout: '30s', // 16 000 rows (1 000 measures) take about a second; a lost worker is retried sooner
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

/**
 * From this patch on, a submission is not written inside its Update: a local activity there costs
 * the proposer more time than the Update itself. Histories from before replay the old way.
 */
const SUBMISSION_WRITTEN_BY_CALLER = 'submission-written-by-caller';
/** Continue-as-new waits for a workflow task without Updates (see maybeContinueAsNew). */
const CONTINUE_IN_A_TASK_OF_ITS_OWN = 'continue-in-a-task-of-its-own';
/**
 * A council's adoption workflow that ends without a decision (terminated by an operator, say) is
 * started again, and a decision on its way is handed to the new one; before, the cycle failed.
 */
const ADOPTION_RESTARTED = 'adoption-workflow-restarted';
/** A cycle cancelled in Temporal rather than by the cancel Update is recorded as cancelled too. */
const CANCELLED_IN_TEMPORAL_RECORDED = 'cancelled-in-temporal-recorded';
/** How long submissions gather before the workflow writes them; a phase change writes them at once. */
const WRITE_SUBMISSIONS_AFTER = '1s';
/**
 * Bounds, in bytes of JSON, on the submissions the workflow holds unwritten (they go across
 * continue-as-new) and on one activity's batch of them: the server refuses a payload over 2 MB.
 */
const UNWRITTEN_SUBMISSIONS_MAX = 512 * 1024;
const SUBMISSIONS_BATCH_MAX = 256 * 1024;

const utf8 = new TextEncoder();
const jsonSize = (value: unknown) => utf8.encode(JSON.stringify(value)).length;

/** The oldest writes that fit one batch (at least one: a measure's body is limited far below it). */
function batchOf(writes: MeasureWrite[]): MeasureWrite[] {
  let size = 0;
  const batch = writes.filter((w) => (size += jsonSize(w)) <= SUBMISSIONS_BATCH_MAX);
  return batch.length > 0 ? batch : writes.slice(0, 1);
}

/** Continue-as-new when the server suggests it (its default: 4 096 events), or at the latest at this length. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 8_000;
/** ... or after this many Updates, well before the server's limit of 2 000 per run. */
const UPDATES_BEFORE_CONTINUE = 1_500;

export async function cycleWorkflow(input: m.CycleInput): Promise<m.CycleStatus> {
  const { resume, ...cfg } = input;
  const s: CycleState = (resume as CycleState | undefined) ?? initialState(cfg, framesWithCarryOver(cfg));
  const now = () => Date.now();
  const iso = () => new Date(now()).toISOString();
  const callerWritesSubmissions = patched(SUBMISSION_WRITTEN_BY_CALLER);

  /**
   * Audit entry for an action. `seq` orders the cycle's writes as the workflow made them: writes
   * run concurrently, and a row keeps the state of its highest seq (activities/records.ts).
   */
  const audit = (actor: string, action: string, ref: string | null, detail: unknown = {}): AuditEntry => {
    s.recordSeq += 1;
    return { key: `${cfg.cycleId}#${s.recordSeq}`, seq: s.recordSeq, at: iso(), cycleId: cfg.cycleId, actor, action, ref, detail };
  };
  const decided = (actor: string, action: string, ref: string | null = null) => s.history.push({ at: iso(), actor, action, ref });
  const ended = () => s.phase === 'closed' || s.phase === 'cancelled';
  /** A cycle that is closed or cancelled stays so, whatever step was under way when it ended. */
  const setPhase = async (phase: m.Phase, actor: string, why: string) => {
    if (ended()) return;
    s.phase = phase;
    decided(actor, `phase ${phase}: ${why}`);
    // Taken before any wait, so the write's place in the workflow's order is the action's.
    const write = { cycleId: cfg.cycleId, phase, frames: s.frames, deadlines: s.deadlines, audit: audit(actor, `phase:${phase}`, null, { why }) };
    // Every measure is in Postgres before the phase that follows the proposals is.
    if (s.unflushed?.length) await writeSubmissions(record);
    await record.recordPhase(write);
  };
  const flagOverdue = (what: string) => {
    if (!s.overdue.includes(what)) {
      s.overdue.push(what);
      decided('system', `overdue: ${what}`);
    }
  };
  const clearOverdue = (what: string) => {
    s.overdue = s.overdue.filter((o) => o !== what);
  };

  /** The size of the submissions not yet written by the workflow, as JSON (they are its activities' input). */
  let unflushedSize = (s.unflushed ?? []).reduce((n, w) => n + jsonSize(w), 0);

  /**
   * Writes the submissions not yet known to be in Postgres, in batches that keep each activity's
   * input well under the server's payload limit. Their callers have usually written them already;
   * the audit key makes this a no-op then (activities/records.ts).
   */
  async function writeSubmissions(via: typeof record | typeof bulk, done = () => !s.unflushed?.length): Promise<void> {
    while (s.unflushed?.length && !done()) {
      const writes = batchOf(s.unflushed);
      await via.recordMeasures({ writes });
      s.unflushed = s.unflushed.filter((w) => !writes.includes(w));
      unflushedSize = s.unflushed.reduce((n, w) => n + jsonSize(w), 0);
    }
  }

  /** In the background, an ordinary activity: it holds up no Update the way a local one would. */
  async function writeSubmissionsInBackground(): Promise<void> {
    try {
      for (;;) {
        // Not while moving on: the next run carries them and writes them.
        await condition(() => !movingOn && (s.unflushed?.length ?? 0) > 0);
        await sleep(WRITE_SUBMISSIONS_AFTER);
        if (!movingOn) await writeSubmissions(bulk);
      }
    } catch (e) {
      // Cancelled in Temporal: the main body writes what is left (see the end of cycleWorkflow).
      if (!isCancellation(e)) throw e;
    }
  }

  let cancelRequested: { actor: m.Actor; reason: string } | null = null;
  let deadlineVersion = 0;
  const children = new Map<string, ChildWorkflowHandle<typeof adoptionWorkflow>>();
  /** Municipalities of this round whose decision is on its way to, or taken by, their adoption workflow. */
  const deciding = new Set<string>();
  /** In a round whose adoption workflows are restarted: each council's decision until its workflow has taken it. */
  const decisions = new Map<string, m.AdoptionInput & { recordedBy: string }>();
  let restartsAdoptions = false;
  const childScope = new CancellationScope();

  /**
   * The server takes at most 2000 Updates in one run of a workflow, and a run that continues as new
   * first lets the Updates under way finish. So a cycle counts the Updates of its run, and while it
   * moves on to a new run, validators refuse new ones (409, try again) instead of keeping it waiting.
   */
  let updatesThisRun = 0;
  let movingOn = false;
  function onUpdate<Ret, Args extends unknown[]>(def: UpdateDefinition<Ret, Args>, handler: (...args: Args) => Promise<Ret>, validate?: (...args: Args) => void): void {
    setHandler(def, (...args: Args) => {
      updatesThisRun += 1;
      return handler(...args);
    }, {
      validator: (...args: Args) => {
        if (movingOn) throw rules.movingOnToNewRun();
        validate?.(...args);
      },
    });
  }

  // ── queries ────────────────────────────────────────────────────────────────
  setHandler(m.getStatus, () => statusOf(cfg, s));
  setHandler(m.getRecommendation, () => s.recommendation);
  onUpdate(m.cycleRecorded, async () => {
    await condition(() => s.recorded);
    return statusOf(cfg, s);
  });

  // ── proposals ──────────────────────────────────────────────────────────────
  const unwritten = (measureId: string) => s.unflushed?.some((w) => w.id === measureId) ?? false;
  onUpdate(m.submitMeasure, async ({ actor, measure }) => {
    s.measureSeq += 1;
    const id = `m${String(s.measureSeq).padStart(4, '0')}`;
    const fields = normalizeMeasure(measure);
    s.measures.push({ id, proposedBy: actor.sub, amounts: fields.amounts!, strategies: measure.strategies, status: 'proposed' });
    const write: MeasureWrite = { cycleId: cfg.cycleId, id, proposedBy: actor.sub, status: 'proposed', fields, audit: audit(actor.sub, 'measure:submit', id) };
    if (callerWritesSubmissions) {
      (s.unflushed ??= []).push(write);
      unflushedSize += jsonSize(write);
      return { id, write };
    }
    await record.recordMeasure(write);
    return { id };
  }, ({ actor, measure }) => {
    rules.validateSubmit(cfg, s, actor, measure, now());
    // Should Postgres be down, submissions pile up here; past this they wait (409, try again).
    if (unflushedSize > UNWRITTEN_SUBMISSIONS_MAX) throw rules.busy('Earlier submissions are still being written');
  });

  onUpdate(m.editMeasure, async ({ actor, measureId, measure }) => {
    const state = s.measures.find((x) => x.id === measureId)!;
    const fields = normalizeMeasure(measure);
    if (fields.amounts) state.amounts = fields.amounts;
    if (fields.strategies) state.strategies = fields.strategies;
    const write = { cycleId: cfg.cycleId, id: measureId, proposedBy: state.proposedBy, status: state.status, fields, audit: audit(actor.sub, 'measure:edit', measureId, { fields: Object.keys(measure) }) };
    await writeSubmissions(record, () => !unwritten(measureId)); // an edit never lands on a measure Postgres lacks
    await record.recordMeasure(write);
    return { id: measureId };
  }, ({ actor, measureId, measure }) => rules.validateEdit(cfg, s, actor, measureId, measure, now()));

  onUpdate(m.withdrawMeasure, async ({ actor, measureId }) => {
    const state = s.measures.find((x) => x.id === measureId)!;
    state.status = 'withdrawn';
    const write = { cycleId: cfg.cycleId, id: measureId, proposedBy: state.proposedBy, status: 'withdrawn', fields: {}, audit: audit(actor.sub, 'measure:withdraw', measureId) };
    await writeSubmissions(record, () => !unwritten(measureId));
    await record.recordMeasure(write);
    return { id: measureId };
  }, ({ actor, measureId }) => rules.validateWithdraw(s, actor, measureId, now()));

  onUpdate(m.closeProposals, async ({ actor }) => {
    await closeProposalsNow(actor.sub, 'proposals closed early by an administrator');
    return statusOf(cfg, s);
  }, ({ actor }) => rules.validateAdmin(s, actor, 'proposals', 'Closing proposals'));

  /** A council's pending adoption gets a new deadline; its workflow is told once it has started. */
  const moveAdoptionDeadline = async (pending: m.AdoptionState, to: string) => {
    pending.dueAt = to;
    pending.overdue = false;
    clearOverdue(`adoption:${pending.municipality}`);
    await condition(() => children.has(pending.municipality) || cancelled() || pending.decision !== null);
    const moved = children.get(pending.municipality)?.signal(m.adoptionDeadlineMoved, { dueAt: to });
    // A workflow that has just ended is started again with the new date (pending.dueAt).
    await (restartsAdoptions ? moved?.catch(() => undefined) : moved);
  };

  onUpdate(m.moveDeadline, async ({ actor, deadline, to }) => {
    if (deadline.startsWith('adoption:')) {
      const municipality = deadline.slice('adoption:'.length);
      await moveAdoptionDeadline(s.adoptions.find((a) => a.municipality === municipality)!, to);
    } else {
      const before = s.deadlines[deadline as keyof m.Deadlines];
      s.deadlines = { ...s.deadlines, [deadline]: to };
      clearOverdue(deadline);
      // During adoption the common deadline moves every council's that still runs on it.
      if (deadline === 'adoption' && s.phase === 'adoption' && patched('adoption-deadline-reaches-councils')) {
        const following = s.adoptions.filter((a) => a.decision === null && a.dueAt === before);
        await Promise.all(following.map((a) => moveAdoptionDeadline(a, to)));
      }
    }
    deadlineVersion += 1;
    decided(actor.sub, `deadline ${deadline} moved to ${to}`);
    await record.recordPhase({ cycleId: cfg.cycleId, phase: s.phase, frames: s.frames, deadlines: s.deadlines, audit: audit(actor.sub, 'deadline:move', deadline, { to }) });
    return s.deadlines;
  }, ({ actor, deadline, to }) => rules.validateMoveDeadline(cfg, s, actor, deadline, to, now()));

  // ── prioritisation ─────────────────────────────────────────────────────────
  /**
   * A list that can no longer be adopted keeps its votes but not its items: Postgres has them, and
   * a large cycle with many versions would otherwise carry them all across continue-as-new.
   */
  const retire = (list: m.PriorityListState, status: 'replaced' | 'rejected') => {
    list.status = status;
    list.items = [];
  };

  onUpdate(m.proposePriorityList, async ({ actor, items, meeting }) => {
    const replaced = listUnderVote(s);
    if (replaced) retire(replaced, 'replaced');
    const list: m.PriorityListState = {
      version: s.lists.length + 1, items: items.map((i) => ({ ...i, grants: normalize(i.grants) })).sort((a, b) => a.rank - b.rank), meeting,
      votes: { approve: 0, reject: 0 }, voters: {}, status: 'voting',
    };
    s.lists.push(list);
    decided(actor.sub, `priority list ${list.version} put to the vote${replaced ? `, replacing ${replaced.version}` : ''}`, meeting.caseNumber);
    await record.recordPriorityList({
      cycleId: cfg.cycleId, version: list.version, items: list.items, meeting, proposedBy: actor.sub,
      replacedVersion: replaced?.version ?? null, audit: audit(actor.sub, 'priority-list:propose', `v${list.version}`, { caseNumber: meeting.caseNumber }),
    });
    return list;
  }, ({ actor, items, meeting }) => rules.validatePriorityList(cfg, s, actor, items, meeting));

  onUpdate(m.castVote, async ({ actor, version, vote }) => {
    const list = s.lists.find((l) => l.version === version)!;
    const { items } = list; // the answer shows the list voted on, even when the vote retires it
    list.voters[actor.sub] = vote;
    list.votes[vote] += 1;
    if (list.votes.approve >= majority(cfg)) list.status = 'adopted';
    else if (list.votes.reject >= majority(cfg)) retire(list, 'rejected');
    if (list.status !== 'voting') decided('ipr', `priority list ${version} ${list.status} (${list.votes.approve} for, ${list.votes.reject} against)`, list.meeting.caseNumber);
    await record.recordVote({ cycleId: cfg.cycleId, version, memberId: actor.sub, vote, listStatus: list.status, audit: audit(actor.sub, `vote:${vote}`, `v${version}`) });
    return { ...list, items };
  }, ({ actor, version, vote }) => rules.validateVote(cfg, s, actor, version, vote));

  // ── adoption ───────────────────────────────────────────────────────────────
  onUpdate(m.recordAdoption, async ({ actor, adoption }) => {
    const pending = s.adoptions.find((a) => a.municipality === adoption.municipality)!;
    deciding.add(adoption.municipality);
    await condition(() => children.has(adoption.municipality) || cancelled());
    if (cancelled()) throw rules.phaseEnded('cancelled');
    // Years a reduced decision leaves out keep the requested amount.
    const amounts = adoption.decision === 'reduced' ? normalize({ ...pending.requested, ...adoption.amounts }) : undefined;
    if (restartsAdoptions) {
      decisions.set(adoption.municipality, { ...adoption, amounts, recordedBy: actor.sub }); // handed over by adoption()
    } else {
      await children.get(adoption.municipality)!.signal(m.adoptionDecided, { ...adoption, amounts, recordedBy: actor.sub });
    }
    await condition(() => pending.decision !== null || cancelled());
    if (pending.decision === null) throw rules.phaseEnded('cancelled');
    return pending;
  }, ({ actor, adoption }) => rules.validateAdoption(cfg, s, actor, adoption, deciding));

  setHandler(m.adoptionOverdue, ({ municipality, round }) => {
    const pending = s.adoptions.find((a) => a.municipality === municipality && a.round === round);
    if (pending && pending.decision === null) {
      pending.overdue = true;
      flagOverdue(`adoption:${municipality}`);
    }
  });

  // ── execution and year-end ─────────────────────────────────────────────────
  onUpdate(m.reportProgress, async ({ actor, report }) => {
    s.reportSeq += 1;
    const id = `r${String(s.reportSeq).padStart(5, '0')}`;
    const spent = (s.spent[report.measureId] ??= {});
    const reported = normalize(report.spent);
    for (const [year, amount] of Object.entries(reported)) spent[year] = addMoney(spent[year], amount);
    await record.recordProgress({ cycleId: cfg.cycleId, id, ...report, spent: reported, reportedBy: actor.sub, audit: audit(actor.sub, 'measure:report', report.measureId, { id }) });
    return { id };
  }, ({ actor, report }) => rules.validateProgress(cfg, s, actor, report, adoptedGrants(s)[report.measureId]));

  onUpdate(m.reportIndicators, async ({ actor, indicators }) => {
    await record.recordIndicators({ cycleId: cfg.cycleId, ...indicators, reportedBy: actor.sub, audit: audit(actor.sub, 'indicators:report', String(indicators.year)) });
    return { count: indicators.values.length };
  }, ({ actor, indicators }) => rules.validateIndicators(cfg, s, actor, indicators));

  onUpdate(m.closeCycle, async ({ actor, carryOver }) => {
    s.yearEnd = yearEndFor(cfg, s, carryOver);
    await record.recordYearEnd({ cycleId: cfg.cycleId, rows: s.yearEnd, audit: audit(actor.sub, 'year:close', null, { carryOver }) });
    await setPhase('closed', actor.sub, carryOver ? 'year closed; unspent money carried over to the next year' : 'year closed; unspent money released');
    return statusOf(cfg, s);
  }, ({ actor }) => {
    rules.validateAdmin(s, actor, 'adopted', 'Closing the year');
    if (s.yearEnd !== null) throw rules.busy('The year is being closed');
  });

  onUpdate(m.cancelCycle, async ({ actor, reason }) => {
    cancelRequested = { actor, reason };
    childScope.cancel();
    await setPhase('cancelled', actor.sub, reason);
    return statusOf(cfg, s);
  }, ({ actor, reason }) => {
    rules.validateAdmin(s, actor, null, 'Cancelling a cycle');
    if (ended() || cancelled()) throw rules.phaseEnded(cancelled() ? 'cancelled' : s.phase);
    // Both steps end in a decided state (the binding plan, the closed year) a cancel must not cut into.
    if (s.phase === 'adoption' && s.adoptedListVersion !== null) throw rules.busy('The allocations are being locked as the binding plan');
    if (s.yearEnd !== null) throw rules.busy('The year is being closed');
    rules.checkReason(reason);
  });

  // ── the year, step by step ─────────────────────────────────────────────────
  const cancelled = () => cancelRequested !== null;

  /** Wait for `done` or `deadline()`; true when done, false when the deadline passed first. */
  async function until(done: () => boolean, deadline: () => string): Promise<boolean> {
    for (;;) {
      const version = deadlineVersion;
      const ms = Date.parse(deadline()) - now();
      if (ms <= 0) return done();
      if (await condition(() => done() || cancelled() || deadlineVersion !== version, ms)) {
        if (done() || cancelled()) return true;
      }
    }
  }

  const historyFull = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= HISTORY_EVENTS_BEFORE_CONTINUE || updatesThisRun >= UPDATES_BEFORE_CONTINUE;

  async function maybeContinueAsNew(): Promise<void> {
    if (!historyFull()) return;
    movingOn = true;
    await condition(allHandlersFinished);
    // Not in the workflow task that completed the last Update: the server can then fail that
    // Update's caller and hand the Update to the new run a second time (temporalio/temporal#6375).
    // A timer gives the continue-as-new a task of its own; no Update starts meanwhile.
    if (patched(CONTINUE_IN_A_TASK_OF_ITS_OWN)) await sleep(1);
    await continueAsNew<typeof cycleWorkflow>({ ...cfg, resume: s });
  }

  /** Closing proposals computes the recommendation; by an administrator's Update or by the deadline. */
  async function closeProposalsNow(actor: string, why: string): Promise<void> {
    if (s.phase !== 'proposals') return;
    s.recommendation = recommend(cfg, s);
    await setPhase('prioritisation', actor, why);
  }

  async function proposals(): Promise<void> {
    while (s.phase === 'proposals' && !cancelled()) {
      const open = await until(() => s.phase !== 'proposals' || historyFull(), () => s.deadlines.proposals);
      if (s.phase !== 'proposals' || cancelled()) return;
      if (open) {
        await maybeContinueAsNew();
        continue;
      }
      await condition(allHandlersFinished);
      await closeProposalsNow('system', 'proposal deadline passed');
    }
  }

  /** Until IPR adopts a list. Past the IPR deadline the cycle is flagged overdue, never approved by itself. */
  async function prioritisation(): Promise<m.PriorityListState | null> {
    const adopted = () => s.lists.find((l) => l.status === 'adopted' && l.version > s.listInAdoption);
    for (;;) {
      const inTime = await until(() => adopted() !== undefined || historyFull(), () => s.deadlines.ipr);
      if (cancelled()) return null;
      const list = adopted();
      if (list) {
        clearOverdue('ipr');
        return list;
      }
      if (!inTime) {
        flagOverdue('ipr');
        // ... until IPR decides, or the secretariat gives the meeting a new date.
        const version = deadlineVersion;
        await condition(() => adopted() !== undefined || cancelled() || historyFull() || deadlineVersion !== version);
      }
      if (!adopted() && !cancelled()) await maybeContinueAsNew();
    }
  }

  /** One round: every municipality whose amount rose adopts in parallel, each in its own child workflow. */
  async function adoption(list: m.PriorityListState): Promise<'adopted' | 'reprioritise' | null> {
    await condition(allHandlersFinished); // the vote that adopted the list completes before the councils start
    if (cancelled()) return null;
    s.round += 1;
    s.listInAdoption = list.version;
    deciding.clear(); // a council that decided in the last round may have to decide again in this one
    const requests = municipalRequests(cfg, s, list.items);
    const due = s.deadlines.adoption;
    s.adoptions = cfg.partnership.municipalities
      .filter((mu) => risesAbove(requests[mu.id] ?? {}, s.standing[mu.id]?.amounts))
      .map((mu) => ({ round: s.round, municipality: mu.id, requested: requests[mu.id] ?? {}, decision: null, amounts: null, caseNumber: null, decidedOn: null, dueAt: due, overdue: false }));
    await setPhase('adoption', 'ipr', `priority list ${list.version} adopted; ${s.adoptions.length} council(s) to adopt in round ${s.round}`);
    restartsAdoptions = patched(ADOPTION_RESTARTED);
    decisions.clear();
    const start = async (pending: m.AdoptionState) => {
      const child = await startChild(adoptionWorkflow, {
        workflowId: `${cfg.cycleId}-adoption-r${s.round}-${pending.municipality}`,
        args: [{ cycleId: cfg.cycleId, municipality: pending.municipality, round: s.round, requested: pending.requested, dueAt: pending.dueAt, recordSeqBase: `${cfg.cycleId}#adoption-r${s.round}-${pending.municipality}` }],
      });
      children.set(pending.municipality, child);
      return child;
    };
    /** The council's outcome; its workflow is started again (same id) as long as it ends without one. */
    const outcomeOf = async (pending: m.AdoptionState): Promise<AdoptionOutcome> => {
      if (!restartsAdoptions) return (await start(pending)).result();
      for (;;) {
        const child = await start(pending);
        const handOver = async () => {
          await condition(() => decisions.has(pending.municipality) || children.get(pending.municipality) !== child);
          if (children.get(pending.municipality) === child) await child.signal(m.adoptionDecided, decisions.get(pending.municipality)!);
        };
        handOver().catch(() => undefined); // a workflow that ended meanwhile gets it from its successor
        try {
          return await child.result();
        } catch (e) {
          // The round's own cancellation (the cycle's) ends it; a child ended from outside, also by a
          // cancel, is started again.
          if (childScope.consideredCancelled || cancelled()) throw e;
          children.delete(pending.municipality);
          const why = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
          decided('system', `the adoption workflow of ${pending.municipality} ended without a decision (${why}); started again`);
        }
      }
    };
    const outcomes = await childScope.run(() => Promise.all(s.adoptions.map(async (pending) => {
      const outcome = await outcomeOf(pending);
      Object.assign(pending, { decision: outcome.decision, amounts: outcome.amounts, caseNumber: outcome.caseNumber, decidedOn: outcome.decidedOn, overdue: false });
      clearOverdue(`adoption:${pending.municipality}`);
      s.standing[pending.municipality] = { decision: outcome.decision, amounts: outcome.amounts, round: s.round, caseNumber: outcome.caseNumber, decidedOn: outcome.decidedOn };
      decided(`municipality:${pending.municipality}`, `council ${outcome.decision}`, outcome.caseNumber);
      return outcome;
    }))).catch((e) => {
      // A cancelled cycle ends the round, whatever the children's last words were.
      if ((isCancellation(e) || restartsAdoptions) && cancelled()) return null;
      throw e;
    });
    children.clear();
    if (outcomes === null || cancelled()) return null;
    await condition(allHandlersFinished); // the clerks' Updates complete before the cycle moves on
    if (cancelled()) return null;
    const lowered = outcomes.filter((o) => o.decision !== 'adopted');
    if (lowered.length === 0) return 'adopted';
    for (const o of lowered) s.frames[o.municipality] = lowerFrame(cfg, s.frames[o.municipality] ?? {}, s.adoptions.find((a) => a.municipality === o.municipality)!.requested, o);
    s.recommendation = recommend(cfg, s);
    await setPhase('prioritisation', 'system', `${lowered.map((o) => `${o.municipality} ${o.decision}`).join(', ')}: re-prioritise within the lowered frames`);
    return 'reprioritise';
  }

  async function lockAllocations(list: m.PriorityListState): Promise<void> {
    s.adoptedListVersion = list.version;
    const statuses = measureStatuses(s.measures, list.items);
    for (const measure of s.measures) measure.status = statuses[measure.id] ?? measure.status;
    const refs = Object.entries(s.standing).map(([municipality, a]) => ({ municipality, round: a.round, decision: a.decision, caseNumber: a.caseNumber, decidedOn: a.decidedOn }));
    await bulk.recordAllocations({
      cycleId: cfg.cycleId, version: list.version, shares: shareList(cfg, s, list.items), statuses, adoptionRefs: refs,
      audit: audit('system', 'allocations:lock', `v${list.version}`, { caseNumber: list.meeting.caseNumber, adoptions: refs }),
    });
    await setPhase('adopted', 'system', `all councils adopted; priority list ${list.version} is the binding plan`);
  }

  /** The year runs: progress reports and indicators until the close; a long year continues as new. */
  async function execution(): Promise<void> {
    while (s.phase === 'adopted') {
      await condition(() => s.phase !== 'adopted' || historyFull());
      if (s.phase === 'adopted') await maybeContinueAsNew();
    }
  }

  if (callerWritesSubmissions) void writeSubmissionsInBackground();

  try {
    return await theYear();
  } catch (e) {
    // Cancelled in Temporal (an operator), not through the engine: the records say so as well,
    // with every submission written.
    if (isCancellation(e) && !ended() && patched(CANCELLED_IN_TEMPORAL_RECORDED)) {
      await CancellationScope.nonCancellable(() => setPhase('cancelled', 'system', 'cancelled in Temporal, not through the engine'));
    }
    throw e;
  }

  async function theYear(): Promise<m.CycleStatus> {
    // First write: the cycle row. Unique (partnership, year) in Postgres guards a second start too.
    if (!s.recorded) {
      await record.recordCycle({ cycleId: cfg.cycleId, partnershipId: cfg.partnership.id, year: cfg.year, config: cfg.partnership, frames: s.frames, deadlines: s.deadlines, carryOver: cfg.carryOver, startedBy: cfg.startedBy.sub, audit: audit(cfg.startedBy.sub, 'cycle:start', null, { carryOver: cfg.carryOver }) });
      decided(cfg.startedBy.sub, `cycle started for ${cfg.year}`);
      s.recorded = true;
    }

    if (s.phase === 'proposals') await proposals();
    while (!cancelled() && (s.phase === 'prioritisation' || s.phase === 'adoption')) {
      const list = await prioritisation();
      if (!list) break;
      const outcome = await adoption(list);
      if (outcome === 'adopted') await lockAllocations(list);
      if (outcome !== 'reprioritise') break;
    }
    if (s.phase === 'adopted') await execution();

    await condition(() => s.phase === 'closed' || s.phase === 'cancelled');
    await condition(allHandlersFinished);
    return statusOf(cfg, s);
  }
}

function normalizeMeasure(measure: Partial<m.MeasureInput>): Partial<m.MeasureInput> {
  return {
    ...measure,
    ...(measure.amounts && { amounts: normalize(measure.amounts) }),
    ...(measure.cofunding && { cofunding: measure.cofunding.map((c) => ({ ...c, amount: normalize({ x: c.amount }).x! })) }),
  };
}
