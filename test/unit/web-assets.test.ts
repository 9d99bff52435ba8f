import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { assetRoutes, STYLESHEET_PATH } from '../../web/assets/index.js';
import type { WebEnv } from '../../web/env.js';

const app = new Hono<WebEnv>();
assetRoutes(app);

describe('the style sheet', () => {
  it("is Designsystemet's CSS, its theme and the app's own rules, from the app itself, cached for a year", async () => {
    const res = await app.request(STYLESHEET_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await res.text();
    expect(css.startsWith('@layer ds.theme, ds.base, ds.components;')).toBe(true);
    for (const rule of [
      '.ds-button',
      '.ds-table',
      '.ds-skip-link',
      '--ds-color-accent-base-default',
      '.steps li[aria-current="step"]',
    ])
      expect(css, rule).toContain(rule);
    expect(css).not.toMatch(/@import|url\((?!["']?data:)/);
  });

  it('answers gzip to a client that takes it, and 304 to its ETag', async () => {
    const plain = await (await app.request(STYLESHEET_PATH)).text();
    const zipped = await app.request(STYLESHEET_PATH, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(plain);
    const again = await app.request(STYLESHEET_PATH, { headers: { 'if-none-match': zipped.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('is at a URL named by its content; any other is not found', async () => {
    expect(STYLESHEET_PATH).toMatch(/^\/assets\/hoep\.[A-Za-z0-9_-]{16}\.css$/);
    expect((await app.request('/assets/hoep.old.css')).status).toBe(404);
  });
});
