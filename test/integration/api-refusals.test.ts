/**
 * What the API refuses, through the real stack: an authorisation matrix (every endpoint × every
 * role × own or other partnership and municipality) and a table of bad input for every write
 * endpoint. Each refusal must be the right status with a problem+json body, and must change
 * nothing: the cycle's rows in Postgres and the workflow's status are compared before and after.
 * Over 300 lines: the matrix and the table are data, a row per refusal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type EndpointName, type Role } from '../../schema/api.js';
import { loadConfig } from '../../services/config.js';
import { createApp } from '../../services/api/app.js';
import { signLocalToken, localAuthenticator, type TokenClaims } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, startWorker } from '../support/stack.js';

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

async function send(
  method: string,
  path: string,
  bearer: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Sent> {
  const init: RequestInit & { headers: Record<string, string> } = {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...headers },
  };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const res = await app.request(path, init);
  const text = await res.text();
  const type = res.headers.get('content-type');
  return { status: res.status, type, body: type?.includes('json') && text ? JSON.parse(text) : {} };
}

/** The JSON text of a body with its "PROTO" keys renamed "__proto__", as JSON.parse then makes own keys of them. */
const protoKey = (body: unknown) => JSON.stringify(body).replaceAll('"PROTO":', '"__proto__":');

const years = (y: number) => [y, y + 1, y + 2, y + 3].map(String);
const yearMap = (y: number, amount: string) => Object.fromEntries(years(y).map((yy) => [yy, amount]));
const frames = (y: number) => ({
  county: yearMap(y, '2000000.00'),
  3405: yearMap(y, '400000.00'),
  3440: yearMap(y, '400000.00'),
  3441: yearMap(y, '400000.00'),
});
const later = { proposals: '2099-01-01T12:00:00Z', ipr: '2099-02-01T12:00:00Z', adoption: '2099-03-01T12:00:00Z' };

let admin: string;
let kari: string;

