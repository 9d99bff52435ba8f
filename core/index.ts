/**
 * The core layer, between the HTTP surfaces (services/api's routes, web/) and the infrastructure
 * (Temporal, Postgres). What a surface needs, and nothing of HTTP routing:
 *
 * - cycle commands: Updates to a cycle's workflow and the cycle start, with their rules for time
 *   (the caller's deadline), retries (a cycle continuing as new) and idempotency (an operation id
 *   that makes a resend the same Update, or the same start);
 * - queries: a cycle's status and the recommendation, bounded in time;
 * - record reads: what Postgres holds (partnerships, cycles, measures, lists, history);
 * - allocations: computed from the records, cached per cycle revision, as JSON, CSV and XLSX;
 * - outages and problems: which failures are Temporal or Postgres not answering (503), and the
 *   typed refusals every surface reports.
 *
 * Surfaces import from here (or a module of core/ directly); core/ imports no surface.
 */
export type { Core } from './context.js';
export { existingCycle, updateCycle } from './cycle-commands.js';
export { carryOverErrors, cycleIdOf, deadlineErrors, frameErrors, startCycle } from './cycle-start.js';
export { boundedQuery, cycleStatus, QUERY_TIMEOUT_MS, recommendation, type CycleStatusView } from './cycle-queries.js';
export * as records from './records.js';
export { AllocationCache, type AllocationSnapshot, type Format } from './allocation-cache.js';
export { computeAllocations, loadAllocations } from './allocations.js';
export { allocationTables, exportFileName } from './allocation-tables.js';
export { Generations, startRecordsFeed, type RecordChanges, type RecordsFeed } from './records-feed.js';
export {
  claim,
  idempotencyKey,
  idempotentRequest,
  remember,
  IDEMPOTENCY_HEADER,
  type IdempotentRequest,
  type StoredAnswer,
} from './idempotency.js';
export { BudgetExceeded, outageOf, outageProblem, unavailable, withinBudget, type Outage } from './outage.js';
export { Problem, problemFromTemporal, PROBLEM_CONTENT_TYPE, type FieldError, type ProblemKind } from './problem.js';
