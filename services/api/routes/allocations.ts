/**
 * The allocations of a cycle as JSON, CSV or XLSX (chosen by ?format= or the Accept header),
 * served from the allocation cache with an ETag so an unchanged cycle answers 304.
 */
import { Hono, type Context } from 'hono';
import { endpoints } from '../../../schema/api.js';
import { snapshot as snapshotOf, type AllocationSnapshot, type Format } from '../../../core/allocation-cache.js';
import { allocationReader, forMunicipality } from '../../../core/allocations.js';
import { exportFileName } from '../../../core/allocation-tables.js';
import type { Principal } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { route } from '../endpoint.js';
import { Problem } from '../../../core/problem.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: XLSX_TYPE,
};
/** Keyed by the client's Accept header, so a Map: "constructor" or "__proto__" must name no format. */
const BY_MEDIA_RANGE = new Map<string, Format>([
  ['application/json', 'json'],
  ['application/*', 'json'],
  ['*/*', 'json'],
  ['text/csv', 'csv'],
  ['text/*', 'csv'],
  [XLSX_TYPE, 'xlsx'],
]);

/** The entries of an Accept-style header with their quality, in the header's order. */
function weighted(header: string): { value: string; q: number; order: number }[] {
  return header.split(',').map((part, order) => {
    const [value = '', ...parameters] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(parameters.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { value, q: Number.isFinite(q) ? q : 0, order };
  });
}

/** The format the Accept header prefers (highest q, then its order); json without a header; null when nothing fits. */
export function negotiate(accept: string | undefined): Format | null {
  if (!accept?.trim()) return 'json';
  const acceptable = weighted(accept)
    .map((r) => ({ ...r, format: BY_MEDIA_RANGE.get(r.value) }))
    .filter((r) => r.format && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return acceptable[0]?.format ?? null;
}

const etagMatches = (header: string | undefined, etags: string[]) =>
  header !== undefined &&
  header.split(',').some((t) => t.trim() === '*' || etags.includes(t.trim().replace(/^W\//, '')));

/** True when Accept-Encoding takes gzip (by name or by *) with a quality above zero. */
export function acceptsGzip(header: string | undefined): boolean {
  const q = new Map(weighted(header ?? '').map((r) => [r.value, r.q]));
  return (q.get('gzip') ?? q.get('*') ?? 0) > 0;
}

/** The view this caller may read: all of it, or a clerk's own municipality's shares (core/allocations.ts forMunicipality). */
function viewFor(principal: Principal, full: AllocationSnapshot): AllocationSnapshot {
  const reader = allocationReader(principal.roles, principal.municipality);
  // The route's roles have let the caller in already; a clerk without a municipality is refused by the token check.
  if (reader === 'all' || reader === null) return full;
  return snapshotOf({ revision: `${full.version}:${reader}`, allocations: forMunicipality(full.allocations, reader) });
}

/** The allocations resource as a sub-app of the API, mounted at {API_BASE} (services/api/app.ts). */
export function allocationApi(ctx: ApiContext): Hono<AppEnv> {
  const api = new Hono<AppEnv>();
  route(api, ctx, endpoints.getAllocations, async ({ c, principal, params, query }) => {
    const format = query.format ?? negotiate(c.req.header('accept'));
    if (!format) throw new Problem('notAcceptable', `allocations come as ${Object.values(CONTENT_TYPES).join(', ')}`);
    const full = await ctx.allocations.get(params.cid);
    if (!full) throw new Problem('notFound', `no cycle ${params.cid}`);
    const snapshot = viewFor(principal, full);
    // xlsx is a zip archive already; the text renderings go gzipped to clients that take it.
    const gzip = format !== 'xlsx' && acceptsGzip(c.req.header('accept-encoding'));
    const etag = snapshot.etag(format, gzip);
    const headers: Record<string, string> = {
      etag,
      'cache-control': 'private, no-cache',
      vary: 'Accept, Accept-Encoding, Authorization',
    };
    if (etagMatches(c.req.header('if-none-match'), [snapshot.etag(format, false), snapshot.etag(format, true)]))
      return c.body(null, 304, headers);
    if (gzip) headers['content-encoding'] = 'gzip';
    return send(c, snapshot, format, gzip, headers);
  });
  return api;
}

/** A rendering of the allocations; CSV and XLSX as downloads. */
export async function send(
  c: Context<AppEnv>,
  snapshot: AllocationSnapshot,
  format: Format,
  gzip = false,
  headers: Record<string, string> = {},
): Promise<Response> {
  return c.body(await snapshot.body(format, gzip), 200, {
    ...headers,
    'content-type': CONTENT_TYPES[format],
    ...(format === 'json'
      ? {}
      : { 'content-disposition': `attachment; filename="${exportFileName(snapshot.allocations.cycle, format)}"` }),
  });
}
