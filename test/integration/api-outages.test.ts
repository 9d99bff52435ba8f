/**
 * The API when what it depends on is down (issue 12 §3): a request waits a bounded time and then
 * answers 503 with Retry-After, never 500 and never a hang; an action whose outcome is unknown can
 * be sent again with the same Idempotency-Key and is recorded once; /readyz says 503 when no worker
 * polls the task queue. Real servers throughout: the run's Temporal dev server and Postgres, a
 * second dev server of this file's own (for readiness), and loopback sockets that accept and never
 * answer (a server whose packets vanish).
 * Over 300 lines: one outage per block, on one shared stack.
 */
import net from 'node:net';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { forgetOlderThan } from '../../core/idempotency.js';
import { createApp } from '../../services/api/app.js';
import { localAuthenticator, signLocalToken, type TokenClaims } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { loadConfig } from '../../services/config.js';
import { createSql } from '../../services/db.js';
import { findOrBuildTemporalCli } from '../../services/stack/temporal-cli.js';
import { startTemporalServer } from '../../services/stack/temporal-server.js';
import { freePort } from '../../services/stack/net.js';
import { createWorker } from '../../services/worker/create.js';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, startWorker, type RunningWorker } from '../support/stack.js';

const SECRET = 'api-outages-secret-0123456789-abcdefghijk';
const secret = new TextEncoder().encode(SECRET);
const PID = 'lillehammer-regionen';
type App = ReturnType<typeof createApp>;

const token = (claims: Partial<TokenClaims> & { roles: TokenClaims['roles'] }) =>
  signLocalToken(secret, { sub: claims.sub ?? claims.roles[0]!, name: 'Tester', partnership: PID, ...claims }, '1h');

interface Sent {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
  seconds: number;
}

async function send(
  app: App,
  method: string,
  path: string,
  bearer: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Sent> {
  const started = performance.now();
  const init: RequestInit & { headers: Record<string, string> } = {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...headers },
  };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await app.request(path, init);
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {},
    seconds,
  };
}

const years = (y: number) => [y, y + 1, y + 2, y + 3].map(String);
const yearMap = (y: number, amount: string) => Object.fromEntries(years(y).map((yy) => [yy, amount]));
const frames = (y: number) => ({
  county: yearMap(y, '2000000.00'),
  3405: yearMap(y, '400000.00'),
  3440: yearMap(y, '400000.00'),
  3441: yearMap(y, '400000.00'),
});
const later = { proposals: '2099-01-01T12:00:00Z', ipr: '2099-02-01T12:00:00Z', adoption: '2099-03-01T12:00:00Z' };
const measure = (year: number, title: string) => ({
  title,
  description: 'Beskrivelse',
  strategies: ['2.1'],
  responsible: 'LRV',
  amounts: { [year]: '100000.00' },
});

/** A loopback server that accepts connections and never says a word: a peer whose packets vanish. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** What every outage answer must be: a problem+json 503 with Retry-After, within the budget. */
function expectOutage(res: Sent, withinSeconds: number, what: string): void {
  expect(res.status, `${what}: ${res.text}`).toBe(503);
  expect(res.headers.get('content-type'), what).toBe('application/problem+json');
  expect(res.headers.get('retry-after'), what).toMatch(/^\d+$/);
  expect(res.body, what).toMatchObject({
    type: 'urn:hoep:problem:unavailable',
    status: 503,
    detail: expect.any(String),
  });
  expect(res.seconds, what).toBeLessThan(withinSeconds);
}

let admin: string;
let kari: string;
beforeAll(async () => {
  [admin, kari] = await Promise.all([token({ roles: ['admin'] }), token({ sub: 'kari', roles: ['proposer'] })]);
});

