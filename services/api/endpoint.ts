/**
 * Binds a handler to an entry of the route table (schema/api.ts `endpoints`). Before the handler
 * runs, in this order: the bearer token (401), the roles (403), the path (404 when it cannot name
 * anything), the partnership the path belongs to and, for municipal paths, the clerk's
 * municipality (403), the query (400), the JSON body (415, 400, 422) and, for an action with an
 * Idempotency-Key, the key (400; 422 when it was used for another request; the stored answer when
 * the same request was answered before). A handler therefore only ever sees a caller who may act
 * and input that fits the contract. The whole runs within the request's budget (503 after it).
 *
 * After the handler of an action (any method but GET) on a path with a cycle id, whatever its
 * outcome, the cycle is marked changed (ctx.changes) before the response goes out: the caller's
 * next read of that cycle is computed afresh, without waiting for Postgres' notification of the
 * write (records-feed.ts).
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { CYCLE_ID_PATTERN, type EndpointSpec } from '../../schema/api.js';
import { bearerToken, type Principal } from './auth.js';
import type { ApiContext, AppEnv } from './context.js';
import { BudgetExceeded, outageOf, outageProblem, unavailable, withinBudget } from '../../core/outage.js';
import {
  claim,
  IDEMPOTENCY_HEADER,
  idempotencyKey,
  idempotentRequest,
  remember,
  type IdempotentRequest,
  type StoredAnswer,
} from '../../core/idempotency.js';
import { Problem, PROBLEM_CONTENT_TYPE, type FieldError } from '../../core/problem.js';

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface Call<E extends EndpointSpec> {
  c: Context<AppEnv>;
  principal: Principal;
  params: Infer<E['params']>;
  query: Infer<E['query']>;
  body: Infer<E['body']>;
  /**
   * With an Idempotency-Key: the id that carries it to Temporal (the Update id, or the start's
   * memo), the same for every retry of the request (services/api/idempotency.ts).
   */
  operationId: string | undefined;
}

export type Handler<E extends EndpointSpec> = (call: Call<E>) => Promise<Response>;

/** zod issues as [{path, message}], one per field; paths are dotted ("items.0.grants.2027"). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = (path: PropertyKey[]) => path.map(String).join('.');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'unknown field' }));
    return [{ path: at(issue.path), message: issue.message }];
  });
}

/** /cycles/{cid} -> /cycles/:cid, the path within the API's sub-apps (mounted at API_BASE, /api/v1). */
export const honoPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1');

/** The partnership a path names: `pid`, or the partnership part of a cycle id `cid`. */
function partnershipOf(params: Record<string, unknown>): string | null {
  if (typeof params.pid === 'string') return params.pid;
  if (typeof params.cid === 'string') return CYCLE_ID_PATTERN.exec(params.cid)?.[1] ?? null;
  return null;
}

async function authenticate(ctx: ApiContext, c: Context<AppEnv>): Promise<Principal> {
  const header = c.req.header('authorization');
  const token = bearerToken(header);
  if (!token)
    throw new Problem(
      'unauthorized',
      header ? 'the Authorization header is not "Bearer <token>"' : 'sign in: send Authorization: Bearer <token>',
    );
  return ctx.auth.verify(token);
}

function authorise(spec: EndpointSpec, principal: Principal): void {
  if (spec.roles === 'any') return;
  if (!spec.roles.some((r) => principal.roles.includes(r))) {
    throw new Problem(
      'forbidden',
      `this needs one of the roles ${spec.roles.join(', ')}; you have ${principal.roles.join(', ')}`,
    );
  }
}

function scope(params: Record<string, unknown>, principal: Principal): void {
  const partnership = partnershipOf(params);
  if (partnership !== null && partnership !== principal.partnership) {
    throw new Problem('forbidden', `your token is for the partnership ${principal.partnership}, not ${partnership}`);
  }
  if (typeof params.municipality === 'string' && principal.municipality !== params.municipality) {
    throw new Problem(
      'forbidden',
      `a clerk acts for their own municipality only (${principal.municipality ?? 'none'}), not ${params.municipality}`,
    );
  }
}

