/** The runnable foundation against the real things: migrations, the schema's guarantees, config, the Temporal CLI and server. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { migrate } from '../../schema/migrate.js';
import { ConfigError, loadConfig } from '../../services/config.js';
import { createSql } from '../../services/db.js';
import { dropDatabase, ensureDatabase, withDatabase } from '../../services/stack/postgres.js';
import { cachedCliPath, findOrBuildTemporalCli, TEMPORAL_CLI_VERSION } from '../../services/stack/temporal-cli.js';
import { startTemporalServer } from '../../services/stack/temporal-server.js';
import { freePort } from '../../services/stack/net.js';
import { connectClient, sql, testEnv } from '../support/stack.js';

const run = promisify(execFile);
const migrationsDir = fileURLToPath(new URL('../../schema/migrations/', import.meta.url));
const migrationFiles = fs
  .readdirSync(migrationsDir)
  .filter((f) => f.endsWith('.sql'))
  .sort();

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoep-stack-test-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  const name = `hoep_migrate_${randomBytes(4).toString('hex')}`;
  let db: postgres.Sql;

  beforeAll(async () => {
    await ensureDatabase(testEnv().databaseUrl, name);
    db = createSql(withDatabase(testEnv().databaseUrl, name), { max: 4 });
  });
  afterAll(async () => {
    await db.end();
    await dropDatabase(testEnv().databaseUrl, name);
  });

  it('apply every file once; a second run applies none', async () => {
    expect(migrationFiles.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual({ applied: migrationFiles });
    expect(await migrate(db)).toEqual({ applied: [] });
    const recorded = await db<{ name: string }[]>`select name from schema_migrations order by name`;
    expect(recorded.map((r) => r.name)).toEqual(migrationFiles);
  });

  it('runners started together apply each file exactly once', async () => {
    const dir = tempDir();
    // Slow enough that the runners overlap: without the lock, each would apply the file.
    fs.writeFileSync(path.join(dir, '001_a.sql'), 'select pg_sleep(0.5); create table concurrent_a (id int);');
    const results = await Promise.all([migrate(db, dir), migrate(db, dir), migrate(db, dir)]);
    expect(results.flatMap((r) => r.applied)).toEqual(['001_a.sql']);
  });

  it('a failing file applies nothing of the batch and names the file', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '001_good.sql'), 'create table batch_good (id int);');
    fs.writeFileSync(path.join(dir, '002_bad.sql'), 'create table batch_bad (id nonsense_type);');
    await expect(migrate(db, dir)).rejects.toThrow(/002_bad\.sql/);
    const [table] = await db`select to_regclass('batch_good') as oid`;
    expect(table?.oid).toBeNull();
    const recorded = await db`select name from schema_migrations where name in ('001_good.sql', '002_bad.sql')`;
    expect(recorded).toHaveLength(0);
  });
});

describe('the record schema', () => {
  it('keeps audit_log append-only', async () => {
    const key = `stack-test-${randomBytes(4).toString('hex')}`;
    await sql()`insert into audit_log (key, at, cycle_id, actor, action) values (${key}, now(), 'x-2027', 'tester', 'probe')`;
    await expect(sql()`update audit_log set actor = 'someone else' where key = ${key}`).rejects.toThrow(/append-only/);
    await expect(sql()`delete from audit_log where key = ${key}`).rejects.toThrow(/append-only/);
    await expect(sql()`truncate audit_log`).rejects.toThrow(/append-only/);
    const [row] = await sql()`select actor from audit_log where key = ${key}`;
    expect(row?.actor).toBe('tester');
  });

  it('returns money (numeric) and bigint as exact strings, never JS numbers', async () => {
    const [row] =
      await sql()`select 123456789012.35::numeric(14,2) as amount, 0.10::numeric(14,2) as small, 9007199254740993::int8 as big`;
    expect(row).toEqual({ amount: '123456789012.35', small: '0.10', big: '9007199254740993' });
  });

  it('loaded the reference partnerships', async () => {
    const [row] = await sql()`select count(*)::int as n from partnerships where id = 'lillehammer-regionen'`;
    expect(row?.n).toBe(1);
  });
});

describe('configuration', () => {
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('fills in the defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, TEMPORAL_GRPC_PORT: 7233, TEMPORAL_UI_PORT: 8233, PG_PORT: 5433 });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });
});

describe('Temporal CLI discovery', () => {
  const fakeCli = (dir: string) => {
    const file = path.join(dir, 'temporal');
    fs.writeFileSync(file, '#!/bin/sh\necho fake\n', { mode: 0o755 });
    return file;
  };

  it(`finds a CLI that reports version ${TEMPORAL_CLI_VERSION}`, async () => {
    const cli = await findOrBuildTemporalCli({ log: () => {} });
    const { stdout } = await run(cli, ['--version']);
    expect(stdout).toMatch(new RegExp(`^temporal version ${TEMPORAL_CLI_VERSION.replaceAll('.', '\\.')}\\b`));
  });

  it('takes TEMPORAL_CLI_PATH first, then PATH, then the cache', async () => {
    const [explicit, onPath, cache] = [tempDir(), tempDir(), tempDir()];
    const env = { PATH: onPath, XDG_CACHE_HOME: cache };
    const cached = cachedCliPath(env);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fakeCli(path.dirname(cached));
    expect(await findOrBuildTemporalCli({ env })).toBe(cached);
    expect(await findOrBuildTemporalCli({ env: { ...env, PATH: `/nonexistent${path.delimiter}${onPath}` } })).toBe(
      cached,
    );
    const pathCli = fakeCli(onPath);
    expect(await findOrBuildTemporalCli({ env })).toBe(pathCli);
    const explicitCli = fakeCli(explicit);
    expect(await findOrBuildTemporalCli({ env: { ...env, TEMPORAL_CLI_PATH: explicitCli } })).toBe(explicitCli);
  });

  it('says what to do when there is no CLI and no Go to build it', async () => {
    const env = { PATH: tempDir(), XDG_CACHE_HOME: tempDir() };
    await expect(findOrBuildTemporalCli({ env })).rejects.toThrow(/TEMPORAL_CLI_PATH[\s\S]*install Go/);
    await expect(
      findOrBuildTemporalCli({ env: { ...env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' } }),
    ).rejects.toThrow(/TEMPORAL_CLI_PATH=\/nonexistent\/temporal/);
  });
});

describe('Temporal dev server', () => {
  it('the harness server answers with its namespace', async () => {
    const client = await connectClient();
    const { namespaceInfo } = await client.workflowService.describeNamespace({ namespace: testEnv().namespace });
    expect(namespaceInfo?.name).toBe(testEnv().namespace);
  });

  it('stops without leaving its process behind', async () => {
    const dir = tempDir();
    const server = await startTemporalServer({
      cliPath: await findOrBuildTemporalCli({ log: () => {} }),
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
      grpcPort: await freePort(),
      namespace: 'default',
    });
    const { pid } = server.process;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await server.stop();
    expect(() => process.kill(-pid, 0)).toThrow();
    expect(fs.existsSync(path.join(dir, 'temporal.db'))).toBe(true);
  });
});
