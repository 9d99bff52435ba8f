/**
 * Outages of what the API depends on (Temporal, its worker, Postgres) told apart from faults of
 * the API itself: an outage is a 503 with Retry-After in bounded time, never a 500 and never a
 * hang (docs/api.md conventions). Two parts:
 *
 * - `outageOf(err)`: whether an error is Temporal or Postgres not answering (connection refused,
 *   cut or timed out, a server starting or shutting down, a statement timeout, a gRPC
 *   UNAVAILABLE or deadline), and which;
 * - `withinBudget(...)`: a hard bound on a promise. Deadlines given to the clients (the gRPC
 *   deadline, Postgres' statement_timeout) end most waits, but not all: the Temporal client's
 *   retry interceptor sleeps up to seconds between attempts past the deadline, and a Postgres
 *   connection whose packets vanish waits for TCP. The bound answers anyway.
 */
import { isGrpcServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Problem } from './problem.js';

export type Dependency = 'temporal' | 'postgres';

/** gRPC status codes that mean "the server did not answer", not "the server refused". */
const GRPC_UNANSWERED = new Map<number, string>([
  [1, 'the call was cancelled at its deadline'], // CANCELLED: the deadline fired while the call was being set up
  [4, 'no answer before the deadline'], // DEADLINE_EXCEEDED
  [8, 'the server is overloaded'], // RESOURCE_EXHAUSTED
  [14, 'the server cannot be reached'], // UNAVAILABLE
]);

/** Node socket errors and postgres.js' own connection errors. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * SQLSTATEs of a server that cannot serve now: connection exceptions (class 08), statement
 * timeout or cancel (57014), shutdown (57P01, 57P02), "not currently accepting connections" while
 * it starts or recovers (57P03), too many connections or out of resources (53xxx).
 */
const isUnservedSqlState = (code: string) => /^08/.test(code) || /^57(014|P0[1-3])$/.test(code) || /^53/.test(code);

export interface Outage {
  dependency: Dependency;
  why: string;
}

/** The outage an error stands for, or null when it is something else (a refusal, or a bug). */
export function outageOf(err: unknown): Outage | null {
  const seen = new Set<unknown>();
  const visit = (e: unknown): Outage | null => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return null;
    seen.add(e);
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      return { dependency: 'temporal', why: 'no answer before the deadline' };
    if (isGrpcServiceError(e)) {
      const why = GRPC_UNANSWERED.get(e.code);
      if (why) return { dependency: 'temporal', why: `${why} (${e.details || e.message})` };
    }
    const { code, message, severity } = e as { code?: unknown; message?: unknown; severity?: unknown };
    // postgres.js: a PostgresError carries the server's severity and SQLSTATE; connection errors a code of their own.
    if (typeof code === 'string' && typeof severity === 'string' && isUnservedSqlState(code))
      return { dependency: 'postgres', why: String(message) };
    if (typeof code === 'string' && CONNECTION_CODES.has(code))
      return { dependency: 'postgres', why: String(message || code) };
    for (const inner of [
      (e as { cause?: unknown }).cause,
      ...((e as { errors?: unknown }).errors instanceof Array ? (e as { errors: unknown[] }).errors : []),
    ]) {
      const found = visit(inner);
      if (found) return found;
    }
    return null;
  };
  return visit(err);
}

const NAMES: Record<Dependency, string> = { temporal: 'the Temporal server', postgres: 'the database' };

/** The 503 an outage answers; an action's says that its outcome is not known and how to learn it. */
export function outageProblem(outage: Outage, action: boolean): Problem {
  return unavailable(`${NAMES[outage.dependency]} did not answer: ${outage.why}`, action);
}

export const UNKNOWN_OUTCOME =
  'The action may still be carried out: send the same request again with the same Idempotency-Key to learn its outcome ' +
  '(it is applied at most once); without an Idempotency-Key, look before you send it again.';

export function unavailable(detail: string, action: boolean): Problem {
  return action
    ? new Problem('unavailable', `${detail}. ${UNKNOWN_OUTCOME}`, undefined, { outcome: 'unknown' })
    : new Problem('unavailable', `${detail}; try again shortly`);
}

export class BudgetExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = 'BudgetExceeded';
  }
}

/**
 * `work`, or a BudgetExceeded rejection once `ms` have passed. The work is not stopped (a promise
 * cannot be), only no longer awaited; its later failure is swallowed, not unhandled.
 */
export async function withinBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BudgetExceeded(ms)), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
