/**
 * Cross-site form posts refused, two ways: the browser's own word (Sec-Fetch-Site, Origin) must say
 * the post comes from this site, and the post must carry the session's CSRF token (`_csrf` form
 * field, or an X-CSRF-Token header for scripts on our own pages). Either alone would do against
 * today's browsers; both together also hold for a browser that sends neither header.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { WebEnv } from './env.js';

export const CSRF_FIELD = '_csrf';

/** Why the request is cross-site, or null when it is not. */
export function crossSiteReason(c: Context<WebEnv>, appOrigin: string): string | null {
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none')
    return `the browser says the form came from another site (${site})`;
  const origin = c.req.header('origin');
  // "null" is what a browser sends when its referrer policy withholds the origin: it says nothing.
  if (origin && origin !== 'null' && origin !== appOrigin && origin !== new URL(c.req.url).origin)
    return `the form came from ${origin}`;
  return null;
}

/** The token the post carries: header, else the form field (the parsed body is cached for the route). */
export async function postedToken(c: Context<WebEnv>): Promise<string | null> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return null;
  const body = await c.req.parseBody();
  const value = body[CSRF_FIELD];
  return typeof value === 'string' ? value : null;
}

export function sameToken(posted: string | null, expected: string): boolean {
  if (!posted || !expected) return false;
  const a = Buffer.from(posted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
