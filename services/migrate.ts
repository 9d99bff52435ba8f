/**
 * `npm run migrate [-- --reference-data]`: applies pending schema migrations to DATABASE_URL and,
 * with --reference-data, (re)loads the reference partnerships. `npm start` does both by itself;
 * the production compose file runs this once before the worker and the API start.
 */
import { loadConfigOrExit } from './config.js';
import { createSql } from './db.js';
import { migrate } from '../schema/migrate.js';
import { loadReferenceData } from '../schema/reference/load.js';

const config = loadConfigOrExit();
if (!config.DATABASE_URL) {
  console.error(
    'DATABASE_URL is required, e.g. DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5433/hoep npm run migrate',
  );
  process.exit(2);
}
const sql = createSql(config.DATABASE_URL, { max: 1, applicationName: 'hoep-migrate' });
try {
  const { applied } = await migrate(sql);
  console.log(
    applied.length
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
      : 'Schema is up to date (0 applied).',
  );
  if (process.argv.includes('--reference-data')) {
    const { partnerships } = await loadReferenceData(sql);
    console.log(`Loaded ${partnerships} reference partnership(s).`);
  }
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await sql.end();
}
