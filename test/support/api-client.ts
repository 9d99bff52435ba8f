/**
 * A client of the engine's HTTP API for the steps taken through it rather than in the browser (the
 * browser tests' set-up, scripts/demo-web.ts): a locally signed bearer token for each caller, the
 * JSON answer, and an error naming the status for any answer of 400 or more.
 */
import { signLocalToken, type TokenClaims } from '../../services/api/auth.js';

export function localApi<W>(o: {
  /** The engine's address, without /api/v1. */
  baseUrl: string;
  secret: Uint8Array;
  /** The token's claims for a caller. */
  claims: (who: W) => TokenClaims;
  ttl: string;
}): (method: string, path: string, who: W, body?: unknown) => Promise<Record<string, unknown>> {
  return async (method, path, who, body) => {
    const token = await signLocalToken(o.secret, o.claims(who), o.ttl);
    const res = await fetch(`${o.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}
