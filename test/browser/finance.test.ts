/**
 * The finance officer's pages through the whole stack, real sign-in at the local provider, on a
 * cycle adopted through the HTTP API (measures over two years, one with co-funding, a grant with an
 * odd øre): the finance officer opens the allocations per measure, per funder and per goal; every
 * figure equals the API's GET /cycles/{cid}/allocations to the øre, the charts' text alternatives
 * state the same figures, and the co-funding lines are shown. The CSV and Excel downloads hold the
 * same numbers, the workbook's totals rows equal the sums of its rows. A clerk sees only their
 * municipality's share, in the page and the file; a proposer is refused. axe-core (WCAG 2.1 A and
 * AA) finds nothing on any page reached, and each reflows at 320 px.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import type { Allocations } from '../../schema/allocations.js';
import { formatNok } from '../../web/format.js';
import { funderName } from '../../web/names.js';
import { api, checkPage, launchBrowser, signedInPage } from '../support/browser.js';
import { clerk, councilAdopts, FINANCE, iprAdopts, MUNICIPALITIES, phaseIs, toVote } from '../support/api-cycles.js';
import { freshYear } from '../support/stack.js';

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;
const FINANCE_OFFICER = 'Økonomirådgiver for Lillehammer-regionen, Innlandet fylkeskommune';

let browser: Browser;
let year: number;
let cid: string;
/** what the API answers the finance officer, and Gausdal's clerk */
let full: Allocations;
let gausdal: Allocations;

beforeAll(async () => {
  browser = await launchBrowser();
  year = await freshYear(0);
  ({ cid } = await toVote(year, [
    {
      title: 'Reiselivsklynge for Gausdal',
      amounts: { [year]: '300000.00', [year + 1]: '150000.00' },
      strategies: ['1.2'],
      cofunding: [
        { source: 'Sparebankstiftelsen', amount: '50000.50' },
        { source: 'Innovasjon Norge', amount: '20000.00' },
      ],
    },
    { title: 'Tech Valley-programmet', amounts: { [year]: '1000000.00' }, strategies: ['2.1', '2.2'] },
    { title: 'Grønn industripark', amounts: { [year]: '100000.01' }, strategies: ['3.3'] },
  ]));
  await iprAdopts(cid);
  for (const m of MUNICIPALITIES) await councilAdopts(cid, year, m);
  await phaseIs(cid, 'adopted');
  full = (await api('GET', `/cycles/${cid}/allocations`, FINANCE)) as unknown as Allocations;
  gausdal = (await api('GET', `/cycles/${cid}/allocations`, clerk('3441'))) as unknown as Allocations;
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

const personPage = (name: string) => signedInPage(browser, name);

/** "1 333 333,34 kr" -> "1333333.34"; "−5,00 kr" -> "-5.00". */
const moneyOf = (s: string) =>
  s
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/kr$/, '')
    .replace('\u2212', '-')
    .replace(',', '.');

interface MeasureTable {
  heads: string[];
  rows: { title: string; year: string; cells: string[] }[];
  foot: { label: string; cells: string[] }[];
}

/** The per-measure table as the page shows it: a row group per measure, a row per year. */
const measureTable = async (page: Page) =>
  (await page.evaluate(`(() => {
    const t = document.querySelector('#andeler').closest('table');
    const nums = (tr) => [...tr.querySelectorAll('td.num')].map((td) => td.innerText);
    const rows = [...t.tBodies].flatMap((tb) => [...tb.rows].map((tr) => ({
      title: tb.querySelector('th[scope=rowgroup]').innerText.trim(),
      year: tr.querySelector('th[scope=row]').innerText.trim(),
      cells: nums(tr),
    })));
    return {
      heads: [...t.tHead.querySelectorAll('th.num')].map((th) => th.innerText.trim()),
      rows,
      foot: [...t.tFoot.rows].map((tr) => ({ label: tr.querySelector('th').innerText.trim(), cells: nums(tr) })),
    };
  })()`)) as MeasureTable;

/** A simple table's body rows: the header cell and the other cells' text. */
const bodyRows = async (page: Page, captionId: string) =>
  (await page.evaluate(
    `[...document.querySelector('#${captionId}').closest('table').tBodies[0].rows].map((tr) => [...tr.cells].map((c) => c.innerText.trim()))`,
  )) as string[][];

/** The page's per-measure table holds exactly the API's grants, shares and totals. */
function expectMeasureTable(table: MeasureTable, a: Allocations): void {
  expect(table.heads).toEqual(['Tilskudd', ...a.funders.map((f) => funderName(config, f.id))]);
  const years = a.years.map(String);
  expect(table.rows).toHaveLength(a.measures.length * years.length);
  for (const m of a.measures)
    for (const y of years) {
      const row = table.rows.find((r) => r.title === m.title && r.year === y);
      expect(row?.cells.map(moneyOf), `${m.title} ${y}`).toEqual([
        m.grants[y],
        ...a.funders.map((f) => m.shares[f.id]![y]),
      ]);
    }
  for (const y of years)
    expect(table.foot.find((r) => r.label === `Sum ${y}`)?.cells.map(moneyOf)).toEqual([
      a.totals.granted[y],
      ...a.funders.map((f) => f.allocated[y]),
    ]);
}

async function download(page: Page, link: RegExp): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  return fs.readFileSync((await file.path())!);
}

