/**
 * What the core layer works with: the connections and settings of the process, and what is built
 * once for all callers (the allocation cache, where actions report the cycles they changed). The
 * HTTP surfaces (services/api, web/) hold one and pass it in; services/api's ApiContext is one.
 */
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Config } from '../services/config.js';
import type { Logger } from '../services/api/log.js';
import type { AllocationCache } from './allocation-cache.js';
import type { RecordChanges } from './records-feed.js';

export interface Core {
  sql: postgres.Sql;
  temporal: Client;
  config: Config;
  log: Logger;
  allocations: AllocationCache;
  /** where actions report the cycles they changed, so that the next read computes them afresh */
  changes: RecordChanges;
}
