/**
 * Cycles of Lillehammer-regionen driven through the browser tests' HTTP API (test/support/browser.ts
 * api()), as integrations do, for the steps a browser test does not take in the browser: started
 * with frames for Y..Y+3, measures proposed (each by its proposer), proposals closed, the
 * recommendation put to the vote (case 12/YY), five approvals, and each council's decision.
 */
import type { TokenClaims } from '../../services/api/auth.js';
import { api, type Who } from './browser.js';

export const PID = 'lillehammer-regionen';
export const MUNICIPALITIES = ['3405', '3440', '3441'];

export const ADMIN: Who = { sub: 'admin-lillehammer-regionen', roles: ['admin'] };
export const PROPOSER: Who = { sub: 'proposer-1-lillehammer-regionen', roles: ['proposer'] };
export const PROPOSER_2: Who = { sub: 'proposer-2-lillehammer-regionen', roles: ['proposer'] };
export const FINANCE: Who = { sub: 'finance-county-lillehammer-regionen', roles: ['finance'] };
export const member = (sub: string): Who => ({ sub, roles: ['ipr_member'] as TokenClaims['roles'] });
export const clerk = (m: string): Who => ({
  sub: `clerk-${m}`,
  roles: ['municipal_clerk'] as TokenClaims['roles'],
  municipality: m,
});

export const cycleIdOf = (year: number) => `${PID}-${year}`;

/** An instant `days` from now. */
export const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export async function phaseIs(cid: string, phase: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await api('GET', `/cycles/${cid}`, ADMIN)).phase === phase) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cid} never reached ${phase}`);
}

export interface PlannedMeasure {
  title: string;
  /** year -> amount; or `amount`, for the cycle's first year alone */
  amounts?: Record<string, string>;
  amount?: string;
  /** default 1.2 */
  strategies?: string[];
  cofunding?: { source: string; amount: string }[];
  /** who proposes it; PROPOSER unless given */
  by?: Who;
}

/** Starts the year with frames for Y..Y+3 (by default the county 2 000 000, each municipality 400 000) and deadlines days ahead; returns the cycle id. */
export async function startCycle(
  year: number,
  frame: { county: string; municipality: string } = { county: '2000000.00', municipality: '400000.00' },
): Promise<string> {
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const frames = Object.fromEntries(
    ['county', ...MUNICIPALITIES].map((f) => [
      f,
      Object.fromEntries(years.map((y) => [y, f === 'county' ? frame.county : frame.municipality])),
    ]),
  );
  await api('POST', `/partnerships/${PID}/cycles`, ADMIN, {
    year,
    frames,
    deadlines: { proposals: soon(10), ipr: soon(20), adoption: soon(30) },
  });
  return cycleIdOf(year);
}

/** The measures proposed, each by its proposer; their ids in the order given. */
export async function proposeMeasures(cid: string, year: number, measures: PlannedMeasure[]): Promise<string[]> {
  const ids: string[] = [];
  for (const { title, amounts, amount, strategies = ['1.2'], cofunding = [], by = PROPOSER } of measures) {
    const { id } = await api('POST', `/cycles/${cid}/measures`, by, {
      title,
      strategies,
      description: 'Beskrivelse',
      responsible: 'Lillehammer-regionen Vekst',
      amounts: amounts ?? { [year]: amount },
      cofunding,
    });
    ids.push(String(id));
  }
  return ids;
}

/** A year through proposals to a list under vote (list 1, meeting 20 November Y-1, case 12/YY). */
export async function toVote(year: number, measures: PlannedMeasure[]): Promise<{ cid: string; ids: string[] }> {
  const cid = await startCycle(year);
  const ids = await proposeMeasures(cid, year, measures);
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await phaseIs(cid, 'prioritisation');
  const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
  await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
    items,
    meeting: { date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` },
  });
  return { cid, ids };
}

/** List 1 approved by five of the eight voting members; the cycle in adoption. */
export async function iprAdopts(cid: string): Promise<void> {
  for (const sub of ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'opposition-3440'])
    await api('POST', `/cycles/${cid}/priority-lists/1/votes`, member(sub), { vote: 'approve' });
  await phaseIs(cid, 'adoption');
}

export const councilCase = (m: string, year: number) => `PS ${m.slice(2)}/${String(year).slice(2)}`;

/** The council adopts its share as asked, decided in the past whatever the test year. */
export const councilAdopts = (cid: string, year: number, m: string) =>
  api('POST', `/cycles/${cid}/adoptions/${m}`, clerk(m), {
    decision: 'adopted',
    caseNumber: councilCase(m, year),
    decidedOn: `2026-11-1${MUNICIPALITIES.indexOf(m)}`,
  });

/** The year through the vote and every council's adoption: adopted. */
export async function adopted(year: number, measures: PlannedMeasure[]): Promise<{ cid: string; ids: string[] }> {
  const { cid, ids } = await toVote(year, measures);
  await iprAdopts(cid);
  for (const m of MUNICIPALITIES) await councilAdopts(cid, year, m);
  await phaseIs(cid, 'adopted');
  return { cid, ids };
}
