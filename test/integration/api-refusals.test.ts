/**
 * What the API refuses, through the real stack: an authorisation matrix (every endpoint × every
 * role × own or other partnership and municipality) and a table of bad input for every write
 * endpoint. Each refusal must be the right status with a problem+json body, and must change
 * nothing: the cycle's rows in Postgres and the workflow's status are compared before and after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type EndpointName, type Role } from '../../schema/api.js';
import { loadConfig } from '../../services/config.js';
import { createApp } from '../../services/api/app.js';
import { signLocalToken, localAuthenticator, type TokenClaims } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { connectClient, sql, startWorker } from '../support/stack.js';

const SECRET = 'api-refusals-secret-0123456789-abcdefghijkl';
const secret = new TextEncoder().encode(SECRET);
const PID = 'lillehammer-regionen';
const OTHER = 'hamarregionen';
const BODY_LIMIT = 4096;

let app: ReturnType<typeof createApp>;

const token = (claims: Partial<TokenClaims> & { roles: TokenClaims['roles'] }) =>
  signLocalToken(secret, { sub: claims.sub ?? claims.roles[0]!, name: 'Tester', partnership: PID, ...claims }, '1h');

interface Sent {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

async function send(method: string, path: string, bearer: string, body?: unknown, headers: Record<string, string> = {}): Promise<Sent> {
  const init: RequestInit & { headers: Record<string, string> } = { method, headers: { authorization: `Bearer ${bearer}`, ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const res = await app.request(path, init);
  const text = await res.text();
  const type = res.headers.get('content-type');
  return { status: res.status, type, body: type?.includes('json') && text ? JSON.parse(text) : {} };
}

const years = (y: number) => [y, y + 1, y + 2, y + 3].map(String);
const yearMap = (y: number, amount: string) => Object.fromEntries(years(y).map((yy) => [yy, amount]));
const frames = (y: number) => ({ county: yearMap(y, '2000000.00'), 3405: yearMap(y, '400000.00'), 3440: yearMap(y, '400000.00'), 3441: yearMap(y, '400000.00') });
const later = { proposals: '2099-01-01T12:00:00Z', ipr: '2099-02-01T12:00:00Z', adoption: '2099-03-01T12:00:00Z' };

let admin: string;
let kari: string;

async function startCycle(year: number, deadlines = later): Promise<string> {
  const res = await send('POST', `/api/v1/partnerships/${PID}/cycles`, admin, { year, frames: frames(year), deadlines });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return `${PID}-${year}`;
}

async function submit(cid: string, amounts: Record<string, string>): Promise<string> {
  const res = await send('POST', `/api/v1/cycles/${cid}/measures`, kari, { title: 'Tiltak', description: 'Beskrivelse', strategies: ['2.1'], responsible: 'LRV', amounts });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Every row that belongs to the cycles (ids that must stay unused included), and what their workflows report. */
async function snapshot(cycleIds: string[]): Promise<unknown> {
  const db = sql();
  const rows = await Promise.all([
    db`select * from cycles where id = any(${cycleIds}) order by id`,
    ...['measures', 'priority_lists', 'votes', 'adoptions', 'allocations', 'progress_reports', 'indicator_values', 'year_end', 'audit_log'].map(
      (table) => db`select * from ${db(table)} where cycle_id = any(${cycleIds}) order by 1, 2, 3`,
    ),
  ]);
  const statuses = await Promise.all(cycleIds.map(async (cid) => {
    const res = await send('GET', `/api/v1/cycles/${cid}`, admin);
    return { status: res.status, body: res.body };
  }));
  return { rows, statuses };
}

beforeAll(async () => {
  const worker = await startWorker();
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: worker.taskQueue, HOEP_JWT_SECRET: SECRET, BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  app = createApp({ sql: sql(), temporal: await connectClient(), config, auth: localAuthenticator(secret), log: silentLogger });
  [admin, kari] = await Promise.all([token({ roles: ['admin'] }), token({ sub: 'kari', roles: ['proposer'] })]);
});

