/**
 * Forward-only migrations: schema/migrations/*.sql in name order, each applied once and recorded
 * in schema_migrations. All pending files go in one transaction, so a failure applies none of
 * them; an advisory lock makes concurrent runners (worker and API starting together) wait their turn.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any constant works; it only has to be the same for every runner. */
const LOCK_KEY = 'hoep.schema_migrations';

export async function migrate(sql: postgres.Sql, dir: string = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const applied = await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`;
    await tx`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
    const pending = files.filter((f) => !done.has(f));
    for (const file of pending) {
      try {
        await tx.unsafe(fs.readFileSync(path.join(dir, file), 'utf8'));
      } catch (e) {
        throw new Error(`Migration ${file} failed: ${(e as Error).message}`, { cause: e });
      }
      await tx`insert into schema_migrations (name) values (${file})`;
    }
    return pending;
  });
  return { applied };
}
