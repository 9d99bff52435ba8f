/**
 * The web application: a Hono sub-app the API process mounts at / (services/api/app.ts), after the
 * API's own routes. This file is the frame: who is signed in (the session cookie, web/session.ts),
 * the CSRF check on every post, a person with no role sent to /ingen-rolle, the CSP's form-action
 * widened to the provider for "Logg ut"; then sign-in (web/auth/) and the pages (web/pages/).
 */
import type { Context, Next } from 'hono';
import { Hono } from 'hono';
import type { WebContext, WebEnv } from './env.js';
import { parseClaimsMapping, type ClaimsMapping } from './auth/claims.js';
import { cookies as makeCookies } from './auth/cookies.js';
import { RelyingParty } from './auth/oidc.js';
import { formRefusedPage, unavailablePage } from './auth/pages.js';
import { authRoutes } from './auth/routes.js';
import { crossSiteReason, postedToken, sameToken } from './csrf.js';
import { SessionStore } from './session.js';
import { LOCAL_CLAIMS_MAPPING } from '../services/oidc-provider/accounts.js';
import { pageRoutes } from './pages/index.js';
import { webCsp } from './security.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PRIVATE = 'private, no-store';
/** Where a person with no role may still go: their page, sign-out, and what is public. */
const OPEN_TO_NO_ROLE = /^\/(ingen-rolle|logg-ut|logg-inn(\/.*)?|offentlig(\/.*)?|tilgjengelighet|assets\/.*)$/;
/** A session lookup that takes longer means Postgres is in trouble: answer 503 rather than hang. */
const SESSION_LOOKUP_MS = 5000;

export interface WebOptions {
  /** tests: a relying party of their own, or null for none */
  rp?: RelyingParty | null;
}

export function createWebApp(ctx: WebContext, options: WebOptions = {}): Hono<WebEnv> {
  const { config } = ctx;
  const mapping: ClaimsMapping = config.WEB_CLAIMS_MAPPING
    ? parseClaimsMapping(config.WEB_CLAIMS_MAPPING)
    : parseClaimsMapping(JSON.stringify(LOCAL_CLAIMS_MAPPING));
  const rp =
    options.rp !== undefined
      ? options.rp
      : config.WEB_OIDC_ISSUER
        ? new RelyingParty({
            issuer: config.WEB_OIDC_ISSUER,
            clientId: config.WEB_OIDC_CLIENT_ID,
            ...(config.WEB_OIDC_CLIENT_SECRET ? { clientSecret: config.WEB_OIDC_CLIENT_SECRET } : {}),
            scope: config.WEB_OIDC_SCOPE,
            acrValues: config.WEB_OIDC_ACR?.split(/\s+/).filter(Boolean) ?? [],
            baseUrl: config.webBaseUrl,
          })
        : null;
  const sessions = new SessionStore(ctx.sql, {
    idleMinutes: config.WEB_SESSION_IDLE_MINUTES,
    absoluteHours: config.WEB_SESSION_ABSOLUTE_HOURS,
  });
  const cookies = makeCookies(config.webBaseUrl);
  const appOrigin = new URL(config.webBaseUrl).origin;
  const web = new Hono<WebEnv>();

  const unavailable = (c: Context<WebEnv>) => {
    c.header('retry-after', '5');
    c.header('cache-control', 'no-store');
    return c.html(unavailablePage('Vi får ikke kontakt med databasen akkurat nå.'), 503);
  };

  const anonymous = (c: Context<WebEnv>, next: Next) => {
    c.set('person', null);
    c.set('csrfToken', '');
    return next();
  };

  web.use('*', (c, next) => {
    // Mounted at /, this middleware is also offered the API's unmatched paths: not ours.
    if (c.req.path.startsWith('/api/')) return next();
    // The style sheet is the same for everyone: no session lookup for it.
    if (c.req.path.startsWith('/assets/') && SAFE_METHODS.has(c.req.method)) return anonymous(c, next);
    if (rp) c.header('content-security-policy', webCsp(rp.formActionOrigins()));
    c.header('vary', 'Cookie');
    // The API's no-referrer makes Chromium send "Origin: null" on our own form posts; same-origin
    // keeps the origin for those and still tells other sites nothing.
    c.header('referrer-policy', 'same-origin');
    const cookie = cookies.readSession(c);
    // No session cookie and only reading (the public pages' readers): nothing to look up, check or
    // add after, so no async step of this middleware's own in the way.
    if (!cookie && SAFE_METHODS.has(c.req.method)) return anonymous(c, next);
    return withSession(c, next, cookie);
  });

  const withSession = async (c: Context<WebEnv>, next: Next, cookie: string | undefined) => {
    let session = null;
    if (cookie) {
      try {
        session = await withTimeout(sessions.find(cookie), SESSION_LOOKUP_MS);
      } catch (e) {
        ctx.log.log('error', 'session lookup failed', { requestId: c.get('requestId'), error: (e as Error).message });
        return unavailable(c);
      }
      // unknown, ended or tampered: forget it, so the browser stops sending it
      if (!session) cookies.clearSession(c);
    }
    c.set('person', session?.person ?? null);
    c.set('csrfToken', session?.csrfToken ?? '');

    if (!SAFE_METHODS.has(c.req.method)) {
      const refusal =
        crossSiteReason(c, appOrigin) ??
        (session
          ? sameToken(await postedToken(c), session.csrfToken)
            ? null
            : 'the form had no valid _csrf token'
          : null);
      if (refusal) {
        ctx.log.log('warn', 'form post refused', { requestId: c.get('requestId'), path: c.req.path, why: refusal });
        return c.html(
          formRefusedPage(
            session?.person ?? null,
            session?.csrfToken ?? '',
            'Skjemaet kom ikke fra en side i HØP, eller siden var for gammel. Ingenting er endret.',
          ),
          403,
        );
      }
      // Nobody signed in: only signing out (of a session already gone) may be posted.
      if (!session && c.req.path !== '/logg-ut') {
        return c.html(
          formRefusedPage(
            null,
            '',
            'Du er ikke innlogget (økten kan ha utløpt). Logg inn og prøv igjen. Ingenting er endret.',
          ),
          403,
        );
      }
    }

    if (session && session.person.roles.length === 0 && !OPEN_TO_NO_ROLE.test(c.req.path))
      return c.redirect('/ingen-rolle', 303);
    // What a signed-in person sees is theirs alone: no cache keeps it. Said before the page is made,
    // so that the response is built with it; a page that said otherwise is overruled after, which
    // re-makes its response (a copy of the whole body, as every signed-in page had before).
    if (session) c.header('cache-control', PRIVATE);
    await next();
    if (session && c.res.headers.get('cache-control') !== PRIVATE) c.header('cache-control', PRIVATE);
  };

  authRoutes(web, {
    rp,
    sessions,
    mapping,
    cookies,
    log: (level, msg, fields) => ctx.log.log(level, msg, fields),
  });
  web.route('/', pageRoutes(ctx));
  return web;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
