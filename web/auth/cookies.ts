/**
 * The frame's two cookies, both HttpOnly and SameSite=Lax (Lax, not Strict: the provider's
 * redirect back to the callback is a cross-site navigation that must carry the sign-in cookie),
 * Secure when the app is served over https (WEB_BASE_URL), and then with the __Host- prefix, which
 * the browser accepts only from a secure origin, for the whole site, with no Domain.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SIGN_IN_MINUTES } from '../session.js';

export interface Cookies {
  readSession(c: Context): string | undefined;
  setSession(c: Context, id: string, maxAgeSeconds: number): void;
  clearSession(c: Context): void;
  readSignIn(c: Context): string | undefined;
  setSignIn(c: Context, id: string): void;
  clearSignIn(c: Context): void;
}

export function cookies(baseUrl: string): Cookies {
  const secure = baseUrl.startsWith('https:');
  const session = secure ? '__Host-hoep_session' : 'hoep_session';
  const signIn = secure ? '__Host-hoep_sign_in' : 'hoep_sign_in';
  const base = { httpOnly: true, sameSite: 'Lax', secure, path: '/' } as const;
  return {
    readSession: (c) => getCookie(c, session),
    setSession: (c, id, maxAge) => setCookie(c, session, id, { ...base, maxAge }),
    clearSession: (c) => void deleteCookie(c, session, base),
    readSignIn: (c) => getCookie(c, signIn),
    setSignIn: (c, id) => setCookie(c, signIn, id, { ...base, maxAge: SIGN_IN_MINUTES * 60 }),
    clearSignIn: (c) => void deleteCookie(c, signIn, base),
  };
}
