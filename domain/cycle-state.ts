/**
 * The cycle workflow's state: numbers and decisions only (measure texts live in Postgres).
 * It is plain JSON so it can be carried across continue-as-new.
 */
import type {
  AdoptionState,
  CycleInput,
  CycleStatus,
  HistoryEntry,
  MeasureState,
  PendingAction,
  PriorityListState,
  Recommendation,
} from './cycle.js';
import type { FunderYearMap, YearMap } from './money.js';
import type { Deadlines, Phase } from './values.js';

export interface StandingAdoption {
  decision: 'adopted' | 'reduced' | 'rejected';
  amounts: YearMap;
  round: number;
  caseNumber: string;
  decidedOn: string;
}

export interface CycleState {
  /** The phase the cycle is in: what its validators and steps go by, from the moment it is decided. */
  phase: Phase;
  /**
   * The phase as the records (Postgres) hold it, which the status shows: a phase change is written
   * a moment after it is decided, and whoever reads the status and then the records finds them agree.
   */
  recordedPhase: Phase;
  deadlines: Deadlines;
  frames: FunderYearMap;
  measureSeq: number;
  measures: MeasureState[];
  lists: PriorityListState[];
  recommendation: Recommendation | null;
  round: number;
  /** The version of the list taken to the councils last; a newer adopted list starts the next round. */
  listInAdoption: number;
  adoptions: AdoptionState[];
  standing: Record<string, StandingAdoption>;
  adoptedListVersion: number | null;
  overdue: string[];
  history: HistoryEntry[];
  recordSeq: number;
  reportSeq: number;
  spent: Record<string, YearMap>;
  yearEnd: CycleStatus['yearEnd'];
  recorded: boolean;
  /** who was reminded of which deadline, on which occasion (workflows/cycle/reminders.ts) */
  reminded: string[];
}

export type CycleConfig = Omit<CycleInput, 'resume'>;

export function initialState(input: CycleConfig, frames: FunderYearMap): CycleState {
  return {
    phase: 'proposals',
    recordedPhase: 'proposals',
    deadlines: { ...input.deadlines },
    frames,
    measureSeq: 0,
    measures: [],
    lists: [],
    recommendation: null,
    round: 0,
    listInAdoption: 0,
    adoptions: [],
    standing: {},
    adoptedListVersion: null,
    overdue: [],
    history: [],
    recordSeq: 0,
    reportSeq: 0,
    spent: {},
    yearEnd: null,
    recorded: false,
    reminded: [],
  };
}

export const years = (cfg: CycleConfig): number[] => [0, 1, 2, 3].map((i) => cfg.year + i);

export const votingMembers = (cfg: CycleConfig) => cfg.partnership.ipr.roster.filter((m) => m.votes);

/** More than half of the voting roster. */
export const majority = (cfg: CycleConfig): number => Math.floor(votingMembers(cfg).length / 2) + 1;

/**
 * When the year is to be closed: the end of the budget year in Oslo, 31 December 23:59:59 CET
 * (UTC+1; no summer time in December), so a reader in Oslo never sees 1 January 00:59.
 */
export const yearEndOf = (year: number): string => `${year}-12-31T22:59:59.000Z`;
export const yearEndDueAt = (cfg: CycleConfig): string => yearEndOf(cfg.year);

export const listUnderVote = (state: CycleState) => state.lists.find((l) => l.status === 'voting');

export function pendingActions(cfg: CycleConfig, state: CycleState): PendingAction[] {
  switch (state.recordedPhase) {
    case 'proposals':
      return [
        { actor: 'proposer', action: 'submit, edit or withdraw measures', dueAt: state.deadlines.proposals },
        { actor: 'admin', action: 'close proposals early or extend the deadline', dueAt: state.deadlines.proposals },
      ];
    case 'prioritisation': {
      const list = listUnderVote(state);
      if (!list) return [{ actor: 'admin', action: 'put a priority list to the IPR vote', dueAt: state.deadlines.ipr }];
      return votingMembers(cfg)
        .filter((m) => !list.voters[m.id])
        .map((m) => ({ actor: m.id, action: `vote on priority list ${list.version}`, dueAt: state.deadlines.ipr }));
    }
    case 'adoption':
      return state.adoptions
        .filter((a) => a.decision === null)
        .map((a) => ({
          actor: `municipality:${a.municipality}`,
          action: `adopt the contribution (round ${a.round})`,
          dueAt: a.dueAt,
        }));
    case 'adopted':
      return [
        { actor: 'proposer', action: 'report progress and money spent', dueAt: null },
        { actor: 'admin', action: 'report indicators and close the year', dueAt: yearEndDueAt(cfg) },
      ];
    default:
      return [];
  }
}

export function statusOf(cfg: CycleConfig, state: CycleState): CycleStatus {
  return {
    id: cfg.cycleId,
    partnership: cfg.partnership.id,
    year: cfg.year,
    phase: state.recordedPhase,
    deadlines: state.deadlines,
    overdue: state.overdue,
    pendingActions: pendingActions(cfg, state),
    history: state.history,
    frames: state.frames,
    measures: state.measures,
    priorityLists: state.lists,
    adoptions: state.adoptions,
    adoptionRound: state.round,
    adoptedListVersion: state.adoptedListVersion,
    yearEnd: state.yearEnd,
  };
}
