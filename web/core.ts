/**
 * Everything the web pages read and do, in one place: core/ (the records, the cycle status, the
 * allocation cache, the cycle commands), the same layer the HTTP API's routes call. No other file
 * in web/ imports services/api/ (eslint.config.js says so), and web/ never imports the API's
 * route files.
 */
export {
  cycleStatus,
  records,
  Problem,
  exportFileName,
  type AllocationSnapshot,
  type CycleStatusView,
} from '../core/index.js';
export type { CycleRecord, MeasureRecord, PartnershipRecord, PriorityListRecord } from '../core/records.js';
export { csvCell } from '../core/export-csv.js';
export type { WebContext } from './env.js';

import { localAccounts } from '../services/oidc-provider/accounts.js';
/**
 * Names of people by their engine id (an ID token's subject as mapped), where the engine knows
 * them: the local provider's reference people. The workflow and the audit log keep ids, not
 * names, so elsewhere a person who is neither on the IPR roster nor the reader shows as their id.
 */
export const knownPeople: ReadonlyMap<string, string> = new Map(localAccounts.map((a) => [a.member, a.name]));

// ── actions (issue 10): the forms' way into a cycle's workflow ──────────────────────────────────
export { castVote, editMeasure, recordAdoption, submitMeasure, withdrawMeasure } from '../workflows/messages.js';
export type { Actor, AdoptionState, MeasureInput, PriorityListState } from '../workflows/messages.js';
export {
  AdoptionRequest,
  MeasureInput as MeasureInputSchema,
  MeasurePatch as MeasurePatchSchema,
  VoteRequest,
} from '../schema/api.js';
export type { FieldError, ProblemKind } from '../core/problem.js';

import type { UpdateDefinition } from '@temporalio/common';
import { updateCycle } from '../core/cycle-commands.js';
import { BudgetExceeded, outageOf, outageProblem, unavailable, withinBudget } from '../core/outage.js';
import type { WebContext as Ctx } from './env.js';

/**
 * Sends an Update to a cycle's workflow with an Update id of the form's own (web/forms.ts
 * updateIdFor): the Temporal server applies an Update once per id, so a form sent twice (a double
 * click, a reload) records once and the second send gets the first one's result. The workflow's
 * typed refusals come back as problems (core/cycle-commands.ts updateCycle); after any outcome the
 * cycle's next read is fresh.
 */
export async function updateCycleOnce<Ret, Arg>(
  ctx: Ctx,
  cycleId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  updateId: string,
): Promise<Ret> {
  // Bounded as the API's actions are (ACTION_TIMEOUT_MS): then a 503 that says the outcome is unknown.
  const budget = ctx.config.ACTION_TIMEOUT_MS;
  try {
    return await withinBudget(
      ctx.temporal.withDeadline(Date.now() + budget, () => updateCycle(ctx, cycleId, update, arg, updateId)),
      budget,
    );
  } catch (err) {
    if (err instanceof BudgetExceeded) throw unavailable(`no answer from the workflow within ${budget / 1000} s`, true);
    const outage = outageOf(err);
    throw outage ? outageProblem(outage, true) : err;
  } finally {
    ctx.changes.changed(cycleId);
  }
}

// ── execution (issue 10): progress reports, money spent, indicator values ───────────────────────
export { reportIndicators, reportProgress } from '../workflows/messages.js';
export { IndicatorsRequest, ProgressReportRequest } from '../schema/api.js';
export * as executionRecords from '../core/execution-records.js';
export type { IndicatorValueRecord, ProgressReportRecord } from '../core/execution-records.js';
// ── finance (issue 10): the allocations page and its downloads ──────────────────────────────────
export { allocationReader, forMunicipality } from '../core/allocations.js';
export { csvFile } from '../core/export-csv.js';
export type { Cell, Column, ColumnKind, Table } from '../core/allocation-tables.js';
export { inWorkbookThread } from '../core/workbook-threads.js';
// ── admin (issue 10): starting, steering and closing a cycle ────────────────────────────────────
export { cancelCycle, closeCycle, closeProposals, moveDeadline } from '../workflows/messages.js';
export type { Deadlines, YearEndPreview, YearEndRow } from '../workflows/messages.js';
export { CancelCycleRequest, MoveDeadlineRequest, StartCycleRequest } from '../schema/api.js';
export { cycleIdOf, deadlineErrors, frameErrors, startCycle } from '../core/cycle-start.js';
/** The phases in which each deadline's step is open or ahead, so it can move (docs/api.md section 9). */
export { OPEN_OR_AHEAD } from '../domain/rules/index.js';

import { getYearEndPreview, type YearEndPreview } from '../workflows/messages.js';
import { boundedQuery } from '../core/index.js';

/** The year-end close's figures before it is made (the workflow's own computation); null outside phase adopted. */
export const yearEndPreview = (ctx: Ctx, cycleId: string): Promise<YearEndPreview | null> =>
  boundedQuery(ctx, cycleId, getYearEndPreview);
// ── ipr (issue 10): the recommendation page and the priority-list editor ────────────────────────
export { recommendation } from '../core/index.js';
export { proposePriorityList, type Recommendation } from '../workflows/messages.js';
export { PriorityListRequest } from '../schema/api.js';
