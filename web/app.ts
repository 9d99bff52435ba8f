/**
 * The web application: a Hono sub-app the API process mounts at / (services/api/app.ts).
 * Placeholder frame until sign-in and the pages land.
 */
import { Hono } from 'hono';
import type { WebContext, WebEnv } from './env.js';

export function createWebApp(_ctx: WebContext): Hono<WebEnv> {
  const web = new Hono<WebEnv>();
  web.use('*', async (c, next) => {
    c.set('person', null);
    c.set('csrfToken', '');
    await next();
  });
  web.get('/', (c) => c.html('<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>HØP</title></head><body><main><h1>HØP</h1></main></body></html>'));
  return web;
}
