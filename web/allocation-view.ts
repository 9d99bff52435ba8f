/**
 * What the finance officer's page (/sykluser/{cid}/fordeling) and its downloads show, as one
 * object: the allocations of the cycle as the API computes them (the allocation cache, so the
 * figures are the API's to the øre), limited to a clerk's own municipality where the reader is a
 * clerk (core/allocations.ts, the rule the API follows), the list they rest on with its meeting
 * and case number, and each measure's other co-funding lines from the measure records.
 *
 * Built once per version of the allocations (a digest of the cycle's records' revision): the
 * records read for it (the cycle, its measures and lists) cost nothing on the requests that follow
 * until the cycle changes.
 */
import { allocationReader, forMunicipality, records, type WebContext } from './core.js';
import { goalOf, type PartnershipConfig } from '../schema/partnership.js';
import type { Allocations } from '../schema/allocations.js';
import type { Money } from '../workflows/messages.js';
import type { Person } from './env.js';
import { formatDate } from './format.js';
import { funderName } from './names.js';

/** Who the view is for: every funder, or one municipality's share (a clerk's). */
export type Scope = 'all' | string;

export interface CofundingLine {
  measureId: string;
  title: string;
  source: string;
  amount: Money;
}

export interface ListBasis {
  version: number;
  status: 'adopted' | 'voting';
  /** whether the binding allocation rows of the adopted cycle are the figures */
  binding: boolean;
  meetingDate: string;
  caseNumber: string;
}

export interface AllocationView {
  /** the allocations' version and the scope: what a rendering of this view may be kept by */
  key: string;
  cycleId: string;
  /** "Lillehammer-regionen 2027" */
  title: string;
  config: PartnershipConfig;
  scope: Scope;
  allocations: Allocations;
  /** the priority list the figures come from; null before there is one */
  basis: ListBasis | null;
  /** every measure's other co-funding lines, in the measures' order */
  cofunding: CofundingLine[];
  /** measure id -> the goal its money counts towards (its first strategy's) */
  goals: Map<string, string>;
}

/** The scope a person may read, by the API's rule; null: no allocations for them. */
export const scopeOf = (person: Person): Scope | null => allocationReader(person.roles, person.municipality);

interface Base {
  config: PartnershipConfig;
  year: number;
  cofunding: CofundingLine[];
  basis: ListBasis | null;
}

/** cycleId -> what one version of its allocations is built with; replaced when the version changes. */
const bases = new Map<string, { version: string; base: Promise<Base | null>; views: Map<Scope, AllocationView> }>();

/** The view of the cycle for the scope, or null when there is no such cycle. */
export async function loadAllocationView(
  ctx: WebContext,
  cycleId: string,
  scope: Scope,
): Promise<AllocationView | null> {
  const snapshot = await ctx.allocations.get(cycleId);
  if (!snapshot) return null;
  let entry = bases.get(cycleId);
  if (!entry || entry.version !== snapshot.version) {
    const made = { version: snapshot.version, base: loadBase(ctx, cycleId, snapshot.allocations), views: new Map() };
    bases.set(cycleId, (entry = made));
    // A failed read (Postgres away) is not kept: the next request tries again.
    made.base.catch(() => {
      if (bases.get(cycleId) === made) bases.delete(cycleId);
    });
  }
  const base = await entry.base;
  if (!base) return null;
  let view = entry.views.get(scope);
  if (!view) {
    const allocations = scope === 'all' ? snapshot.allocations : forMunicipality(snapshot.allocations, scope);
    view = {
      key: `${snapshot.version}:${scope}`,
      cycleId,
      title: `${base.config.name} ${base.year}`,
      config: base.config,
      scope,
      allocations,
      basis: base.basis,
      cofunding: base.cofunding,
      goals: new Map(allocations.measures.flatMap((m) => (m.strategies[0] ? [[m.id, goalOf(m.strategies[0])]] : []))),
    };
    entry.views.set(scope, view);
  }
  return view;
}

async function loadBase(ctx: WebContext, cycleId: string, a: Allocations): Promise<Base | null> {
  const [cycle, measures, lists] = await Promise.all([
    records.cycle(ctx.sql, cycleId),
    records.measures(ctx.sql, cycleId),
    records.priorityLists(ctx.sql, cycleId),
  ]);
  if (!cycle) return null;
  const byId = new Map(measures.map((m) => [m.id, m]));
  // In the allocations' order (rank first), as the page lists the measures.
  const cofunding = a.measures.flatMap((m) =>
    (byId.get(m.id)?.cofunding ?? []).map((line) => ({
      measureId: m.id,
      title: m.title,
      source: line.source,
      amount: line.amount,
    })),
  );
  const list = lists.find((l) => l.version === a.basis.priorityListVersion);
  const basis: ListBasis | null =
    list && a.basis.status !== 'none'
      ? {
          version: list.version,
          status: a.basis.status,
          binding: ['adopted', 'closed'].includes(a.phase),
          meetingDate: list.meeting.date,
          caseNumber: list.meeting.caseNumber,
        }
      : null;
  return { config: cycle.config, year: cycle.year, cofunding, basis };
}

/** Which list the figures rest on, for the page and the files' header block. */
export function basisText(view: Pick<AllocationView, 'basis'>): string {
  const b = view.basis;
  if (!b) return 'Ingen prioriteringsliste ennå, så ingenting er tildelt.';
  const meeting = `møte ${formatDate(b.meetingDate)}, sak ${b.caseNumber}`;
  if (b.status === 'voting')
    return `Beregnet fra prioriteringsliste ${b.version} (${meeting}), som er til avstemning: ikke bindende.`;
  return b.binding
    ? `Prioriteringsliste ${b.version}, vedtatt av IPR (${meeting}) og av kommunestyrene: bindende.`
    : `Prioriteringsliste ${b.version}, vedtatt av IPR (${meeting}); kommunestyrene har ikke vedtatt ennå.`;
}

/** Whose figures the view holds: "Alle finansiører", or "Gausdal kommunes andel" for its clerk. */
export const scopeText = (view: Pick<AllocationView, 'scope' | 'config'>): string =>
  view.scope === 'all' ? 'Alle finansiører' : `${funderName(view.config, view.scope)}s andel`;
