/**
 * The public pages through the real stack (Temporal dev server, worker, Postgres), without a
 * browser: an adopted cycle's page, JSON and CSV show its decisions and every funder's share to
 * the øre; a cycle under way is 404 everywhere and listed nowhere; nothing undecided (proposals,
 * lists under vote, votes, the vote counts of a list that was not adopted) is in any of them.
 * test/browser/pages.test.ts looks at the same pages in Chromium (axe, reflow).
 * Over 300 lines: one stack and one adopted cycle serve every public page and format.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../services/config.js';
import { AllocationCache } from '../../core/allocation-cache.js';
import { localAuthenticator } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { Generations, startRecordsFeed } from '../../core/records-feed.js';
import type { Person, WebContext, WebEnv } from '../../web/env.js';
import { NBSP } from '../../web/format.js';
import { pageRoutes } from '../../web/pages/index.js';
import type { PublicCycle } from '../../web/public-data.js';
import {
  ADOPTED_LIST_CASE,
  COUNCIL_CASES,
  councilsAdopt,
  iprAdopts,
  proposed,
  recordedPhase,
  REPLACED_LIST_CASE,
  underVote,
} from '../support/adopted-cycle.js';
import { connectClient, freshYear, sql, startWorker, testEnv } from '../support/stack.js';
import { admin, clerk, voters, lillehammer } from '../support/cycles.js';
import { poll } from '../support/poll.js';
import * as m from '../../workflows/messages.js';

const PID = 'lillehammer-regionen';
const MAYOR: Person = { sub: 'mayor-3405', name: 'Ordfører i Lillehammer', roles: ['ipr_member'], partnership: PID };
let web: Hono<WebEnv>;
let client: Client;
let adoptedYear: number;
let underWayYear: number;

/** A title that is markup to a browser and a formula to Excel: shown as text in both. */
const TRICKY_TITLE = '=1+1 <script>alert(1)</script> & «kurs»';
const nok = (s: string) => s.replaceAll(' ', NBSP);
const phaseOf = async (cid: string) =>
  (await sql()<{ phase: string }[]>`select phase from cycles where id = ${cid}`)[0]?.phase;

beforeAll(async () => {
  client = await connectClient();
  const worker = await startWorker();
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: worker.taskQueue,
    HOEP_JWT_SECRET: 'web-public-test-secret-0123456789abcdef',
  });
  const generations = new Generations();
  const ctx: WebContext = {
    sql: sql(),
    temporal: client,
    config,
    auth: localAuthenticator(new TextEncoder().encode('x'.repeat(32))),
    log: silentLogger,
    changes: { changed: (cid: string) => generations.bump(cid) },
    allocations: new AllocationCache(sql(), generations),
  };
  // The pages as the frame mounts them: for a reader who is not signed in, or (x-test-signed-in) the mayor.
  web = new Hono<WebEnv>();
  web.use('*', async (c, next) => {
    c.set('person', c.req.header('x-test-signed-in') ? MAYOR : null);
    c.set('csrfToken', '');
    await next();
  });
  web.route('/', pageRoutes(ctx));

  adoptedYear = await freshYear(1);
  underWayYear = await freshYear(1);
  const adopted = await proposed(client, worker.taskQueue, adoptedYear, [
    { title: 'Næringshage i Gausdal', amount: '200000.00', strategies: ['1.2'], responsible: 'Gausdal næringsforum' },
    { title: 'Tech Valley-programmet', amount: '1000000.00', strategies: ['2.1', '2.2'] },
    { title: TRICKY_TITLE, amount: '100000.00', strategies: ['4.2.1'] },
  ]);
  await iprAdopts(adopted, await underVote(adopted));
  await councilsAdopt(adopted);
  await recordedPhase(() => phaseOf(adopted.cycleId), 'adopted');

  // A cycle under way: its list is under vote, with two votes cast.
  const underWay = await proposed(client, worker.taskQueue, underWayYear, [
    { title: 'Hemmelig forslag om bio-hub', amount: '300000.00', strategies: ['3.3'] },
  ]);
  await iprAdopts(underWay, await underVote(underWay), 2);
}, 180_000);

const get = (path: string, headers: Record<string, string> = {}) => web.request(path, { headers });

