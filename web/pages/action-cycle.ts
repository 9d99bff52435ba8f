/**
 * What the action pages (web/pages/measure-*.ts, vote.ts, adoption.ts) share: the cycle of the
 * address for a person of its own partnership, the person as the workflow's actor, and the
 * years a cycle plans for (Y..Y+3).
 */
import { CYCLE_ID_PATTERN } from '../../schema/api.js';
import { Problem, records, type Actor, type CycleRecord, type WebContext } from '../core.js';
import type { Person } from '../env.js';
import type { PageContext } from './render.js';

/** The id of the cycle the address names, when it is of the person's own partnership; a refusal otherwise. */
export function cycleIdOf(c: PageContext, person: Person): string {
  const cid = c.req.param('cid') ?? '';
  const pid = CYCLE_ID_PATTERN.exec(cid)?.[1];
  if (!pid) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  if (pid !== person.partnership)
    throw new Problem('forbidden', 'Denne syklusen hører til et annet partnerskap enn ditt.');
  return cid;
}

/** The cycle the address names, for a person of its own partnership; a refusal otherwise. */
export async function cycleOf(ctx: WebContext, c: PageContext, person: Person): Promise<CycleRecord> {
  const cid = cycleIdOf(c, person);
  const cycle = await records.cycle(ctx.sql, cid);
  if (!cycle) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  return cycle;
}

/** The person as the workflow knows an actor (the same fields the API's token gives it). */
export function actorOf(person: Person): Actor {
  return {
    sub: person.sub,
    name: person.name,
    roles: person.roles,
    ...(person.municipality ? { municipality: person.municipality } : {}),
  };
}

/** The four years a cycle's amounts are for: Y..Y+3. */
export const planYears = (cycle: Pick<CycleRecord, 'year'>): string[] =>
  [0, 1, 2, 3].map((i) => String(cycle.year + i));

export const cycleHref = (cycle: Pick<CycleRecord, 'id'>) => `/sykluser/${encodeURIComponent(cycle.id)}`;

export const cycleTitle = (cycle: Pick<CycleRecord, 'config' | 'year'>) => `${cycle.config.name} ${cycle.year}`;

/** Whether measures can still be proposed, edited or withdrawn: phase "forslag" and its deadline ahead. */
export const proposalsOpen = (cycle: Pick<CycleRecord, 'phase' | 'deadlines'>, now = Date.now()) =>
  cycle.phase === 'proposals' && Date.parse(cycle.deadlines.proposals) > now;
