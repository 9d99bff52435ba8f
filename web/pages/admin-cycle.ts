/**
 * What the administrator's pages (web/pages/cycle-start.ts, cycle-deadlines.ts, cycle-steer.ts,
 * year-end.ts) share: who may act (the roles the API's endpoint allows, nobody else), the cycle of
 * the address, the breadcrumbs, the deadlines' Norwegian names, and the form field of a deadline
 * typed in Oslo time.
 */
import { html } from 'hono/html';
import { endpoints } from '../../schema/api.js';
import { Problem, type CycleRecord, type Deadlines, type WebContext } from '../core.js';
import type { Person } from '../env.js';
import { textField, type FormError, type FormValues } from '../forms.js';
import type { Html } from '../layout.js';
import { cycleHref, cycleOf, cycleTitle } from './action-cycle.js';
import type { PageContext } from './render.js';

type AdminEndpoint = 'startCycle' | 'moveDeadline' | 'closeProposals' | 'cancelCycle' | 'closeCycle';

/** Refuses (403 page) anyone whose roles the API's endpoint does not take. */
export function mayDo(person: Person, endpoint: AdminEndpoint): void {
  if (!endpoints[endpoint].roles.some((r) => person.roles.includes(r)))
    throw new Problem('forbidden', 'Bare administratoren i partnerskapet kan gjøre dette.');
}

/** The cycle of the address, for someone the endpoint allows, of the cycle's own partnership. */
export async function adminCycle(
  ctx: WebContext,
  c: PageContext,
  person: Person,
  endpoint: AdminEndpoint,
): Promise<CycleRecord> {
  mayDo(person, endpoint);
  return cycleOf(ctx, c, person);
}

/** Mine oppgaver › {cycle} › {page} (› {step}). */
export function adminCrumbs(cycle: CycleRecord, label: string, path: string, step?: string) {
  return [
    { label: 'Mine oppgaver', href: '/' },
    { label: cycleTitle(cycle), href: cycleHref(cycle) },
    ...(step ? [{ label, href: `${cycleHref(cycle)}/${path}` }, { label: step }] : [{ label }]),
  ];
}

export const DEADLINE_NAMES: Record<keyof Deadlines, string> = {
  proposals: 'Forslagsfrist',
  ipr: 'Frist for IPRs vedtak',
  adoption: 'Frist for kommunestyrenes vedtak',
};

export const OSLO_TIME_HELP = 'Norsk tid, som dag.måned.år tt:mm, for eksempel 31.12.2027 23:59.';

/** A date-and-time field in Oslo time. */
export function osloTimeField(name: string, label: string, values: FormValues, errors: FormError[]): Html {
  return textField({ name, label, description: OSLO_TIME_HELP, values, errors, short: true });
}

/** A line for a page with nothing to do: why, and the way back to the cycle. */
export function nothingToDo(cycle: CycleRecord, why: string): Html {
  return html`<p class="ds-paragraph">${why}</p>
<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}">Tilbake til ${cycleTitle(cycle)}</a></p>`;
}
