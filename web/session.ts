/**
 * Server-side sessions in Postgres (schema/migrations/004_web_sessions.sql). The cookie carries
 * an opaque random id (32 bytes), never a token; the table keeps its SHA-256. A session ends after
 * WEB_SESSION_IDLE_MINUTES without a request or WEB_SESSION_ABSOLUTE_HOURS after sign-in; an
 * unknown, ended or tampered id signs nobody in. Every session has a CSRF token that every form
 * posts back (web/csrf.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { z } from 'zod';
import { RoleSchema } from '../schema/api.js';
import type { Person } from './env.js';

export interface SessionTimes {
  idleMinutes: number;
  absoluteHours: number;
}

export interface Session {
  person: Person;
  csrfToken: string;
  idToken: string | null;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

/** A sign-in that is not finished in this time must start again. */
export const SIGN_IN_MINUTES = 10;

// What the table holds is read back through the same shape the app wrote (no stale or foreign rows trusted).
const StoredPerson = z.object({
  sub: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(RoleSchema),
  partnership: z.string(),
  municipality: z.string().optional(),
});

/** How stale a session's idle clock may get before a request writes it again. */
const TOUCH_SECONDS = 60;

const COOKIE_ID = /^[A-Za-z0-9_-]{43}$/;
const newId = () => randomBytes(32).toString('base64url');
const hash = (id: string) => createHash('sha256').update(id).digest('hex');

export class SessionStore {
  constructor(
    private readonly sql: postgres.Sql,
    readonly times: SessionTimes,
  ) {}

  /** A new session (a new id, so a session id known before sign-in is worth nothing after: rotation). */
  async create(person: Person, idToken: string | null): Promise<{ id: string; csrfToken: string }> {
    const id = newId();
    const csrfToken = newId();
    const { idleMinutes, absoluteHours } = this.times;
    // Ended sessions are cleared here, at the rare moment of a sign-in, not by a timer.
    await this
      .sql`delete from web_sessions where expires_at < now() or last_seen_at < now() - make_interval(mins => ${idleMinutes})`;
    await this.sql`
      insert into web_sessions (id_hash, person, csrf_token, id_token, expires_at)
      values (${hash(id)}, ${this.sql.json(person as never)}, ${csrfToken}, ${idToken}, now() + make_interval(hours => ${absoluteHours}))`;
    return { id, csrfToken };
  }

  /**
   * The live session of a cookie value, its idle clock restarted; null for anything else. The
   * clock is written at most once a minute (TOUCH_SECONDS): every page view read the session with
   * a write and its commit before, the heaviest part of a signed-in view of a kept page. So a
   * session may end up to a minute before its idle time is up after the last request, never after.
   */
  async find(id: string | undefined): Promise<Session | null> {
    if (!id || !COOKIE_ID.test(id)) return null;
    const idHash = hash(id);
    // A plain read on the common path; the write (its own statement) only when the clock is stale.
    const [row] = await this.sql<{ person: unknown; csrf_token: string; id_token: string | null; stale: boolean }[]>`
      select person, csrf_token, id_token, last_seen_at < now() - make_interval(secs => ${TOUCH_SECONDS}) as stale
      from web_sessions
      where id_hash = ${idHash} and expires_at > now() and last_seen_at > now() - make_interval(mins => ${this.times.idleMinutes})`;
    if (row?.stale) await this.sql`update web_sessions set last_seen_at = now() where id_hash = ${idHash}`;
    if (!row) return null;
    const person = StoredPerson.safeParse(row.person);
    if (!person.success) return null;
    const { municipality, ...rest } = person.data;
    return {
      person: { ...rest, ...(municipality ? { municipality } : {}) },
      csrfToken: row.csrf_token,
      idToken: row.id_token,
    };
  }

  /** Ends the session; returns its ID token for signing out at the provider. */
  async destroy(id: string | undefined): Promise<{ idToken: string | null } | null> {
    if (!id || !COOKIE_ID.test(id)) return null;
    const [row] = await this.sql<
      { id_token: string | null }[]
    >`delete from web_sessions where id_hash = ${hash(id)} returning id_token`;
    return row ? { idToken: row.id_token } : null;
  }

  async beginSignIn(pending: PendingSignIn): Promise<string> {
    const id = newId();
    await this.sql`delete from web_sign_ins where created_at < now() - make_interval(mins => ${SIGN_IN_MINUTES})`;
    await this.sql`
      insert into web_sign_ins (id_hash, state, nonce, code_verifier, return_to)
      values (${hash(id)}, ${pending.state}, ${pending.nonce}, ${pending.codeVerifier}, ${pending.returnTo})`;
    return id;
  }

  /** The sign-in this browser began, once: a second use of the same answer finds nothing. */
  async takeSignIn(id: string | undefined): Promise<PendingSignIn | null> {
    if (!id || !COOKIE_ID.test(id)) return null;
    const [row] = await this.sql<{ state: string; nonce: string; code_verifier: string; return_to: string }[]>`
      delete from web_sign_ins where id_hash = ${hash(id)} and created_at > now() - make_interval(mins => ${SIGN_IN_MINUTES})
      returning state, nonce, code_verifier, return_to`;
    return row
      ? { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to }
      : null;
  }
}
