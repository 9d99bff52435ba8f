/**
 * The shapes of the cycle workflow's writes to the records (Postgres): what the workflow hands its
 * activities (activities/records.ts). Every write carries its audit entry, whose key and content
 * digest make a retried write a no-op, and whose `seq` is the write's place in the workflow's order.
 */
import type { FunderYearMap, YearMap } from './money.js';
import type { AdoptionDecision, Deadlines, MeasureInput, Meeting, Phase, PriorityItem, YearEndRow } from './values.js';

export interface AuditEntry {
  key: string;
  /** The workflow's order of its writes: a row keeps the state of its highest seq. */
  seq: number;
  at: string;
  cycleId: string;
  actor: string;
  action: string;
  ref: string | null;
  detail: unknown;
}

export interface CycleWrite {
  cycleId: string;
  partnershipId: string;
  year: number;
  config: unknown;
  frames: FunderYearMap;
  deadlines: Deadlines;
  carryOver: Record<string, string>;
  startedBy: string;
  audit: AuditEntry;
}

export interface PhaseWrite {
  cycleId: string;
  phase: Phase;
  frames: FunderYearMap;
  deadlines: Deadlines;
  audit: AuditEntry;
}

/** A measure's submission, edit or withdrawal: only the fields given change. */
export interface MeasureWrite {
  cycleId: string;
  id: string;
  proposedBy: string;
  status: string;
  fields: Partial<MeasureInput>;
  audit: AuditEntry;
}

/** A list put to the vote; the list it replaces (if any) is marked replaced in the same write. */
export interface PriorityListWrite {
  cycleId: string;
  version: number;
  items: PriorityItem[];
  meeting: Meeting;
  proposedBy: string;
  replacedVersion: number | null;
  audit: AuditEntry;
}

export interface VoteWrite {
  cycleId: string;
  version: number;
  memberId: string;
  vote: 'approve' | 'reject';
  listStatus: string;
  audit: AuditEntry;
}

export interface AdoptionWrite {
  cycleId: string;
  round: number;
  municipality: string;
  decision: AdoptionDecision;
  requested: YearMap;
  amounts: YearMap;
  caseNumber: string;
  decidedOn: string;
  recordedBy: string;
  audit: AuditEntry;
}

/** The binding plan: one row per measure, year and funder, each pointing at its decisions. */
export interface AllocationsWrite {
  cycleId: string;
  version: number;
  shares: Record<string, FunderYearMap>;
  statuses: Record<string, string>;
  adoptionRefs: unknown[];
  audit: AuditEntry;
}

export interface ProgressWrite {
  cycleId: string;
  id: string;
  measureId: string;
  progress: string;
  spent: YearMap;
  reportedBy: string;
  audit: AuditEntry;
}

export interface IndicatorsWrite {
  cycleId: string;
  year: number;
  values: { indicator: string; value: string; note?: string }[];
  reportedBy: string;
  audit: AuditEntry;
}

export interface YearEndWrite {
  cycleId: string;
  rows: YearEndRow[];
  audit: AuditEntry;
}

/** The activities that make these writes (activities/records.ts); the workflow knows them by this. */
export interface RecordActivities {
  recordCycle(a: CycleWrite): Promise<void>;
  recordPhase(a: PhaseWrite): Promise<void>;
  recordMeasure(a: MeasureWrite): Promise<void>;
  recordPriorityList(a: PriorityListWrite): Promise<void>;
  recordVote(a: VoteWrite): Promise<void>;
  recordAdoption(a: AdoptionWrite): Promise<void>;
  recordAllocations(a: AllocationsWrite): Promise<{ rows: number }>;
  recordProgress(a: ProgressWrite): Promise<void>;
  recordIndicators(a: IndicatorsWrite): Promise<void>;
  recordYearEnd(a: YearEndWrite): Promise<void>;
}
