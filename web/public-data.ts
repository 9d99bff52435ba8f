/**
 * What the public may read of a cycle: only what the IPR and the councils have decided, so only a
 * cycle in phase adopted or closed, and from it only the binding plan (the allocations locked from
 * the adopted list), the IPR's decision (meeting date, case number) and each council's decision.
 * Never a proposal, a list under vote, a vote in progress or the vote count of a list that was not
 * adopted: the view is built from named fields, never by copying a record, so nothing else can
 * ride along. The HTML page, the JSON and the CSV are all made from this one object.
 *
 * Built once per revision of the cycle's records: the allocation cache knows when a cycle changed
 * (its snapshot's version is a digest of the records' revision), so an unchanged cycle costs one
 * cache lookup per request.
 */
import { parseMoney, sumMoney, formatMoney } from '../domain/money.js';
import type { Allocations } from '../schema/allocations.js';
import type { FunderYearMap, Money, YearMap } from '../workflows/messages.js';
import { records, type WebContext } from './core.js';
import { ADOPTION_DECISION_NAMES, municipalityName } from './format.js';
import { funderName } from './names.js';

export const PUBLIC_PHASES: ReadonlySet<string> = new Set(['adopted', 'closed']);

export interface PublicMeasure {
  id: string;
  title: string;
  responsible: string;
  strategies: string[];
  /** the partnership's grant per year (the sum of the funders' shares) */
  grants: YearMap;
  total: Money;
  /** funderId -> year -> share */
  shares: FunderYearMap;
}

export interface PublicCouncilDecision {
  municipality: string;
  name: string;
  round: number;
  decision: 'adopted' | 'reduced' | 'rejected';
  decisionText: string;
  /** the lower amounts, in the years the council lowered, when it reduced its share */
  amounts: YearMap | null;
  caseNumber: string;
  decidedOn: string;
}

export interface PublicCycle {
  cycle: string;
  partnership: { id: string; name: string };
  year: number;
  phase: 'adopted' | 'closed';
  years: number[];
  funders: { id: string; name: string; total: YearMap }[];
  measures: PublicMeasure[];
  totals: { granted: YearMap; all: Money };
  goals: { goal: string; title: string; granted: YearMap }[];
  /** the IPR's decision on the binding priority list */
  ipr: { priorityList: number; meetingDate: string; caseNumber: string } | null;
  /** every council decision the plan rests on, round by round */
  councils: PublicCouncilDecision[];
  closedAt: string | null;
}

const sum = (values: Money[]) => formatMoney(sumMoney(values.map(parseMoney)));

/** The public view of a cycle, or null when there is no such cycle or it is not decided. */
export async function loadPublicCycle(
  ctx: WebContext,
  cycleId: string,
): Promise<{ version: string; view: PublicCycle } | null> {
  const snapshot = await ctx.allocations.get(cycleId);
  if (!snapshot) return null;
  const a = snapshot.allocations;
  // The allocations must come from the locked rows of an adopted list; figures computed from a
  // list under vote are never public, whatever the phase says.
  if (!PUBLIC_PHASES.has(a.phase) || a.basis.status !== 'adopted') return null;
  let entry = views.get(cycleId);
  if (!entry || entry.version !== snapshot.version) {
    entry = { version: snapshot.version, view: build(ctx, cycleId, snapshot.allocations) };
    views.set(cycleId, entry);
    forgetOnFailure(cycleId, entry);
  }
  const view = await entry.view;
  return view ? { version: entry.version, view } : null;
}

/** A failed build (Postgres away) is not kept: the next request tries again. */
function forgetOnFailure(cycleId: string, entry: { version: string; view: Promise<PublicCycle | null> }): void {
  entry.view.catch(() => {
    if (views.get(cycleId) === entry) views.delete(cycleId);
  });
}

/** cycleId -> the view of the allocations' version it was built from (one per cycle, replaced on change). */
const views = new Map<string, { version: string; view: Promise<PublicCycle | null> }>();

async function build(ctx: WebContext, cycleId: string, a: Allocations): Promise<PublicCycle | null> {
  const cycle = await records.cycle(ctx.sql, cycleId);
  if (!cycle || !PUBLIC_PHASES.has(cycle.phase)) return null;
  const [measureRows, lists, status] = await Promise.all([
    records.measures(ctx.sql, cycleId),
    records.priorityLists(ctx.sql, cycleId),
    records.recordedStatus(ctx.sql, cycle),
  ]);
  const config = cycle.config;
  const years = a.years.map(String);
  const responsible = new Map(measureRows.map((m) => [m.id, m.responsible]));
  const measures: PublicMeasure[] = a.measures
    .map((m) => ({
      id: m.id,
      title: m.title,
      responsible: responsible.get(m.id) ?? '',
      strategies: m.strategies,
      grants: m.grants,
      total: sum(years.map((y) => m.grants[y] ?? '0.00')),
      shares: m.shares,
    }))
    // The plan is what was granted; a measure that got nothing is not part of it.
    .filter((m) => parseMoney(m.total).gt(0));

  const binding = lists.find((l) => l.version === a.basis.priorityListVersion && l.status === 'adopted');
  return {
    cycle: cycle.id,
    partnership: { id: config.id, name: config.name },
    year: cycle.year,
    phase: cycle.phase as PublicCycle['phase'],
    years: a.years,
    funders: a.funders.map((f) => ({ id: f.id, name: funderName(config, f.id), total: f.allocated })),
    measures,
    totals: { granted: a.totals.granted, all: a.totals.allocated },
    goals: a.goals.map((g) => ({ goal: g.goal, title: g.title, granted: g.granted })),
    ipr: binding
      ? { priorityList: binding.version, meetingDate: binding.meeting.date, caseNumber: binding.meeting.caseNumber }
      : null,
    councils: status.adoptions
      .filter((x) => x.decision !== null && x.caseNumber !== null && x.decidedOn !== null)
      .map((x) => {
        const m = config.municipalities.find((mu) => mu.id === x.municipality);
        return {
          municipality: x.municipality,
          name: m ? municipalityName(m.name) : x.municipality,
          round: x.round,
          decision: x.decision!,
          decisionText: ADOPTION_DECISION_NAMES[x.decision!] ?? x.decision!,
          amounts: x.decision === 'reduced' && x.amounts ? loweredYears(x.requested, x.amounts) : null,
          caseNumber: x.caseNumber!,
          decidedOn: x.decidedOn!,
        };
      }),
    closedAt: cycle.closedAt,
  };
}

/** The years a council's lower amount names: those below what it was asked for (the records keep every year). */
function loweredYears(requested: YearMap, amounts: YearMap): YearMap {
  return Object.fromEntries(
    Object.entries(amounts).filter(([y, amount]) => parseMoney(amount).lt(parseMoney(requested[y] ?? '0.00'))),
  );
}

/** The decision of each council that the binding plan rests on: its latest. */
export function latestCouncilDecisions(view: PublicCycle): Map<string, PublicCouncilDecision> {
  const latest = new Map<string, PublicCouncilDecision>();
  for (const d of view.councils) {
    const seen = latest.get(d.municipality);
    if (!seen || seen.round <= d.round) latest.set(d.municipality, d);
  }
  return latest;
}