describe('the authorisation matrix', () => {
  /** Who may call what, as shared/API.md says (not read from the route table under test). */
  const WHO: Record<EndpointName, readonly Role[] | 'any'> = {
    listPartnerships: 'any',
    getPlan: 'any',
    listCycles: 'any',
    startCycle: ['admin'],
    getCycle: 'any',
    cancelCycle: ['admin'],
    submitMeasure: ['proposer', 'admin'],
    listMeasures: 'any',
    getMeasure: 'any',
    editMeasure: ['proposer', 'admin'],
    withdrawMeasure: ['proposer', 'admin'],
    closeProposals: ['admin'],
    moveDeadline: ['admin'],
    getRecommendation: 'any',
    listPriorityLists: 'any',
    proposePriorityList: ['admin', 'ipr_member'],
    castVote: ['ipr_member'],
    recordAdoption: ['municipal_clerk'],
    getAllocations: ['finance', 'admin', 'ipr_member'],
    reportProgress: ['proposer', 'admin'],
    reportIndicators: ['admin'],
    closeCycle: ['admin'],
  };

  const callers: { name: string; claims: Partial<TokenClaims> & { roles: Role[] } }[] = [
    { name: 'admin', claims: { roles: ['admin'] } },
    { name: 'proposer', claims: { sub: 'kari', roles: ['proposer'] } },
    { name: 'ipr member', claims: { sub: 'mayor-3405', roles: ['ipr_member'] } },
    { name: 'finance', claims: { roles: ['finance'] } },
    { name: 'clerk of 3405', claims: { sub: 'clerk-3405', roles: ['municipal_clerk'], municipality: '3405' } },
    { name: 'clerk of 3440', claims: { sub: 'clerk-3440', roles: ['municipal_clerk'], municipality: '3440' } },
  ];

  it('names every endpoint of the route table', () => {
    expect(Object.keys(WHO).sort()).toEqual(Object.keys(endpoints).sort());
  });

  it('gives 403 to every role, partnership and municipality that may not act, and lets the others through', { timeout: 60_000 }, async () => {
    const cid = await startCycle(2045);
    const mid = await submit(cid, { 2045: '100000.00' });
    const ended = await startCycle(2044);
    expect((await send('POST', `/api/v1/cycles/${ended}/cancel`, admin, { reason: 'matrise' })).status).toBe(200);

    // Requests an allowed caller makes without changing anything: invalid bodies, unknown ids, ended cycles.
    const requests: Record<EndpointName, { method: string; path: string; body?: unknown; allowed: number }> = {
      listPartnerships: { method: 'GET', path: '/api/v1/partnerships', allowed: 200 },
      getPlan: { method: 'GET', path: `/api/v1/partnerships/${PID}/plan`, allowed: 200 },
      listCycles: { method: 'GET', path: `/api/v1/partnerships/${PID}/cycles`, allowed: 200 },
      startCycle: { method: 'POST', path: `/api/v1/partnerships/${PID}/cycles`, body: {}, allowed: 422 },
      getCycle: { method: 'GET', path: `/api/v1/cycles/${cid}`, allowed: 200 },
      cancelCycle: { method: 'POST', path: `/api/v1/cycles/${cid}/cancel`, body: {}, allowed: 422 },
      submitMeasure: { method: 'POST', path: `/api/v1/cycles/${cid}/measures`, body: {}, allowed: 422 },
      listMeasures: { method: 'GET', path: `/api/v1/cycles/${cid}/measures`, allowed: 200 },
      getMeasure: { method: 'GET', path: `/api/v1/cycles/${cid}/measures/${mid}`, allowed: 200 },
      editMeasure: { method: 'PATCH', path: `/api/v1/cycles/${cid}/measures/${mid}`, body: {}, allowed: 422 },
      withdrawMeasure: { method: 'DELETE', path: `/api/v1/cycles/${cid}/measures/m9999`, allowed: 404 },
      closeProposals: { method: 'POST', path: `/api/v1/cycles/${ended}/proposals/close`, allowed: 409 },
      moveDeadline: { method: 'POST', path: `/api/v1/cycles/${cid}/deadlines`, body: {}, allowed: 422 },
      getRecommendation: { method: 'GET', path: `/api/v1/cycles/${cid}/recommendation`, allowed: 409 },
      listPriorityLists: { method: 'GET', path: `/api/v1/cycles/${cid}/priority-lists`, allowed: 200 },
      proposePriorityList: { method: 'POST', path: `/api/v1/cycles/${cid}/priority-lists`, body: {}, allowed: 422 },
      castVote: { method: 'POST', path: `/api/v1/cycles/${cid}/priority-lists/1/votes`, body: {}, allowed: 422 },
      recordAdoption: { method: 'POST', path: `/api/v1/cycles/${cid}/adoptions/3405`, body: {}, allowed: 422 },
      getAllocations: { method: 'GET', path: `/api/v1/cycles/${cid}/allocations`, allowed: 200 },
      reportProgress: { method: 'POST', path: `/api/v1/cycles/${cid}/measures/${mid}/reports`, body: {}, allowed: 422 },
      reportIndicators: { method: 'POST', path: `/api/v1/cycles/${cid}/indicators`, body: {}, allowed: 422 },
      closeCycle: { method: 'POST', path: `/api/v1/cycles/${cid}/close`, body: {}, allowed: 422 },
    };

    const before = await snapshot([cid, ended]);
    const results: string[] = [];
    const expected: string[] = [];
    for (const caller of callers) {
      for (const partnership of [PID, OTHER]) {
        const bearer = await token({ ...caller.claims, partnership });
        for (const [name, r] of Object.entries(requests) as [EndpointName, (typeof requests)[EndpointName]][]) {
          const who = WHO[name];
          const roleOk = who === 'any' || who.some((role) => caller.claims.roles.includes(role));
          const municipalityOk = name !== 'recordAdoption' || caller.claims.municipality === '3405';
          const scoped = name !== 'listPartnerships';
          const status = (partnership === PID || !scoped) && roleOk && municipalityOk ? r.allowed : 403;
          const res = await send(r.method, r.path, bearer, r.body);
          results.push(`${caller.name} of ${partnership}: ${name} -> ${res.status} ${res.type}`);
          expected.push(`${caller.name} of ${partnership}: ${name} -> ${status} ${status === 200 ? 'application/json' : 'application/problem+json'}`);
        }
      }
    }
    expect(results).toEqual(expected);
    expect(await snapshot([cid, ended])).toEqual(before);
  });
});

