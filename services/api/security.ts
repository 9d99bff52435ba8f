/**
 * Headers on every response. The Content-Security-Policy allows only this origin: no inline
 * script or style sheet, no CDN; images also from data: URIs (Swagger UI's style sheet icons).
 */
import type { MiddlewareHandler } from 'hono';

export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: [string, string][] = [
  ['content-security-policy', STRICT_CSP],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
];

/**
 * Set before the handler runs, so they go into the response as it is built (never a copy of a
 * built one); nothing to do after, so the handler's promise is passed on, not awaited here.
 */
export const securityHeaders: MiddlewareHandler = (c, next) => {
  for (const [name, value] of HEADERS) c.header(name, value);
  return next();
};
