/**
 * The web frame when the identity provider is away or not configured: /logg-inn answers 503 with
 * Retry-After in bounded time, never a 500 or a hang; and the frame's checks leave the API alone
 * (bearer tokens, no CSRF token for /api/v1). The sign-in itself is tested in a browser
 * (test/browser/auth.test.ts).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/config.js';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator, signLocalToken } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { freePort } from '../../services/stack/net.js';
import { createSql } from '../../services/db.js';
import { connectClient, sql } from '../support/stack.js';

const SECRET = 'web-auth-test-secret-0123456789abcdef';
let hung: net.Server;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  // A provider that takes the connection and never answers.
  hung = net.createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => hung.close(resolve));
});

async function appWith(env: Record<string, string>) {
  const config = loadConfig({ HOEP_JWT_SECRET: SECRET, ...env });
  return createApp({
    sql: sql(),
    temporal: await connectClient(),
    config,
    auth: localAuthenticator(new TextEncoder().encode(SECRET)),
    log: silentLogger,
  });
}

describe('sign-in without a provider to reach', () => {
  it.each([
    ['refuses connections', async () => `http://127.0.0.1:${await freePort()}`],
    ['never answers', async () => `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`],
  ])(
    'a provider that %s: 503 with Retry-After within seconds, and no sign-in begun',
    { timeout: 30_000 },
    async (_, issuer) => {
      const app = await appWith({ WEB_OIDC_ISSUER: await issuer() });
      const before = (await sql()<{ n: number }[]>`select count(*)::int as n from web_sign_ins`)[0]!.n;
      const started = performance.now();
      const res = await app.request('/logg-inn');
      const seconds = (performance.now() - started) / 1000;
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(8);
      expect(await res.text()).toContain('Innloggingstjenesten svarer ikke');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect((await sql()<{ n: number }[]>`select count(*)::int as n from web_sign_ins`)[0]!.n).toBe(before);
    },
  );

  it('no provider configured: /logg-inn is a 503 saying so; the public pages still answer', async () => {
    const app = await appWith({});
    const res = await app.request('/logg-inn');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('WEB_OIDC_ISSUER');
    expect((await app.request('/offentlig')).status).toBe(200);
  });
});

describe('the frame and the API side by side', () => {
  it('a web post without a session is refused and changes nothing; the API takes its bearer token with no CSRF token', async () => {
    const app = await appWith({});
    const post = await app.request('/logg-ut', {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=x',
    });
    expect(post.status).toBe(403);

    const token = await signLocalToken(
      new TextEncoder().encode(SECRET),
      { sub: 'finance', name: 'Økonomi', roles: ['finance'], partnership: 'lillehammer-regionen' },
      '5m',
    );
    const api = await app.request('/api/v1/partnerships', { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);
    // an API error is still problem+json, not a web page
    const missing = await app.request('/api/v1/nothing-here', { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    // and a cookie the frame does not know is cleared, not trusted
    const stale = await app.request('/', {
      headers: { cookie: 'hoep_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(stale.headers.get('set-cookie')).toMatch(/hoep_session=;.*Max-Age=0/);
  });
});

describe('the frame without its database', () => {
  it('a signed-in request is a 503 with Retry-After in bounded time, not a 500', { timeout: 30_000 }, async () => {
    const dead = createSql(`postgres://postgres@127.0.0.1:${await freePort()}/hoep`, {
      max: 1,
      connectTimeoutSeconds: 2,
    });
    try {
      const config = loadConfig({ HOEP_JWT_SECRET: SECRET });
      const app = createApp({
        sql: dead,
        temporal: await connectClient(),
        config,
        auth: localAuthenticator(new TextEncoder().encode(SECRET)),
        log: silentLogger,
      });
      const started = performance.now();
      const res = await app.request('/', {
        headers: { cookie: 'hoep_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(performance.now() - started).toBeLessThan(7000);
    } finally {
      await dead.end({ timeout: 1 });
    }
  });
});
