/**
 * The app and the local provider agree on the callback whatever PORT, HOST and WEB_BASE_URL are:
 * both take it from the same configuration (services/config.ts webBaseUrl), and the provider
 * accepts exactly that redirect URI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/config.js';
import { startLocalProvider, type RunningProvider } from '../../services/oidc-provider/server.js';

const running: RunningProvider[] = [];
afterAll(async () => {
  for (const p of running) await p.close();
});

describe('the callback address', () => {
  it.each([
    [{ PORT: '4123' }, 'http://127.0.0.1:4123'],
    [{ PORT: '8080', HOST: '0.0.0.0' }, 'http://127.0.0.1:8080'],
    [{ PORT: '8080', HOST: '::1' }, 'http://[::1]:8080'],
    [{ PORT: '8080', WEB_BASE_URL: 'https://hoep.example.no/' }, 'https://hoep.example.no'],
  ])('%o → %s', (env, base) => expect(loadConfig(env).webBaseUrl).toBe(base));

  it('the provider takes the configured callback, with PKCE S256 only, and refuses any other', async () => {
    const { webBaseUrl } = loadConfig({ PORT: '4123' });
    const provider = await startLocalProvider({ host: '127.0.0.1', port: 0, appBaseUrls: [webBaseUrl] });
    running.push(provider);
    const auth = (params: Record<string, string>) =>
      fetch(
        `${provider.issuer}/auth?${new URLSearchParams({ client_id: 'hoep-web', response_type: 'code', scope: 'openid profile', state: 's', nonce: 'n', ...params })}`,
        { redirect: 'manual' },
      );
    const challenge = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };

    const ok = await auth({ redirect_uri: `${webBaseUrl}/logg-inn/callback`, ...challenge });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/interaction\//);

    const otherPort = await auth({ redirect_uri: 'http://127.0.0.1:4124/logg-inn/callback', ...challenge });
    expect(otherPort.status).toBe(400);
    // without PKCE the provider sends the browser back with an error, never a code
    const noPkce = await auth({ redirect_uri: `${webBaseUrl}/logg-inn/callback` });
    expect(noPkce.headers.get('location') ?? '').toMatch(/error=invalid_request/);
    const plain = await auth({
      redirect_uri: `${webBaseUrl}/logg-inn/callback`,
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'plain',
    });
    expect(plain.headers.get('location') ?? '').toMatch(/error=invalid_request/);
  });
});
