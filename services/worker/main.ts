/**
 * The worker process: runs the cycle and adoption workflows and the record activities.
 * SIGTERM/SIGINT drain it: in-flight tasks finish, then the process exits.
 */
import { NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { createRequire } from 'node:module';
import { createActivities } from '../../activities/index.js';
import { loadConfigOrExit } from '../config.js';
import { createSql } from '../db.js';

const require = createRequire(import.meta.url);

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    console.error('The worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start sets both).');
    process.exit(2);
  }
  Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const sql = createSql(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../../workflows/index.ts'),
    activities: createActivities(sql),
    shutdownGraceTime: '10s',
  });
  console.log(JSON.stringify({ level: 'info', msg: 'worker started', taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE }));
  await worker.run(); // Runtime handles SIGINT/SIGTERM by shutting the worker down.
  await sql.end({ timeout: 5 });
  await connection.close();
  console.log(JSON.stringify({ level: 'info', msg: 'worker stopped' }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