async function startCycle(year: number, deadlines = later): Promise<string> {
  const res = await send('POST', `/api/v1/partnerships/${PID}/cycles`, admin, {
    year,
    frames: frames(year),
    deadlines,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return `${PID}-${year}`;
}

const phaseOf = async (cid: string, bearer = admin) => (await send('GET', `/api/v1/cycles/${cid}`, bearer)).body.phase;
const inPhase = (cid: string, phase: string, bearer = admin) =>
  poll(
    () => phaseOf(cid, bearer),
    (p) => p === phase,
    `${cid} in phase ${phase}`,
  );

async function submit(cid: string, amounts: Record<string, string>): Promise<string> {
  const res = await send('POST', `/api/v1/cycles/${cid}/measures`, kari, {
    title: 'Tiltak',
    description: 'Beskrivelse',
    strategies: ['2.1'],
    responsible: 'LRV',
    amounts,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** Every row that belongs to the cycles (ids that must stay unused included), and what their workflows report. */
async function snapshot(cycleIds: string[]): Promise<unknown> {
  const db = sql();
  const rows = await Promise.all([
    db`select * from cycles where id = any(${cycleIds}) order by id`,
    ...[
      'measures',
      'priority_lists',
      'votes',
      'adoptions',
      'allocations',
      'progress_reports',
      'indicator_values',
      'year_end',
      'audit_log',
    ].map((table) => db`select * from ${db(table)} where cycle_id = any(${cycleIds}) order by 1, 2, 3`),
  ]);
  const statuses = await Promise.all(
    cycleIds.map(async (cid) => {
      const res = await send('GET', `/api/v1/cycles/${cid}`, admin);
      return { status: res.status, body: res.body };
    }),
  );
  return { rows, statuses };
}

beforeAll(async () => {
  const worker = await startWorker();
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: worker.taskQueue,
    HOEP_JWT_SECRET: SECRET,
    BODY_LIMIT_BYTES: String(BODY_LIMIT),
  });
  app = createApp({
    sql: sql(),
    temporal: await connectClient(),
    config,
    auth: localAuthenticator(secret),
    log: silentLogger,
  });
  [admin, kari] = await Promise.all([token({ roles: ['admin'] }), token({ sub: 'kari', roles: ['proposer'] })]);
});

describe('the authorisation matrix', () => {
  /** Who may call what, as docs/api.md says (not read from the route table under test). */
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
    getAllocations: ['finance', 'admin', 'ipr_member', 'municipal_clerk'], // a clerk: their own municipality's shares
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

  it(
    'gives 403 to every role, partnership and municipality that may not act, and lets the others through',
    { timeout: 60_000 },
    async () => {
      const year = await freshYear(1);
      const cid = await startCycle(year);
      const mid = await submit(cid, { [year]: '100000.00' });
      const ended = await startCycle(year + 1);
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
        reportProgress: {
          method: 'POST',
          path: `/api/v1/cycles/${cid}/measures/${mid}/reports`,
          body: {},
          allowed: 422,
        },
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
            expected.push(
              `${caller.name} of ${partnership}: ${name} -> ${status} ${status === 200 ? 'application/json' : 'application/problem+json'}`,
            );
          }
        }
      }
      expect(results).toEqual(expected);
      expect(await snapshot([cid, ended])).toEqual(before);
    },
  );
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
  let neverStarted: string;
  let mid: string;
  let bigMeasure: string;
  let cases: Case[];

  beforeAll(async () => {
    const Y = await freshYear(2);
    const [P, N] = [Y + 1, Y + 2]; // P: the cycle in prioritisation; N: a year never started
    neverStarted = `${PID}-${N}`;
    open = await startCycle(Y);
    mid = await submit(open, { [Y]: '100000.00' });
    // Proposals close when the administrator says so, not when a clock a few seconds ahead passes.
    prioritising = await startCycle(P);
    bigMeasure = await submit(prioritising, { [P]: '5000000.00' });
    const closed = await send('POST', `/api/v1/cycles/${prioritising}/proposals/close`, admin);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    await inPhase(prioritising, 'prioritisation');
    const measure = { title: 'Tiltak', description: 'Beskrivelse', strategies: ['2.1'], responsible: 'LRV' };
    const withAmount = (amount: unknown) => ({ ...measure, amounts: { [Y]: amount } });
    const measures = `/api/v1/cycles/${open}/measures`;
    const cycles = `/api/v1/partnerships/${PID}/cycles`;
    const startBody = (patch: object) => ({ year: N, frames: frames(N), deadlines: later, ...patch });
    const list = (grants: Record<string, unknown>, extra: object = {}) => ({
      items: [{ measureId: bigMeasure, rank: 1, grants }],
      meeting: { date: `${P}-02-01`, caseNumber: `IPR 1/${P}` },
      ...extra,
    });
    const lists = `/api/v1/cycles/${prioritising}/priority-lists`;
    const adoption = (patch: object) => ({ decision: 'adopted', caseNumber: 'K 1', decidedOn: '2026-11-01', ...patch });

    cases = [
      {
        what: 'money as a JSON number',
        method: 'POST',
        path: measures,
        body: withAmount(100000),
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'money with three decimals',
        method: 'POST',
        path: measures,
        body: withAmount('100000.000'),
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'negative money',
        method: 'POST',
        path: measures,
        body: withAmount('-5.00'),
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'money with an exponent',
        method: 'POST',
        path: measures,
        body: withAmount('1e5'),
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'money with one decimal',
        method: 'POST',
        path: measures,
        body: withAmount('100.5'),
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'money as an empty string',
        method: 'POST',
        path: measures,
        body: withAmount(''),
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'a year outside Y..Y+3',
        method: 'POST',
        path: measures,
        body: { ...measure, amounts: { [Y + 10]: '1.00' } },
        status: 422,
        errorPath: `amounts.${Y + 10}`,
      },
      {
        what: 'an unknown strategy code',
        method: 'POST',
        path: measures,
        body: { ...measure, strategies: ['9.9'], amounts: { [Y]: '1.00' } },
        status: 422,
        errorPath: 'strategies.0',
      },
      {
        what: 'a number for a title',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), title: 42 },
        status: 422,
        errorPath: 'title',
      },
      {
        what: 'an empty title',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), title: '  ' },
        status: 422,
        errorPath: 'title',
      },
      {
        what: 'a NUL character in a title',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), title: 'Tiltak\u0000' },
        status: 422,
        errorPath: 'title',
      },
      {
        what: 'a path with broken percent-encoding',
        method: 'POST',
        path: '/api/v1/cycles/%E0%A4%A/measures',
        body: withAmount('1.00'),
        status: 404,
      },
      {
        what: 'an unknown field',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), budget: 'x' },
        status: 422,
        errorPath: 'budget',
      },
      { what: 'a JSON array', method: 'POST', path: measures, body: [], status: 422 },
      { what: 'malformed JSON', method: 'POST', path: measures, body: '{"title": ', status: 400 },
      { what: 'an empty body', method: 'POST', path: measures, body: '', status: 400 },
      {
        what: 'a text/plain body',
        method: 'POST',
        path: measures,
        body: JSON.stringify(withAmount('1.00')),
        headers: { 'content-type': 'text/plain' },
        status: 415,
      },
      {
        what: 'a form body',
        method: 'POST',
        path: measures,
        body: 'title=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
      },
      {
        what: 'a body over the limit',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), description: 'x'.repeat(BODY_LIMIT) },
        status: 413,
      },
      {
        what: 'an unknown cycle',
        method: 'POST',
        path: `/api/v1/cycles/${PID}-${Y + 10}/measures`,
        body: withAmount('1.00'),
        status: 404,
      },
      {
        what: 'a cycle id that names nothing',
        method: 'POST',
        path: '/api/v1/cycles/not-a-cycle/measures',
        body: withAmount('1.00'),
        status: 404,
      },

      {
        what: 'a frame missing a funder',
        method: 'POST',
        path: cycles,
        body: startBody({ frames: { ...frames(N), 3441: undefined } }),
        status: 422,
        errorPath: 'frames.3441',
      },
      {
        what: 'a frame for a stranger',
        method: 'POST',
        path: cycles,
        body: startBody({ frames: { ...frames(N), 3403: yearMap(N, '1.00') } }),
        status: 422,
        errorPath: 'frames.3403',
      },
      {
        what: 'a frame year outside Y..Y+3',
        method: 'POST',
        path: cycles,
        body: startBody({ frames: { ...frames(N), county: { ...yearMap(N, '1.00'), [N + 4]: '1.00' } } }),
        status: 422,
        errorPath: `frames.county.${N + 4}`,
      },
      {
        what: 'a frame year missing',
        method: 'POST',
        path: cycles,
        body: startBody({ frames: { ...frames(N), county: { [N]: '1.00' } } }),
        status: 422,
        errorPath: `frames.county.${N + 1}`,
      },
      {
        what: 'a frame as a number',
        method: 'POST',
        path: cycles,
        body: startBody({ frames: { ...frames(N), county: { ...yearMap(N, '1.00'), [N]: 1 } } }),
        status: 422,
        errorPath: `frames.county.${N}`,
      },
      {
        what: 'deadlines out of order',
        method: 'POST',
        path: cycles,
        body: startBody({ deadlines: { ...later, ipr: '2098-01-01T00:00:00Z' } }),
        status: 422,
        errorPath: 'deadlines.ipr',
      },
      {
        what: 'a deadline in the past',
        method: 'POST',
        path: cycles,
        body: startBody({ deadlines: { ...later, proposals: '2020-01-01T00:00:00Z' } }),
        status: 422,
        errorPath: 'deadlines.proposals',
      },
      {
        what: 'a deadline that is no instant',
        method: 'POST',
        path: cycles,
        body: startBody({ deadlines: { ...later, adoption: 'next spring' } }),
        status: 422,
        errorPath: 'deadlines.adoption',
      },
      {
        what: 'a year as a string',
        method: 'POST',
        path: cycles,
        body: startBody({ year: String(N) }),
        status: 422,
        errorPath: 'year',
      },
      {
        what: 'a year that exists',
        method: 'POST',
        path: cycles,
        body: { year: Y, frames: frames(Y), deadlines: later },
        status: 409,
      },
      {
        what: 'an unknown partnership',
        method: 'POST',
        path: '/api/v1/partnerships/nowhere/cycles',
        body: startBody({}),
        bearer: () => otherAdmin,
        status: 404,
      },

      {
        what: 'an edit of an unknown measure',
        method: 'PATCH',
        path: `${measures}/m9999`,
        body: { title: 'x' },
        status: 404,
      },
      { what: 'an edit with nothing', method: 'PATCH', path: `${measures}/${mid}`, body: {}, status: 422 },
      {
        what: 'an edit with three decimals',
        method: 'PATCH',
        path: `${measures}/${mid}`,
        body: { amounts: { [Y]: '1.000' } },
        status: 422,
        errorPath: `amounts.${Y}`,
      },
      {
        what: 'an edit of someone else’s measure',
        method: 'PATCH',
        path: `${measures}/${mid}`,
        body: { title: 'x' },
        bearer: () => per,
        status: 403,
      },
      { what: 'a withdrawal of an unknown measure', method: 'DELETE', path: `${measures}/m9999`, status: 404 },
      {
        what: 'a withdrawal of someone else’s measure',
        method: 'DELETE',
        path: `${measures}/${mid}`,
        bearer: () => per,
        status: 403,
      },

      {
        what: 'an unknown deadline',
        method: 'POST',
        path: `/api/v1/cycles/${open}/deadlines`,
        body: { deadline: 'lunch', to: '2099-01-02T00:00:00Z' },
        status: 422,
        errorPath: 'deadline',
      },
      {
        what: 'a deadline moved into the past',
        method: 'POST',
        path: `/api/v1/cycles/${open}/deadlines`,
        body: { deadline: 'ipr', to: '2021-01-02T00:00:00Z' },
        status: 422,
        errorPath: 'to',
      },
      {
        what: 'a municipal deadline before adoption',
        method: 'POST',
        path: `/api/v1/cycles/${open}/deadlines`,
        body: { deadline: 'adoption:3405', to: '2099-03-02T00:00:00Z' },
        status: 409,
      },

      {
        what: 'a priority list while proposals are open',
        method: 'POST',
        path: `/api/v1/cycles/${open}/priority-lists`,
        body: {
          items: [{ measureId: mid, rank: 1, grants: { [Y]: '1.00' } }],
          meeting: { date: `${Y}-02-01`, caseNumber: 'IPR 1/46' },
        },
        status: 409,
      },
      {
        what: 'a priority list over the county frame',
        method: 'POST',
        path: lists,
        body: list({ [P]: '5000000.00' }),
        status: 422,
        errorPath: `frames.county.${P}`,
      },
      {
        what: 'a grant as a number',
        method: 'POST',
        path: lists,
        body: list({ [P]: 1000 }),
        status: 422,
        errorPath: `items.0.grants.${P}`,
      },
      {
        what: 'a grant above the request',
        method: 'POST',
        path: lists,
        body: list({ [P]: '6000000.00' }),
        status: 422,
        errorPath: `items.0.grants.${P}`,
      },
      {
        what: 'a list with an unknown measure',
        method: 'POST',
        path: lists,
        body: { ...list({ [P]: '1.00' }), items: [{ measureId: 'm9999', rank: 1, grants: { [P]: '1.00' } }] },
        status: 422,
        errorPath: 'items.0.measureId',
      },
      {
        what: 'a list with a rank twice',
        method: 'POST',
        path: lists,
        body: {
          ...list({}),
          items: [
            { measureId: bigMeasure, rank: 1, grants: {} },
            { measureId: 'm0002', rank: 1, grants: {} },
          ],
        },
        status: 422,
        errorPath: 'items.1.rank',
      },
      {
        what: 'a meeting without a date',
        method: 'POST',
        path: lists,
        body: { ...list({ [P]: '1.00' }), meeting: { caseNumber: 'x' } },
        status: 422,
        errorPath: 'meeting.date',
      },

      {
        what: 'a vote that is neither',
        method: 'POST',
        path: `/api/v1/cycles/${prioritising}/priority-lists/1/votes`,
        body: { vote: 'maybe' },
        bearer: () => mayor,
        status: 422,
        errorPath: 'vote',
      },
      {
        what: 'a vote on a list version that is no number',
        method: 'POST',
        path: `/api/v1/cycles/${prioritising}/priority-lists/first/votes`,
        body: { vote: 'approve' },
        bearer: () => mayor,
        status: 404,
      },
      {
        what: 'a vote on a list that does not exist',
        method: 'POST',
        path: `/api/v1/cycles/${prioritising}/priority-lists/1/votes`,
        body: { vote: 'approve' },
        bearer: () => mayor,
        status: 404,
      },
      {
        what: 'a vote while proposals are open',
        method: 'POST',
        path: `/api/v1/cycles/${open}/priority-lists/1/votes`,
        body: { vote: 'approve' },
        bearer: () => mayor,
        status: 409,
      },

      {
        what: 'an adoption decision that is unknown',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({ decision: 'maybe' }),
        bearer: () => clerk,
        status: 422,
        errorPath: 'decision',
      },
      {
        what: 'a reduced adoption without amounts',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({ decision: 'reduced' }),
        bearer: () => clerk,
        status: 422,
        errorPath: 'amounts',
      },
      {
        what: 'an adoption on 30 February',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({ decidedOn: `${Y}-02-30` }),
        bearer: () => clerk,
        status: 422,
        errorPath: 'decidedOn',
      },
      {
        what: 'an adoption decided in the future',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({ decidedOn: '2099-01-01' }),
        bearer: () => clerk,
        status: 422,
        errorPath: 'decidedOn',
      },
      {
        what: 'an adoption before IPR has decided',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({}),
        bearer: () => clerk,
        status: 409,
      },

      {
        what: 'money spent as a number',
        method: 'POST',
        path: `${measures}/${mid}/reports`,
        body: { progress: 'ok', spent: { [Y]: 5 } },
        status: 422,
        errorPath: `spent.${Y}`,
      },
      {
        what: 'a report before adoption',
        method: 'POST',
        path: `${measures}/${mid}/reports`,
        body: { progress: 'ok', spent: { [Y]: '5.00' } },
        status: 409,
      },
      {
        what: 'an indicator value as a number',
        method: 'POST',
        path: `/api/v1/cycles/${open}/indicators`,
        body: { year: Y, values: [{ indicator: '1', value: 3.5 }] },
        status: 422,
        errorPath: 'values.0.value',
      },
      {
        what: 'indicators before adoption',
        method: 'POST',
        path: `/api/v1/cycles/${open}/indicators`,
        body: { year: Y, values: [{ indicator: '1', value: '3.5' }] },
        status: 409,
      },
      {
        what: 'a close with carryOver as text',
        method: 'POST',
        path: `/api/v1/cycles/${open}/close`,
        body: { carryOver: 'yes' },
        status: 422,
        errorPath: 'carryOver',
      },
      {
        what: 'a close before adoption',
        method: 'POST',
        path: `/api/v1/cycles/${open}/close`,
        body: { carryOver: true },
        status: 409,
      },
      {
        what: 'a cancel without a reason',
        method: 'POST',
        path: `/api/v1/cycles/${open}/cancel`,
        body: { reason: '' },
        status: 422,
        errorPath: 'reason',
      },
      {
        what: 'an allocation format that does not exist',
        method: 'GET',
        path: `/api/v1/cycles/${open}/allocations?format=pdf`,
        status: 400,
        errorPath: 'format',
      },
      {
        what: 'an allocation Accept that cannot be met',
        method: 'GET',
        path: `/api/v1/cycles/${open}/allocations`,
        headers: { accept: 'image/png' },
        status: 406,
      },
      {
        what: 'an allocation Accept naming a property of every object',
        method: 'GET',
        path: `/api/v1/cycles/${open}/allocations`,
        headers: { accept: 'constructor' },
        status: 406,
      },
      {
        what: 'an allocation Accept of __proto__',
        method: 'GET',
        path: `/api/v1/cycles/${open}/allocations`,
        headers: { accept: '__proto__' },
        status: 406,
      },

      // An own "__proto__" key (JSON.parse makes one) in any money map: 422 like "constructor", never stored as {}.
      {
        what: 'a grant keyed __proto__',
        method: 'POST',
        path: lists,
        body: protoKey(list({ PROTO: '1.00' })),
        status: 422,
        errorPath: 'items.0.grants.__proto__',
      },
      {
        what: 'a grant keyed constructor',
        method: 'POST',
        path: lists,
        body: list({ constructor: '1.00' }),
        status: 422,
        errorPath: 'items.0.grants.constructor',
      },
      {
        what: 'money spent keyed __proto__',
        method: 'POST',
        path: `${measures}/${mid}/reports`,
        body: protoKey({ progress: 'ok', spent: { PROTO: '1.00' } }),
        status: 422,
        errorPath: 'spent.__proto__',
      },
      {
        what: 'an amount keyed __proto__',
        method: 'POST',
        path: measures,
        body: protoKey({ ...measure, amounts: { PROTO: '1.00' } }),
        status: 422,
        errorPath: 'amounts.__proto__',
      },
      {
        what: 'an edited amount keyed __proto__',
        method: 'PATCH',
        path: `${measures}/${mid}`,
        body: protoKey({ amounts: { PROTO: '1.00' } }),
        status: 422,
        errorPath: 'amounts.__proto__',
      },
      {
        what: 'a frame keyed __proto__',
        method: 'POST',
        path: cycles,
        body: protoKey(startBody({ frames: { ...frames(N), PROTO: yearMap(N, '1.00') } })),
        status: 422,
        errorPath: 'frames.__proto__',
      },
      {
        what: 'a frame year keyed __proto__',
        method: 'POST',
        path: cycles,
        body: protoKey(startBody({ frames: { ...frames(N), county: { ...yearMap(N, '1.00'), PROTO: '1.00' } } })),
        status: 422,
        errorPath: 'frames.county.__proto__',
      },
      {
        what: 'a reduced amount keyed __proto__',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: protoKey(adoption({ decision: 'reduced', amounts: { PROTO: '1.00' } })),
        bearer: () => clerk,
        status: 422,
        errorPath: 'amounts.__proto__',
      },

      // Text Postgres cannot store and dates it does not have: refused here, before the workflow
      // records anything (an activity Postgres refuses retries for ever and wedges the cycle).
      {
        what: 'a lone high surrogate in a title',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), title: 'Tiltak \ud800' },
        status: 422,
        errorPath: 'title',
      },
      {
        what: 'a lone low surrogate in a description',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), description: '\udc00' },
        status: 422,
        errorPath: 'description',
      },
      {
        what: 'a lone surrogate in a co-funding source',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), cofunding: [{ source: 'IN \ud83d', amount: '1.00' }] },
        status: 422,
        errorPath: 'cofunding.0.source',
      },
      {
        what: 'a NUL in a co-funding source',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), cofunding: [{ source: 'IN\u0000', amount: '1.00' }] },
        status: 422,
        errorPath: 'cofunding.0.source',
      },
      {
        what: 'a control character in a strategy code',
        method: 'POST',
        path: measures,
        body: { ...withAmount('1.00'), strategies: ['2.1\u001b'] },
        status: 422,
        errorPath: 'strategies.0',
      },
      {
        what: 'a lone surrogate in an edited title',
        method: 'PATCH',
        path: `${measures}/${mid}`,
        body: { title: '\ud800' },
        status: 422,
        errorPath: 'title',
      },
      {
        what: 'a lone surrogate in a cancel reason',
        method: 'POST',
        path: `/api/v1/cycles/${open}/cancel`,
        body: { reason: 'Feil \ud800' },
        status: 422,
        errorPath: 'reason',
      },
      {
        what: 'a NUL in a cancel reason',
        method: 'POST',
        path: `/api/v1/cycles/${open}/cancel`,
        body: { reason: 'Feil\u0000' },
        status: 422,
        errorPath: 'reason',
      },
      {
        what: 'a lone surrogate in a meeting case number',
        method: 'POST',
        path: lists,
        body: list({ [P]: '1.00' }, { meeting: { date: `${P}-02-01`, caseNumber: 'IPR \ud800' } }),
        status: 422,
        errorPath: 'meeting.caseNumber',
      },
      {
        what: 'a meeting in the year 0000',
        method: 'POST',
        path: lists,
        body: list({ [P]: '1.00' }, { meeting: { date: '0000-01-01', caseNumber: 'IPR 1' } }),
        status: 422,
        errorPath: 'meeting.date',
      },
      {
        what: 'a lone surrogate in an adoption case number',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({ caseNumber: 'K \udfff' }),
        bearer: () => clerk,
        status: 422,
        errorPath: 'caseNumber',
      },
      {
        what: 'an adoption decided in the year 0000',
        method: 'POST',
        path: `/api/v1/cycles/${open}/adoptions/3405`,
        body: adoption({ decidedOn: '0000-01-01' }),
        bearer: () => clerk,
        status: 422,
        errorPath: 'decidedOn',
      },
      {
        what: 'a lone surrogate in a progress report',
        method: 'POST',
        path: `${measures}/${mid}/reports`,
        body: { progress: 'ok \ud800', spent: {} },
        status: 422,
        errorPath: 'progress',
      },
      {
        what: 'a lone surrogate in an indicator note',
        method: 'POST',
        path: `/api/v1/cycles/${open}/indicators`,
        body: { year: Y, values: [{ indicator: '1', value: '3.5', note: '\ud800' }] },
        status: 422,
        errorPath: 'values.0.note',
      },
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

  it(
    'is refused with the right status and a problem naming the field, and changes nothing',
    { timeout: 60_000 },
    async () => {
      const before = await snapshot([open, prioritising, neverStarted]);
      const outcomes: string[] = [];
      const wanted: string[] = [];
      for (const c of cases) {
        const res = await send(
          c.method,
          c.path,
          c.bearer?.() ?? (c.path.includes('/measures') && c.method !== 'GET' ? kari : admin),
          c.body,
          c.headers,
        );
        const paths = Array.isArray(res.body.errors) ? (res.body.errors as { path: string }[]).map((e) => e.path) : [];
        outcomes.push(
          `${c.what}: ${res.status} ${res.type} ${c.errorPath !== undefined ? paths.includes(c.errorPath) : ''}`,
        );
        wanted.push(`${c.what}: ${c.status} application/problem+json ${c.errorPath !== undefined ? true : ''}`);
        expect(res.body, c.what).toMatchObject({
          type: expect.stringMatching(/^urn:hoep:problem:/),
          title: expect.any(String),
          status: c.status,
          detail: expect.any(String),
        });
        expect(JSON.stringify(res.body), c.what).not.toMatch(/ at .*\.ts:\d+/);
      }
      expect(outcomes).toEqual(wanted);
      expect(await snapshot([open, prioritising, neverStarted])).toEqual(before);
      expect((before as { statuses: { status: number }[] }).statuses[2]!.status).toBe(404);
    },
  );
});