describe('an action while no worker polls', () => {
  it(
    'answers 503 with its outcome unknown within its budget; the retry with the same key records it once',
    { timeout: 120_000 },
    async () => {
      let worker: RunningWorker = await startWorker();
      const config = loadConfig({
        TEMPORAL_TASK_QUEUE: worker.taskQueue,
        HOEP_JWT_SECRET: SECRET,
        ACTION_TIMEOUT_MS: '3000',
      });
      const app = createApp({
        sql: sql(),
        temporal: await connectClient(),
        config,
        auth: localAuthenticator(secret),
        log: silentLogger,
      });
      const Y = await freshYear(0);
      const cid = `${PID}-${Y}`;
      try {
        const start = { year: Y, frames: frames(Y), deadlines: later };
        const started = await send(app, 'POST', `/api/v1/partnerships/${PID}/cycles`, admin, start, {
          'idempotency-key': `"start-${Y}"`,
        });
        expect(started.status, started.text).toBe(201);
        // The start sent again with its key: the same answer, not 409 (nor a second cycle, which Temporal could not make anyway).
        const again = await send(app, 'POST', `/api/v1/partnerships/${PID}/cycles`, admin, start, {
          'idempotency-key': `"start-${Y}"`,
        });
        expect([again.status, again.text]).toEqual([201, started.text]);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect((await send(app, 'POST', `/api/v1/partnerships/${PID}/cycles`, admin, start)).status).toBe(409);
        // As if the API had died after the start and before it kept the answer: the workflow's memo names the request.
        await sql()`update idempotency_keys set status = null, body = null where key = ${`start-${Y}`}`;
        const afterCrash = await send(app, 'POST', `/api/v1/partnerships/${PID}/cycles`, admin, start, {
          'idempotency-key': `"start-${Y}"`,
        });
        expect(afterCrash.status, afterCrash.text).toBe(201);
        expect(afterCrash.body).toMatchObject({ id: cid, phase: 'proposals' });

        await worker.stop();
        const key = { 'idempotency-key': `"submit-${Y}"` };
        const lost = await send(
          app,
          'POST',
          `/api/v1/cycles/${cid}/measures`,
          kari,
          measure(Y, 'Sendt mens arbeideren var borte'),
          key,
        );
        expectOutage(lost, 3 + 2, 'a submission without a worker');
        expect(lost.body).toMatchObject({ outcome: 'unknown', detail: expect.stringMatching(/same Idempotency-Key/) });

        // The worker comes back and takes the Update the client gave up on; the retry learns its outcome.
        worker = await startWorker({ taskQueue: worker.taskQueue });
        const retried = await poll(
          () =>
            send(
              app,
              'POST',
              `/api/v1/cycles/${cid}/measures`,
              kari,
              measure(Y, 'Sendt mens arbeideren var borte'),
              key,
            ),
          (r) => r.status !== 503,
          'the retry answered',
        );
        expect(retried.status, retried.text).toBe(201);
        const measures = await poll(
          async () => (await sql()<{ id: string }[]>`select id from measures where cycle_id = ${cid}`).map((r) => r.id),
          (ids) => ids.length > 0,
          'the measure recorded',
        );
        expect(measures).toEqual([retried.body.id]);

        // As if the API had died after the Update and before it kept the answer: Temporal knows the Update id.
        await sql()`update idempotency_keys set status = null, body = null where key = ${`submit-${Y}`}`;
        const resent = await send(
          app,
          'POST',
          `/api/v1/cycles/${cid}/measures`,
          kari,
          measure(Y, 'Sendt mens arbeideren var borte'),
          key,
        );
        expect([resent.status, resent.body.id]).toEqual([201, retried.body.id]);

        const replayed = await send(
          app,
          'POST',
          `/api/v1/cycles/${cid}/measures`,
          kari,
          measure(Y, 'Sendt mens arbeideren var borte'),
          key,
        );
        expect([replayed.status, replayed.text]).toEqual([201, retried.text]);
        expect(replayed.headers.get('location')).toBe(`/api/v1/cycles/${cid}/measures/${retried.body.id}`);
        const reused = await send(
          app,
          'POST',
          `/api/v1/cycles/${cid}/measures`,
          kari,
          measure(Y, 'Et annet tiltak'),
          key,
        );
        expect(reused.status, reused.text).toBe(422);
        expect(reused.headers.get('content-type')).toBe('application/problem+json');
        const status = await send(app, 'GET', `/api/v1/cycles/${cid}`, admin);
        expect((status.body.measures as unknown[]).length).toBe(1);
        expect((await sql()`select id from measures where cycle_id = ${cid}`).length).toBe(1);
      } finally {
        await (
          await connectClient()
        ).workflow
          .getHandle(cid)
          .terminate('test over')
          .catch(() => undefined);
      }
    },
  );

  it(
    'sent twice with one key records one measure and answers the same 201 twice; another body is 422',
    { timeout: 60_000 },
    async () => {
      const worker = await startWorker();
      const config = loadConfig({ TEMPORAL_TASK_QUEUE: worker.taskQueue, HOEP_JWT_SECRET: SECRET });
      const app = createApp({
        sql: sql(),
        temporal: await connectClient(),
        config,
        auth: localAuthenticator(secret),
        log: silentLogger,
      });
      const Y = await freshYear(0);
      const cid = `${PID}-${Y}`;
      expect(
        (
          await send(app, 'POST', `/api/v1/partnerships/${PID}/cycles`, admin, {
            year: Y,
            frames: frames(Y),
            deadlines: later,
          })
        ).status,
      ).toBe(201);
      const key = { 'idempotency-key': 'bare-token-key-1' };
      const [first, second] = await Promise.all(
        [0, 1].map(() => send(app, 'POST', `/api/v1/cycles/${cid}/measures`, kari, measure(Y, 'Én gang'), key)),
      );
      expect([first!.status, second!.status]).toEqual([201, 201]);
      expect(second!.body).toEqual(first!.body);
      const third = await send(app, 'POST', `/api/v1/cycles/${cid}/measures`, kari, measure(Y, 'Én gang'), key);
      expect(third.body).toEqual(first!.body);
      // Key order and spacing make no other request; another body does.
      const reordered = {
        amounts: { [Y]: '100000.00' },
        responsible: 'LRV',
        strategies: ['2.1'],
        description: 'Beskrivelse',
        title: 'Én gang',
      };
      expect((await send(app, 'POST', `/api/v1/cycles/${cid}/measures`, kari, reordered, key)).body).toEqual(
        first!.body,
      );
      expect(
        (await send(app, 'POST', `/api/v1/cycles/${cid}/measures`, kari, measure(Y, 'To ganger'), key)).status,
      ).toBe(422);
      // The same key from another caller is another request.
      const per = await token({ sub: 'per', roles: ['proposer'] });
      const others = await send(app, 'POST', `/api/v1/cycles/${cid}/measures`, per, measure(Y, 'Pers tiltak'), key);
      expect(others.status, others.text).toBe(201);
      expect(others.body.id).not.toBe(first!.body.id);
      // A key that is no key.
      expect(
        (await send(app, 'POST', `/api/v1/cycles/${cid}/measures`, kari, measure(Y, 'x'), { 'idempotency-key': '"' }))
          .status,
      ).toBe(400);
      const ids = await poll(
        async () =>
          (await sql()<{ id: string }[]>`select id from measures where cycle_id = ${cid} order by id`).map((r) => r.id),
        (r) => r.length >= 2,
        'two measures',
      );
      expect(ids.sort()).toEqual([first!.body.id, others.body.id].sort());
      // A refusal is an outcome too: the same key answers it again, even once the phase would allow it.
      const vote = await token({ sub: 'mayor-3405', roles: ['ipr_member'] });
      const early = await send(
        app,
        'POST',
        `/api/v1/cycles/${cid}/priority-lists/1/votes`,
        vote,
        { vote: 'approve' },
        { 'idempotency-key': 'vote-1' },
      );
      expect(early.status).toBe(409);
      expect(
        (
          await send(
            app,
            'POST',
            `/api/v1/cycles/${cid}/priority-lists/1/votes`,
            vote,
            { vote: 'approve' },
            { 'idempotency-key': 'vote-1' },
          )
        ).text,
      ).toBe(early.text);
      await (await connectClient()).workflow.getHandle(cid).terminate('test over');
    },
  );
});

