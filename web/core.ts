/**
 * Everything the web pages read and do, in one place: core/ (the records, the cycle status, the
 * allocation cache, the cycle commands), the same layer the HTTP API's routes call. No other file
 * in web/ imports services/api/ (eslint.config.js says so), and web/ never imports the API's
 * route files.
 */
export { cycleStatus, records, Problem, exportFileName, type AllocationSnapshot, type CycleStatusView } from '../core/index.js';
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
