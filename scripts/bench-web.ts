/**
 * Benchmarks web pages of 500-measure cycles against a no-op Hono route, as requests per second
 * with a bounded number of concurrent keep-alive clients, the loads taken in 1 s turns (so that
 * background load weighs on all alike) with the no-op route among them:
 *   - the public page of an adopted cycle, /offentlig/{pid}/{year}, not signed in (issue 9: the
 *     public may come in numbers when a plan is adopted), with gzip accepted as browsers do; the
 *     figures without gzip and for a 304 revalidation are reported too, and the app's own floor
 *     (the style sheet revalidated: the same request log, metrics, headers and frame, nothing else);
 *   - signed in (issue 10), in turns of their own with the no-op route again (a 500-measure page
 *     leaves garbage behind that would fall on the public page's next turn): the cycle page
 *     /sykluser/{cid} as the administrator and the allocations
 *     page /sykluser/{cid}/fordeling as the county's finance officer, both of the adopted cycle, and
 *     the priority-list editor /sykluser/{cid}/prioritering as the mayor of Lillehammer, of a cycle
 *     whose proposals are closed. A page that does not answer 200 (not built in this tree yet)
 *     is reported null, with why, and not loaded. These pages are kept per reader
 *     (web/kept-pages.ts), so the load is one reader's reloads; before it, one request at a time,
 *     the first view after the cycle changed (`*_cold_ms`) and the median of other readers'
 *     first views (`*_first_view_ms`, each with a session of its own) are timed.
 * The sessions are made through the web's own session store (web/session.ts), for the person the
 * web's claims mapping makes of the claims the local provider sends for that account: what the
 * sign-in callback does after checking the ID token, so each request costs what a browser's
 * does (the cookie read, the session looked up in Postgres, its idle clock restarted once a minute). The
 * provider's redirects are left out: they happen once per sign-in, not per page.
 * The app is the whole API process (services/api/app.ts with the web app mounted, the records
 * feed listening); the cycles are driven through their workflow, by a worker process built and
 * started as production's. Uses TEMPORAL_ADDRESS / DATABASE_URL when set, else starts servers of
 * its own. Prints the figures and, as the last line, one JSON object.
 *
 *   tsx scripts/bench-web.ts [--seconds 5] [--concurrency 8] [--measures 500]
 *
 * To see where a page's time goes: node --cpu-prof --import tsx scripts/bench-web.ts (a profile
 * per thread: the server's, and one per 1 s load).
 *
 * Over 300 lines: the public and the signed-in pages share the cycles built and the turns measured.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { buildWorker } from '../services/worker/build.js';
import { builtWorker } from '../services/worker/launch.js';
import { accountClaims, LOCAL_CLAIMS_MAPPING, localAccounts } from '../services/oidc-provider/accounts.js';
import {
  councilsAdopt,
  iprAdopts,
  proposed,
  recordedPhase,
  underVote,
  type MeasurePlan,
} from '../test/support/adopted-cycle.js';
import { admin, unusedYear } from '../test/support/cycles.js';
import { sendWhileMovingOn } from '../services/moving-on.js';
import { closeProposals, getStatus } from '../workflows/messages.js';
import { STYLESHEET_PATH } from '../web/assets/index.js';
import { parseClaimsMapping, personFromClaims } from '../web/auth/claims.js';
import { SessionStore } from '../web/session.js';
import {
  inRun,
  inTurns,
  referenceDatabase,
  round,
  runAsScript,
  serveApi,
  servers,
  temporalClient,
  workerProcess,
  type Load,
  type LoadFigures,
} from './bench-support.js';

const PID = 'lillehammer-regionen';
/** The session cookie's name on an http:// app (web/auth/cookies.ts); a wrong one shows as the pages' 401. */
const SESSION_COOKIE = 'hoep_session';
const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };
/** How many readers' first views of a signed-in page are timed. */
const FIRST_VIEWS = 9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface WebBenchOptions {
  seconds: number;
  concurrency: number;
  measures: number;
}

/** The signed-in pages: who reads each, and of which cycle. */
const SIGNED_IN = {
  cycle_page: { account: `admin-${PID}`, cycle: 'adopted', path: '' },
  priority_list_page: { account: 'mayor-3405', cycle: 'prioritisation', path: '/prioritering' },
  allocations_page: { account: `finance-county-${PID}`, cycle: 'adopted', path: '/fordeling' },
} as const;
type SignedInPage = keyof typeof SIGNED_IN;

