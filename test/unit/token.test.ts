/**
 * `npm run token` (services/token.ts) as an operator runs it: a partnership or municipality that
 * does not exist stops it with exit code 2 and the names it knows, before any token is printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'hoep-token-'));

function token(...args: string[]) {
  const { HOEP_JWT_SECRET: _secret, OIDC_ISSUER: _issuer, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'services/token.ts', ...args], {
    encoding: 'utf8',
    env: { ...env, HOEP_DATA_DIR: dataDir },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// Each case starts tsx: a second or two alone, more on a busy machine.
describe('npm run token', { timeout: 30_000 }, () => {
  it('prints a token for a partnership of the reference data', () => {
    const run = token('--sub', 'ola', '--roles', 'admin', '--partnership', 'hamarregionen');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('stops with exit 2 and the known partnerships for one that does not exist', () => {
    const run = token('--sub', 'ola', '--roles', 'admin', '--partnership', 'atlantis');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no partnership "atlantis"');
    expect(run.stderr).toMatch(/lillehammer-regionen, gjovikregionen, hamarregionen/);
  });

  it('stops with exit 2 for a municipality outside the partnership', () => {
    const run = token(
      '--sub',
      'c',
      '--roles',
      'municipal_clerk',
      '--partnership',
      'lillehammer-regionen',
      '--municipality',
      '0301',
    );
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('0301 is not a member of lillehammer-regionen');
  });
});