// Closed once the file's other tests ran: the calls the API gave up on are still being retried by
// the Temporal client until their deadline, and a closed channel makes such a retry throw.
const closeAtTheEnd: Connection[] = [];
afterAll(() => Promise.all(closeAtTheEnd.map((c) => c.close())));

describe('Idempotency-Keys', () => {
  it('are forgotten after their time, and only those', async () => {
    const sub = `forget-${Date.now()}`;
    await sql()`insert into idempotency_keys (sub, key, method, path, fingerprint, created_at) values
      (${sub}, 'old', 'POST', '/p', 'f', now() - interval '25 hours'), (${sub}, 'new', 'POST', '/p', 'f', now() - interval '23 hours')`;
    expect(await forgetOlderThan(sql(), 24)).toBeGreaterThanOrEqual(1);
    expect(
      (await sql()<{ key: string }[]>`select key from idempotency_keys where sub = ${sub}`).map((r) => r.key),
    ).toEqual(['new']);
  });
});

describe('Temporal out of reach', () => {
  it(
    'is a 503 with Retry-After in bounded time for reads and actions, refused or silent',
    { timeout: 60_000 },
    async () => {
      const silent = await silentServer();
      const refusedPort = await freePort();
      try {
        for (const [what, address] of [
          ['silent', `127.0.0.1:${silent.port}`],
          ['refusing', `127.0.0.1:${refusedPort}`],
        ] as const) {
          const connection = Connection.lazy({ address });
          const temporal = new Client({ connection });
          const config = loadConfig({ HOEP_JWT_SECRET: SECRET, ACTION_TIMEOUT_MS: '2000' });
          const app = createApp({ sql: sql(), temporal, config, auth: localAuthenticator(secret), log: silentLogger });
          const cid = `${PID}-2099`;
          expectOutage(await send(app, 'GET', `/api/v1/cycles/${cid}`, admin), 5, `${what}: GET cycle`);
          expectOutage(
            await send(app, 'GET', `/api/v1/cycles/${cid}/recommendation`, admin),
            5,
            `${what}: GET recommendation`,
          );
          const action = await send(app, 'POST', `/api/v1/cycles/${cid}/proposals/close`, admin, undefined, {
            'idempotency-key': `close-${what}-${Date.now()}`,
          });
          expectOutage(action, 2 + 2, `${what}: close proposals`);
          expect(action.body.outcome).toBe('unknown');
          closeAtTheEnd.push(connection);
        }
      } finally {
        await silent.close();
      }
    },
  );
});

