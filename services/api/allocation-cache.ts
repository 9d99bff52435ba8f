/**
 * Computed allocations per cycle, kept until the cycle's records change. Each request waits for
 * an indexed revision lookup (records.revision, one query at a time per cycle, shared by the
 * requests that arrive meanwhile); the view and its renderings (JSON, CSV, XLSX, and gzip of the
 * text ones) are made once per revision. The revision also makes the ETags.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type postgres from 'postgres';
import type { Allocations } from '../../schema/allocations.js';
import { loadAllocations } from './allocations.js';
import { allocationsCsv } from './export-csv.js';
import { allocationsXlsx } from './export-xlsx.js';
import { RevisionReader } from './revisions.js';

export type Format = 'json' | 'csv' | 'xlsx';
export type FileFormat = Exclude<Format, 'json'>;
type Bytes = Uint8Array<ArrayBuffer>;

const gzipped = promisify(gzip);

export interface AllocationSnapshot {
  revision: string;
  allocations: Allocations;
  /** A strong ETag per representation: format and content encoding. */
  etag(format: Format, gzip: boolean): string;
  /** The rendering's bytes, made on first use and kept with the snapshot. */
  body(format: Format, gzip: boolean): Promise<Bytes>;
}

async function render(format: Format, a: Allocations): Promise<Bytes> {
  if (format === 'json') return Buffer.from(JSON.stringify(a));
  if (format === 'csv') return Buffer.from(allocationsCsv(a));
  return new Uint8Array(await allocationsXlsx(a));
}

function snapshot(revision: string, allocations: Allocations): AllocationSnapshot {
  const bodies = new Map<string, Promise<Bytes>>();
  const memo = (key: string, make: () => Promise<Bytes>) => {
    let body = bodies.get(key);
    if (!body) bodies.set(key, (body = make()));
    return body;
  };
  const plain = (format: Format) => memo(format, () => render(format, allocations));
  return {
    revision,
    allocations,
    etag: (format, gzip) => `"${revision}.${format}${gzip ? '.gz' : ''}"`,
    body: (format, gzip) => (gzip ? memo(`${format}.gz`, async () => new Uint8Array(await gzipped(await plain(format)))) : plain(format)),
  };
}

export class AllocationCache {
  /** Most recently used last, so the first is the one to evict. */
  private readonly entries = new Map<string, { revision: string; snapshot: Promise<AllocationSnapshot | null> }>();
  private readonly reader: RevisionReader;

  constructor(
    private readonly sql: postgres.Sql,
    private readonly capacity = 64,
  ) {
    this.reader = new RevisionReader(sql);
  }

  /** The cycle's allocations as of now, or null when there is no such cycle. */
  async get(cycleId: string): Promise<AllocationSnapshot | null> {
    const revision = await this.reader.read(cycleId);
    if (revision === null) return null;
    let entry = this.entries.get(cycleId);
    this.entries.delete(cycleId);
    if (entry?.revision !== revision) {
      const made = { revision, snapshot: loadAllocations(this.sql, cycleId).then((a) => (a ? snapshot(revision, a) : null)) };
      made.snapshot.catch(() => {
        if (this.entries.get(cycleId) === made) this.entries.delete(cycleId);
      });
      entry = made;
    }
    this.entries.set(cycleId, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry.snapshot;
  }
}
