/**
 * Cycles of Lillehammer-regionen driven through the browser tests' HTTP API (test/support/browser.ts
 * api()), as integrations do: started with frames for Y..Y+3, measures proposed, proposals closed,
 * the recommendation put to the vote (case 12/YY), five approvals, and each council's decision.
 */
import type { TokenClaims } from '../../services/api/auth.js';
import { api, type Who } from './browser.js';

export const PID = 'lillehammer-regionen';
export const MUNICIPALITIES = ['3405', '3440', '3441'];

export const ADMIN: Who = { sub: 'admin-lillehammer-regionen', roles: ['admin'] };
export const PROPOSER: Who = { sub: 'proposer-1-lillehammer-regionen', roles: ['proposer'] };
export const FINANCE: Who = { sub: 'finance-county-lillehammer-regionen', roles: ['finance'] };
export const member = (sub: string): Who => ({ sub, roles: ['ipr_member'] as TokenClaims['roles'] });
export const clerk = (m: string): Who => ({
  sub: `clerk-${m}`,
  roles: ['municipal_clerk'] as TokenClaims['roles'],
  municipality: m,
});

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
  strategies: string[];
  cofunding?: { source: string; amount: string }[];
}

/** Starts the year with frames for Y..Y+3 (the county 2 000 000, each municipality 400 000) and deadlines days ahead; returns the cycle id. */
export async function startCycle(year: number): Promise<string> {
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

/** A year through proposals to a list under vote (case 12/YY); returns the cycle id. */
export async function toVote(year: number, measures: PlannedMeasure[]): Promise<string> {
  const cid = await startCycle(year);
  for (const { title, amounts, amount, strategies, cofunding } of measures) {
    await api('POST', `/cycles/${cid}/measures`, PROPOSER, {
      title,
      strategies,
      description: 'Beskrivelse',
      responsible: 'Lillehammer-regionen Vekst',
      amounts: amounts ?? { [year]: amount },
      cofunding: cofunding ?? [],
    });
  }
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await phaseIs(cid, 'prioritisation');
  const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
  await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
    items,
    meeting: { date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` },
  });
  return cid;
}

export async function iprAdopts(cid: string): Promise<void> {
  for (const sub of ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'opposition-3440'])
    await api('POST', `/cycles/${cid}/priority-lists/1/votes`, member(sub), { vote: 'approve' });
  await phaseIs(cid, 'adoption');
}

export const councilCase = (m: string, year: number) => `PS ${m.slice(2)}/${String(year).slice(2)}`;

export const councilAdopts = (cid: string, year: number, m: string) =>
  api('POST', `/cycles/${cid}/adoptions/${m}`, clerk(m), {
    decision: 'adopted',
    caseNumber: councilCase(m, year),
    decidedOn: `2026-11-1${MUNICIPALITIES.indexOf(m)}`,
  });