describe('the public pages', () => {
  it('list the partnerships and, of a partnership, only its decided years', async () => {
    const index = await (await get('/offentlig')).text();
    expect(index).toContain('Lillehammer-regionen');
    expect(index).toContain('href="/offentlig/lillehammer-regionen"');
    const res = await get(`/offentlig/${PID}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(`/offentlig/${PID}/${adoptedYear}`);
    expect(page).not.toContain(String(underWayYear));
    expect((await get('/offentlig/ingen-slik')).status).toBe(404);
  });

  it("show an adopted year's decisions and every funder's share to the øre", async () => {
    const res = await get(`/offentlig/${PID}/${adoptedYear}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
    const page = await res.text();
    expect(page.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(page).toContain(`Handlings- og økonomiplan ${adoptedYear} for Lillehammer-regionen`);
    expect(page).toContain(`sak ${ADOPTED_LIST_CASE}`);
    expect(page).toContain(`20. november ${adoptedYear - 1}`);
    for (const [m, caseNumber] of Object.entries(COUNCIL_CASES)) expect(page, m).toContain(caseNumber);
    expect(page).toContain('10. november 2026');
    expect(page).toContain('Øyer kommune');
    expect(page).toContain('Næringshage i Gausdal');
    // 200 000.00 splits into 133 333.33 for the county and 22 222.23 / 22 222.22 / 22 222.22 (DOMAIN.md).
    for (const share of ['200 000,00 kr', '133 333,33 kr', '22 222,23 kr', '22 222,22 kr'])
      expect(page, share).toContain(nok(share));
  });

  it('answer an unchanged page with 304, in each encoding by its own ETag', async () => {
    for (const path of [`/offentlig/${PID}/${adoptedYear}`, `/offentlig/${PID}/${adoptedYear}.csv`]) {
      const encodings = { plain: {}, gzip: { 'accept-encoding': 'gzip' }, br: { 'accept-encoding': 'gzip, br' } };
      const etags = new Map<string, string>();
      for (const [name, accept] of Object.entries(encodings)) {
        const first = await get(path, accept);
        const etag = first.headers.get('etag')!;
        expect(etag, `${path} ${name}`).toMatch(/^"[^"]+"$/);
        etags.set(name, etag);
        const again = await get(path, { ...accept, 'if-none-match': etag });
        expect(again.status, `${path} ${name}`).toBe(304);
        expect(again.headers.get('etag')).toBe(etag);
      }
      // A strong ETag names one representation: each content-coding has its own (RFC 9110 8.8.3) ...
      expect(new Set(etags.values()).size, path).toBe(3);
      // ... so the gzip body's ETag does not revalidate the brotli one: that reader gets the brotli body.
      const other = await get(path, { ...encodings.br, 'if-none-match': etags.get('gzip')! });
      expect(other.status).toBe(200);
      expect(other.headers.get('content-encoding')).toBe('br');
      expect(other.headers.get('etag')).toBe(etags.get('br'));
    }
  });

  it('send the same page compressed as the browser accepts: brotli, else gzip, else as it is', async () => {
    const path = `/offentlig/${PID}/${adoptedYear}`;
    const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());
    const asIs = await get(path);
    expect(asIs.headers.get('content-encoding')).toBeNull();
    const plain = await bytes(asIs);
    expect(plain.toString()).toContain('Næringshage i Gausdal');
    const br = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toContain('Accept-Encoding');
    expect(brotliDecompressSync(await bytes(br)).equals(plain)).toBe(true);
    const gz = await get(path, { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await bytes(gz)).equals(plain)).toBe(true);
    const csv = await get(`${path}.csv`, { 'accept-encoding': 'br' });
    expect(csv.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(await bytes(csv)).toString()).toContain('Næringshage i Gausdal');
  });

  it('give the same figures as JSON and as CSV for Norwegian Excel', async () => {
    const json = (await (await get(`/offentlig/${PID}/${adoptedYear}.json`)).json()) as PublicCycle;
    const hub = json.measures.find((m) => m.title === 'Næringshage i Gausdal');
    expect(hub?.shares).toMatchObject({
      county: { [adoptedYear]: '133333.33' },
      3405: { [adoptedYear]: '22222.23' },
      3440: { [adoptedYear]: '22222.22' },
      3441: { [adoptedYear]: '22222.22' },
    });
    expect(json.ipr).toEqual({
      priorityList: 2,
      meetingDate: `${adoptedYear - 1}-11-20`,
      caseNumber: ADOPTED_LIST_CASE,
    });
    expect(json.councils.map((d) => d.caseNumber).sort()).toEqual(Object.values(COUNCIL_CASES).sort());

    const res = await get(`/offentlig/${PID}/${adoptedYear}.csv`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = csv
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(rows[0]).toContain('Andel (kr)');
    const hubRows = rows.filter((r) => r[2] === 'Næringshage i Gausdal');
    expect(hubRows.map((r) => [r[6], r[7], r[11]])).toEqual([
      ['Innlandet fylkeskommune', '133333,33', ''],
      ['Lillehammer kommune', '22222,23', COUNCIL_CASES['3405']],
      ['Øyer kommune', '22222,22', COUNCIL_CASES['3440']],
      ['Gausdal kommune', '22222,22', COUNCIL_CASES['3441']],
    ]);
  });

  it('show a title as text, never as markup or a spreadsheet formula', async () => {
    const html = await (await get(`/offentlig/${PID}/${adoptedYear}`)).text();
    expect(html).toContain('=1+1 &lt;script&gt;alert(1)&lt;/script&gt; &amp; «kurs»');
    expect(html).not.toContain('<script>');
    const csv = await (await get(`/offentlig/${PID}/${adoptedYear}.csv`)).text();
    expect(csv).toContain(`'${TRICKY_TITLE}`);
    // a strategy code Excel would take for a date, as a text formula (quoted as CSV quotes it)
    expect(csv).toContain('"=""4.2.1"""');
  });

  it('never show what is not decided: no votes, no replaced list, no cycle under way', async () => {
    const html = await (await get(`/offentlig/${PID}/${adoptedYear}`)).text();
    const json = await (await get(`/offentlig/${PID}/${adoptedYear}.json`)).text();
    const csv = await (await get(`/offentlig/${PID}/${adoptedYear}.csv`)).text();
    for (const [what, body] of Object.entries({ html, json, csv })) {
      expect(body, what).not.toContain(REPLACED_LIST_CASE);
      expect(body, what).not.toMatch(/"votes"|"voters"|approve|reject/);
    }
    for (const ext of ['', '.json', '.csv']) {
      const res = await get(`/offentlig/${PID}/${underWayYear}${ext}`);
      expect(res.status, ext).toBe(404);
      expect(await res.text(), ext).not.toContain('Hemmelig forslag');
    }
  });
});

describe('the cycle page', () => {
  it('asks a reader who is not signed in to sign in, and refuses another partnership', async () => {
    const out = await get(`/sykluser/${PID}-${adoptedYear}`);
    expect(out.status).toBe(401);
    expect(await out.text()).toContain('href="/logg-inn"');
    const other = await get(`/sykluser/gjovikregionen-${adoptedYear}`, { 'x-test-signed-in': '1' });
    expect(other.status).toBe(403);
  });

  it("shows an IPR member the funders' frames and the allocations' downloads", async () => {
    const page = await (await get(`/sykluser/${PID}-${adoptedYear}`, { 'x-test-signed-in': '1' })).text();
    expect(page).toContain('Fra prioriteringsliste 2, vedtatt av IPR.');
    expect(page).toContain(
      `<th scope="row">Øyer kommune</th><td>${adoptedYear}</td><td class="num">${nok('400 000,00 kr')}</td>`,
    );
    const csv = await get(`/sykluser/${PID}-${adoptedYear}/tildelinger.csv`, { 'x-test-signed-in': '1' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="tildelinger-${PID}-${adoptedYear}.csv"`);
    expect(await csv.text()).toContain('133333,33');
    expect((await get(`/sykluser/${PID}-${adoptedYear}/tildelinger.xlsx`, { 'x-test-signed-in': '1' })).status).toBe(
      200,
    );
    expect((await get(`/sykluser/${PID}-${adoptedYear}/tildelinger.csv`)).status, 'not signed in').toBe(401);
  });

  it(
    'is a 503 with Retry-After, in bounded time, when the workflow of a cycle under way cannot answer, and shows a page already read',
    { timeout: 60_000 },
    async () => {
      const lone = await startWorker();
      const year = await freshYear(2);
      const c = await proposed(client, lone.taskQueue, year, [{ title: 'Uten arbeider', amount: '100000.00' }]);
      const unread = await proposed(client, lone.taskQueue, year + 1, [{ title: 'Aldri lest', amount: '100000.00' }]);
      const shown = await get(`/sykluser/${c.cycleId}`, { 'x-test-signed-in': '1' });
      expect(shown.status, await shown.text()).toBe(200);
      await lone.stop();
      // Nothing can change a cycle while no worker runs its workflow: what was read still stands.
      const again = await get(`/sykluser/${c.cycleId}`, { 'x-test-signed-in': '1' });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('Uten arbeider');
      const started = Date.now();
      const res = await get(`/sykluser/${unread.cycleId}`, { 'x-test-signed-in': '1' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.text()).toContain('Ingenting er endret. Prøv igjen om litt.');
      expect(Date.now() - started).toBeLessThan(9_000);
    },
  );
});

describe('the public page after a loop-back', () => {
  it(
    "shows the list the plan rests on and every council's decision, the lower amount included",
    { timeout: 120_000 },
    async () => {
      const worker = await startWorker();
      const year = await freshYear(1);
      const y = String(year);
      const c = await proposed(client, worker.taskQueue, year, [
        { title: 'Stort tiltak', amount: '1500000.00' },
        { title: 'Mellomstort tiltak', amount: '1200000.00', strategies: ['5.1.3'] },
      ]);
      await iprAdopts(c, await underVote(c, false));
      await poll(
        () => c.handle.query(m.getStatus),
        (s) => s.phase === 'adoption' && s.adoptions.length === 3,
        'adoption round 1',
      );
      const decide = (municipality: string, decision: m.AdoptionDecision, caseNumber: string, amounts?: m.YearMap) =>
        c.handle.executeUpdate(m.recordAdoption, {
          args: [
            {
              actor: clerk(municipality),
              adoption: {
                municipality,
                decision,
                caseNumber,
                decidedOn: '2026-11-10',
                ...(amounts ? { amounts } : {}),
              },
            },
          ],
        });
      await decide('3405', 'adopted', 'PS 1/L');
      await decide('3440', 'reduced', 'PS 2/L', { [y]: '200000.00' });
      await decide('3441', 'adopted', 'PS 3/L');
      await poll(
        () => c.handle.query(m.getStatus),
        (s) => s.phase === 'prioritisation',
        'loop back to prioritisation',
      );
      const rec = await c.handle.query(m.getRecommendation);
      const list = await c.handle.executeUpdate(m.proposePriorityList, {
        args: [{ actor: admin, items: rec!.items, meeting: { date: `${year - 1}-12-20`, caseNumber: 'IPR 15/L' } }],
      });
      for (const v of voters(lillehammer()).slice(0, 5))
        await c.handle.executeUpdate(m.castVote, { args: [{ actor: v, version: list.version, vote: 'approve' }] });
      await recordedPhase(() => phaseOf(c.cycleId), 'adopted');

      const json = (await (await get(`/offentlig/${PID}/${year}.json`)).json()) as PublicCycle;
      expect(json.ipr).toEqual({
        priorityList: list.version,
        meetingDate: `${year - 1}-12-20`,
        caseNumber: 'IPR 15/L',
      });
      expect(json.councils.map((d) => [d.name, d.round, d.decision, d.caseNumber, d.amounts])).toEqual([
        ['Lillehammer kommune', 1, 'adopted', 'PS 1/L', null],
        ['Øyer kommune', 1, 'reduced', 'PS 2/L', { [y]: '200000.00' }],
        ['Gausdal kommune', 1, 'adopted', 'PS 3/L', null],
      ]);
      const html = await (await get(`/offentlig/${PID}/${year}`)).text();
      expect(html).toContain('Vedtatt med lavere beløp');
      expect(html).toContain(`${y}: ${nok('200 000,00 kr')}`);
      expect(html).not.toContain(ADOPTED_LIST_CASE);
    },
  );
});

describe('the kept public page, with the records feed listening', () => {
  it(
    'is answered from memory while nothing changes, and anew once the cycle is written to',
    { timeout: 60_000 },
    async () => {
      const feed = startRecordsFeed({ url: testEnv().databaseUrl, log: silentLogger });
      try {
        await feed.listening();
        const config = loadConfig({ HOEP_JWT_SECRET: 'web-public-test-secret-0123456789abcdef' });
        const ctx: WebContext = {
          sql: sql(),
          temporal: client,
          config,
          auth: localAuthenticator(new TextEncoder().encode('x'.repeat(32))),
          log: silentLogger,
          records: feed,
          changes: feed,
          allocations: new AllocationCache(sql(), feed.generations),
        };
        const live = new Hono<WebEnv>();
        live.use('*', async (c, next) => {
          c.set('person', null);
          c.set('csrfToken', '');
          await next();
        });
        live.route('/', pageRoutes(ctx));
        const path = `/offentlig/${PID}/${adoptedYear}`;
        const first = await live.request(path);
        const again = await live.request(path);
        expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
        expect(await again.text()).toBe(await first.text());

        // A progress report is a write to the cycle's records: the next answer is made again.
        const { id } = (
          await sql()<
            { id: string }[]
          >`select id from measures where cycle_id = ${`${PID}-${adoptedYear}`} and title = 'Næringshage i Gausdal'`
        )[0]!;
        await client.workflow.getHandle(`${PID}-${adoptedYear}`).executeUpdate(m.reportProgress, {
          args: [
            {
              actor: { sub: 'lrv-admin', name: 'Sekretariatet', roles: ['admin'] },
              report: { measureId: id, progress: 'I gang', spent: { [adoptedYear]: '1000.00' } },
            },
          ],
        });
        await poll(
          async () => (await live.request(path)).headers.get('etag'),
          (etag) => etag !== first.headers.get('etag'),
          'a new ETag after the write',
          10_000,
        );
      } finally {
        await feed.close();
      }
    },
  );
});
