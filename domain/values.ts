/**
 * The value types of a cycle that more than one layer speaks: the workflow's messages, its writes
 * to the records (domain/records.ts), the API. Defined once here; workflows/messages.ts re-exports
 * them for the API. Money and year maps are in domain/money.ts.
 */
import type { Money, YearMap } from './money.js';

export type Phase = 'proposals' | 'prioritisation' | 'adoption' | 'adopted' | 'closed' | 'cancelled';
export type Role = 'admin' | 'proposer' | 'ipr_member' | 'municipal_clerk' | 'finance';

export interface Deadlines {
  proposals: string; // ISO 8601 instants
  ipr: string;
  adoption: string;
}

export interface MeasureInput {
  title: string;
  description: string;
  strategies: string[];
  responsible: string;
  amounts: YearMap;
  cofunding: { source: string; amount: Money }[];
}

export type MeasureStatus = 'proposed' | 'withdrawn' | 'granted' | 'partly_granted' | 'not_granted';

export interface PriorityItem {
  measureId: string;
  rank: number;
  grants: YearMap;
}

export interface Meeting {
  date: string; // YYYY-MM-DD
  caseNumber: string;
}

export type AdoptionDecision = 'adopted' | 'reduced' | 'rejected';

/** One funder's line of the year-end balance. */
/** A funder's year-end row: its two parts of unspent money and what carries over. */
export type { YearEndRow } from './year-end.js';
