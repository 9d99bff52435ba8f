/**
 * /logg-inn, /logg-inn/callback and /logg-ut. Sign-in: a pending sign-in (state, nonce, PKCE
 * verifier) stored against a cookie of this browser, then the provider; back at the callback the
 * answer is checked (web/auth/oidc.ts), the claims mapped to a person (claims.ts), and a new
 * session made (a new id: any id the browser had before is dropped). Sign-out ends the session
 * here and then at the provider.
 */
import type { Hono } from 'hono';
import type { WebEnv } from '../env.js';
import type { SessionStore } from '../session.js';
import { personFromClaims, type ClaimsMapping } from './claims.js';
import type { Cookies } from './cookies.js';
import { ProviderUnavailable, SignInRefused, type RelyingParty } from './oidc.js';
import { signInFailedPage, unavailablePage } from './pages.js';

export interface AuthDeps {
  /** null when no provider is configured (WEB_OIDC_ISSUER unset): nobody can sign in */
  rp: RelyingParty | null;
  sessions: SessionStore;
  mapping: ClaimsMapping;
  cookies: Cookies;
  log: (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>) => void;
}

const RETRY_AFTER_SECONDS = '10';

/** Only a path on this site (not "//elsewhere", not a URL), so /logg-inn?til= is no open redirect. */
export function safeReturnPath(value: string | undefined): string {
  if (
    !value ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\') ||
    value.startsWith('/logg-')
  )
    return '/';
  return /^[\x21-\x7e]{1,500}$/.test(value) ? value : '/';
}

export function authRoutes(web: Hono<WebEnv>, deps: AuthDeps): void {
  const { rp, sessions, mapping, cookies } = deps;

  web.get('/logg-inn', async (c) => {
    c.header('cache-control', 'no-store');
    if (!rp) {
      c.header('retry-after', '3600');
      return c.html(unavailablePage('Innlogging er ikke satt opp på denne tjenesten (WEB_OIDC_ISSUER mangler).'), 503);
    }
    let begun;
    try {
      begun = await rp.begin();
    } catch (e) {
      if (!(e instanceof ProviderUnavailable)) throw e;
      deps.log('warn', 'identity provider unavailable', { error: e.message });
      c.header('retry-after', RETRY_AFTER_SECONDS);
      return c.html(unavailablePage('Innloggingstjenesten svarer ikke akkurat nå.'), 503);
    }
    const id = await sessions.beginSignIn({ ...begun, returnTo: safeReturnPath(c.req.query('til')) });
    cookies.setSignIn(c, id);
    return c.redirect(begun.url.href, 302);
  });

  web.get('/logg-inn/callback', async (c) => {
    c.header('cache-control', 'no-store');
    const pending = await sessions.takeSignIn(cookies.readSignIn(c));
    cookies.clearSignIn(c);
    if (!rp) return c.html(unavailablePage('Innlogging er ikke satt opp på denne tjenesten.'), 503);
    if (!pending) {
      return c.html(signInFailedPage('Innloggingen er utløpt eller ble startet i en annen nettleser eller fane.'), 400);
    }
    let result;
    try {
      result = await rp.finish(new URL(c.req.url).search, pending);
    } catch (e) {
      if (e instanceof ProviderUnavailable) {
        c.header('retry-after', RETRY_AFTER_SECONDS);
        return c.html(unavailablePage('Innloggingstjenesten svarer ikke akkurat nå.'), 503);
      }
      if (!(e instanceof SignInRefused)) throw e;
      deps.log('warn', 'sign-in refused', { error: e.message });
      return c.html(signInFailedPage('Svaret fra innloggingstjenesten ble ikke godtatt.'), 400);
    }
    const mapped = personFromClaims(result.claims, mapping);
    // A person with no role is signed in too (so the page can name them and they can sign out), with no roles.
    const person =
      mapped.kind === 'person' ? mapped.person : { sub: mapped.sub, name: mapped.name, roles: [], partnership: '' };
    if (mapped.kind === 'no-role') deps.log('info', 'signed in with no role', { sub: mapped.sub, why: mapped.why });
    else deps.log('info', 'signed in', { sub: person.sub, roles: person.roles, partnership: person.partnership });
    // Rotation: whatever session the browser had ends; the new one has a new id.
    await sessions.destroy(cookies.readSession(c));
    const { id } = await sessions.create(person, result.idToken);
    cookies.setSession(c, id, sessions.times.absoluteHours * 3600);
    return c.redirect(mapped.kind === 'person' ? pending.returnTo : '/ingen-rolle', 303);
  });

  // The frame's CSRF check (web/app.ts) has passed when this runs.
  web.post('/logg-ut', async (c) => {
    c.header('cache-control', 'no-store');
    const person = c.get('person');
    const ended = await sessions.destroy(cookies.readSession(c));
    cookies.clearSession(c);
    if (ended && person) deps.log('info', 'signed out', { sub: person.sub });
    const provider = rp && ended ? await rp.endSessionUrl(ended.idToken) : null;
    return c.redirect(provider ? provider.href : '/', 303);
  });
}
