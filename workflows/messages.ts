/**
 * The cycle workflow's public interface: the Updates that change it and the queries that read it,
 * on the value types of domain/ (re-exported here for the API). The API talks to the cycle only
 * through these.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  Actor,
  AdoptionInput,
  AdoptionState,
  CycleStatus,
  IndicatorInput,
  PriorityListState,
  ProgressReportInput,
  Recommendation,
} from '../domain/cycle.js';
import type { Deadlines, MeasureInput, Meeting, PriorityItem, Vote, YearEndRow } from '../domain/values.js';

export type * from '../domain/cycle.js';
export type * from '../domain/values.js';
export type { FunderYearMap, Money, YearMap } from '../domain/money.js';
export { RejectionType } from '../domain/refusal.js';

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
export const castVote = defineUpdate<PriorityListState, [{ actor: Actor; version: number; vote: Vote }]>('castVote');
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

/** The administration's recommended priority list; null until proposals close. */
export const getRecommendation = defineQuery<Recommendation | null>('recommendation');

/** What the year-end close would record per funder (domain/ledger.ts yearEndFor), carrying over or releasing. */
export interface YearEndPreview {
  carryOver: YearEndRow[];
  released: YearEndRow[];
}
/** The year-end close's figures before it is made, for the administrator to confirm; null outside phase adopted. */
export const getYearEndPreview = defineQuery<YearEndPreview | null>('yearEndPreview');

/** Resolves once the cycle's row is in Postgres; the API awaits it after starting a cycle. */
export const cycleRecorded = defineUpdate<CycleStatus, []>('cycleRecorded');