describe('bad input', () => {
  interface Case {
    what: string;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    bearer?: () => string;
    status: number;
    /** a field the problem's errors must name */
    errorPath?: string;
  }

  let open: string;
  let prioritising: string;
  let mid: string;
  let bigMeasure: string;
  let cases: Case[];

  beforeAll(async () => {
    open = await startCycle(2046);
    mid = await submit(open, { 2046: '100000.00' });
    prioritising = await startCycle(2047, { ...later, proposals: new Date(Date.now() + 3000).toISOString() });
    bigMeasure = await submit(prioritising, { 2047: '5000000.00' });
    for (let i = 0; i < 100; i++) {
      if ((await send('GET', `/api/v1/cycles/${prioritising}`, admin)).body.phase === 'prioritisation') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const measure = { title: 'Tiltak', description: 'Beskrivelse', strategies: ['2.1'], responsible: 'LRV' };
    const withAmount = (amount: unknown) => ({ ...measure, amounts: { 2046: amount } });
    const measures = `/api/v1/cycles/${open}/measures`;
    const cycles = `/api/v1/partnerships/${PID}/cycles`;
    const startBody = (patch: object) => ({ year: 2048, frames: frames(2048), deadlines: later, ...patch });
    const list = (grants: Record<string, unknown>, extra: object = {}) => ({ items: [{ measureId: bigMeasure, rank: 1, grants }], meeting: { date: '2047-02-01', caseNumber: 'IPR 1/47' }, ...extra });

    cases = [
      { what: 'money as a JSON number', method: 'POST', path: measures, body: withAmount(100000), status: 422, errorPath: 'amounts.2046' },
      { what: 'money with three decimals', method: 'POST', path: measures, body: withAmount('100000.000'), status: 422, errorPath: 'amounts.2046' },
      { what: 'negative money', method: 'POST', path: measures, body: withAmount('-5.00'), status: 422, errorPath: 'amounts.2046' },
      { what: 'money with an exponent', method: 'POST', path: measures, body: withAmount('1e5'), status: 422, errorPath: 'amounts.2046' },
      { what: 'money with one decimal', method: 'POST', path: measures, body: withAmount('100.5'), status: 422, errorPath: 'amounts.2046' },
      { what: 'money as an empty string', method: 'POST', path: measures, body: withAmount(''), status: 422, errorPath: 'amounts.2046' },
      { what: 'a year outside Y..Y+3', method: 'POST', path: measures, body: { ...measure, amounts: { 2099: '1.00' } }, status: 422, errorPath: 'amounts.2099' },
      { what: 'an unknown strategy code', method: 'POST', path: measures, body: { ...measure, strategies: ['9.9'], amounts: { 2046: '1.00' } }, status: 422, errorPath: 'strategies.0' },
      { what: 'a number for a title', method: 'POST', path: measures, body: { ...withAmount('1.00'), title: 42 }, status: 422, errorPath: 'title' },
      { what: 'an empty title', method: 'POST', path: measures, body: { ...withAmount('1.00'), title: '  ' }, status: 422, errorPath: 'title' },
      { what: 'a NUL character in a title', method: 'POST', path: measures, body: { ...withAmount('1.00'), title: 'Tiltak\u0000' }, status: 422, errorPath: 'title' },
      { what: 'a path with broken percent-encoding', method: 'POST', path: '/api/v1/cycles/%E0%A4%A/measures', body: withAmount('1.00'), status: 404 },
      { what: 'an unknown field', method: 'POST', path: measures, body: { ...withAmount('1.00'), budget: 'x' }, status: 422, errorPath: 'budget' },
      { what: 'a JSON array', method: 'POST', path: measures, body: [], status: 422 },
      { what: 'malformed JSON', method: 'POST', path: measures, body: '{"title": ', status: 400 },
      { what: 'an empty body', method: 'POST', path: measures, body: '', status: 400 },
      { what: 'a text/plain body', method: 'POST', path: measures, body: JSON.stringify(withAmount('1.00')), headers: { 'content-type': 'text/plain' }, status: 415 },
      { what: 'a form body', method: 'POST', path: measures, body: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
      { what: 'a body over the limit', method: 'POST', path: measures, body: { ...withAmount('1.00'), description: 'x'.repeat(BODY_LIMIT) }, status: 413 },
      { what: 'an unknown cycle', method: 'POST', path: `/api/v1/cycles/${PID}-2099/measures`, body: withAmount('1.00'), status: 404 },
      { what: 'a cycle id that names nothing', method: 'POST', path: '/api/v1/cycles/not-a-cycle/measures', body: withAmount('1.00'), status: 404 },

      { what: 'a frame missing a funder', method: 'POST', path: cycles, body: startBody({ frames: { ...frames(2048), 3441: undefined } }), status: 422, errorPath: 'frames.3441' },
      { what: 'a frame for a stranger', method: 'POST', path: cycles, body: startBody({ frames: { ...frames(2048), 3403: yearMap(2048, '1.00') } }), status: 422, errorPath: 'frames.3403' },
      { what: 'a frame year outside Y..Y+3', method: 'POST', path: cycles, body: startBody({ frames: { ...frames(2048), county: { ...yearMap(2048, '1.00'), 2052: '1.00' } } }), status: 422, errorPath: 'frames.county.2052' },
      { what: 'a frame year missing', method: 'POST', path: cycles, body: startBody({ frames: { ...frames(2048), county: { 2048: '1.00' } } }), status: 422, errorPath: 'frames.county.2049' },
      { what: 'a frame as a number', method: 'POST', path: cycles, body: startBody({ frames: { ...frames(2048), county: { ...yearMap(2048, '1.00'), 2048: 1 } } }), status: 422, errorPath: 'frames.county.2048' },
      { what: 'deadlines out of order', method: 'POST', path: cycles, body: startBody({ deadlines: { ...later, ipr: '2098-01-01T00:00:00Z' } }), status: 422, errorPath: 'deadlines.ipr' },
      { what: 'a deadline in the past', method: 'POST', path: cycles, body: startBody({ deadlines: { ...later, proposals: '2020-01-01T00:00:00Z' } }), status: 422, errorPath: 'deadlines.proposals' },
      { what: 'a deadline that is no instant', method: 'POST', path: cycles, body: startBody({ deadlines: { ...later, adoption: 'next spring' } }), status: 422, errorPath: 'deadlines.adoption' },
      { what: 'a year as a string', method: 'POST', path: cycles, body: startBody({ year: '2048' }), status: 422, errorPath: 'year' },
      { what: 'a year that exists', method: 'POST', path: cycles, body: { year: 2046, frames: frames(2046), deadlines: later }, status: 409 },
      { what: 'an unknown partnership', method: 'POST', path: '/api/v1/partnerships/nowhere/cycles', body: startBody({}), bearer: () => otherAdmin, status: 404 },

      { what: 'an edit of an unknown measure', method: 'PATCH', path: `${measures}/m9999`, body: { title: 'x' }, status: 404 },
      { what: 'an edit with nothing', method: 'PATCH', path: `${measures}/${mid}`, body: {}, status: 422 },
      { what: 'an edit with three decimals', method: 'PATCH', path: `${measures}/${mid}`, body: { amounts: { 2046: '1.000' } }, status: 422, errorPath: 'amounts.2046' },
      { what: 'an edit of someone else’s measure', method: 'PATCH', path: `${measures}/${mid}`, body: { title: 'x' }, bearer: () => per, status: 403 },
      { what: 'a withdrawal of an unknown measure', method: 'DELETE', path: `${measures}/m9999`, status: 404 },
      { what: 'a withdrawal of someone else’s measure', method: 'DELETE', path: `${measures}/${mid}`, bearer: () => per, status: 403 },

      { what: 'an unknown deadline', method: 'POST', path: `/api/v1/cycles/${open}/deadlines`, body: { deadline: 'lunch', to: '2099-01-02T00:00:00Z' }, status: 422, errorPath: 'deadline' },
      { what: 'a deadline moved into the past', method: 'POST', path: `/api/v1/cycles/${open}/deadlines`, body: { deadline: 'ipr', to: '2021-01-02T00:00:00Z' }, status: 422, errorPath: 'to' },
      { what: 'a municipal deadline before adoption', method: 'POST', path: `/api/v1/cycles/${open}/deadlines`, body: { deadline: 'adoption:3405', to: '2099-03-02T00:00:00Z' }, status: 409 },

      { what: 'a priority list while proposals are open', method: 'POST', path: `/api/v1/cycles/${open}/priority-lists`, body: { items: [{ measureId: mid, rank: 1, grants: { 2046: '1.00' } }], meeting: { date: '2046-02-01', caseNumber: 'IPR 1/46' } }, status: 409 },
      { what: 'a priority list over the county frame', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists`, body: list({ 2047: '5000000.00' }), status: 422, errorPath: 'frames.county.2047' },
      { what: 'a grant as a number', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists`, body: list({ 2047: 1000 }), status: 422, errorPath: 'items.0.grants.2047' },
      { what: 'a grant above the request', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists`, body: list({ 2047: '6000000.00' }), status: 422, errorPath: 'items.0.grants.2047' },
      { what: 'a list with an unknown measure', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists`, body: { ...list({ 2047: '1.00' }), items: [{ measureId: 'm9999', rank: 1, grants: { 2047: '1.00' } }] }, status: 422, errorPath: 'items.0.measureId' },
      { what: 'a list with a rank twice', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists`, body: { ...list({}), items: [{ measureId: bigMeasure, rank: 1, grants: {} }, { measureId: 'm0002', rank: 1, grants: {} }] }, status: 422, errorPath: 'items.1.rank' },
      { what: 'a meeting without a date', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists`, body: { ...list({ 2047: '1.00' }), meeting: { caseNumber: 'x' } }, status: 422, errorPath: 'meeting.date' },

      { what: 'a vote that is neither', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists/1/votes`, body: { vote: 'maybe' }, bearer: () => mayor, status: 422, errorPath: 'vote' },
      { what: 'a vote on a list version that is no number', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists/first/votes`, body: { vote: 'approve' }, bearer: () => mayor, status: 404 },
      { what: 'a vote on a list that does not exist', method: 'POST', path: `/api/v1/cycles/${prioritising}/priority-lists/1/votes`, body: { vote: 'approve' }, bearer: () => mayor, status: 404 },
      { what: 'a vote while proposals are open', method: 'POST', path: `/api/v1/cycles/${open}/priority-lists/1/votes`, body: { vote: 'approve' }, bearer: () => mayor, status: 409 },

      { what: 'an adoption decision that is unknown', method: 'POST', path: `/api/v1/cycles/${open}/adoptions/3405`, body: { decision: 'maybe', caseNumber: 'K 1', decidedOn: '2046-03-01' }, bearer: () => clerk, status: 422, errorPath: 'decision' },
      { what: 'a reduced adoption without amounts', method: 'POST', path: `/api/v1/cycles/${open}/adoptions/3405`, body: { decision: 'reduced', caseNumber: 'K 1', decidedOn: '2046-03-01' }, bearer: () => clerk, status: 422, errorPath: 'amounts' },
      { what: 'an adoption on 30 February', method: 'POST', path: `/api/v1/cycles/${open}/adoptions/3405`, body: { decision: 'adopted', caseNumber: 'K 1', decidedOn: '2046-02-30' }, bearer: () => clerk, status: 422, errorPath: 'decidedOn' },
      { what: 'an adoption before IPR has decided', method: 'POST', path: `/api/v1/cycles/${open}/adoptions/3405`, body: { decision: 'adopted', caseNumber: 'K 1', decidedOn: '2046-03-01' }, bearer: () => clerk, status: 409 },

      { what: 'money spent as a number', method: 'POST', path: `${measures}/${mid}/reports`, body: { progress: 'ok', spent: { 2046: 5 } }, status: 422, errorPath: 'spent.2046' },
      { what: 'a report before adoption', method: 'POST', path: `${measures}/${mid}/reports`, body: { progress: 'ok', spent: { 2046: '5.00' } }, status: 409 },
      { what: 'an indicator value as a number', method: 'POST', path: `/api/v1/cycles/${open}/indicators`, body: { year: 2046, values: [{ indicator: '1', value: 3.5 }] }, status: 422, errorPath: 'values.0.value' },
      { what: 'indicators before adoption', method: 'POST', path: `/api/v1/cycles/${open}/indicators`, body: { year: 2046, values: [{ indicator: '1', value: '3.5' }] }, status: 409 },
      { what: 'a close with carryOver as text', method: 'POST', path: `/api/v1/cycles/${open}/close`, body: { carryOver: 'yes' }, status: 422, errorPath: 'carryOver' },
      { what: 'a close before adoption', method: 'POST', path: `/api/v1/cycles/${open}/close`, body: { carryOver: true }, status: 409 },
      { what: 'a cancel without a reason', method: 'POST', path: `/api/v1/cycles/${open}/cancel`, body: { reason: '' }, status: 422, errorPath: 'reason' },
      { what: 'an allocation format that does not exist', method: 'GET', path: `/api/v1/cycles/${open}/allocations?format=pdf`, status: 400, errorPath: 'format' },
      { what: 'an allocation Accept that cannot be met', method: 'GET', path: `/api/v1/cycles/${open}/allocations`, headers: { accept: 'image/png' }, status: 406 },
    ];
  });

  let per: string;
  let mayor: string;
  let clerk: string;
  let otherAdmin: string;
  beforeAll(async () => {
    [per, mayor, clerk, otherAdmin] = await Promise.all([
      token({ sub: 'per', roles: ['proposer'] }),
      token({ sub: 'mayor-3405', roles: ['ipr_member'] }),
      token({ sub: 'clerk-3405', roles: ['municipal_clerk'], municipality: '3405' }),
      token({ roles: ['admin'], partnership: 'nowhere' }),
    ]);
  });

  it('is refused with the right status and a problem naming the field, and changes nothing', { timeout: 60_000 }, async () => {
    const neverStarted = `${PID}-2048`;
    const before = await snapshot([open, prioritising, neverStarted]);
    const outcomes: string[] = [];
    const wanted: string[] = [];
    for (const c of cases) {
      const res = await send(c.method, c.path, c.bearer?.() ?? (c.path.includes('/measures') && c.method !== 'GET' ? kari : admin), c.body, c.headers);
      const paths = Array.isArray(res.body.errors) ? (res.body.errors as { path: string }[]).map((e) => e.path) : [];
      outcomes.push(`${c.what}: ${res.status} ${res.type} ${c.errorPath !== undefined ? paths.includes(c.errorPath) : ''}`);
      wanted.push(`${c.what}: ${c.status} application/problem+json ${c.errorPath !== undefined ? true : ''}`);
      expect(res.body, c.what).toMatchObject({ type: expect.stringMatching(/^urn:hoep:problem:/), title: expect.any(String), status: c.status, detail: expect.any(String) });
      expect(JSON.stringify(res.body), c.what).not.toMatch(/ at .*\.ts:\d+/);
    }
    expect(outcomes).toEqual(wanted);
    expect(await snapshot([open, prioritising, neverStarted])).toEqual(before);
    expect((before as { statuses: { status: number }[] }).statuses[2]!.status).toBe(404);
  });
});