const JSON_TYPE = /^application\/json\s*(;\s*charset=("?)utf-8\2\s*)?$/i;

/**
 * The paths of every own `__proto__` key in a parsed body. JSON.parse makes `"__proto__"` an own
 * property, but zod's records skip it (assigning it would set the prototype), so a money map such
 * as `grants {"__proto__": "1.00"}` would pass as `{}` and be stored empty. No key of this API is
 * named so; refusing it here covers every map of every body, present and future.
 */
export function protoKeyPaths(value: unknown, at: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const here = Object.prototype.hasOwnProperty.call(value, '__proto__') ? [[...at, '__proto__'].join('.')] : [];
  return [...here, ...Object.entries(value).flatMap(([key, child]) => protoKeyPaths(child, [...at, key]))];
}

/** The body as parsed JSON (`raw`, what an Idempotency-Key's fingerprint covers) and as the contract reads it (`data`). */
async function readJson(c: Context<AppEnv>, schema: z.ZodType): Promise<{ raw: unknown; data: unknown }> {
  const type = c.req.header('content-type');
  if (!type || !JSON_TYPE.test(type.trim())) {
    throw new Problem(
      'unsupportedMediaType',
      `send the body as application/json (UTF-8), not ${type ?? 'without a Content-Type'}`,
    );
  }
  let text: string;
  try {
    text = await c.req.text();
  } catch (e) {
    // The body stream failed: the client went away, or Node's parser refused the rest of the body
    // (a malformed chunk; server.ts has already answered 400 on the socket). The client's doing,
    // never a 500, and nothing is done with half a body.
    throw new Problem('badRequest', `the request body could not be read: ${(e as Error).message}`);
  }
  if (text.trim() === '') throw new Problem('badRequest', 'the request body is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Problem('badRequest', `the body is not valid JSON: ${(e as Error).message}`);
  }
  const proto = protoKeyPaths(value);
  if (proto.length) {
    throw new Problem(
      'invalidInput',
      'the request body does not fit the contract',
      proto.map((path) => ({ path, message: '"__proto__" is not a key this API takes' })),
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Problem('invalidInput', 'the request body does not fit the contract', fieldErrors(parsed.error));
  return { raw: value, data: parsed.data };
}

function parseOr(
  kind: 'notFound' | 'badRequest',
  detail: string,
  schema: z.ZodType | undefined,
  input: unknown,
): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Problem(kind, detail, fieldErrors(parsed.error));
  return parsed.data;
}

/** The stored answer to an earlier identical request, marked as such. */
function replay(c: Context<AppEnv>, answer: StoredAnswer): Response {
  const headers: Record<string, string> = { 'content-type': answer.contentType, 'idempotent-replayed': 'true' };
  if (answer.location) headers.location = answer.location;
  return c.body(answer.body, answer.status as 200, headers);
}

/** Runs the action and keeps its final answer (a success or a refusal; not a 5xx, whose outcome is unknown) for retries. */
async function answerOnce(
  ctx: ApiContext,
  request: IdempotentRequest,
  act: () => Promise<Response>,
): Promise<Response> {
  let response: Response;
  try {
    response = await act();
  } catch (err) {
    if (err instanceof Problem && err.status < 500) {
      await remember(ctx.sql, request, {
        status: err.status,
        contentType: PROBLEM_CONTENT_TYPE,
        location: null,
        body: JSON.stringify(err.toJSON()),
      });
    }
    throw err;
  }
  if (response.status < 500) {
    const answer = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/json',
      location: response.headers.get('location'),
      body: await response.clone().text(),
    };
    await remember(ctx.sql, request, answer);
  }
  return response;
}

/**
 * Every request has a budget: ACTION_TIMEOUT_MS for an action, READ_TIMEOUT_MS for a read. The
 * Temporal calls made for it carry the budget's end as their gRPC deadline; whatever still waits
 * when it is spent (a Temporal client retrying, a Postgres connection that went silent) is no
 * longer awaited, and the answer is a 503 with Retry-After. So is any outage of Temporal or
 * Postgres met before that (services/api/outage.ts). An action's 503 says its outcome is unknown.
 */
async function withinRequestBudget(ctx: ApiContext, acts: boolean, handle: () => Promise<Response>): Promise<Response> {
  const budget = acts ? ctx.config.ACTION_TIMEOUT_MS : ctx.config.READ_TIMEOUT_MS;
  try {
    return await withinBudget(ctx.temporal.withDeadline(Date.now() + budget, handle), budget);
  } catch (err) {
    if (err instanceof BudgetExceeded)
      throw unavailable(`no answer from the workflow or the database within ${budget / 1000} s`, acts);
    const outage = outageOf(err);
    if (outage) throw outageProblem(outage, acts);
    throw err;
  }
}

/** Binds `handler` to the endpoint `spec` on a resource's sub-app (its path relative to API_BASE). */
export function route<E extends EndpointSpec>(app: Hono<AppEnv>, ctx: ApiContext, spec: E, handler: Handler<E>): void {
  const acts = spec.method !== 'get';
  app.on(spec.method.toUpperCase(), honoPath(spec.path), (c) => withinRequestBudget(ctx, acts, () => handle(c)));

  async function handle(c: Context<AppEnv>): Promise<Response> {
    const principal = await authenticate(ctx, c);
    c.set('principal', principal);
    authorise(spec, principal);
    const params = parseOr('notFound', 'the path names nothing this API knows', spec.params, c.req.param()) as Infer<
      E['params']
    >;
    scope((params ?? {}) as Record<string, unknown>, principal);
    const query = parseOr('badRequest', 'the query parameters are not valid', spec.query, c.req.query()) as Infer<
      E['query']
    >;
    const json = spec.body ? await readJson(c, spec.body) : { raw: undefined, data: undefined };
    const body = json.data as Infer<E['body']>;
    const key = acts ? idempotencyKey(c.req.header(IDEMPOTENCY_HEADER)) : null;
    const idempotent = key === null ? null : idempotentRequest(principal.sub, key, c.req.method, c.req.path, json.raw);
    if (idempotent) {
      const answered = await claim(ctx.sql, idempotent);
      if (answered) return replay(c, answered);
    }
    const call = { c, principal, params, query, body, operationId: idempotent?.operationId };
    const cycleId = acts ? (params as { cid?: unknown } | undefined)?.cid : undefined;
    try {
      return await (idempotent ? answerOnce(ctx, idempotent, () => handler(call)) : handler(call));
    } finally {
      // Also when it failed: an Update that timed out here may still have been applied.
      if (typeof cycleId === 'string') ctx.changes.changed(cycleId);
    }
  }
}
