/**
 * A cycle of Lillehammer-regionen taken to "adopted" through the HTTP API, as integrations would
 * (test/support/browser.ts api(): bearer tokens for the reference people), for the browser tests
 * whose stack's worker they cannot reach directly: start with frames for Y..Y+3, the measures
 * (each by its proposer), proposals closed, the recommendation put to the vote (case 12/YY),
 * five approvals, every council's adoption.
 */
import type { TokenClaims } from '../../services/api/auth.js';
import { api, type Who } from './browser.js';

export const PID = 'lillehammer-regionen';
export const MUNICIPALITIES = ['3405', '3440', '3441'];
export const ADMIN: Who = { sub: 'admin-lillehammer-regionen', roles: ['admin'] };
export const PROPOSER: Who = { sub: 'proposer-1-lillehammer-regionen', roles: ['proposer'] };
export const PROPOSER_2: Who = { sub: 'proposer-2-lillehammer-regionen', roles: ['proposer'] };
export const member = (sub: string): Who => ({ sub, roles: ['ipr_member'] as TokenClaims['roles'] });
export const clerk = (m: string): Who => ({ sub: `clerk-${m}`, roles: ['municipal_clerk'], municipality: m });

export async function phaseIs(cid: string, phase: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await api('GET', `/cycles/${cid}`, ADMIN)).phase === phase) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cid} never reached ${phase}`);
}

export interface PlannedMeasure {
  title: string;
  /** asked for year Y */
  amount: string;
  strategies: string[];
  by?: Who;
}

/** A cycle for Y started by the administrator, proposals open; its id. */
export async function startedThroughApi(year: number): Promise<string> {
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const frames = Object.fromEntries(
    ['county', ...MUNICIPALITIES].map((f) => [
      f,
      Object.fromEntries(years.map((y) => [y, f === 'county' ? '2000000.00' : '400000.00'])),
    ]),
  );
  const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  await api('POST', `/partnerships/${PID}/cycles`, ADMIN, {
    year,
    frames,
    deadlines: { proposals: soon(10), ipr: soon(20), adoption: soon(30) },
  });
  return `${PID}-${year}`;
}

/** The measures proposed, each by its proposer (PROPOSER unless `by`); their ids in the order given. */
export async function proposedThroughApi(cid: string, year: number, measures: PlannedMeasure[]): Promise<string[]> {
  const ids: string[] = [];
  for (const { title, amount, strategies, by } of measures) {
    const { id } = await api('POST', `/cycles/${cid}/measures`, by ?? PROPOSER, {
      title,
      strategies,
      description: 'Beskrivelse',
      responsible: 'Lillehammer-regionen Vekst',
      amounts: { [year]: amount },
      cofunding: [],
    });
    ids.push(String(id));
  }
  return ids;
}

/** The adopted cycle's id and its measures' ids, in the order given. */
export async function adoptedThroughApi(
  year: number,
  measures: PlannedMeasure[],
): Promise<{ cid: string; ids: string[] }> {
  const cid = await startedThroughApi(year);
  const ids = await proposedThroughApi(cid, year, measures);
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await phaseIs(cid, 'prioritisation');
  const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
  const list = await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
    items,
    meeting: { date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` },
  });
  for (const sub of ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'opposition-3440'])
    await api('POST', `/cycles/${cid}/priority-lists/${String(list.version)}/votes`, member(sub), { vote: 'approve' });
  await phaseIs(cid, 'adoption');
  for (const [i, m] of MUNICIPALITIES.entries())
    await api('POST', `/cycles/${cid}/adoptions/${m}`, clerk(m), {
      decision: 'adopted',
      caseNumber: `PS ${m.slice(2)}/${String(year).slice(2)}`,
      decidedOn: `2026-11-1${i}`, // not in the future, whatever the test year
    });
  await phaseIs(cid, 'adopted');
  return { cid, ids };
}
