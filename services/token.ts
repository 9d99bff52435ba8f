/**
 * Prints a token the running API accepts in local mode (same secret: HOEP_JWT_SECRET, or the
 * file <HOEP_DATA_DIR>/jwt-secret, created if missing).
 *
 *   npm run token -- --sub ola --roles admin,finance --partnership lillehammer-regionen [--municipality 3405] [--name "Ola Nordmann"] [--ttl 8h]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Claims, localSecret, signLocalToken } from './api/auth.js';
import { referencePartnerships } from '../schema/reference/partnerships.js';
import { loadConfigOrExit } from './config.js';

const USAGE =
  'usage: npm run token -- --sub ID --roles admin,finance --partnership lillehammer-regionen [--municipality 3405] [--name "..."] [--ttl 8h]';

/** A jose time span: a number and a unit, e.g. 30m, 8h, 2d. */
const Ttl = z
  .string()
  .regex(
    /^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/,
    'a time span such as 30m, 8h or 2d',
  );

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: 'string' },
        roles: { type: 'string' },
        partnership: { type: 'string' },
        municipality: { type: 'string' },
        name: { type: 'string' },
        ttl: { type: 'string', default: '8h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  const config = loadConfigOrExit();
  if (config.OIDC_ISSUER) fail('OIDC_ISSUER is set: the API verifies tokens from that issuer, not local ones.');
  const claims = Claims.safeParse({
    sub: values.sub,
    name: values.name ?? values.sub,
    roles: values.roles
      ?.split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    partnership: values.partnership,
    municipality: values.municipality,
  });
  if (!claims.success)
    fail(claims.error.issues.map((i) => `--${i.path.join('.') || 'claims'}: ${i.message}`).join('\n'));
  // The partnerships are reference data (schema/reference), the same on every stack: a token for
  // one that does not exist would be refused by every endpoint, so say so here, without a database.
  const partnership = referencePartnerships.find((p) => p.id === claims.data.partnership);
  if (!partnership) {
    const known = referencePartnerships.map((p) => p.id).join(', ');
    fail(`--partnership: no partnership ${JSON.stringify(claims.data.partnership)}; the partnerships are ${known}`);
  }
  const { municipality } = claims.data;
  if (municipality !== undefined && !partnership.municipalities.some((m) => m.id === municipality)) {
    const members = partnership.municipalities.map((m) => `${m.id} (${m.name})`).join(', ');
    fail(`--municipality: ${municipality} is not a member of ${partnership.id}; its municipalities are ${members}`);
  }
  const ttl = Ttl.safeParse(values.ttl);
  if (!ttl.success) fail(`--ttl: ${ttl.error.issues[0]?.message}`);
  process.stdout.write(`${await signLocalToken(await localSecret(config), claims.data, ttl.data)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
