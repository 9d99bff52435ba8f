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