export type WebBenchResult = {
  public_page_rps: number;
  public_page_identity_rps: number;
  public_page_304_rps: number;
  public_page_noop_rps: number;
  /** the cheapest answer through the same app: the style sheet revalidated */
  app_floor_304_rps: number;
  app_floor_rps_vs_noop: number;
  public_page_rps_vs_noop: number;
  public_page_kib: number;
  /** what goes over the wire to a browser, and in which encoding */
  public_page_sent_kib: number;
  public_page_sent_encoding: string;
  /** the same to a client that takes gzip only */
  public_page_gzip_kib: number;
  /** microseconds the server's event loop was busy per request (bench-support.ts LoadFigures) */
  public_page_busy_us: number;
  app_floor_busy_us: number;
  noop_busy_us: number;
  /** the no-op route in the signed-in pages' turns, which their ratios are taken against */
  signed_in_noop_rps: number;
  /** the adopted cycle's status query answered per second, as many at a time as there are clients */
  cycle_status_queries_per_s: number;
} & { [P in SignedInPage as `${P}_rps_vs_noop`]: number | null } & {
  [P in SignedInPage as `${P}_busy_us`]: number | null;
} & {
  [P in SignedInPage as `${P}_rps`]: number | null;
} & { [P in SignedInPage as `${P}_kib`]: number | null } & {
  /** ms for the first view after the cycle changed, one request alone: reading and rendering what is kept per version */
  [P in SignedInPage as `${P}_cold_ms`]: number | null;
} & {
  /** ms for another reader's first view of the same version, median: their own page made and gzipped */
  [P in SignedInPage as `${P}_first_view_ms`]: number | null;
} & {
  /** why a page was not measured: what it answered */
  [P in SignedInPage as `${P}_unmeasured`]?: string;
};

const plan = (measures: number): MeasurePlan[] =>
  Array.from({ length: measures }, (_, i) => ({
    title: `Tiltak ${i + 1}: næringsutvikling i regionen`,
    amount: '100000.00',
    strategies: [['1.1', '2.1', '3.3', '4.2.1', '5.4'][i % 5]!],
    responsible: `Ansvarlig ${i % 7}`,
  }));

/** Calls of `call` answered per second, `concurrency` at a time for `seconds`. */
async function queriesPerSecond(call: () => Promise<unknown>, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await call();
        done += 1;
      }
    }),
  );
  return done / seconds;
}

