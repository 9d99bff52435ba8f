/**
 * The API process: configuration, Postgres (a pool, and the records feed's listening connection),
 * Temporal, then the HTTP server on HOST:PORT. SIGTERM/SIGINT stop it gracefully: no new
 * connections, in-flight requests finish (up to SHUTDOWN_GRACE_MS), then the records feed, the
 * Postgres pool and the Temporal connection close.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config.js';
import { createSql } from '../db.js';
import { forgetOlderThan } from '../../core/idempotency.js';
import { createApp } from './app.js';
import { createAuthenticator } from './auth.js';
import { jsonLogger } from './log.js';
import { startRecordsFeed } from '../../core/records-feed.js';
import { listen } from './server.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = jsonLogger(config.LOG_LEVEL);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    log.log('error', 'the API needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both)');
    process.exit(2);
  }
  const sql = createSql(config.DATABASE_URL, {
    applicationName: 'hoep-api',
    connectTimeoutSeconds: config.PG_CONNECT_TIMEOUT_S,
    statementTimeoutMs: config.READ_TIMEOUT_MS,
  });
  // Listens in the background; until it does (and whenever it does not), reads ask Postgres.
  const records = startRecordsFeed({ url: config.DATABASE_URL, log });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const auth = await createAuthenticator(config);
  const app = createApp({ sql, temporal, config, auth, log, records });

  const { server, port } = await listen(app, { port: config.PORT, hostname: config.HOST, log });
  // Idempotency-Keys are request bookkeeping: forgotten after IDEMPOTENCY_KEY_TTL_H, checked hourly.
  const forgetKeys = setInterval(() => {
    forgetOlderThan(sql, config.IDEMPOTENCY_KEY_TTL_H).catch((e: Error) =>
      log.log('warn', 'old Idempotency-Keys not removed', { error: e.message }),
    );
  }, 3600_000);
  forgetKeys.unref();
  log.log('info', 'api listening', { address: config.HOST, port, auth: auth.mode });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log('info', 'api stopping', { signal });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(force);
    clearInterval(forgetKeys);
    await records.close();
    await sql.end({ timeout: 5 });
    await connection.close();
    log.log('info', 'api stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