describe('Postgres out of reach', () => {
  it('is a 503 with Retry-After in bounded time, refused or silent, never a 500', { timeout: 60_000 }, async () => {
    const silent = await silentServer();
    const refusedPort = await freePort();
    const worker = await startWorker();
    try {
      // Connect timeouts longer than the budget: the budget must answer by itself.
      for (const [what, url] of [
        ['silent', `postgres://hoep@127.0.0.1:${silent.port}/hoep`],
        ['refusing', `postgres://hoep@127.0.0.1:${refusedPort}/hoep`],
      ] as const) {
        const deadSql = createSql(url, { connectTimeoutSeconds: 30 });
        const config = loadConfig({
          TEMPORAL_TASK_QUEUE: worker.taskQueue,
          HOEP_JWT_SECRET: SECRET,
          READ_TIMEOUT_MS: '1500',
          ACTION_TIMEOUT_MS: '2000',
        });
        const app = createApp({
          sql: deadSql,
          temporal: await connectClient(),
          config,
          auth: localAuthenticator(secret),
          log: silentLogger,
        });
        const cid = `${PID}-2099`;
        for (const path of [
          `/api/v1/cycles/${cid}/measures`,
          `/api/v1/cycles/${cid}/allocations`,
          `/api/v1/partnerships/${PID}/cycles`,
          '/api/v1/partnerships',
        ]) {
          expectOutage(await send(app, 'GET', path, admin), 1.5 + 2, `${what}: GET ${path}`);
        }
        const submitted = await send(app, 'POST', `/api/v1/cycles/${cid}/measures`, kari, measure(2099, 'x'), {
          'idempotency-key': 'k',
        });
        expectOutage(submitted, 2 + 2, `${what}: a submission with an Idempotency-Key`);
        const ready = await app.request('/readyz');
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ notAnswering: ['postgres'] });
        await deadSql.end({ timeout: 0 });
      }
    } finally {
      await silent.close();
    }
  });
});

describe('/readyz', () => {
  // A Temporal server of this file's own whose polls last 5 s, not a minute: a worker that stops
  // is seen as gone within seconds, not the minute and more of the default.
  const dir = mkdtempSync(path.join(tmpdir(), 'hoep-readyz-'));
  let server: Awaited<ReturnType<typeof startTemporalServer>>;
  beforeAll(async () => {
    server = await startTemporalServer({
      cliPath: await findOrBuildTemporalCli(),
      dbFile: path.join(dir, 'temporal.db'),
      logFile: path.join(dir, 'temporal.log'),
      grpcPort: await freePort(),
      namespace: 'default',
      dynamicConfig: { 'matching.longPollExpirationInterval': '5s' },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while no worker polls the task queue, and 200 once one does', { timeout: 120_000 }, async () => {
    const taskQueue = 'readyz';
    const connection = await Connection.connect({ address: server.address });
    const temporal = new Client({ connection, namespace: 'default' });
    const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, HOEP_JWT_SECRET: SECRET, WORKER_POLL_STALE_S: '8' });
    const app = createApp({ sql: sql(), temporal, config, auth: localAuthenticator(secret), log: silentLogger });
    const readyz = async () => {
      const res = await app.request('/readyz');
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown>,
        retryAfter: res.headers.get('retry-after'),
      };
    };
    const never = await readyz();
    expect(never).toMatchObject({
      status: 503,
      body: { notAnswering: ['worker'], worker: expect.stringMatching(/no worker has ever polled/) },
    });
    expect(never.retryAfter).toBe('5');

    const runWorker = async () => {
      const native = await NativeConnection.connect({ address: server.address });
      const worker = await createWorker({
        config: { ...loadConfig({}), TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: taskQueue },
        sql: sql(),
        connection: native,
        workflowBundlePath: inject('hoep').workflowBundlePath,
      });
      const running = worker.run();
      return async () => {
        worker.shutdown();
        await running;
        await native.close();
      };
    };
    let stop = await runWorker();
    await poll(readyz, (r) => r.status === 200, 'ready with a worker', 30_000);
    // Idle for longer than the threshold: a worker that polls stays ready.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect((await readyz()).status).toBe(200);

    await stop();
    const gone = await poll(readyz, (r) => r.status === 503, 'unavailable without a worker', 30_000);
    expect(gone.body).toMatchObject({
      notAnswering: ['worker'],
      worker: expect.stringMatching(/no worker has polled the task queue "readyz" for \d+ s/),
      temporal: 'ok',
      postgres: 'ok',
    });

    stop = await runWorker();
    await poll(readyz, (r) => r.status === 200, 'ready again', 30_000);
    await stop();
    await connection.close();
  });
});
