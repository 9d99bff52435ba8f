/**
 * Computed allocations per cycle, kept until the cycle's records change. Each request waits for
 * an indexed revision lookup (records.revision, shared by concurrent requests); the view, its JSON and its files are computed once
 * per revision and shared by concurrent requests. The revision also serves as the ETag.
 */
import type postgres from 'postgres';
import type { Allocations } from '../../schema/allocations.js';
import { loadAllocations } from './allocations.js';
import { allocationsCsv } from './export-csv.js';
import { allocationsXlsx } from './export-xlsx.js';
import { RevisionReader } from './revisions.js';

export type FileFormat = 'csv' | 'xlsx';

export interface AllocationSnapshot {
  revision: string;
  allocations: Allocations;
  /** The JSON, encoded once: the bytes every 200 answer sends. */
  json: Uint8Array<ArrayBuffer>;
  etag(format: 'json' | FileFormat): string;
  file(format: FileFormat): Promise<string | Buffer>;
}

function snapshot(revision: string, allocations: Allocations): AllocationSnapshot {
  const files = new Map<FileFormat, Promise<string | Buffer>>();
  return {
    revision,
    allocations,
    json: Buffer.from(JSON.stringify(allocations)),
    etag: (format) => `"${revision}.${format}"`,
    file(format) {
      let file = files.get(format);
      if (!file) {
        file = format === 'csv' ? Promise.resolve(allocationsCsv(allocations)) : allocationsXlsx(allocations);
        files.set(format, file);
      }
      return file;
    },
  };
}

export class AllocationCache {
  private readonly entries = new Map<string, Promise<AllocationSnapshot | null>>();
  private readonly revisions = new Map<string, string>();
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
    const cached = this.entries.get(cycleId);
    if (cached && this.revisions.get(cycleId) === revision) {
      // Most recently used last, so the oldest is evicted first.
      this.entries.delete(cycleId);
      this.entries.set(cycleId, cached);
      return cached;
    }
    const computed = loadAllocations(this.sql, cycleId).then((a) => (a ? snapshot(revision, a) : null));
    this.entries.delete(cycleId);
    this.entries.set(cycleId, computed);
    this.revisions.set(cycleId, revision);
    computed.catch(() => {
      if (this.entries.get(cycleId) === computed) {
        this.entries.delete(cycleId);
        this.revisions.delete(cycleId);
      }
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
      this.revisions.delete(oldest);
    }
    return computed;
  }
}
