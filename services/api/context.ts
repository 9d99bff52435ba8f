/** What the API's routes are given: its connections and settings, and the Hono environment. */
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Core } from '../../core/context.js';
import type { Config } from '../config.js';
import type { AllocationCache } from '../../core/allocation-cache.js';
import type { Authenticator, Principal } from './auth.js';
import type { Logger } from './log.js';
import type { RecordChanges, RecordsFeed } from '../../core/records-feed.js';

export interface Deps {
  sql: postgres.Sql;
  temporal: Client;
  config: Config;
  auth: Authenticator;
  log?: Logger;
  /** Notifications of changed records (records-feed.ts); without it, every allocations read asks Postgres for the cycle's revision. */
  records?: Pick<RecordsFeed, 'generations' | 'changed'>;
}

/** Deps plus what the app builds once for all routes: the core layer's context (core/context.ts) and the authenticator. */
export interface ApiContext extends Deps, Core {
  log: Logger;
  allocations: AllocationCache;
  /** where endpoint.ts reports the cycles this API's own actions changed */
  changes: RecordChanges;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** set for API calls once the bearer token is verified */
    principal: Principal;
  };
}
