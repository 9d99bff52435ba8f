/**
 * Reads a cycle's revision (records.revision) for many concurrent requests with one query at a
 * time per cycle. A request never takes the answer of a query that started before it arrived:
 * it waits for the next query, so it sees every write committed before it came in. The allocation
 * cache asks it only while the records feed does not listen (records-feed.ts).
 */
import type postgres from 'postgres';
import * as records from './records.js';

interface InFlight {
  current: Promise<string | null>;
  /** the query that starts when `current` settles, shared by everyone who arrived meanwhile */
  next: Promise<string | null> | null;
}

export class RevisionReader {
  private readonly inFlight = new Map<string, InFlight>();

  constructor(private readonly sql: postgres.Sql) {}

  read(cycleId: string): Promise<string | null> {
    const flight = this.inFlight.get(cycleId);
    if (!flight) {
      const first: InFlight = { current: Promise.resolve(null), next: null };
      this.inFlight.set(cycleId, first);
      return this.query(cycleId, first);
    }
    const again = () => this.query(cycleId, flight);
    flight.next ??= flight.current.then(again, again);
    return flight.next;
  }

  private query(cycleId: string, flight: InFlight): Promise<string | null> {
    const result = records.revision(this.sql, cycleId);
    flight.current = result;
    flight.next = null;
    const settle = () => {
      if (flight.current === result && flight.next === null) this.inFlight.delete(cycleId);
    };
    result.then(settle, settle);
    return result;
  }
}
