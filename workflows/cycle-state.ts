/**
 * The cycle workflow's state: numbers and decisions only (measure texts live in Postgres; a
 * submission's text stays here only until the workflow has written it, about a second).
 * It is plain JSON so it can be carried across continue-as-new.
 */
import type { MeasureWrite } from '../activities/records.js';
import type {
  AdoptionState, CycleInput, CycleStatus, Deadlines, FunderYearMap, HistoryEntry, MeasureState,
  PendingAction, Phase, PriorityListState, Recommendation, YearMap,
} from './messages.js';

export interface StandingAdoption {
  decision: 'adopted' | 'reduced' | 'rejected';
  amounts: YearMap;
  round: number;
  caseNumber: string;
  decidedOn: string;
}

export interface CycleState {
  phase: Phase;
  deadlines: Deadlines;
  /** Deadline overrides per municipality for the current adoption round. */
  adoptionDeadlines: Record<string, string>;
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
  /** Submissions the workflow has not yet written itself, oldest first (absent in older runs). */
  unflushed?: MeasureWrite[];
}

export type CycleConfig = Omit<CycleInput, 'resume'>;

export function initialState(input: CycleConfig, frames: FunderYearMap): CycleState {
  return {
    phase: 'proposals',
    deadlines: { ...input.deadlines },
    adoptionDeadlines: {},
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
  };
}

export const years = (cfg: CycleConfig): number[] => [0, 1, 2, 3].map((i) => cfg.year + i);

export const votingMembers = (cfg: CycleConfig) => cfg.partnership.ipr.roster.filter((m) => m.votes);

/** More than half of the voting roster. */
export const majority = (cfg: CycleConfig): number => Math.floor(votingMembers(cfg).length / 2) + 1;

export const listUnderVote = (s: CycleState) => s.lists.find((l) => l.status === 'voting');

export function pendingActions(cfg: CycleConfig, s: CycleState): PendingAction[] {
  switch (s.phase) {
    case 'proposals':
      return [
        { actor: 'proposer', action: 'submit, edit or withdraw measures', dueAt: s.deadlines.proposals },
        { actor: 'admin', action: 'close proposals early or extend the deadline', dueAt: s.deadlines.proposals },
      ];
    case 'prioritisation': {
      const list = listUnderVote(s);
      if (!list) return [{ actor: 'admin', action: 'put a priority list to the IPR vote', dueAt: s.deadlines.ipr }];
      return votingMembers(cfg)
        .filter((m) => !list.voters[m.id])
        .map((m) => ({ actor: m.id, action: `vote on priority list ${list.version}`, dueAt: s.deadlines.ipr }));
    }
    case 'adoption':
      return s.adoptions
        .filter((a) => a.decision === null)
        .map((a) => ({ actor: `municipality:${a.municipality}`, action: `adopt the contribution (round ${a.round})`, dueAt: a.dueAt }));
    case 'adopted':
      return [
        { actor: 'proposer', action: 'report progress and money spent', dueAt: null },
        { actor: 'admin', action: 'report indicators and close the year', dueAt: `${cfg.year}-12-31T23:59:59.000Z` },
      ];
    default:
      return [];
  }
}

export function statusOf(cfg: CycleConfig, s: CycleState): CycleStatus {
  return {
    id: cfg.cycleId,
    partnership: cfg.partnership.id,
    year: cfg.year,
    phase: s.phase,
    deadlines: s.deadlines,
    overdue: s.overdue,
    pendingActions: pendingActions(cfg, s),
    history: s.history,
    frames: s.frames,
    measures: s.measures,
    priorityLists: s.lists,
    adoptions: s.adoptions,
    adoptionRound: s.round,
    adoptedListVersion: s.adoptedListVersion,
    yearEnd: s.yearEnd,
  };
}
