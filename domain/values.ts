/**
 * The value types of a cycle that more than one layer speaks: the workflow's messages, its writes
 * to the records (domain/records.ts), the API. Defined once here: the enumerations as lists the
 * API's zod schemas are made from (schema/api/), the types derived from the lists;
 * test/unit/value-types.test.ts holds the two together. Money and year maps are in domain/money.ts.
 */
import type { Money, YearMap } from './money.js';

export const PHASES = ['proposals', 'prioritisation', 'adoption', 'adopted', 'closed', 'cancelled'] as const;
export type Phase = (typeof PHASES)[number];
export const ROLES = ['admin', 'proposer', 'ipr_member', 'municipal_clerk', 'finance'] as const;
export type Role = (typeof ROLES)[number];

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

export const MEASURE_STATUSES = ['proposed', 'withdrawn', 'granted', 'partly_granted', 'not_granted'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];

export interface PriorityItem {
  measureId: string;
  rank: number;
  grants: YearMap;
}

export interface Meeting {
  date: string; // YYYY-MM-DD
  caseNumber: string;
}

export const ADOPTION_DECISIONS = ['adopted', 'reduced', 'rejected'] as const;
export type AdoptionDecision = (typeof ADOPTION_DECISIONS)[number];
export const VOTES = ['approve', 'reject'] as const;
export type Vote = (typeof VOTES)[number];
export const LIST_STATUSES = ['voting', 'adopted', 'rejected', 'replaced'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

/** A funder's year-end row: its two parts of unspent money and what carries over. */
export type { YearEndRow } from './year-end.js';
