/**
 * The pages' one style sheet, served by the app itself (the CSP allows nothing from another
 * origin): Designsystemet's component CSS (@digdir/designsystemet-css), the Designsystemet theme
 * (@digdir/designsystemet-theme) and the app's own few rules (app.css beside this file), joined in
 * that order and read once when the module loads. Its URL carries a digest of its content, so it
 * is cached for a year and a new release is a new URL; an ETag answers a revalidation with 304.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import type { Hono } from 'hono';
import type { WebEnv } from '../env.js';

const require = createRequire(import.meta.url);

/** The files, in cascade order: the component CSS declares Designsystemet's layer order first. */
const SOURCES = [
  require.resolve('@digdir/designsystemet-css'),
  require.resolve('@digdir/designsystemet-theme'),
  new URL('./app.css', import.meta.url),
];

function bundle(): string {
  // @charset is valid only at the very start of a file; the whole sheet is served as UTF-8.
  return SOURCES.map((source) => readFileSync(source, 'utf8').replace(/^\uFEFF?@charset "[^"]*";\s*/i, '')).join('\n');
}

const css = Buffer.from(bundle());
const digest = createHash('sha256').update(css).digest('base64url').slice(0, 16);
const gzipped = gzipSync(css);
const etag = `"${digest}"`;

/** Where the pages link the style sheet from. */
export const STYLESHEET_PATH = `/assets/hoep.${digest}.css`;

export function assetRoutes(web: Hono<WebEnv>): void {
  web.get('/assets/:file', (c) => {
    if (c.req.param('file') !== STYLESHEET_PATH.slice('/assets/'.length)) return c.notFound();
    const headers: Record<string, string> = {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      etag,
      vary: 'Accept-Encoding',
    };
    if (
      c.req
        .header('if-none-match')
        ?.split(',')
        .some((t) => t.trim() === etag)
    )
      return c.body(null, 304, headers);
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? ''))
      return c.body(gzipped, 200, { ...headers, 'content-encoding': 'gzip' });
    return c.body(css, 200, headers);
  });
}