/** The body's bytes as sent (fetch() would decode them), and their content-encoding. */
function sentBytes(
  url: string,
  headers: Record<string, string>,
): Promise<{ bytes: number; encoding: string; etag: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
        res.on('end', () =>
          resolve({ bytes, encoding: res.headers['content-encoding'] ?? 'identity', etag: res.headers.etag ?? '' }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export async function benchWeb(
  options: WebBenchOptions,
  log: (line: string) => void = console.log,
): Promise<WebBenchResult> {
  return inRun('bench-web', async (run) => {
    const { temporalAddress, databaseUrl } = await servers(run);
    const sql = await referenceDatabase(run, databaseUrl, { applicationName: 'hoep-bench-web' });
    const taskQueue = `bench-web-${randomBytes(4).toString('hex')}`;
    await buildWorker();
    await workerProcess(run, {
      temporalAddress,
      databaseUrl,
      taskQueue,
      workflowBundlePath: builtWorker.workflowBundle,
    });
    const temporal = await temporalClient(run, temporalAddress);

    log(
      `building two cycles of ${options.measures} measures through their workflow: one adopted, one with proposals closed`,
    );
    const year = await unusedYear(temporal, PID, 1);
    const [adopted, prioritised] = await Promise.all([
      proposed(temporal, taskQueue, year, plan(options.measures), '40000000.00', '10000000.00'),
      proposed(temporal, taskQueue, year + 1, plan(options.measures), '40000000.00', '10000000.00'),
    ]);
    await Promise.all([
      (async () => {
        await iprAdopts(adopted, await underVote(adopted, false));
        await councilsAdopt(adopted);
      })(),
      sendWhileMovingOn(() => prioritised.handle.executeUpdate(closeProposals, { args: [{ actor: admin }] })),
    ]);
    const phaseOf = async (cycleId: string) =>
      (await sql<{ phase: string }[]>`select phase from cycles where id = ${cycleId}`)[0]?.phase;
    await recordedPhase(() => phaseOf(adopted.cycleId), 'adopted');
    await recordedPhase(() => phaseOf(prioritised.cycleId), 'prioritisation');

    const { base, noopUrl, config } = await serveApi(run, { sql, temporal, databaseUrl, taskQueue });
    // The cycle page asks the workflow for its status on every view, and a workflow answers its
    // queries one after another: how many it answers per second bounds that page, however fast the rest.
    const statusQueries = await queriesPerSecond(
      () => adopted.handle.query(getStatus),
      options.concurrency,
      Math.min(options.seconds, 3),
    );
    log(
      `  the adopted cycle's status query, ${options.concurrency} at a time: ${Math.round(statusQueries)} per second`,
    );
    const pageUrl = `${base}/offentlig/${PID}/${year}`;
    const first = await fetch(pageUrl);
    if (first.status !== 200) throw new Error(`the public page answered ${first.status}`);
    const size = (await first.arrayBuffer()).byteLength;
    const sent = await sentBytes(pageUrl, BROWSER);
    const gzipped = await sentBytes(pageUrl, { 'accept-encoding': 'gzip' });
    // The floor of the app itself: the style sheet revalidated (304, no body) passes the same
    // request log, metrics, security headers and web frame as the page, and does nothing else.
    const sheetUrl = new URL(STYLESHEET_PATH, base).href;
    const sheetEtag = (await fetch(sheetUrl)).headers.get('etag')!;
    const publicLoads: Record<string, Load> = {
      page: [pageUrl, BROWSER, 200],
      identity: [pageUrl, {}, 200],
      // A browser revalidates what it was sent: each encoding has its ETag.
      revalidated: [pageUrl, { ...BROWSER, 'if-none-match': sent.etag }, 304],
      frame: [sheetUrl, { 'if-none-match': sheetEtag }, 304],
      noop: [noopUrl, {}, 200],
    };

    // Signed in: a session per person, as the sign-in callback makes it (web/auth/routes.ts).
    const sessions = new SessionStore(sql, {
      idleMinutes: config.WEB_SESSION_IDLE_MINUTES,
      absoluteHours: config.WEB_SESSION_ABSOLUTE_HOURS,
    });
    const mapping = parseClaimsMapping(JSON.stringify(LOCAL_CLAIMS_MAPPING));
    const signedIn: Partial<
      Record<SignedInPage, { kib: number; coldMs: number; firstViewMs: number } | { unmeasured: string }>
    > = {};
    const signedInLoads: Record<string, Load> = {};
    for (const [name, { account, cycle, path }] of Object.entries(SIGNED_IN) as [
      SignedInPage,
      (typeof SIGNED_IN)[SignedInPage],
    ][]) {
      const found = localAccounts.find((a) => a.accountId === account);
      const mapped = found && personFromClaims(accountClaims(found), mapping);
      if (mapped?.kind !== 'person') throw new Error(`the local account ${account} maps to no person`);
      const url = `${base}/sykluser/${cycle === 'adopted' ? adopted.cycleId : prioritised.cycleId}${path}`;
      const cookieOf = async () => `${SESSION_COOKIE}=${(await sessions.create(mapped.person, null)).id}`;
      const headers = { ...BROWSER, cookie: await cookieOf() };
      const timed = async (h: Record<string, string>) => {
        const t0 = performance.now();
        const answer = await fetch(url, { headers: h });
        const bytes = (await answer.arrayBuffer()).byteLength;
        return { status: answer.status, bytes, ms: performance.now() - t0 };
      };
      // The first view of the cycle as it stands (nothing of this version read or rendered yet),
      // then each first view of other readers (what is kept per version is there, their page is not).
      const cold = await timed(headers);
      if (cold.status !== 200) {
        signedIn[name] = { unmeasured: `GET ${new URL(url).pathname} answered ${cold.status}` };
        log(`  ${name}: not measured, ${signedIn[name].unmeasured}`);
        continue;
      }
      const firstViews: number[] = [];
      for (let i = 0; i < FIRST_VIEWS; i++) firstViews.push((await timed({ ...BROWSER, cookie: await cookieOf() })).ms);
      signedIn[name] = {
        kib: Math.round(cold.bytes / 1024),
        coldMs: round(cold.ms, 1),
        firstViewMs: round(median(firstViews), 1),
      };
      log(
        `  ${name}: ${signedIn[name].kib} KiB; the first view after a change ${signedIn[name].coldMs} ms, a reader's first view ${signedIn[name].firstViewMs} ms (median of ${FIRST_VIEWS}), one request at a time`,
      );
      signedInLoads[name] = [url, headers, 200];
    }

    log(
      `  ${options.concurrency} concurrent clients in a thread of their own, ${options.seconds} s each in 1 s turns; the public page is ${Math.round(size / 1024)} KiB of HTML, ${round(sent.bytes / 1024, 1)} KiB as sent (${sent.encoding})`,
    );
    // Two sets of turns, each with the no-op route of its own: a signed-in page of 500 measures
    // leaves heaps of garbage behind, which would fall on the next turn's load (the public page).
    const figures = await inTurns(publicLoads, options.seconds, options.concurrency);
    const signedInFigures =
      Object.keys(signedInLoads).length === 0
        ? null
        : await inTurns<string>({ ...signedInLoads, noop: publicLoads.noop! }, options.seconds, options.concurrency);
    const rps = (name: string) => figures[name]!.rps;
    const busy = (name: string) => round(figures[name]!.busyUs, 1);
    const noop = rps('noop');
    const signedInNoop = signedInFigures?.noop?.rps ?? noop;
    const line = (label: string, name: string) =>
      log(
        `  ${label.padEnd(36)}${String(Math.round(rps(name))).padStart(6)} requests/s, server busy ${busy(name)} µs each`,
      );
    line('GET public page, brotli/gzip:', 'page');
    line('GET public page, identity:', 'identity');
    line('GET public page, 304 by ETag:', 'revalidated');
    line("the app's floor (style sheet 304):", 'frame');
    line('no-op Hono route:', 'noop');
    const pages = Object.keys(SIGNED_IN) as SignedInPage[];
    const signedInLine = (label: string, f: LoadFigures) =>
      log(
        `  ${label.padEnd(36)}${String(Math.round(f.rps)).padStart(6)} requests/s, server busy ${round(f.busyUs, 1)} µs each`,
      );
    for (const name of pages) {
      const f = signedInFigures?.[name];
      if (f) signedInLine(`${name}, signed in:`, f);
    }
    if (signedInFigures) signedInLine('no-op Hono route, in these turns:', signedInFigures.noop!);
    const result: Record<string, number | string | null> = {
      public_page_rps: Math.round(rps('page')),
      public_page_identity_rps: Math.round(rps('identity')),
      public_page_304_rps: Math.round(rps('revalidated')),
      public_page_noop_rps: Math.round(noop),
      app_floor_304_rps: Math.round(rps('frame')),
      app_floor_rps_vs_noop: round(rps('frame') / noop, 3),
      public_page_rps_vs_noop: round(rps('page') / noop, 3),
      public_page_kib: Math.round(size / 1024),
      public_page_sent_kib: round(sent.bytes / 1024, 1),
      public_page_sent_encoding: sent.encoding,
      public_page_gzip_kib: round(gzipped.bytes / 1024, 1),
      public_page_busy_us: busy('page'),
      app_floor_busy_us: busy('frame'),
      noop_busy_us: busy('noop'),
      signed_in_noop_rps: Math.round(signedInNoop),
      cycle_status_queries_per_s: Math.round(statusQueries),
    };
    for (const name of pages) {
      const page = signedIn[name]!;
      const measured = signedInFigures?.[name];
      result[`${name}_rps_vs_noop`] = measured ? round(measured.rps / signedInNoop, 3) : null;
      result[`${name}_rps`] = measured ? Math.round(measured.rps) : null;
      result[`${name}_busy_us`] = measured ? round(measured.busyUs, 1) : null;
      result[`${name}_kib`] = 'kib' in page ? page.kib : null;
      result[`${name}_cold_ms`] = 'kib' in page ? page.coldMs : null;
      result[`${name}_first_view_ms`] = 'kib' in page ? page.firstViewMs : null;
      if ('unmeasured' in page) result[`${name}_unmeasured`] = page.unmeasured;
    }
    return result as WebBenchResult;
  });
}

runAsScript(import.meta.url, { seconds: '5', concurrency: '8', measures: '500' }, (values) =>
  benchWeb({
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    measures: Number(values.measures),
  }),
);
