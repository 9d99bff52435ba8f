/**
 * The OpenAPI 3.1 document, built from the route table and the zod schemas that validate the
 * requests (schema/api.ts): component schemas come from z.toJSONSchema, paths from the table.
 */
import { z } from 'zod';
import { API_BASE, endpoints, requestSchemas, responseSchemas, type EndpointSpec } from '../../schema/api.js';

type JsonSchema = Record<string, unknown>;
type Registry = typeof requestSchemas;

/**
 * What z.toJSONSchema reads a schema's metadata from: the side's own registry (ids, and the
 * descriptions of named schemas) over zod's global registry (the field descriptions of .describe()).
 */
function described(registry: Registry): Registry {
  const get = (schema: z.ZodType) => {
    const [field, own] = [z.globalRegistry.get(schema), registry.get(schema)];
    return field || own ? { ...field, ...own } : undefined;
  };
  return { get } as unknown as Registry;
}
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Strips the per-document keywords z.toJSONSchema adds; OpenAPI components need neither. */
function bare(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function components(): Record<string, JsonSchema> {
  const side = (registry: Registry, io: 'input' | 'output') =>
    z.toJSONSchema(registry, { io, metadata: described(registry), uri: (id) => `#/components/schemas/${id}` });
  const sides = [side(requestSchemas, 'input'), side(responseSchemas, 'output')];
  const all: Record<string, JsonSchema> = {};
  for (const side of sides) {
    for (const [id, schema] of Object.entries(side.schemas)) {
      const clean = bare(schema as JsonSchema);
      if (all[id] && JSON.stringify(all[id]) !== JSON.stringify(clean))
        throw new Error(`schema ${id} differs between requests and responses`);
      all[id] = clean;
    }
  }
  return all;
}

/** A schema inline, with named sub-schemas as references to the components. */
function inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const registry = io === 'input' ? requestSchemas : responseSchemas;
  const id = registry.get(schema)?.id;
  if (id) return ref(id);
  const { $defs: _defs, ...json } = bare(z.toJSONSchema(schema, { io, metadata: described(registry) }) as JsonSchema);
  return JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

function parameters(spec: EndpointSpec) {
  const of = (where: 'path' | 'query', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => {
      const schema = inline(field as z.ZodType, 'input');
      return {
        name,
        in: where,
        required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
        ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
        schema,
      };
    });
  const idempotency = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'A key of the client\'s choosing (IETF httpapi idempotency-key draft), e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324": the same key ' +
      'with the same request returns the first answer and acts once (also after a 503 whose outcome was unknown); the same key with ' +
      'another method, path or body is 422. A replayed answer carries Idempotent-Replayed: true. Keys are kept 24 hours ' +
      '(IDEMPOTENCY_KEY_TTL_H); a key sent after that is a new request.',
    schema: { type: 'string', minLength: 1, maxLength: 257 },
  };
  return [...of('path', spec.params), ...of('query', spec.query), ...(spec.method === 'get' ? [] : [idempotency])];
}

function responses(spec: EndpointSpec) {
  const { success } = spec;
  const content: Record<string, unknown> = { 'application/json': { schema: inline(success.schema, 'output') } };
  for (const type of success.files ?? []) content[type] = { schema: { type: 'string', format: 'binary' } };
  const refusals: Record<number, string> = {
    400: 'malformed JSON or query',
    401: 'missing, expired or forged token',
    403: 'a role, partnership or municipality that may not do this',
    406: 'no acceptable format',
    409: 'not allowed in the cycle’s phase, or a conflict (already exists, already voted)',
    413: 'body over the size limit',
    404: 'unknown id',
    415: 'body not application/json',
    422: 'input that breaks the contract or the domain rules, with errors [{path, message}]',
    503:
      spec.method === 'get'
        ? "Temporal, its worker or Postgres did not answer within the read's budget (READ_TIMEOUT_MS); try again after Retry-After"
        : "Temporal, its worker or Postgres did not answer within the action's budget (ACTION_TIMEOUT_MS); the outcome is unknown " +
          '(`outcome: "unknown"`): send the request again, with the same Idempotency-Key, after Retry-After',
  };
  const actionCodes = spec.method === 'get' ? [] : [400, 422];
  const codes = new Set<number>([
    401,
    403,
    ...(spec.params ? [404] : []),
    ...(spec.body ? [413, 415] : []),
    ...actionCodes,
    ...(spec.refusals ?? []),
    503,
  ]);
  const documented: Record<string, unknown> = { [success.status]: { description: success.description, content } };
  [...codes].sort().forEach((code) => (documented[code] = problem(refusals[code]!)));
  (documented[503] as { headers?: unknown }).headers = {
    'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
  };
  return documented;
}

function operation(operationId: string, spec: EndpointSpec) {
  const roles = spec.roles === 'any' ? 'any signed-in user of the partnership' : spec.roles.join(', ');
  return {
    operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: [spec.description, `Who: ${roles}.`].filter(Boolean).join('\n\n'),
    'x-roles': spec.roles,
    security: [{ bearer: [] }],
    parameters: parameters(spec),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: inline(spec.body, 'input') } } } }
      : {}),
    responses: responses(spec),
  };
}

const opsPaths = {
  '/healthz': {
    get: { tags: ['ops'], summary: 'The process is alive', responses: { 200: { description: '{"status":"ok"}' } } },
  },
  '/readyz': {
    get: {
      tags: ['ops'],
      summary: 'Temporal and Postgres answer, and a worker polls the task queue',
      responses: { 200: { description: 'ready' }, 503: { description: 'names what does not answer' } },
    },
  },
  '/metrics': {
    get: {
      tags: ['ops'],
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'text exposition format' } },
    },
  },
};

function build() {
  const paths: Record<string, Record<string, unknown>> = { ...opsPaths };
  for (const [operationId, spec] of Object.entries(endpoints) as [string, EndpointSpec][]) {
    const path = `${API_BASE}${spec.path}`;
    (paths[path] ??= {})[spec.method] = operation(operationId, spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'HØP engine',
      version: '1',
      description:
        'The yearly action-and-economy plan (HØP) of a regional business partnership. Money is a decimal string with two decimals (NOK); errors are application/problem+json.',
    },
    servers: [{ url: '/' }],
    tags: ['partnerships', 'cycles', 'measures', 'prioritisation', 'adoptions', 'allocations', 'execution', 'ops'].map(
      (name) => ({ name }),
    ),
    paths,
    components: {
      schemas: components(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

let document: ReturnType<typeof build> | null = null;

export function openApiDocument(): ReturnType<typeof build> {
  document ??= build();
  return document;
}
