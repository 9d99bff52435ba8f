/**
 * Everything the web pages read, in one place: the records, the cycle status, the allocation
 * cache. Today these live in services/api/; they are being moved to a top-level core/ layer, and
 * then only this file changes. No other file in web/ imports services/api/ (eslint.config.js says
 * so), and web/ never imports the API's route files except through here.
 */
export { cycleStatus, type CycleStatusView } from '../services/api/routes/cycles.js';
export * as records from '../services/api/records.js';
export type { CycleRecord, MeasureRecord, PartnershipRecord, PriorityListRecord } from '../services/api/records.js';
export type { AllocationSnapshot } from '../services/api/allocation-cache.js';
export { exportFileName } from '../services/api/allocation-tables.js';
export { csvCell } from '../services/api/export-csv.js';
export { Problem } from '../services/api/problem.js';
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
export { writeMeasure } from '../activities/records.js';
export { AdoptionRequest, MeasureInput as MeasureInputSchema, MeasurePatch as MeasurePatchSchema, VoteRequest } from '../schema/api.js';
export type { FieldError, ProblemKind } from '../services/api/problem.js';

import type { UpdateDefinition } from '@temporalio/common';
import { sendWhileMovingOn } from '../services/moving-on.js';
import { problemFromTemporal } from '../services/api/problem.js';
import type { WebContext as Ctx } from './env.js';

/**
 * Sends an Update to a cycle's workflow with an Update id of the form's own (web/forms.ts
 * updateIdFor): the Temporal server applies an Update once per id, so a form sent twice (a double
 * click, a reload) records once and the second send gets the first one's result. The workflow's
 * typed refusals come back as problems; after any outcome the cycle's next read is fresh. The
 * `faults` branch's core/cycle-commands.ts updateCycle takes the same `updateId`; the integrator
 * points this at it.
 */
export async function updateCycleOnce<Ret, Arg>(ctx: Ctx, cycleId: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg, updateId: string): Promise<Ret> {
  try {
    return await sendWhileMovingOn(() => ctx.temporal.workflow.getHandle(cycleId).executeUpdate(update, { args: [arg], updateId }));
  } catch (err) {
    throw problemFromTemporal(err) ?? err;
  } finally {
    ctx.changes.changed(cycleId);
  }
}
