/**
 * Binds a handler to an entry of the route table (schema/api.ts `endpoints`). Before the handler
 * runs, in this order: the bearer token (401), the roles (403), the path (404 when it cannot name
 * anything), the partnership the path belongs to and, for municipal paths, the clerk's
 * municipality (403), the query (400), and the JSON body (415, 400, 422). A handler therefore
 * only ever sees a caller who may act and input that fits the contract.
 *
 * After the handler of an action (any method but GET) on a path with a cycle id, whatever its
 * outcome, the cycle is marked changed (ctx.changes) before the response goes out: the caller's
 * next read of that cycle is computed afresh, without waiting for Postgres' notification of the
 * write (records-feed.ts).
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { API_BASE, CYCLE_ID_PATTERN, type EndpointSpec } from '../../schema/api.js';
import { bearerToken, type Principal } from './auth.js';
import type { ApiContext, AppEnv } from './context.js';
import { Problem, type FieldError } from './problem.js';

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface Call<E extends EndpointSpec> {
  c: Context<AppEnv>;
  principal: Principal;
  params: Infer<E['params']>;
  query: Infer<E['query']>;
  body: Infer<E['body']>;
}

export type Handler<E extends EndpointSpec> = (call: Call<E>) => Promise<Response>;

/** zod issues as [{path, message}], one per field; paths are dotted ("items.0.grants.2027"). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = (path: PropertyKey[]) => path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'unknown field' }));
    return [{ path: at(issue.path), message: issue.message }];
  });
}

/** /cycles/{cid} -> /api/v1/cycles/:cid */
export const honoPath = (openApiPath: string) => API_BASE + openApiPath.replace(/\{(\w+)\}/g, ':$1');

/** The partnership a path names: `pid`, or the partnership part of a cycle id `cid`. */
function partnershipOf(params: Record<string, unknown>): string | null {
  if (typeof params.pid === 'string') return params.pid;
  if (typeof params.cid === 'string') return CYCLE_ID_PATTERN.exec(params.cid)?.[1] ?? null;
  return null;
}

async function authenticate(ctx: ApiContext, c: Context<AppEnv>): Promise<Principal> {
  const header = c.req.header('authorization');
  const token = bearerToken(header);
  if (!token) throw new Problem('unauthorized', header ? 'the Authorization header is not "Bearer <token>"' : 'sign in: send Authorization: Bearer <token>');
  return ctx.auth.verify(token);
}

function authorise(spec: EndpointSpec, principal: Principal): void {
  if (spec.roles === 'any') return;
  if (!spec.roles.some((r) => principal.roles.includes(r))) {
    throw new Problem('forbidden', `this needs one of the roles ${spec.roles.join(', ')}; you have ${principal.roles.join(', ')}`);
  }
}

function scope(params: Record<string, unknown>, principal: Principal): void {
  const partnership = partnershipOf(params);
  if (partnership !== null && partnership !== principal.partnership) {
    throw new Problem('forbidden', `your token is for the partnership ${principal.partnership}, not ${partnership}`);
  }
  if (typeof params.municipality === 'string' && principal.municipality !== params.municipality) {
    throw new Problem('forbidden', `a clerk acts for their own municipality only (${principal.municipality ?? 'none'}), not ${params.municipality}`);
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

async function readJson(c: Context<AppEnv>, schema: z.ZodType): Promise<unknown> {
  const type = c.req.header('content-type');
  if (!type || !JSON_TYPE.test(type.trim())) {
    throw new Problem('unsupportedMediaType', `send the body as application/json (UTF-8), not ${type ?? 'without a Content-Type'}`);
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new Problem('badRequest', 'the request body is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Problem('badRequest', `the body is not valid JSON: ${(e as Error).message}`);
  }
  const proto = protoKeyPaths(value);
  if (proto.length) {
    throw new Problem('invalidInput', 'the request body does not fit the contract', proto.map((path) => ({ path, message: '"__proto__" is not a key this API takes' })));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Problem('invalidInput', 'the request body does not fit the contract', fieldErrors(parsed.error));
  return parsed.data;
}

function parseOr(kind: 'notFound' | 'badRequest', detail: string, schema: z.ZodType | undefined, input: unknown): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Problem(kind, detail, fieldErrors(parsed.error));
  return parsed.data;
}

export function route<E extends EndpointSpec>(app: Hono<AppEnv>, ctx: ApiContext, spec: E, handler: Handler<E>): void {
  const acts = spec.method !== 'get';
  app.on(spec.method.toUpperCase(), honoPath(spec.path), async (c) => {
    const principal = await authenticate(ctx, c);
    c.set('principal', principal);
    authorise(spec, principal);
    const params = parseOr('notFound', 'the path names nothing this API knows', spec.params, c.req.param()) as Infer<E['params']>;
    scope((params ?? {}) as Record<string, unknown>, principal);
    const query = parseOr('badRequest', 'the query parameters are not valid', spec.query, c.req.query()) as Infer<E['query']>;
    const body = (spec.body ? await readJson(c, spec.body) : undefined) as Infer<E['body']>;
    const cycleId = acts ? (params as { cid?: unknown } | undefined)?.cid : undefined;
    if (typeof cycleId !== 'string') return handler({ c, principal, params, query, body });
    try {
      return await handler({ c, principal, params, query, body });
    } finally {
      // Also when it failed: an Update that timed out here may still have been applied.
      ctx.changes.changed(cycleId);
    }
  });
}