/** The flat CSV's share rows as measure title, year, funder name -> amount (a decimal point). */
function csvShares(csv: Buffer): { shares: Map<string, string>; cofunding: string[][]; funders: Set<string> } {
  const text = csv.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const lines = text.slice(1).split('\r\n').filter(Boolean);
  const cells = lines.slice(1).map((l) => l.split(';'));
  const shares = new Map(
    cells.filter((c) => c[0] === 'Andel').map((c) => [`${c[3]}|${c[6]}|${c[7]}`, c[9]!.replace(',', '.')]),
  );
  return {
    shares,
    cofunding: cells.filter((c) => c[0] === 'Medfinansiering'),
    funders: new Set(cells.filter((c) => c[0] === 'Andel').map((c) => c[7]!)),
  };
}

const ore = (v: unknown) => Math.round(Number(v) * 100);
const oreOf = (money: string) => Number(money.replace('.', ''));

describe("the finance officer's allocations", () => {
  it('per measure: every grant and share equals the API to the øre, with the co-funding lines', async () => {
    const page = await personPage(FINANCE_OFFICER);
    await page.goto(`/sykluser/${cid}/fordeling`);
    await page
      .getByRole('heading', { level: 1, name: `Tildelinger per tiltak – Lillehammer-regionen ${year}` })
      .waitFor();
    expect(await page.locator('main dl.facts').innerText()).toContain(
      `Prioriteringsliste 1, vedtatt av IPR (møte 20. november ${year - 1}, sak 12/${String(year).slice(2)})`,
    );
    expectMeasureTable(await measureTable(page), full);
    expect(await bodyRows(page, 'medfinansiering')).toEqual([
      ['Reiselivsklynge for Gausdal', 'Sparebankstiftelsen', formatNok('50000.50')],
      ['Reiselivsklynge for Gausdal', 'Innovasjon Norge', formatNok('20000.00')],
    ]);
    await checkPage(page);
  });

  it('per funder and per goal: the tables equal the API, and each chart states the same figures', async () => {
    const page = await personPage(FINANCE_OFFICER);
    await page.goto(`/sykluser/${cid}/fordeling`);
    await page
      .getByRole('navigation', { name: 'Visninger av tildelingene' })
      .getByRole('link', { name: 'Per finansiør' })
      .click();
    await page.waitForURL(`**/sykluser/${cid}/fordeling?visning=finansiorer`);
    const frames = await bodyRows(page, 'rammer');
    const chart = (await page.locator('#graf-rammer-desc').textContent())!;
    for (const f of full.funders)
      for (const y of full.years.map(String)) {
        const name = funderName(config, f.id);
        expect(
          frames
            .find((r) => r[0] === name && r[1] === y)
            ?.slice(2)
            .map(moneyOf),
          `${name} ${y}`,
        ).toEqual([f.frame[y], f.allocated[y], f.remaining[y]]);
        expect(chart).toContain(
          `${name} ${y}: ramme ${formatNok(f.frame[y]!)}, tildelt ${formatNok(f.allocated[y]!)}, igjen ${formatNok(f.remaining[y]!)}.`,
        );
      }
    expect(await page.getByRole('img', { name: /^Ramme, tildelt og igjen per finansiør og år/ }).count()).toBe(1);
    await checkPage(page);

    await page.getByRole('link', { name: 'Per delmål' }).click();
    await page.waitForURL(`**/sykluser/${cid}/fordeling?visning=mal`);
    const goals = await bodyRows(page, 'delmal');
    const goalText = (await page.locator('#graf-delmal-desc').textContent())!;
    for (const g of full.goals) {
      const row = goals.find((r) => r[0] === `${g.goal}. ${g.title}`);
      expect(row?.slice(1, -1).map(moneyOf), `goal ${g.goal}`).toEqual(full.years.map((y) => g.granted[y]));
      const total = (Object.values(g.granted).reduce((s, v) => s + oreOf(v), 0) / 100).toFixed(2);
      expect(moneyOf(row![row!.length - 1]!)).toBe(total);
      expect(goalText).toContain(`Delmål ${g.goal}, ${g.title}: ${formatNok(total)}.`);
    }
    await checkPage(page);
  });

  it('the CSV and the Excel file hold the numbers of the page and the API; the totals rows equal the sums', async () => {
    const page = await personPage(FINANCE_OFFICER);
    await page.goto(`/sykluser/${cid}/fordeling`);
    const csv = csvShares(await download(page, /^CSV for Excel/));
    const names = new Map(full.funders.map((f) => [f.id, funderName(config, f.id)]));
    expect(csv.shares.size).toBe(full.measures.length * full.funders.length * full.years.length);
    for (const m of full.measures)
      for (const f of full.funders)
        for (const y of full.years.map(String))
          expect(csv.shares.get(`${m.title}|${y}|${names.get(f.id)}`), `${m.title} ${f.id} ${y}`).toBe(
            m.shares[f.id]![y],
          );
    expect(csv.cofunding.map((c) => [c[3], c[7], c[9]])).toEqual([
      ['Reiselivsklynge for Gausdal', 'Sparebankstiftelsen', '50000,50'],
      ['Reiselivsklynge for Gausdal', 'Innovasjon Norge', '20000,00'],
    ]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(page, /^Excel med summer/)) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('Fordeling')!;
    expect(String(sheet.getCell('B3').value)).toContain(`sak 12/${String(year).slice(2)}`);
    expect(String(sheet.getCell('B5').value)).toMatch(/^\d{1,2}\. \p{L}+ \d{4} kl\. \d{2}:\d{2} \(norsk tid\)$/u);
    const rows: ExcelJS.CellValue[][] = [];
    sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    const shares = rows.filter((r) => r[0] === 'Andel');
    expect(shares).toHaveLength(csv.shares.size);
    for (const r of shares) {
      const m = full.measures.find((x) => x.id === r[2])!;
      const f = full.funders.find((x) => names.get(x.id) === r[7])!;
      expect(ore(r[9]), `${m.title} ${f.id} ${String(r[6])}`).toBe(oreOf(m.shares[f.id]![String(r[6])]!));
    }
    // The file holds <v>0</v> for a zero total; exceljs's reader drops a cached result of 0.
    const total = (label: string) =>
      ore((rows.find((r) => r[0] === label)![9] as { formula: string; result?: number }).result ?? 0);
    for (const y of full.years) {
      const sum = shares.filter((r) => r[6] === y).reduce((s, r) => s + ore(r[9]), 0);
      expect(total(`Sum andeler ${y}`), `the ${y} totals row is the sum of its rows`).toBe(sum);
      expect(sum, `and the API's allocations of ${y}`).toBe(
        full.funders.reduce((s, f) => s + oreOf(f.allocated[String(y)]!), 0),
      );
    }
    expect(total('Sum andeler i alt')).toBe(oreOf(full.totals.allocated));
    expect(total('Sum medfinansiering')).toBe(7000050);
  });
});

