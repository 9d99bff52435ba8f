/**
 * The IPR's recommendation and priority-list editor in the browser (issue 10), through the whole
 * stack with real sign-in: a cycle in prioritisation is set up through the HTTP API (three
 * measures, municipal frames that bind); an IPR member reads the recommendation, opens the editor,
 * moves a measure up and down with the buttons, grants one in part and presses Beregn, and sees
 * each funder's remaining frame at the øre figure the domain's own cost sharing gives; grants one
 * more in full, is shown which funder and year that breaks and cannot send it; fixes it, enters
 * the meeting and puts the list to the vote after a confirmation, twice over (a double click and a
 * resend): one list, and the list under vote is what the screen showed; the same form with a grant
 * changed is a second list, never taken for the first. A proposer gets 403; the
 * move, grant and Beregn work by keyboard alone, and a measure moves to a place typed; axe finds nothing on any page reached, each
 * reflows at 320 px.
 *
 * Over 300 lines: one journey through one cycle, whose steps build on each other, with the few
 * helpers only it needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { membersOf, remaining, shareMeasure, sumShares } from '../../domain/cost-sharing.js';
import { formatNok } from '../../web/format.js';
import { ADMIN, MUNICIPALITIES, phaseIs, PID, proposeMeasures, startCycle } from '../support/api-cycles.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import { api, checkPage, launchBrowser, posting, signedInPage, tabTo } from '../support/browser.js';
import { freshYear } from '../support/stack.js';

const NBSP = /[\u00a0\u202f]/g;
const config = referencePartnerships.find((p) => p.id === PID)!;

let browser: Browser;
let year: number;
let cid: string;
let years: string[];
const started = Date.now();

const A = 'Næringshage i Lillehammer';
const B = 'Reiselivsklynge for Gausdal';
const C = 'Gründerhus i Øyer';

beforeAll(async () => {
  browser = await launchBrowser();
  year = await freshYear(0);
  years = [0, 1, 2, 3].map((i) => String(year + i));
  // The municipalities' frames bind: 100 000 each a year carries 900 000 of grants at 2/3 and an equal key.
  cid = await startCycle(year, { county: '2000000.00', municipality: '100000.00' });
  await proposeMeasures(cid, year, [
    { title: A, amounts: { [year]: '600000.00' }, strategies: ['1.1'] },
    { title: B, amounts: { [year]: '300000.00', [year + 1]: '100000.00' }, strategies: ['1.1'] },
    { title: C, amounts: { [year]: '90000.00', [year + 1]: '50000.00' }, strategies: ['1.1'] },
  ]);
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await phaseIs(cid, 'prioritisation');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  console.log(`[priority-list] journey ran ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const personPage = (name: string) => signedInPage(browser, name);

const clean = (s: string) => s.replace(NBSP, ' ');
const text = async (page: Page, selector: string) => clean(await page.locator(selector).first().innerText());

const press = (page: Page, button: Locator) => posting(page, () => button.click());

/** The measures' titles in the editor's order. */
const order = async (page: Page) =>
  (await page.locator('table.priority-rows tbody th[scope="row"]').allInnerTexts()).map((t) => t.trim());

/** The editor's "Igjen" figure of a funder and year. */
const remainingOnScreen = async (page: Page, funder: string, y: string) =>
  clean((await page.locator(`#f-ramme-${funder}-${y}`).innerText()).split('\n')[0]!.trim());

/** What the domain's cost sharing leaves each funder of the cycle's frames, for these grants. */
function expectedRemaining(grants: Record<string, string>[]): Record<string, Record<string, string>> {
  const members = membersOf(config);
  const frame = (f: string) => (f === 'county' ? '2000000.00' : '100000.00');
  const frames = Object.fromEntries(
    ['county', ...MUNICIPALITIES].map((f) => [f, Object.fromEntries(years.map((y) => [y, frame(f)]))]),
  );
  const allocated = sumShares(grants.map((g) => shareMeasure(g, config.sharing, members, frames)));
  return remaining(frames, allocated);
}

