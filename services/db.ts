/**
 * The one way this code base opens Postgres: a postgres.js pool.
 *
 * Money columns are numeric(14,2). postgres.js has no parser for numeric (oid 1700) or int8,
 * so both arrive as strings ("1250000.00"), exactly as the API sends money; never add a
 * numeric parser here. test/integration/stack.test.ts pins this down.
 */
import postgres from 'postgres';

export interface SqlOptions {
  /** Pool size; the worker and the API each hold one pool. */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  connectTimeoutSeconds?: number;
  /**
   * Postgres' statement_timeout for every connection of the pool: a statement that runs longer is
   * cancelled by the server (SQLSTATE 57014). The API sets it so that a read never waits on a
   * locked or overloaded database for longer than it may answer; the worker's activities do not.
   */
  statementTimeoutMs?: number;
}

export function createSql(url: string, options: SqlOptions = {}): postgres.Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    connection: {
      application_name: options.applicationName ?? 'hoep',
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
    onnotice: () => {},
  });
}
