/**
 * The HTTP API as a Hono app: /api/v1 (shared/API.md), the web UI at /, /docs and /openapi.json,
 * and /healthz, /readyz, /metrics. Every response carries an X-Request-Id; every error is
 * application/problem+json (HTML on the UI's pages); anything unexpected is a 500 without
 * internals, logged with the request id.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { AllocationCache } from './allocation-cache.js';
import type { ApiContext, AppEnv, Deps } from './context.js';
import { docRoutes } from './docs.js';
import { jsonLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { Problem, PROBLEM_CONTENT_TYPE, type ProblemKind } from './problem.js';
import { Generations } from './records-feed.js';
import { adoptionRoutes } from './routes/adoptions.js';
import { allocationRoutes } from './routes/allocations.js';
import { cycleRoutes } from './routes/cycles.js';
import { executionRoutes } from './routes/execution.js';
import { measureRoutes } from './routes/measures.js';
import { opsRoutes } from './routes/ops.js';
import { partnershipRoutes } from './routes/partnerships.js';
import { prioritisationRoutes } from './routes/prioritisation.js';
import { securityHeaders } from './security.js';
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

const HTTP_KINDS: Record<number, ProblemKind> = { 400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 413: 'payloadTooLarge', 415: 'unsupportedMediaType' };

/** A problem built through the context, so the headers the middleware set are part of it. */
const problemBody = (c: Context<AppEnv>, problem: Problem) =>
  c.body(JSON.stringify(problem.toJSON()), problem.status as 400, { 'content-type': PROBLEM_CONTENT_TYPE });

function errorResponse(err: Error, c: Context<AppEnv>, log: Logger): Response {
  let problem: Problem;
  if (err instanceof Problem) problem = err;
  else if (err instanceof HTTPException && HTTP_KINDS[err.status]) problem = new Problem(HTTP_KINDS[err.status]!, err.message || 'refused');
  else {
    const requestId = c.get('requestId');
    log.log('error', 'unexpected error', { requestId, method: c.req.method, path: c.req.path, error: err.message, stack: err.stack });
    problem = new Problem('internal', `something went wrong on our side; quote request id ${requestId}`);
  }
  if (problem.status === 401) {
    c.header('www-authenticate', c.req.header('authorization') ? 'Bearer realm="hoep", error="invalid_token"' : 'Bearer realm="hoep"');
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
  for (const routes of [partnershipRoutes, cycleRoutes, measureRoutes, prioritisationRoutes, adoptionRoutes, allocationRoutes, executionRoutes]) {
    routes(app, ctx);
  }

  // The web application (sign-in, pages, public pages) after the API's routes: /api/v1 stays the API's.
  app.route('/', createWebApp(ctx));

  app.notFound((c) => problemBody(c, new Problem('notFound', `no such resource: ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => errorResponse(err, c, log));
  return app;
}