/** The rows of a list table on screen: title and the grant per year, as the page writes them. */
async function listOnScreen(page: Page): Promise<{ title: string; grants: string[] }[]> {
  const rows = await page.locator('#liste').locator('xpath=..').locator('tbody tr').all();
  return Promise.all(
    rows.map(async (r) => ({
      title: (await r.locator('th').innerText()).trim(),
      grants: (await r.locator('td.num').allInnerTexts()).slice(0, 4).map((t) => clean(t.trim())),
    })),
  );
}

describe('the priority-list editor', () => {
  it('the recommendation shows the ranked grants, each funder’s share by name and why money is left, in Norwegian', async () => {
    const page = await personPage('Ordfører i Lillehammer');
    await page.goto(`/sykluser/${cid}/innstilling`);
    const main = await text(page, 'main');
    expect(main).toContain(A);
    // B gets the largest whole thousand the municipal frames carry after A: 299 000,00 of 300 000,00.
    expect(main).toContain(`«${B}», ${year}: 299 000,00 kr av 300 000,00 kr som er søkt.`);
    expect(main).toContain('Lillehammer kommune');
    expect(main).toContain('Innlandet fylkeskommune');
    expect(main).toMatch(/Kommunenes rammer binder|Rammene til .* binder|Rammen til .* binder/);
    expect(main).not.toMatch(/frame unallocated|3405|county/);
    await checkPage(page);
    await page.context().close();
  });

  it('a proposer may not edit the list: 403', async () => {
    const page = await personPage('Prosjektleder, Lillehammer-regionen');
    const res = await page.goto(`/sykluser/${cid}/prioritering`);
    expect(res?.status()).toBe(403);
    expect(await text(page, 'main')).toContain('Bare administratorer og medlemmer av IPR');
    await checkPage(page);
    await page.context().close();
  });

  it('an IPR member moves, grants in part, sees the øre figures, is stopped by a frame break, fixes it and puts the list to the vote once', async () => {
    const page = await personPage('Ordfører i Lillehammer');
    await page.goto(`/sykluser/${cid}/innstilling`);
    await page.getByRole('link', { name: 'Rediger listen og legg den fram til avstemning' }).click();
    await page.waitForURL(`**/sykluser/${cid}/prioritering`);
    expect(await order(page)).toEqual([A, B, C]);
    await checkPage(page);

    await press(page, page.getByRole('button', { name: `Flytt «${C}» opp` }));
    expect(await order(page)).toEqual([A, C, B]);
    expect(new URL(page.url()).hash, 'the page comes back at the row moved').toMatch(/^#rad-/);
    await press(page, page.getByRole('button', { name: `Flytt «${C}» ned` }));
    expect(await order(page)).toEqual([A, B, C]);

    // B in part: 150 000 in the first year, 100 000 (all it asked) in the second.
    await page.getByRole('combobox', { name: `Tilskudd ${B}`, exact: true }).selectOption('part');
    await page.getByRole('textbox', { name: `${B} Delvis tilskudd ${year}`, exact: true }).fill('150 000');
    await page.getByRole('textbox', { name: `${B} Delvis tilskudd ${year + 1}`, exact: true }).fill('100 000,00');
    await press(page, page.getByRole('button', { name: 'Beregn' }).first());
    // C as the recommendation grants it, which the editor started from.
    const recommended = (await api('GET', `/cycles/${cid}/recommendation`, ADMIN)) as unknown as {
      items: { measureId: string; grants: Record<string, string> }[];
    };
    const ids = new Map(
      ((await api('GET', `/cycles/${cid}/measures`, ADMIN)) as unknown as { id: string; title: string }[]).map((m) => [
        m.title,
        m.id,
      ]),
    );
    const cGrants = recommended.items.find((it) => it.measureId === ids.get(C))?.grants ?? {};
    const expected = expectedRemaining([
      { [year]: '600000.00' },
      { [year]: '150000.00', [year + 1]: '100000.00' },
      cGrants,
    ]);
    for (const f of ['county', ...MUNICIPALITIES])
      for (const y of [String(year), String(year + 1)])
        expect(await remainingOnScreen(page, f, y), `${f} ${y}`).toBe(clean(formatNok(expected[f]![y]!)));
    expect(
      await page.getByRole('textbox', { name: `${B} Delvis tilskudd ${year}`, exact: true }).inputValue(),
      'what was typed is kept',
    ).toBe('150 000');
    await checkPage(page);

    // B in full as well as A and C in full: the municipalities' frames break in the first year.
    await page.getByRole('combobox', { name: `Tilskudd ${B}`, exact: true }).selectOption('full');
    await page.getByRole('combobox', { name: `Tilskudd ${C}`, exact: true }).selectOption('full');
    await page.getByLabel('Møtedato', { exact: true }).fill(`20.11.${year - 1}`);
    await page.getByLabel('Saksnummer', { exact: true }).fill(`12/${String(year).slice(2)}`);
    await press(page, page.getByRole('button', { name: 'Legg fram til avstemning' }));
    const summary = await text(page, '.ds-error-summary');
    expect(summary).toContain(`Lillehammer kommune, ${year}: Listen går`);
    expect(summary).toContain(`Gausdal kommune, ${year}: Listen går`);
    expect(await page.locator(`.ds-error-summary a[href="#f-ramme-3440-${year}"]`).count()).toBe(1);
    expect(await text(page, `#f-ramme-3440-${year}`)).toContain('Over rammen med');
    expect(await page.getByRole('heading', { name: 'Legge fram listen til avstemning?' }).count()).toBe(0);
    expect(await api('GET', `/cycles/${cid}/priority-lists`, ADMIN), 'nothing proposed').toEqual([]);
    expect(await page.getByLabel('Saksnummer', { exact: true }).inputValue()).toBe(`12/${String(year).slice(2)}`);
    await checkPage(page);

    // Fixed: B in part again, C only in the second year.
    await page.getByRole('combobox', { name: `Tilskudd ${B}`, exact: true }).selectOption('part');
    await page.getByRole('textbox', { name: `${B} Delvis tilskudd ${year}`, exact: true }).fill('150 000');
    await page.getByRole('combobox', { name: `Tilskudd ${C}`, exact: true }).selectOption('part');
    await page.getByRole('textbox', { name: `${C} Delvis tilskudd ${year}`, exact: true }).fill('');
    await page.getByRole('textbox', { name: `${C} Delvis tilskudd ${year + 1}`, exact: true }).fill('50 000 kr');
    await press(page, page.getByRole('button', { name: 'Legg fram til avstemning' }));
    await page.getByRole('heading', { name: 'Legge fram listen til avstemning?', level: 1 }).waitFor();
    const onScreen = await listOnScreen(page);
    expect(onScreen.map((r) => r.title)).toEqual([A, B, C]);
    await checkPage(page);

    // A double click on the confirmation, then the same form once more: one list.
    const fields = (await page.evaluate(
      `Object.fromEntries([...new FormData(document.querySelector('form.action-form')).entries()])`,
    )) as Record<string, string>;
    const ordered = (await page.evaluate(
      `[...new FormData(document.querySelector('form.action-form')).entries()]`,
    )) as [string, string][];
    expect(fields._key).toBeTruthy();
    await page.getByRole('button', { name: 'Ja, legg fram listen' }).dblclick();
    await page.getByRole('heading', { name: 'Listen er lagt fram til avstemning', level: 1 }).waitFor();
    const again = await page.context().request.post(`/sykluser/${cid}/prioritering`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams([...ordered, ['handling', 'bekreft']]).toString(),
    });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('Prioriteringsliste 1 er lagt fram');
    await checkPage(page);

    const lists = (await api('GET', `/cycles/${cid}/priority-lists`, ADMIN)) as unknown as {
      version: number;
      status: string;
      meeting: { date: string; caseNumber: string };
      items: { measureId: string; rank: number; grants: Record<string, string> }[];
    }[];
    expect(lists).toHaveLength(1);
    expect(lists[0]!.status).toBe('voting');
    expect(lists[0]!.meeting).toEqual({ date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` });
    const measures = (await api('GET', `/cycles/${cid}/measures`, ADMIN)) as unknown as { id: string; title: string }[];
    const titleOf = new Map(measures.map((m) => [m.id, m.title]));
    expect(
      [...lists[0]!.items]
        .sort((a, b) => a.rank - b.rank)
        .map((it) => ({
          title: titleOf.get(it.measureId),
          grants: years.map((y) => clean(formatNok(it.grants[y] ?? '0.00'))),
        })),
      'the list under vote is what the confirmation showed',
    ).toEqual(onScreen);

    // The same form with a grant changed (the back button and an edit, or a second tab), sent with
    // the same key: a list of its own, never taken for the one already sent.
    const cId = measures.find((m) => m.title === C)!.id;
    const cField = `belop-${cId}-${year + 1}`;
    expect(ordered.some(([k]) => k === cField)).toBe(true);
    const changed = ordered.map(([k, value]): [string, string] => [k, k === cField ? '40 000' : value]);
    const second = await page.context().request.post(`/sykluser/${cid}/prioritering`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams([...changed, ['handling', 'bekreft']]).toString(),
    });
    expect(await second.text()).toContain('Prioriteringsliste 2 er lagt fram');
    const after = (await api('GET', `/cycles/${cid}/priority-lists`, ADMIN)) as unknown as typeof lists;
    expect(after.map((l) => [l.version, l.status])).toEqual([
      [1, 'replaced'],
      [2, 'voting'],
    ]);
    expect(after[1]!.items.find((it) => it.measureId === cId)!.grants[String(year + 1)]).toBe('40000.00');

    await page.getByRole('link', { name: 'Til avstemningen' }).click();
    await page.waitForURL(`**/sykluser/${cid}/avstemning`);
    expect(await text(page, 'main')).toContain('Prioriteringsliste 2');
    await page.context().close();
  });

  it('moving, granting and Beregn work with the keyboard alone', async () => {
    const page = await personPage('Ordfører i Øyer');
    const first = await page.goto(`/sykluser/${cid}/prioritering`);
    // The kept first page, gzipped, as Chromium reads it.
    expect(first?.headers()['content-encoding']).toBe('gzip');
    expect(await order(page)).toEqual([A, B, C]);
    // The button's text as the browser lays it out: the title, visually hidden, on a line of its own.
    await tabTo(page, new RegExp(`^Flytt\\s+«${B}»\\s+opp$`));
    await posting(page, () => page.keyboard.press('Enter'));
    expect(await order(page)).toEqual([B, A, C]);

    // The grant choice of A, from "Fullt" one step down to "Delvis", then its first year typed.
    const choice = await page.getByRole('combobox', { name: `Tilskudd ${A}`, exact: true }).getAttribute('id');
    for (
      let i = 0;
      i < 80 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== choice;
      i++
    )
      await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe(choice);
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('combobox', { name: `Tilskudd ${A}`, exact: true }).inputValue()).toBe('part');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('300 000');
    await tabTo(page, 'Beregn');
    await posting(page, () => page.keyboard.press('Enter'));
    expect(await order(page)).toEqual([B, A, C]);
    expect(await page.getByRole('textbox', { name: `${A} Delvis tilskudd ${year}`, exact: true }).inputValue()).toBe(
      '300 000',
    );
    const rowOfA = clean(await page.locator('table.priority-rows tbody tr', { hasText: A }).innerText());
    expect(rowOfA).toContain('300 000,00 kr');
    await page.context().close();
  });

  it('a measure moves to the place typed under «Til plass», by Enter; a place out of range is said beside it and moves nothing', async () => {
    const page = await personPage('Ordfører i Øyer');
    await page.goto(`/sykluser/${cid}/prioritering`);
    expect(await order(page)).toEqual([A, B, C]);
    const placeOf = (title: string) => page.getByRole('textbox', { name: `Til plass for «${title}»`, exact: true });
    await placeOf(C).fill('1');
    await posting(page, () => placeOf(C).press('Enter'));
    expect(await order(page)).toEqual([C, A, B]);
    expect(await placeOf(C).inputValue(), 'the move is done, the field empty again').toBe('');

    await placeOf(A).fill('9');
    await posting(page, () => placeOf(A).press('Enter'));
    expect(await order(page)).toEqual([C, A, B]);
    expect(await text(page, '.ds-error-summary')).toContain('Skriv plassen som et helt tall fra 1 til 3.');
    expect(await placeOf(A).inputValue(), 'what was typed is kept').toBe('9');
    expect(await placeOf(A).getAttribute('aria-invalid')).toBe('true');
    await checkPage(page);
    await page.context().close();
  });
});
