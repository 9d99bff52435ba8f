/**
 * The worker process: runs the cycle workflow and the record activities.
 * SIGTERM/SIGINT drain it: in-flight tasks finish, then the process exits.
 *
 * Production runs it built (services/worker/build.ts): dist/worker/main.js with the workflow
 * bundle beside it, started by dist/worker/run with the node flags of ./launch.ts. Run from the
 * sources (`tsx services/worker/main.ts`) it bundles workflows/ itself at start.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfigOrExit } from '../config.js';
import { createSql } from '../db.js';
import { createWorker } from './create.js';

/** Beside the built main.js; absent beside the sources. */
const builtBundle = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    console.error('The worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both).');
    process.exit(2);
  }
  Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const sql = createSql(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const workflowBundlePath = fs.existsSync(builtBundle) ? builtBundle : undefined;
  const worker = await createWorker({ config, sql, connection, workflowBundlePath });
  console.log(
    JSON.stringify({
      level: 'info',
      msg: 'worker started',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      namespace: config.TEMPORAL_NAMESPACE,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      workflows: workflowBundlePath ? 'prebuilt bundle' : 'bundled at start',
      reminders: config.SMTP_URL || config.SMTP_HOST ? 'sent by SMTP' : 'no SMTP configured: not sent, logged here',
    }),
  );
  await worker.run(); // Runtime handles SIGINT/SIGTERM by shutting the worker down.
  await sql.end({ timeout: 5 });
  await connection.close();
  console.log(JSON.stringify({ level: 'info', msg: 'worker stopped' }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
