/**
 * What the API reads from the system of record (schema/migrations/001_records.sql). The workflow's
 * activities write these tables; the API only reads them. numeric arrives as a string (services/db.ts).
 */
import type postgres from 'postgres';
import type { PartnershipConfig, Plan } from '../schema/partnership.js';
import type {
  AdoptionState,
  CycleStatus,
  Deadlines,
  FunderYearMap,
  HistoryEntry,
  Money,
  Phase,
  PriorityListState,
  YearMap,
} from '../workflows/messages.js';

type Sql = postgres.Sql;

export interface PartnershipRecord {
  id: string;
  name: string;
  config: PartnershipConfig;
  plan: Plan | null;
}

export interface CycleRecord {
  id: string;
  partnership: string;
  year: number;
  phase: Phase;
  /** the partnership configuration frozen when the cycle started */
  config: PartnershipConfig;
  frames: FunderYearMap;
  deadlines: Deadlines;
  carryOver: Record<string, Money>;
  startedAt: string;
  closedAt: string | null;
}

export interface MeasureRecord {
  id: string;
  title: string;
  description: string;
  strategies: string[];
  responsible: string;
  amounts: YearMap;
  cofunding: { source: string; amount: Money }[];
  status: 'proposed' | 'withdrawn' | 'granted' | 'partly_granted' | 'not_granted';
  proposedBy: string;
  proposedAt: string;
  updatedAt: string;
}

/** A priority list as the API shows it: the same shape the workflow keeps. */
export type PriorityListRecord = PriorityListState;

