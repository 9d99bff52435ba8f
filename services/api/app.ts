/**
 * The HTTP API as a Hono app: /api/v1 (docs/api.md), the web UI at /, /docs and /openapi.json,
 * and /healthz, /readyz, /metrics. Every response carries an X-Request-Id; every error is
 * application/problem+json (HTML on the UI's pages); anything unexpected is a 500 without
 * internals, logged with the request id.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { AllocationCache } from '../../core/allocation-cache.js';
import type { ApiContext, AppEnv, Deps } from './context.js';
import { docRoutes } from './docs.js';
import { jsonLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { outageOf, outageProblem } from '../../core/outage.js';
import { Problem, PROBLEM_CONTENT_TYPE, type ProblemKind } from '../../core/problem.js';
import { Generations } from '../../core/records-feed.js';
import { adoptionApi } from './routes/adoptions.js';
import { allocationApi } from './routes/allocations.js';
import { cycleApi } from './routes/cycles.js';
import { executionApi } from './routes/execution.js';
import { measureApi } from './routes/measures.js';
import { opsRoutes } from './routes/ops.js';
import { partnershipApi } from './routes/partnerships.js';
import { prioritisationApi } from './routes/prioritisation.js';
import { securityHeaders } from './security.js';
import { API_BASE } from '../../schema/api.js';
import { createWebApp } from '../../web/app.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request, in one middleware: an X-Request-Id (a sane incoming one, else a new one), set
 * before the handler so that the response is built with it; then, once answered, its timing in
 * the metrics and one log line.
 */
function observe(metrics: Metrics, log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
    const seconds = (performance.now() - started) / 1000;
    const { method } = c.req;
    const { status } = c.res;
    const routePath = c.req.routePath; // a getter that builds a list: read once
    const route = status === 404 && routePath === '/*' ? 'unmatched' : routePath;
    metrics.observe(method, route, status, seconds);
    const principal = c.get('principal');
    log.log('info', 'request', {
      requestId,
      method,
      path: c.req.path,
      route,
      status,
      ms: Math.round(seconds * 10_000) / 10,
      ...(principal ? { sub: principal.sub } : {}),
    });
  };
}

const HTTP_KINDS: Record<number, ProblemKind> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'notFound',
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
};

/** A problem built through the context, so the headers the middleware set are part of it. */
const problemBody = (c: Context<AppEnv>, problem: Problem) =>
  c.body(JSON.stringify(problem.toJSON()), problem.status as 400, { 'content-type': PROBLEM_CONTENT_TYPE });

/**
 * Whether the request itself broke while it was read: the client went away, or Node's parser
 * refused the rest of its body (server.ts has answered 400 on the socket then). Its error, often
 * ECONNRESET, is the client's doing: neither a 500 nor an outage.
 */
function requestBroke(c: Context<AppEnv>): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return false;
  return incoming.errored != null || (incoming.destroyed && !incoming.complete);
}

function errorResponse(err: Error, c: Context<AppEnv>, log: Logger, retryAfterSeconds: number): Response {
  let problem: Problem;
  const broke = !(err instanceof Problem) && requestBroke(c);
  const outage = err instanceof Problem || broke ? null : outageOf(err);
  if (err instanceof Problem) problem = err;
  else if (broke) problem = new Problem('badRequest', `the request could not be read: ${err.message}`);
  else if (err instanceof HTTPException && HTTP_KINDS[err.status])
    problem = new Problem(HTTP_KINDS[err.status]!, err.message || 'refused');
  else if (outage) problem = outageProblem(outage, c.req.method !== 'GET' && c.req.method !== 'HEAD');
  else {
    const requestId = c.get('requestId');
    log.log('error', 'unexpected error', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      error: err.message,
      stack: err.stack,
    });
    problem = new Problem('internal', `something went wrong on our side; quote request id ${requestId}`);
  }
  if (problem.status === 503) c.header('retry-after', String(retryAfterSeconds));
  if (problem.status === 401) {
    c.header(
      'www-authenticate',
      c.req.header('authorization') ? 'Bearer realm="hoep", error="invalid_token"' : 'Bearer realm="hoep"',
    );
  }
  return problemBody(c, problem);
}

export function createApp(deps: Deps): Hono<AppEnv> {
  const log = deps.log ?? jsonLogger(deps.config.LOG_LEVEL);
  // Without a feed the generations never go live: every allocations read asks Postgres.
  const generations = deps.records?.generations ?? new Generations();
  const changes = deps.records ?? { changed: (cycleId: string) => generations.bump(cycleId) };
  const ctx: ApiContext = { ...deps, log, changes, allocations: new AllocationCache(deps.sql, generations) };
  const metrics = new Metrics();
  const app = new Hono<AppEnv>();

  app.use('*', observe(metrics, log), securityHeaders);
  const limit = bodyLimit({
    maxSize: deps.config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new Problem('payloadTooLarge', `the body is larger than ${deps.config.BODY_LIMIT_BYTES} bytes`);
    },
  });
  // GET and HEAD carry no body; asking for one would build a whole Request object per read.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next)));

  opsRoutes(app, ctx, metrics);
  docRoutes(app);
  // /api/v1: one sub-app per resource; each route module binds its endpoints of the route table.
  for (const resource of [
    partnershipApi,
    cycleApi,
    measureApi,
    prioritisationApi,
    adoptionApi,
    allocationApi,
    executionApi,
  ]) {
    app.route(API_BASE, resource(ctx));
  }

  // The web application (sign-in, pages, public pages) after the API's routes: /api/v1 stays the API's.
  app.route('/', createWebApp(ctx));

  app.notFound((c) => problemBody(c, new Problem('notFound', `no such resource: ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => errorResponse(err, c, log, deps.config.RETRY_AFTER_S));
  return app;
}
