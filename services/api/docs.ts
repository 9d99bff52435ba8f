/**
 * /openapi.json and /docs: Swagger UI served from the swagger-ui-dist package by the API itself
 * (no CDN), so it runs under the app's strict Content-Security-Policy (services/api/security.ts):
 * no inline script, the initialiser is a file of its own.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from './context.js';
import { openApiDocument } from './openapi.js';

const distDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The files /docs/:asset serves, with their content types. A Map, not an object literal: the name
 * comes from the path, and "constructor" or "__proto__" must find nothing rather than Object's own.
 */
const assets = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
]);

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>HØP API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const init = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

export function docRoutes(app: Hono<AppEnv>): void {
  const cache = new Map<string, Promise<Buffer>>();
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/docs', (c) => c.html(page));
  app.get('/docs/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/:asset', async (c) => {
    const name = c.req.param('asset');
    const type = assets.get(name);
    if (!type) return c.notFound();
    let content = cache.get(name);
    if (!content) cache.set(name, (content = readFile(path.join(distDir, name))));
    return c.body(new Uint8Array(await content), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
}