describe('who else sees the allocations', () => {
  it("a clerk sees only their own municipality's share, on the page and in the file", async () => {
    const page = await personPage('Utvalgssekretær i Gausdal kommune');
    await page.goto(`/sykluser/${cid}/fordeling`);
    expect(await page.locator('main dl.facts').innerText()).toContain('Gausdal kommunes andel');
    const table = await measureTable(page);
    expect(table.heads).toEqual(['Tilskudd', 'Gausdal kommune']);
    expectMeasureTable(table, gausdal);
    await checkPage(page);
    const csv = csvShares(await download(page, /^CSV for Excel/));
    expect([...csv.funders]).toEqual(['Gausdal kommune']);
    await page.getByRole('link', { name: 'Per finansiør' }).click();
    expect(await page.locator('#graf-rammer-desc').textContent()).not.toContain('Innlandet fylkeskommune');
    await checkPage(page);
    // The cycle page's allocation table too: their own council's row, no other funder's.
    await page.goto(`/sykluser/${cid}`);
    const section = await page.locator('main').innerText();
    expect(section).toContain('Tildelinger');
    expect(section).toContain('Gausdal kommune');
    expect(section).not.toContain('Innlandet fylkeskommune');
    expect((await page.context().request.get(`/sykluser/${cid}/tildelinger.csv`)).status()).toBe(403);
  });

  it('a proposer is refused the page and the files', async () => {
    const page = await personPage('Næringsrådgiver, Lillehammer-regionen');
    const res = await page.goto(`/sykluser/${cid}/fordeling`);
    expect(res?.status()).toBe(403);
    await page.getByRole('heading', { level: 1, name: 'Ingen tilgang' }).waitFor();
    await checkPage(page);
    for (const ext of ['csv', 'xlsx'])
      expect((await page.request.get(`/sykluser/${cid}/fordeling.${ext}`)).status(), ext).toBe(403);
  });
});
