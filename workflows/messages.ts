/**
 * The cycle workflow's public interface: its input, the Updates that change it, the query that
 * reads it. The API talks to the cycle only through these. Money is always a decimal string with
 * two decimals ("1250000.00"); money maps are keyed by year as a string.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FunderYearMap, Money, YearMap } from '../domain/money.js';
import type {
  AdoptionDecision,
  Deadlines,
  MeasureInput,
  MeasureStatus,
  Meeting,
  Phase,
  PriorityItem,
  Role,
  YearEndRow,
} from '../domain/values.js';
import type { PartnershipConfig } from '../schema/partnership.js';

export type { FunderYearMap, Money, YearMap } from '../domain/money.js';
export type {
  AdoptionDecision,
  Deadlines,
  MeasureInput,
  MeasureStatus,
  Meeting,
  Phase,
  PriorityItem,
  Role,
  YearEndRow,
} from '../domain/values.js';

/** Who acts, as the API authenticated them. */
export interface Actor {
  sub: string;
  name: string;
  roles: Role[];
  municipality?: string;
}

export interface CycleInput {
  cycleId: string; // {partnership}-{year}
  partnership: PartnershipConfig; // frozen at start: members, rule, key, roster
  strategyCodes: string[]; // valid strategy codes of the partnership's plan
  /** Indicator ids of the plan. */
  indicatorIds: string[];
  year: number;
  frames: FunderYearMap; // for year..year+3, every funder
  deadlines: Deadlines;
  carryOver: Record<string, Money>; // funderId -> amount brought in from year-1 (added to year's frame)
  startedBy: Actor;
  /**
   * E-mail reminders of pending actions (workflows/cycle/reminders.ts): `daysBefore` days before a
   * deadline (fractions allowed) and when it is overdue. The API sets it from REMINDER_DAYS_BEFORE;
   * without it the cycle sends none.
   */
  reminders?: { daysBefore: number };
  /** Set only by continue-as-new. */
  resume?: unknown;
}

export interface AdoptionInput {
  municipality: string;
  decision: AdoptionDecision;
  amounts?: YearMap; // required when reduced
  caseNumber: string;
  decidedOn: string; // YYYY-MM-DD
}

export interface ProgressReportInput {
  measureId: string;
  progress: string;
  spent: YearMap;
}

export interface IndicatorInput {
  year: number;
  values: { indicator: string; value: string; note?: string }[];
}

export interface PendingAction {
  actor: string; // role or roster id or municipality, e.g. "admin", "ipr", "municipality:3405"
  action: string;
  dueAt: string | null;
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  ref: string | null;
}

export interface PriorityListState {
  version: number;
  /** Empty once the list is replaced or rejected (Postgres keeps every version's items). */
  items: PriorityItem[];
  meeting: Meeting;
  votes: { approve: number; reject: number };
  voters: Record<string, 'approve' | 'reject'>;
  status: 'voting' | 'adopted' | 'rejected' | 'replaced';
}

export interface AdoptionState {
  round: number;
  municipality: string;
  requested: YearMap;
  decision: AdoptionDecision | null;
  amounts: YearMap | null;
  caseNumber: string | null;
  decidedOn: string | null;
  dueAt: string;
  overdue: boolean;
}

export interface MeasureState {
  id: string;
  proposedBy: string;
  amounts: YearMap;
  strategies: string[];
  status: MeasureStatus;
}

export interface CycleStatus {
  id: string;
  partnership: string;
  year: number;
  phase: Phase;
  deadlines: Deadlines;
  overdue: string[]; // e.g. ["ipr", "adoption:3405"]
  pendingActions: PendingAction[];
  history: HistoryEntry[];
  frames: FunderYearMap; // in force now (after any reductions), carry-over included
  measures: MeasureState[];
  priorityLists: PriorityListState[];
  adoptions: AdoptionState[];
  adoptionRound: number;
  adoptedListVersion: number | null;
  /** per funder at the close: the unspent money in its two parts and what carries over (domain/year-end.ts) */
  yearEnd: YearEndRow[] | null;
}

/**
 * Rejections from Update validators are ApplicationFailures whose `type` is one of these,
 * so the API can map them to HTTP status codes without parsing messages.
 */
export const RejectionType = {
  invalid: 'InvalidInput', // 422, details: [{path, message}]
  phase: 'WrongPhase', // 409
  forbidden: 'Forbidden', // 403
  notFound: 'NotFound', // 404
  frame: 'FrameExceeded', // 422, details: [{funderId, year, frame, allocated}]
  conflict: 'Conflict', // 409 (e.g. already voted)
  movingOn: 'MovingOn', // the cycle is continuing as new for a moment: the API tries again, 409 if it lasts
} as const;

// Updates: the validator refuses before anything is recorded; the handler returns once the
// workflow has written the action's record (after the server accepted the Update).
export const submitMeasure = defineUpdate<{ id: string }, [{ actor: Actor; measure: MeasureInput }]>('submitMeasure');
export const editMeasure = defineUpdate<
  { id: string },
  [{ actor: Actor; measureId: string; measure: Partial<MeasureInput> }]
>('editMeasure');
export const withdrawMeasure = defineUpdate<{ id: string }, [{ actor: Actor; measureId: string }]>('withdrawMeasure');
export const closeProposals = defineUpdate<CycleStatus, [{ actor: Actor }]>('closeProposals');
export const moveDeadline = defineUpdate<
  Deadlines,
  [{ actor: Actor; deadline: keyof Deadlines | `adoption:${string}`; to: string }]
>('moveDeadline');
export const proposePriorityList = defineUpdate<
  PriorityListState,
  [{ actor: Actor; items: PriorityItem[]; meeting: Meeting }]
>('proposePriorityList');
export const castVote = defineUpdate<
  PriorityListState,
  [{ actor: Actor; version: number; vote: 'approve' | 'reject' }]
>('castVote');
export const recordAdoption = defineUpdate<AdoptionState, [{ actor: Actor; adoption: AdoptionInput }]>(
  'recordAdoption',
);
export const reportProgress = defineUpdate<{ id: string }, [{ actor: Actor; report: ProgressReportInput }]>(
  'reportProgress',
);
export const reportIndicators = defineUpdate<{ count: number }, [{ actor: Actor; indicators: IndicatorInput }]>(
  'reportIndicators',
);
export const closeCycle = defineUpdate<CycleStatus, [{ actor: Actor; carryOver: boolean }]>('closeCycle');
export const cancelCycle = defineUpdate<CycleStatus, [{ actor: Actor; reason: string }]>('cancelCycle');

export const getStatus = defineQuery<CycleStatus>('status');

export interface Recommendation {
  items: PriorityItem[];
  unallocated: FunderYearMap;
  notes: string[];
}
/** The administration's recommended priority list; null until proposals close. */
export const getRecommendation = defineQuery<Recommendation | null>('recommendation');

/** What the year-end close would record per funder (workflows/ledger.ts yearEndFor), carrying over or releasing. */
export interface YearEndPreview {
  carryOver: YearEndRow[];
  released: YearEndRow[];
}
/** The year-end close's figures before it is made, for the administrator to confirm; null outside phase adopted. */
export const getYearEndPreview = defineQuery<YearEndPreview | null>('yearEndPreview');

/** Resolves once the cycle's row is in Postgres; the API awaits it after starting a cycle. */
export const cycleRecorded = defineUpdate<CycleStatus, []>('cycleRecorded');