describe('a pro-rata partnership with every frame of a year at zero', () => {
  // hamarregionen splits pro rata of each year's frames; a year without frames has nothing to split by.
  const HAMAR = 'hamarregionen';
  const HAMAR_MUNICIPALITIES = ['3403', '3412', '3413'];
  const as = (claims: Partial<TokenClaims> & { roles: TokenClaims['roles'] }) =>
    token({ partnership: HAMAR, ...claims });

  it(
    'refuses a list that grants money in that year with 422, and still shows the allocations once frames shrink to zero',
    { timeout: 90_000 },
    async () => {
      const Y = await freshYear(0);
      const [y0, y1, y2, y3] = [Y, Y + 1, Y + 2, Y + 3].map(String) as [string, string, string, string];
      const cid = `${HAMAR}-${Y}`;
      const [admin, proposer, finance] = await Promise.all([
        as({ roles: ['admin'] }),
        as({ sub: 'hanne', roles: ['proposer'] }),
        as({ roles: ['finance'] }),
      ]);
      const county = { [y0]: '600000.00', [y1]: '0.00', [y2]: '0.00', [y3]: '0.00' };
      const municipal = { [y0]: '200000.00', [y1]: '200000.00', [y2]: '0.00', [y3]: '0.00' };
      const started = await send('POST', `/api/v1/partnerships/${HAMAR}/cycles`, admin, {
        year: Y,
        frames: { county, ...Object.fromEntries(HAMAR_MUNICIPALITIES.map((m) => [m, municipal])) },
        deadlines: later,
      });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const submitted = await send('POST', `/api/v1/cycles/${cid}/measures`, proposer, {
        title: 'Hamar havn',
        description: 'Beskrivelse',
        strategies: ['2.1'],
        responsible: 'HrU',
        amounts: { [y0]: '100000.00', [y1]: '50000.00', [y2]: '10000.00' },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      const measureId = submitted.body.id as string;
      expect((await send('POST', `/api/v1/cycles/${cid}/proposals/close`, admin)).status).toBe(200);
      await inPhase(cid, 'prioritisation', admin);

      // y2 has no frame at all: the rule cannot split a grant there. A refusal of the input, not a server fault.
      const list = (grants: Record<string, string>) => ({
        items: [{ measureId, rank: 1, grants }],
        meeting: { date: `${Y}-02-01`, caseNumber: 'HrU 1' },
      });
      const unsplittable = await send(
        'POST',
        `/api/v1/cycles/${cid}/priority-lists`,
        admin,
        list({ [y2]: '10000.00' }),
      );
      expect(unsplittable.status, JSON.stringify(unsplittable.body)).toBe(422);
      expect(unsplittable.type).toBe('application/problem+json');
      expect(unsplittable.body.detail).toMatch(/pro-rata/);

      // y1 has municipal frames only: the municipalities carry all of it. IPR adopts, then every council rejects,
      // which lowers their frames to zero, and the cycle goes back to IPR with the adopted list still the newest.
      const adopted = await send(
        'POST',
        `/api/v1/cycles/${cid}/priority-lists`,
        admin,
        list({ [y0]: '100000.00', [y1]: '50000.00' }),
      );
      expect(adopted.status, JSON.stringify(adopted.body)).toBe(201);
      for (const m of HAMAR_MUNICIPALITIES) {
        const vote = await send(
          'POST',
          `/api/v1/cycles/${cid}/priority-lists/1/votes`,
          await as({ sub: `mayor-${m}`, roles: ['ipr_member'] }),
          { vote: 'approve' },
        );
        expect(vote.status, JSON.stringify(vote.body)).toBe(201);
      }
      await inPhase(cid, 'adoption', admin);
      for (const m of HAMAR_MUNICIPALITIES) {
        const clerk = await as({ sub: `clerk-${m}`, roles: ['municipal_clerk'], municipality: m });
        const rejected = await send('POST', `/api/v1/cycles/${cid}/adoptions/${m}`, clerk, {
          decision: 'rejected',
          caseNumber: `K-${m}`,
          decidedOn: '2026-11-01',
        });
        expect(rejected.status, JSON.stringify(rejected.body)).toBe(201);
      }
      await inPhase(cid, 'prioritisation', admin);

      const res = await send('GET', `/api/v1/cycles/${cid}/allocations`, finance);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(endpoints.getAllocations.success.schema.safeParse(res.body).error).toBeUndefined();
      expect(res.body.unsplit).toEqual([
        { measureId, year: Y + 1, grant: '50000.00', reason: expect.stringMatching(/pro-rata/) },
      ]);
      const funders = res.body.funders as { id: string; allocated: Record<string, string> }[];
      expect(funders.map((f) => f.allocated[y1])).toEqual(['0.00', '0.00', '0.00', '0.00']);
      expect((await send('GET', `/api/v1/cycles/${cid}/allocations?format=csv`, finance)).status).toBe(200);
      expect((await send('GET', `/api/v1/cycles/${cid}/allocations?format=xlsx`, finance)).status).toBe(200);
      // The same list again, now that y1 has no frames either.
      expect(
        (
          await send(
            'POST',
            `/api/v1/cycles/${cid}/priority-lists`,
            admin,
            list({ [y0]: '100000.00', [y1]: '50000.00' }),
          )
        ).status,
      ).toBe(422);
    },
  );
});
