/**
 * WEB_OIDC_ACR: an ID token whose acr is not one of those asked for signs nobody in. An app and a
 * provider of this file's own (the production code, in-process), because the shared stack's app
 * asks for no acr.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../services/config.js';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { freePort } from '../../services/stack/net.js';
import { LOCAL_ACR } from '../../services/oidc-provider/provider.js';
import { startLocalProvider, type RunningProvider } from '../../services/oidc-provider/server.js';
import { expectNoAxeViolations, launchBrowser } from '../support/browser.js';
import { connectClient, sql } from '../support/stack.js';

let browser: Browser;
let provider: RunningProvider;
const servers: Server[] = [];
const apps: Record<'strict' | 'local', string> = { strict: '', local: '' };

beforeAll(async () => {
  const ports = { strict: await freePort(), local: await freePort() };
  apps.strict = `http://127.0.0.1:${ports.strict}`;
  apps.local = `http://127.0.0.1:${ports.local}`;
  provider = await startLocalProvider({ host: '127.0.0.1', port: 0, appBaseUrls: [apps.strict, apps.local] });
  const secret = 'acr-test-secret-0123456789abcdef0123';
  for (const [which, acr] of [
    ['strict', 'substantial high'],
    ['local', LOCAL_ACR],
  ] as const) {
    const config = loadConfig({
      PORT: String(ports[which]),
      HOEP_JWT_SECRET: secret,
      WEB_OIDC_ISSUER: provider.issuer,
      WEB_OIDC_ACR: acr,
    });
    const app = createApp({
      sql: sql(),
      temporal: await connectClient(),
      config,
      auth: localAuthenticator(new TextEncoder().encode(secret)),
      log: silentLogger,
    });
    servers.push(
      await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: ports[which], hostname: '127.0.0.1' }, () =>
          resolve(s as Server),
        ) as Server;
      }),
    );
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await provider?.close();
});

async function signInAt(base: string, acr: string) {
  const context = await browser.newContext({ locale: 'nb-NO' });
  const page = await context.newPage();
  const asked: (string | null)[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === provider.issuer && url.pathname === '/auth') asked.push(url.searchParams.get('acr_values'));
  });
  await page.goto(`${base}/logg-inn`);
  // the app asks the provider for the acr it will insist on
  expect(asked).toEqual([acr]);
  await page.getByRole('button', { name: 'Ordfører i Lillehammer', exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(base));
  return { page, context };
}

describe('the acr the app asks for', () => {
  it('refuses an ID token with another acr, and accepts the one asked for', async () => {
    const refused = await signInAt(apps.strict, 'substantial high');
    expect(await refused.page.getByRole('heading', { level: 1 }).innerText()).toBe('Innloggingen ble ikke fullført');
    expect((await refused.context.cookies()).find((c) => c.name === 'hoep_session')).toBeUndefined();
    await expectNoAxeViolations(refused.page);

    const accepted = await signInAt(apps.local, LOCAL_ACR);
    expect(await accepted.page.getByRole('heading', { level: 1 }).innerText()).toBe('Mine oppgaver');
  });
});
