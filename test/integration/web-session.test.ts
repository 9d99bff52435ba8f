/**
 * The web's session store against a real Postgres: a session is found while it is live, its idle
 * clock restarted at most once a minute (a page view is a read, not a write, while the clock is
 * fresh), and an idle, expired, ended or tampered session signs nobody in. The browser journey
 * through sign-in and an expired session is test/browser/auth.test.ts. And what the frame makes
 * of a session: whatever a signed-in person is sent, no cache may keep.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { loadConfig } from '../../services/config.js';
import type { Person } from '../../web/env.js';
import { SessionStore } from '../../web/session.js';
import { connectClient, sql } from '../support/stack.js';

const IDLE_MINUTES = 30;
const store = () => new SessionStore(sql(), { idleMinutes: IDLE_MINUTES, absoluteHours: 8 });
const person = (sub: string): Person => ({
  sub,
  name: 'Ordfører i Lillehammer',
  roles: ['ipr_member'],
  partnership: 'lillehammer-regionen',
});

/** The session's idle clock, and how many times its row was written (xmin changes with every update). */
async function row(sub: string): Promise<{ lastSeen: Date; version: string }> {
  const [r] = await sql()<{ last_seen_at: Date; version: string }[]>`
    select last_seen_at, xmin::text as version from web_sessions where person->>'sub' = ${sub}`;
  return { lastSeen: r!.last_seen_at, version: r!.version };
}

const setIdle = (sub: string, seconds: number) =>
  sql()`update web_sessions set last_seen_at = now() - make_interval(secs => ${seconds}) where person->>'sub' = ${sub}`;

describe('the session store', () => {
  it('finds a live session without writing it while its idle clock is under a minute old', async () => {
    const sessions = store();
    const sub = `session-fresh-${Date.now()}`;
    const { id, csrfToken } = await sessions.create(person(sub), null);
    const before = await row(sub);
    for (let i = 0; i < 3; i++) {
      const found = await sessions.find(id);
      expect(found?.person).toEqual(person(sub));
      expect(found?.csrfToken).toBe(csrfToken);
    }
    expect(await row(sub)).toEqual(before);
  });

  it('restarts the idle clock of a session last seen over a minute ago', async () => {
    const sessions = store();
    const sub = `session-stale-${Date.now()}`;
    const { id } = await sessions.create(person(sub), null);
    await setIdle(sub, 5 * 60);
    const stale = await row(sub);
    expect((await sessions.find(id))?.person.sub).toBe(sub);
    const touched = await row(sub);
    expect(touched.version).not.toBe(stale.version);
    expect(touched.lastSeen.getTime() - stale.lastSeen.getTime()).toBeGreaterThan(4 * 60 * 1000);
  });

  it('signs nobody in with an idle, ended or tampered session', async () => {
    const sessions = store();
    const sub = `session-idle-${Date.now()}`;
    const idle = await sessions.create(person(sub), null);
    await setIdle(sub, IDLE_MINUTES * 60 + 1);
    expect(await sessions.find(idle.id)).toBeNull();

    const ended = await sessions.create(person(`${sub}-ended`), null);
    await sessions.destroy(ended.id);
    expect(await sessions.find(ended.id)).toBeNull();

    const live = await sessions.create(person(`${sub}-live`), null);
    const tampered = `${live.id.slice(0, -1)}${live.id.endsWith('A') ? 'B' : 'A'}`;
    expect(await sessions.find(tampered)).toBeNull();
    expect(await sessions.find(`${live.id}x`)).toBeNull();
    expect((await sessions.find(live.id))?.person.sub).toBe(`${sub}-live`);
  });
});

describe('the frame with a session', () => {
  it('marks every answer to a signed-in person private, no-store, also where the page said otherwise', async () => {
    const secret = 'web-session-test-secret-0123456789abcdef';
    const app = createApp({
      sql: sql(),
      temporal: await connectClient(),
      config: loadConfig({ HOEP_JWT_SECRET: secret }),
      auth: localAuthenticator(new TextEncoder().encode(secret)),
      log: silentLogger,
    });
    const { id } = await store().create(person(`session-frame-${Date.now()}`), null);
    const cookie = `hoep_session=${id}`;
    // /logg-inn without a provider says no-store itself; the public index is shared with everyone when nobody is signed in.
    for (const path of ['/', '/offentlig', '/tilgjengelighet', '/logg-inn']) {
      const res = await app.request(path, { headers: { cookie } });
      expect(res.headers.get('cache-control'), path).toBe('private, no-store');
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
    }
    expect((await app.request('/offentlig')).headers.get('cache-control')).not.toBe('private, no-store');
  });
});
