/**
 * The interface between the web frame (sign-in, sessions, CSRF: web/app.ts, web/auth/, web/session.ts)
 * and the pages (web/pages/). Every request through web/ has `person` (null when nobody is signed
 * in) and `csrfToken` (every form posts it as the hidden field `_csrf`; the frame refuses a post
 * without it).
 */
import type { Role } from '../schema/api.js';
// The one type web/ takes from services/api/ besides web/core.ts: what the API process built once
// (Postgres, Temporal, the allocation cache, the log). The integrator repoints it with core/.
import type { ApiContext } from '../services/api/context.js';

export interface Person {
  /** the person's id in the engine (web/auth/claims.ts); for an IPR member its roster id */
  sub: string;
  name: string;
  /**
   * Empty only for a person who signed in but maps to no role (then partnership is ''): the frame
   * lets them reach only /ingen-rolle, /logg-ut and the public pages, so that they are named in the
   * header and can sign out.
   */
  roles: Role[];
  partnership: string;
  /** four-digit municipality number (a clerk's council), when the person has one */
  municipality?: string;
}

export interface WebEnv {
  Variables: { requestId: string; person: Person | null; csrfToken: string };
}

/** What web/ is given by the process that mounts it. */
export type WebContext = ApiContext;
