/**
 * Computed allocations per cycle, kept until the cycle's records change. Whether a kept snapshot is
 * still current is answered, per request, in one of two ways:
 *
 * - while the records feed listens (records-feed.ts): in memory, by the cycle's generation. A
 *   snapshot is current when the cycle's generation is the one read when its load started; a
 *   notification for the cycle (or an action of this API on it, endpoint.ts) changes the
 *   generation, so the next request loads again. No query per request.
 * - otherwise (the feed not listening yet, or its connection lost): by asking Postgres for the
 *   cycle's revision (records.revision through RevisionReader, one query at a time per cycle,
 *   shared by the requests that arrive meanwhile), as every request did before the feed.
 *
 * So a read sees every write whose notification arrived before it, and every write of this API's
 * own actions; a write committed elsewhere (the worker on a timer, another API replica) shows from
 * the moment its notification arrives (typically well under a millisecond after the commit; the
 * window is described in records-feed.ts). The view and its renderings (JSON, CSV, XLSX, and gzip
 * of the text ones) are made once per snapshot (a failed one again on the next request), the XLSX
 * in a workbook thread (workbook-threads.ts). A load reads the cycle's revision first; the ETags
 * are a digest of that revision and the view's JSON, so they change with every change to the
 * cycle's records, and two loads (two replicas) that tag the same revision agree on the content.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type postgres from 'postgres';
import type { Allocations } from '../schema/allocations.js';
import { loadAllocations } from './allocations.js';
import { allocationsCsv } from './export-csv.js';
import { allocationsXlsx } from './export-xlsx.js';
import * as records from './records.js';
import type { Generations } from './records-feed.js';
import { RevisionReader } from './revisions.js';

export type Format = 'json' | 'csv' | 'xlsx';
export type FileFormat = Exclude<Format, 'json'>;
type Bytes = Uint8Array<ArrayBuffer>;

const gzipped = promisify(gzip);

export interface AllocationSnapshot {
  /** a digest of the cycle's revision and the allocations' JSON, the stem of every ETag */
  version: string;
  allocations: Allocations;
  /** A strong ETag per representation: format and content encoding. */
  etag(format: Format, gzip: boolean): string;
  /** The rendering's bytes, made on first use and kept with the snapshot. */
  body(format: Format, gzip: boolean): Promise<Bytes>;
}

async function render(format: FileFormat, a: Allocations): Promise<Bytes> {
  if (format === 'csv') return Buffer.from(allocationsCsv(a));
  return new Uint8Array(await allocationsXlsx(a));
}

export function snapshot({ revision, allocations }: Loaded): AllocationSnapshot {
  const json: Bytes = Buffer.from(JSON.stringify(allocations));
  const version = createHash('sha256').update(revision).update('\n').update(json).digest('base64url').slice(0, 27);
  const bodies = new Map<string, Promise<Bytes>>([['json', Promise.resolve(json)]]);
  const memo = (key: string, make: () => Promise<Bytes>) => {
    let body = bodies.get(key);
    if (!body) {
      const made = make();
      // A failed rendering is not kept (a workbook thread that died): the next request makes it again.
      made.catch(() => bodies.get(key) === made && bodies.delete(key));
      bodies.set(key, (body = made));
    }
    return body;
  };
  const plain = (format: Format) => memo(format, () => render(format as FileFormat, allocations));
  return {
    version,
    allocations,
    etag: (format, gzip) => `"${version}.${format}${gzip ? '.gz' : ''}"`,
    body: (format, gzip) =>
      gzip ? memo(`${format}.gz`, async () => new Uint8Array(await gzipped(await plain(format)))) : plain(format),
  };
}

interface Entry {
  /** the cycle's generation when the load started, the feed listening; else null */
  generation: number | null;
  /** the revision read before the load, the feed not listening; else null */
  revision: string | null;
  snapshot: Promise<AllocationSnapshot | null>;
}

export interface Loaded {
  /** records.revision, read before the allocations */
  revision: string;
  allocations: Allocations;
}

/** The cycle's revision and allocations, or null when there is no such cycle. */
export type Load = (cycleId: string) => Promise<Loaded | null>;

async function load(sql: postgres.Sql, cycleId: string): Promise<Loaded | null> {
  const revision = await records.revision(sql, cycleId);
  if (revision === null) return null;
  const allocations = await loadAllocations(sql, cycleId);
  return allocations ? { revision, allocations } : null;
}

export class AllocationCache {
  /** Most recently used last, so the first is the one to evict. */
  private readonly entries = new Map<string, Entry>();
  private readonly reader: RevisionReader;
  private readonly load: Load;
  private readonly capacity: number;
  /** How often the cache loaded a cycle and asked Postgres for a revision (tests and diagnostics). */
  readonly stats = { loads: 0, revisionReads: 0 };

  constructor(
    sql: postgres.Sql,
    private readonly generations: Pick<Generations, 'of'>,
    options: { capacity?: number; load?: Load; reader?: RevisionReader } = {},
  ) {
    this.capacity = options.capacity ?? 64;
    this.load = options.load ?? ((cycleId) => load(sql, cycleId));
    this.reader = options.reader ?? new RevisionReader(sql);
  }

  /** The cycle's allocations as of now, or null when there is no such cycle. */
  get(cycleId: string): Promise<AllocationSnapshot | null> {
    const generation = this.generations.of(cycleId);
    if (generation === null) return this.getByRevision(cycleId);
    const entry = this.entries.get(cycleId);
    if (entry && entry.generation === generation) return this.keep(cycleId, entry).snapshot;
    return this.start(cycleId, generation, null);
  }

  private async getByRevision(cycleId: string): Promise<AllocationSnapshot | null> {
    this.stats.revisionReads += 1;
    const revision = await this.reader.read(cycleId);
    if (revision === null) return null;
    const entry = this.entries.get(cycleId);
    if (entry && entry.revision === revision) return this.keep(cycleId, entry).snapshot;
    return this.start(cycleId, null, revision);
  }

  private start(
    cycleId: string,
    generation: number | null,
    revision: string | null,
  ): Promise<AllocationSnapshot | null> {
    this.stats.loads += 1;
    const entry: Entry = { generation, revision, snapshot: this.load(cycleId).then((a) => (a ? snapshot(a) : null)) };
    // No such cycle is not kept: the cycle may be started next (by a path without its id).
    const forget = () => {
      if (this.entries.get(cycleId) === entry) this.entries.delete(cycleId);
    };
    entry.snapshot.then((s) => {
      if (!s) forget();
    }, forget);
    return this.keep(cycleId, entry).snapshot;
  }

  private keep(cycleId: string, entry: Entry): Entry {
    this.entries.delete(cycleId);
    this.entries.set(cycleId, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
