/** The Temporal development server (`temporal server start-dev`), SQLite-backed, as a child process. */
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { describeExit, spawnManaged, tail, type ManagedProcess } from './process.js';
import { waitFor } from './net.js';

export interface TemporalServerOptions {
  cliPath: string;
  /** SQLite file holding workflow state; kept across restarts. */
  dbFile: string;
  logFile: string;
  grpcPort: number;
  /** Web UI port; omit to run headless. */
  uiPort?: number;
  namespace: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Server settings (`--dynamic-config-value key=JSON`), e.g. { 'matching.longPollExpirationInterval': '5s' }. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface TemporalServer {
  address: string;
  uiUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * The server settings of ./temporal-dynamicconfig.yaml, which the production shapes read: eager
 * activity execution (why: see that file). `dynamicConfig` adds to them or overrides them.
 */
export const TEMPORAL_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'system.enableActivityEagerExecution': true,
};

export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const { cliPath, dbFile, logFile, grpcPort, uiPort, namespace, timeoutMs = 120_000, signal } = options;
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    HOST,
    '--port',
    String(grpcPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
  ];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort), '--headless=false']));
  for (const [key, value] of Object.entries({ ...TEMPORAL_DYNAMIC_CONFIG, ...options.dynamicConfig }))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const child = await spawnManaged('temporal', cliPath, args, { logFile, graceMs: 15_000 });
  const address = `${HOST}:${grpcPort}`;
  const server: TemporalServer = {
    address,
    ...(uiPort === undefined ? {} : { uiUrl: `http://${HOST}:${uiPort}` }),
    process: child,
    stop: async () => void (await child.stop()),
  };
  try {
    await waitFor(`Temporal server at ${address}`, () => answers(address, namespace), {
      timeoutMs,
      ...(signal ? { signal } : {}),
      giveUpWhen: child.exited.then(
        (info) => `the server exited (${describeExit(info)}); last lines of ${logFile}:\n${tail(logFile)}`,
      ),
    });
  } catch (e) {
    await child.stop();
    throw e;
  }
  return server;
}

/** True once the frontend answers and the namespace exists (start-dev registers it shortly after boot). */
async function answers(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } finally {
    await connection.close();
  }
}
