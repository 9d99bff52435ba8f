/**
 * A cycle of Lillehammer-regionen taken through its year by the HTTP API of the browser tests'
 * stack (test/support/browser.ts api()), for the steps a browser test does not take in the browser:
 * started, measures proposed, the recommendation put to the vote and approved, every council's
 * decision, and a progress report with money spent.
 */
import { api, type Who } from './browser.js';
import type { TokenClaims } from '../../services/api/auth.js';
import { osloToday } from '../../web/input.js';

export const PID = 'lillehammer-regionen';
export const MUNICIPALITIES = ['3405', '3440', '3441'];
export const ADMIN: Who = { sub: 'admin-lillehammer-regionen', roles: ['admin'] };
export const PROPOSER: Who = { sub: 'proposer-1-lillehammer-regionen', roles: ['proposer'] };
export const memberWho = (sub: string): Who => ({ sub, roles: ['ipr_member'] as TokenClaims['roles'] });
export const clerkWho = (m: string): Who => ({ sub: `clerk-${m}`, roles: ['municipal_clerk'], municipality: m });

export const cycleIdOf = (year: number) => `${PID}-${year}`;

export async function phaseIs(cid: string, phase: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await api('GET', `/cycles/${cid}`, ADMIN)).phase === phase) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cid} never reached ${phase}`);
}

/** An instant `days` from now. */
export const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** Starts `year` with frames of 2 000 000,00 (county) and 400 000,00 (each municipality) a year. */
export async function startByApi(year: number): Promise<string> {
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const frames = Object.fromEntries(
    ['county', ...MUNICIPALITIES].map((f) => [
      f,
      Object.fromEntries(years.map((y) => [y, f === 'county' ? '2000000.00' : '400000.00'])),
    ]),
  );
  await api('POST', `/partnerships/${PID}/cycles`, ADMIN, {
    year,
    frames,
    deadlines: { proposals: soon(10), ipr: soon(20), adoption: soon(30) },
  });
  return cycleIdOf(year);
}

/**
 * `year` started, the measures proposed (amounts for `year`), proposals closed and the
 * recommendation put to the vote as list 1 (meeting 20 November Y-1, case 12/YY).
 */
export async function toVoteByApi(
  year: number,
  measures: { title: string; amount: string; strategies?: string[] }[],
): Promise<{ cid: string; ids: string[] }> {
  const cid = await startByApi(year);
  const ids: string[] = [];
  for (const { title, amount, strategies = ['1.2'] } of measures) {
    const { id } = await api('POST', `/cycles/${cid}/measures`, PROPOSER, {
      title,
      strategies,
      description: 'Beskrivelse',
      responsible: 'Lillehammer-regionen Vekst',
      amounts: { [year]: amount },
      cofunding: [],
    });
    ids.push(String(id));
  }
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await phaseIs(cid, 'prioritisation');
  const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
  await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
    items,
    meeting: { date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` },
  });
  return { cid, ids };
}

/** List 1 approved by five voting members; the cycle in adoption. */
export async function iprAdoptsByApi(cid: string): Promise<void> {
  for (const sub of ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'opposition-3440'])
    await api('POST', `/cycles/${cid}/priority-lists/1/votes`, memberWho(sub), { vote: 'approve' });
  await phaseIs(cid, 'adoption');
}

/** `year` through the vote and every council's adoption (dated today): adopted; returns the measure ids. */
export async function adoptedByApi(year: number, measures: { title: string; amount: string }[]): Promise<string[]> {
  const { cid, ids } = await toVoteByApi(year, measures);
  await iprAdoptsByApi(cid);
  for (const m of MUNICIPALITIES)
    await api('POST', `/cycles/${cid}/adoptions/${m}`, clerkWho(m), {
      decision: 'adopted',
      caseNumber: `PS ${m.slice(2)}/${String(year).slice(2)}`,
      decidedOn: osloToday(),
    });
  await phaseIs(cid, 'adopted');
  return ids;
}
