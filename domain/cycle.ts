/**
 * The cycle's value types as its callers see them: its input, the Updates' payloads, its status
 * and recommendation. Money is always a decimal string with two decimals ("1250000.00"); money maps
 * are keyed by year as a string. workflows/messages.ts defines the Updates and queries on them.
 */
import type { PartnershipConfig } from '../schema/partnership.js';
import type { FunderYearMap, Money, YearMap } from './money.js';
import type { RecommendationReason } from './recommendation-reasons.js';
import type {
  AdoptionDecision,
  Deadlines,
  ListStatus,
  MeasureStatus,
  Meeting,
  Phase,
  PriorityItem,
  Role,
  Vote,
  YearEndRow,
} from './values.js';

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
  voters: Record<string, Vote>;
  status: ListStatus;
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

export interface Recommendation {
  items: PriorityItem[];
  unallocated: FunderYearMap;
  /** the reasons in English, notes[i] saying reasons[i] */
  notes: string[];
  /**
   * Why money is left and measures get less (domain/recommendation-reasons.ts). Missing on a
   * recommendation made by an engine from before reasons (2026-12-01) and carried into this run by
   * continue-as-new: it stays as it was made until the next one replaces it.
   */
  reasons?: RecommendationReason[];
}