export interface AllocationRow {
  measureId: string;
  year: number;
  funderId: string;
  amount: Money;
  version: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function partnerships(sql: Sql, only?: string): Promise<PartnershipRecord[]> {
  const rows = await sql<PartnershipRecord[]>`
    select id, name, config, plan from partnerships ${only === undefined ? sql`` : sql`where id = ${only}`} order by id`;
  return [...rows];
}

export async function partnership(sql: Sql, id: string): Promise<PartnershipRecord | null> {
  return (await partnerships(sql, id))[0] ?? null;
}

type CycleRow = Omit<CycleRecord, 'startedAt' | 'closedAt'> & { startedAt: Date; closedAt: Date | null };

const toCycle = ({ startedAt, closedAt, ...rest }: CycleRow): CycleRecord => ({
  ...rest,
  startedAt: iso(startedAt)!,
  closedAt: iso(closedAt),
});

export async function cyclesOf(sql: Sql, partnershipId: string): Promise<CycleRecord[]> {
  const rows = await sql<CycleRow[]>`
    select id, partnership_id as partnership, year, phase, config, frames, deadlines, carry_over as "carryOver",
           started_at as "startedAt", closed_at as "closedAt"
    from cycles where partnership_id = ${partnershipId} order by year desc`;
  return rows.map(toCycle);
}

export async function cycle(sql: Sql, id: string): Promise<CycleRecord | null> {
  const [row] = await sql<CycleRow[]>`
    select id, partnership_id as partnership, year, phase, config, frames, deadlines, carry_over as "carryOver",
           started_at as "startedAt", closed_at as "closedAt"
    from cycles where id = ${id}`;
  return row ? toCycle(row) : null;
}

type MeasureRow = Omit<MeasureRecord, 'proposedAt' | 'updatedAt'> & { proposedAt: Date; updatedAt: Date };

export async function measures(sql: Sql, cycleId: string, only?: string): Promise<MeasureRecord[]> {
  const rows = await sql<MeasureRow[]>`
    select id, title, description, strategies, responsible, amounts, cofunding, status,
           proposed_by as "proposedBy", proposed_at as "proposedAt", updated_at as "updatedAt"
    from measures where cycle_id = ${cycleId} ${only === undefined ? sql`` : sql`and id = ${only}`}
    order by proposed_at, id`;
  return rows.map(({ proposedAt, updatedAt, ...m }) => ({
    ...m,
    proposedAt: iso(proposedAt)!,
    updatedAt: iso(updatedAt)!,
  }));
}

export async function priorityLists(sql: Sql, cycleId: string): Promise<PriorityListRecord[]> {
  const rows = await sql<(Omit<PriorityListRecord, 'meeting' | 'votes'> & { date: string; caseNumber: string })[]>`
    select l.version, l.items, l.meeting_date::text as date, l.case_number as "caseNumber", l.status,
           coalesce(jsonb_object_agg(v.member_id, v.vote) filter (where v.member_id is not null), '{}') as voters
    from priority_lists l left join votes v on v.cycle_id = l.cycle_id and v.version = l.version
    where l.cycle_id = ${cycleId}
    group by l.cycle_id, l.version order by l.version`;
  return rows.map(({ date, caseNumber, voters, ...l }) => {
    const cast = Object.values(voters);
    return {
      ...l,
      meeting: { date, caseNumber },
      votes: { approve: cast.filter((v) => v === 'approve').length, reject: cast.filter((v) => v === 'reject').length },
      voters,
    };
  });
}

export async function allocationRows(sql: Sql, cycleId: string): Promise<AllocationRow[]> {
  const rows = await sql<AllocationRow[]>`
    select measure_id as "measureId", year, funder_id as "funderId", amount::text as amount, priority_list_version as version
    from allocations where cycle_id = ${cycleId}`;
  return [...rows];
}

/** The municipalities whose council rejected its contribution in this cycle (a rejection is final for the cycle). */
export async function rejectingCouncils(sql: Sql, cycleId: string): Promise<string[]> {
  const rows = await sql<{ municipality: string }[]>`
    select distinct municipality from adoptions where cycle_id = ${cycleId} and decision = 'rejected'`;
  return rows.map((r) => r.municipality);
}

/**
 * What year Y-1 carried over at its close, per funder (what carries follows what the funder pays
 * in, domain/year-end.ts); null when that year has no year-end.
 */
export async function carriedOver(sql: Sql, cycleId: string): Promise<Record<string, Money> | null> {
  const rows = await sql<{ funderId: string; carriedOver: string; disposition: string }[]>`
    select funder_id as "funderId", carried_over::text as "carriedOver", disposition from year_end where cycle_id = ${cycleId}`;
  if (rows.length === 0) return null;
  return Object.fromEntries(rows.filter((r) => r.disposition === 'carry_over').map((r) => [r.funderId, r.carriedOver]));
}

/**
 * A token that changes whenever anything about the cycle's allocations may have changed: every
 * write to a cycle's records goes with an audit entry (activities/records.ts), and the plan's
 * titles change only when the partnership is reloaded. One indexed lookup.
 */
export async function revision(sql: Sql, cycleId: string): Promise<string | null> {
  const [row] = await sql<{ phase: string; seq: string | null; loaded: string }[]>`
    select c.phase, (select max(seq) from audit_log a where a.cycle_id = c.id)::text as seq,
           extract(epoch from p.loaded_at)::text as loaded
    from cycles c join partnerships p on p.id = c.partnership_id where c.id = ${cycleId}`;
  return row ? `${row.phase}.${row.seq ?? 0}.${row.loaded}` : null;
}

/** The decision history from the audit log, oldest first: who did what, when, on what decision. */
export async function history(
  sql: Sql,
  cycleId: string,
): Promise<(HistoryEntry & { detail: Record<string, unknown> })[]> {
  const rows = await sql<
    { at: Date; actor: string; action: string; ref: string | null; detail: Record<string, unknown> }[]
  >`
    select at, actor, action, ref, detail from audit_log where cycle_id = ${cycleId} order by seq`;
  return rows.map(({ at, ...entry }) => ({ at: iso(at)!, ...entry }));
}

type AdoptionRow = Omit<AdoptionState, 'dueAt' | 'overdue'> & { decision: NonNullable<AdoptionState['decision']> };

/**
 * A cycle's status as the records keep it, for when its workflow cannot be asked: an ended cycle
 * past Temporal's retention, or a workflow nobody answers for. The same shape as the workflow's
 * status query (docs/api.md "Cycle status"), with these differences, all because only decisions are
 * recorded: the history is the audit log (its actions are the recorded ones, e.g. "phase:closed");
 * only decided adoptions are listed (each due by its municipality's deadline as moved in that
 * round, else the adoption deadline as it stands); nobody has anything pending, since no workflow
 * is there to act on it; and no overdue flags, which are not recorded.
 */
export async function recordedStatus(sql: Sql, cycle: CycleRecord, read?: MeasureRecord[]): Promise<CycleStatus> {
  const [entries, measureRows, lists, adoptionRows, yearEndRows] = await Promise.all([
    history(sql, cycle.id),
    read ?? measures(sql, cycle.id),
    priorityLists(sql, cycle.id),
    sql<AdoptionRow[]>`
      select round, municipality, requested, decision, amounts, case_number as "caseNumber", decided_on::text as "decidedOn"
      from adoptions where cycle_id = ${cycle.id} order by round, municipality`,
    sql<NonNullable<CycleStatus['yearEnd']>>`
      select funder_id as "funderId", frame::text as frame, allocated::text as allocated, spent::text as spent,
             never_allocated::text as "neverAllocated", granted_unspent::text as "grantedUnspent", unspent::text as unspent,
             carried_over::text as "carriedOver", disposition
      from year_end where cycle_id = ${cycle.id}`,
  ]);
  const funderOrder = [cycle.config.county.id, ...cycle.config.municipalities.map((m) => m.id)];
  // Each adoption round starts with the phase change to adoption; a municipality's deadline moved
  // within a round is its due date in that round. The binding list is the one locked last.
  let rounds = 0;
  const movedTo = new Map<string, string>();
  for (const e of entries) {
    if (e.action === 'phase:adoption') rounds += 1;
    if (e.action === 'deadline:move' && e.ref?.startsWith('adoption:') && typeof e.detail.to === 'string')
      movedTo.set(`${rounds}.${e.ref}`, e.detail.to);
  }
  const locked = [...entries]
    .reverse()
    .find((e) => e.action === 'allocations:lock')
    ?.ref?.match(/^v(\d+)$/)?.[1];
  return {
    id: cycle.id,
    partnership: cycle.partnership,
    year: cycle.year,
    phase: cycle.phase,
    deadlines: cycle.deadlines,
    overdue: [],
    pendingActions: [],
    history: entries.map(({ at, actor, action, ref }) => ({ at, actor, action, ref })),
    frames: cycle.frames,
    measures: measureRows.map(({ id, proposedBy, amounts, strategies, status }) => ({
      id,
      proposedBy,
      amounts,
      strategies,
      status,
    })),
    priorityLists: lists,
    adoptions: adoptionRows.map((a) => ({
      ...a,
      dueAt: movedTo.get(`${a.round}.adoption:${a.municipality}`) ?? cycle.deadlines.adoption,
      overdue: false,
    })),
    adoptionRound: Math.max(rounds, ...adoptionRows.map((a) => a.round)),
    adoptedListVersion: locked === undefined ? null : Number(locked),
    yearEnd: yearEndRows.length
      ? [...yearEndRows].sort((a, b) => funderOrder.indexOf(a.funderId) - funderOrder.indexOf(b.funderId))
      : null,
  };
}

export async function cyclesByPhase(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql<
    { phase: string; count: string }[]
  >`select phase, count(*)::text as count from cycles group by phase`;
  return Object.fromEntries(rows.map((r) => [r.phase, Number(r.count)]));
}
