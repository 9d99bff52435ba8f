/**
 * Fills a running local engine (`npm start`) with two years of Lillehammer-regionen to look at in
 * the browser, through the HTTP API as an integration would: year Y adopted by the IPR and every
 * council (its public page at /offentlig/lillehammer-regionen/Y), and year Y+1 with a priority list
 * under vote that waits for "Ordfører i Lillehammer". Y is the first pair of years from next year
 * on that has no cycle yet, so it can run again. The actors are the local provider's reference
 * people, so their names show on the pages.
 *
 *   npx tsx scripts/demo-web.ts
 */
import { localSecret, type TokenClaims } from '../services/api/auth.js';
import { loadConfigOrExit } from '../services/config.js';
import { localApi } from '../test/support/api-client.js';

const PID = 'lillehammer-regionen';
const MUNICIPALITIES = ['3405', '3440', '3441'];
const config = loadConfigOrExit();
const base = config.webBaseUrl;
const secret = await localSecret(config);

type Who = Pick<TokenClaims, 'sub' | 'roles'> & { municipality?: string };
const ADMIN: Who = { sub: `admin-${PID}`, roles: ['admin'] };
const PROPOSERS: Who[] = [
  { sub: `proposer-1-${PID}`, roles: ['proposer'] },
  { sub: `proposer-2-${PID}`, roles: ['proposer'] },
];

const api = localApi<Who>({
  baseUrl: base,
  secret,
  claims: (who) => ({ name: who.sub, partnership: PID, ...who }),
  ttl: '10m',
});

async function phase(cid: string, wanted: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await api('GET', `/cycles/${cid}`, ADMIN)).phase === wanted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cid} did not reach ${wanted}`);
}

const MEASURES = [
  {
    title: 'Næringshage i Gausdal',
    strategies: ['1.2', '3.2'],
    responsible: 'Gausdal næringsforum',
    amount: '450000.00',
  },
  {
    title: 'Tech Valley-programmet',
    strategies: ['2.1', '2.2'],
    responsible: 'Lillehammer-regionen Vekst',
    amount: '1200000.00',
  },
  {
    title: 'Bo i regionen: helsepersonell til Mjøssykehuset',
    strategies: ['5.1.3'],
    responsible: 'Lillehammer kommune',
    amount: '600000.00',
  },
  {
    title: 'Bio-hub for foredling av råvarer fra landbruket',
    strategies: ['3.3'],
    responsible: 'Øyer kommune',
    amount: '900000.00',
  },
];

const today = new Date().toISOString().slice(0, 10);

/** A year through proposals to its recommended list under vote; returns the cycle id. */
async function toVote(year: number): Promise<string> {
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const frames = Object.fromEntries(
    ['county', ...MUNICIPALITIES].map((f) => [
      f,
      Object.fromEntries(years.map((y) => [y, f === 'county' ? '2000000.00' : '400000.00'])),
    ]),
  );
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
  await api('POST', `/partnerships/${PID}/cycles`, ADMIN, {
    year,
    frames,
    deadlines: { proposals: inDays(14), ipr: inDays(30), adoption: inDays(60) },
  });
  const cid = `${PID}-${year}`;
  for (const [i, m] of MEASURES.entries()) {
    await api('POST', `/cycles/${cid}/measures`, PROPOSERS[i % 2]!, {
      title: m.title,
      description: `${m.title}: et tiltak i handlings- og økonomiplanen.`,
      strategies: m.strategies,
      responsible: m.responsible,
      amounts: { [year]: m.amount, [year + 1]: '200000.00' },
      cofunding: [],
    });
  }
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await phase(cid, 'prioritisation');
  const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
  await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
    items,
    meeting: { date: today, caseNumber: `IPR ${String(year).slice(2)}/1` },
  });
  return cid;
}

const existing = new Set(
  ((await api('GET', `/partnerships/${PID}/cycles`, ADMIN)) as unknown as { year: number }[]).map((c) => c.year),
);
let year = new Date().getFullYear() + 1;
while (existing.has(year) || existing.has(year + 1)) year += 1;

const adopted = await toVote(year);
for (const sub of ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'county-politician-1']) {
  await api('POST', `/cycles/${adopted}/priority-lists/1/votes`, { sub, roles: ['ipr_member'] }, { vote: 'approve' });
}
await phase(adopted, 'adoption');
for (const m of MUNICIPALITIES) {
  await api(
    'POST',
    `/cycles/${adopted}/adoptions/${m}`,
    { sub: `clerk-${m}`, roles: ['municipal_clerk'], municipality: m },
    { decision: 'adopted', caseNumber: `PS ${m.slice(2)}/${String(year).slice(2)}`, decidedOn: today },
  );
}
await phase(adopted, 'adopted');

const voting = await toVote(year + 1);
await api(
  'POST',
  `/cycles/${voting}/priority-lists/1/votes`,
  { sub: 'mayor-3440', roles: ['ipr_member'] },
  { vote: 'approve' },
);

console.log(`${year} is adopted: ${base}/offentlig/${PID}/${year}`);
console.log(
  `${year + 1} has a list under vote: sign in at ${base}/logg-inn as «Ordfører i Lillehammer» to see it under "Mine oppgaver".`,
);
