/**
 * Which of the content-codings the app sends (brotli, gzip) a request accepts, by its
 * Accept-Encoding header: a coding listed without a weight or with q above 0 (RFC 9110 12.5.3).
 */
import type { Context } from 'hono';

export function acceptedEncodings(c: Context): { br: boolean; gzip: boolean } {
  const header = c.req.header('accept-encoding');
  const found = { br: false, gzip: false };
  if (!header) return found;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'br' && name !== 'gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    found[name] = q === undefined || Number(q.slice(2)) > 0;
  }
  return found;
}
