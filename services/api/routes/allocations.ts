/**
 * The allocations of a cycle as JSON, CSV or XLSX (chosen by ?format= or the Accept header),
 * served from the allocation cache with an ETag so an unchanged cycle answers 304.
 */
import type { Context, Hono } from 'hono';
import { endpoints } from '../../../schema/api.js';
import type { AllocationSnapshot, FileFormat } from '../allocation-cache.js';
import { exportFileName } from '../allocation-tables.js';
import type { ApiContext, AppEnv } from '../context.js';
import { route } from '../endpoint.js';
import { Problem } from '../problem.js';

type Format = 'json' | FileFormat;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: XLSX_TYPE,
};
const BY_MEDIA_RANGE: Record<string, Format> = {
  'application/json': 'json',
  'application/*': 'json',
  '*/*': 'json',
  'text/csv': 'csv',
  'text/*': 'csv',
  [XLSX_TYPE]: 'xlsx',
};

/** The format the Accept header prefers (highest q, then its order); json without a header; null when nothing fits. */
export function negotiate(accept: string | undefined): Format | null {
  if (!accept?.trim()) return 'json';
  const ranges = accept.split(',').map((part, order) => {
    const [range = '', ...parameters] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(parameters.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { format: BY_MEDIA_RANGE[range], q: Number.isFinite(q) ? q : 0, order };
  });
  const best = ranges.filter((r) => r.format && r.q > 0).sort((a, b) => b.q - a.q || a.order - b.order)[0];
  return best?.format ?? null;
}

const etagMatches = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);

export function allocationRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  route(app, ctx, endpoints.getAllocations, async ({ c, params, query }) => {
    const format = query.format ?? negotiate(c.req.header('accept'));
    if (!format) throw new Problem('notAcceptable', `allocations come as ${Object.values(CONTENT_TYPES).join(', ')}`);
    const snapshot = await ctx.allocations.get(params.cid);
    if (!snapshot) throw new Problem('notFound', `no cycle ${params.cid}`);
    const etag = snapshot.etag(format);
    const headers: Record<string, string> = { etag, 'cache-control': 'private, no-cache', vary: 'Accept, Authorization' };
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
    if (format === 'json') return c.body(snapshot.json, 200, { ...headers, 'content-type': CONTENT_TYPES.json });
    return sendFile(c, snapshot, format, headers);
  });
}

/** A CSV or XLSX rendering of the allocations as a download. */
export async function sendFile(c: Context<AppEnv>, snapshot: AllocationSnapshot, format: FileFormat, headers: Record<string, string> = {}): Promise<Response> {
  const content = await snapshot.file(format);
  return c.body(typeof content === 'string' ? content : new Uint8Array(content), 200, {
    ...headers,
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${exportFileName(snapshot.allocations.cycle, format)}"`,
  });
}
