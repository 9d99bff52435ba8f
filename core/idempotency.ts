/**
 * The Idempotency-Key header on every action (IETF httpapi idempotency-key draft; docs/api.md
 * conventions): the same key with the same request returns the first outcome and records nothing
 * twice; the same key with another request (method, path or body) is 422.
 *
 * Two mechanisms, because either alone has a gap:
 * - the table idempotency_keys (migration 005) keeps, per caller (token `sub`) and key, the
 *   request's fingerprint and, once answered with a final outcome (any status below 500), that
 *   answer. A retry of an answered request gets the stored answer: it survives API restarts and
 *   the cycle's continue-as-new, and acts on nothing;
 * - a request with no final answer yet (in flight, or answered 503 with its outcome unknown) is
 *   sent again with the same Temporal Update id, derived from (sub, method, path, key): the server
 *   deduplicates an Update id within the workflow run, so an Update that was applied after the
 *   client gave up is not applied again, and the retry gets its outcome. A cycle start carries the
 *   id in the workflow's memo (services/api/cycle-start.ts).
 */
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { Problem } from './problem.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * The key as the draft sends it, a Structured Field string ("8e03978e-..."), or as a bare token;
 * printable ASCII without quotes or backslashes, 1 to 255 characters.
 */
const KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

/** The key of a request, null without the header; 400 when it is not a key. */
export function idempotencyKey(header: string | undefined): string | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (!KEY.test(key)) {
    throw new Problem(
      'badRequest',
      'Idempotency-Key must be a string of 1 to 255 printable characters, e.g. Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"',
    );
  }
  return key;
}

/** JSON with the keys of every object in order, so that key order does not make another request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface IdempotentRequest {
  sub: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  /** The Temporal Update id (or start memo) that carries the key to the workflow. */
  operationId: string;
}

export function idempotentRequest(
  sub: string,
  key: string,
  method: string,
  path: string,
  body: unknown,
): IdempotentRequest {
  return {
    sub,
    key,
    method,
    path,
    fingerprint: sha256(canonical([method, path, body ?? null])),
    operationId: `idem-${sha256(canonical([sub, method, path, key])).slice(0, 40)}`,
  };
}

export interface StoredAnswer {
  status: number;
  contentType: string;
  location: string | null;
  body: string;
}

interface Row {
  fingerprint: string;
  status: number | null;
  content_type: string | null;
  location: string | null;
  body: string | null;
}

/**
 * Claims the key for this request. Returns the stored answer of an earlier identical request, or
 * null when the request is to be carried out (the first time, or again after an unknown outcome).
 * A key used before for another request is a 422.
 */
export async function claim(sql: postgres.Sql, r: IdempotentRequest): Promise<StoredAnswer | null> {
  const [inserted] = await sql<Row[]>`
    insert into idempotency_keys (sub, key, method, path, fingerprint)
    values (${r.sub}, ${r.key}, ${r.method}, ${r.path}, ${r.fingerprint})
    on conflict (sub, key) do nothing
    returning fingerprint, status, content_type, location, body`;
  if (inserted) return null;
  const [row] = await sql<Row[]>`
    select fingerprint, status, content_type, location, body from idempotency_keys where sub = ${r.sub} and key = ${r.key}`;
  if (!row) return null; // removed in between: carry it out, the Update id still deduplicates
  if (row.fingerprint !== r.fingerprint) {
    throw new Problem(
      'invalidInput',
      'this Idempotency-Key was used before for another request (another method, path or body); use a new key for a new request',
      [{ path: 'Idempotency-Key', message: 'already used for another request' }],
    );
  }
  if (row.status === null) return null;
  return {
    status: row.status,
    contentType: row.content_type ?? 'application/json',
    location: row.location,
    body: row.body ?? '',
  };
}

/** Keeps the final answer of the request; the first answer stays when two identical requests raced. */
export async function remember(sql: postgres.Sql, r: IdempotentRequest, answer: StoredAnswer): Promise<void> {
  await sql`
    update idempotency_keys
       set status = ${answer.status}, content_type = ${answer.contentType}, location = ${answer.location}, body = ${answer.body}, answered_at = now()
     where sub = ${r.sub} and key = ${r.key} and status is null`;
}

/**
 * Forgets the keys older than `hours` (the draft lets a server expire keys after a time it
 * publishes; the API keeps them IDEMPOTENCY_KEY_TTL_H, 24 h by default). A request sent again with
 * a forgotten key is a new request. Returns how many were forgotten.
 */
export async function forgetOlderThan(sql: postgres.Sql, hours: number): Promise<number> {
  const gone =
    await sql`delete from idempotency_keys where created_at < now() - make_interval(secs => ${hours * 3600})`;
  return gone.count;
}
