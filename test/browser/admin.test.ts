/**
 * The administrator's year in the browser (issue 10), through the whole stack with real sign-in at
 * the local OpenID Provider: the year-end preview and close of an adopted year (set up through the
 * API), its figures equal to what the close recorded, to the øre; the next year started through
 * the form, a bad input first (money "abc", deadlines out of order: an error summary, the typed
 * values kept, nothing started), then with a frame typed "1 250 000,50" and the carry-over from the
 * closed year shown on the confirmation; a deadline moved and shown back in Oslo time; proposals
 * closed; another year cancelled with a reason, by keyboard alone; a non-administrator refused (403).
 * axe-core (WCAG 2.1 A and AA) finds nothing on any page reached, and each reflows at 320 px.
 *
 * Over 300 lines because it is one journey: its steps follow from each other (the closed year's
 * carry-over is what the next year's confirmation shows), so they share one file and one set-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adopted, ADMIN, cycleIdOf, MUNICIPALITIES, phaseIs, PID, soon, startCycle } from '../support/api-cycles.js';
import { api, checkPage, launchBrowser, newContext, signedInPage, signInAs } from '../support/browser.js';
import { freshYear } from '../support/stack.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { formatDateTime, formatNok } from '../../web/format.js';
import { formatOsloDateTimeInput, parseOsloDateTime } from '../../web/input.js';

const SECTION = { partnership: 'Lillehammer-regionen' };
const FUNDERS = ['county', ...MUNICIPALITIES];
const FUNDER_NAMES = ['Innlandet fylkeskommune', 'Lillehammer kommune', 'Øyer kommune', 'Gausdal kommune'];
const SPACES = /[\u00a0\u202f]/g;

interface YearEndRow {
  funderId: string;
  frame: string;
  allocated: string;
  spent: string;
  neverAllocated: string;
  grantedUnspent: string;
  carriedOver: string;
  unspent: string;
}

let browser: Browser;
/** closed here (year-end), the next one started through the form, a third cancelled */
let closing: number;
let started: number;
let cancelling: number;
const began = Date.now();

beforeAll(async () => {
  browser = await launchBrowser();
  closing = await freshYear(1);
  started = closing + 1;
  cancelling = await freshYear(0);
  const {
    ids: [hub],
  } = await adopted(closing, [
    { title: 'Næringshage i Gausdal', amount: '300000.00' },
    { title: 'Reiselivsklynge', amount: '150000.00' },
  ]);
  await api('POST', `/cycles/${cycleIdOf(closing)}/measures/${hub}/reports`, ADMIN, {
    progress: 'Lokalene er leid.',
    spent: { [closing]: '123456.78' },
  });
  await startCycle(cancelling);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  console.log(`[admin] journey ran ${((Date.now() - began) / 1000).toFixed(1)} s`);
});

const adminPage = () => signedInPage(browser, 'Sekretariatsleder, Lillehammer-regionen');

const clean = (s: string) => s.replace(SPACES, ' ').trim();

/** A table's body rows as cell texts, the row header first. */
async function rows(page: Page, captionId: string): Promise<string[][]> {
  const table = page.locator(`table:has(caption#${captionId})`);
  const out: string[][] = [];
  for (const row of await table.locator('tbody tr').all())
    out.push((await row.locator('th, td').allInnerTexts()).map(clean));
  return out;
}

const nok = (m: string) => clean(formatNok(m));

/** What the year-end tables show for recorded rows: name, pays in, then the money columns. */
const expectedRows = (recorded: YearEndRow[]) =>
  recorded.map((r, i) => [
    FUNDER_NAMES[i],
    r.funderId === 'county' ? 'hele rammen' : 'den vedtatte andelen',
    ...[r.frame, r.allocated, r.spent, r.neverAllocated, r.grantedUnspent, r.carriedOver].map(nok),
    nok(formatMoney(parseMoney(r.unspent).minus(parseMoney(r.carriedOver)))),
  ]);

describe("the administrator's year in the browser", () => {
  it('previews the year-end per funder, closes it with carry-over, and shows what the close recorded, to the øre', async () => {
    const page = await adminPage();
    const cid = cycleIdOf(closing);
    await page.goto(`/sykluser/${cid}`);
    await page.getByRole('link', { name: 'Avslutt året' }).click();
    await page.waitForURL(`**/sykluser/${cid}/arsavslutning`);
    await checkPage(page);
    const preview = await rows(page, 'med-overforing');
    const released = await rows(page, 'uten-overforing');
    expect(
      released.map((r) => r[7]),
      'releasing carries nothing',
    ).toEqual(FUNDERS.map(() => nok('0.00')));

    await page.getByRole('button', { name: 'Gå videre' }).click();
    await page.getByRole('heading', { name: `Avslutte Lillehammer-regionen ${closing}?`, level: 1 }).waitFor();
    expect(await rows(page, 'bekreft'), 'the confirmation shows the preview chosen').toEqual(preview);
    await checkPage(page);
    await page.getByRole('button', { name: 'Ja, avslutt året' }).click();
    await page.getByRole('heading', { name: 'Året er avsluttet', level: 1 }).waitFor();
    await checkPage(page);

    const status = (await api('GET', `/cycles/${cid}`, ADMIN)) as { phase: string; yearEnd: YearEndRow[] };
    expect(status.phase).toBe('closed');
    const want = expectedRows(status.yearEnd);
    expect(preview, 'the preview is what the close recorded').toEqual(want);
    expect(await rows(page, 'registrert'), 'the receipt is what the close recorded').toEqual(want);
    // The money rules: the county carries both parts, a municipality only what was granted and not spent.
    const county = status.yearEnd.find((r) => r.funderId === 'county')!;
    expect(county.carriedOver).toBe(county.unspent);
    expect(parseMoney(county.spent).isZero(), 'money was spent').toBe(false);
    for (const r of status.yearEnd.filter((x) => x.funderId !== 'county')) expect(r.carriedOver).toBe(r.grantedUnspent);
  });

  it('starts the next year through the form: a bad input changes nothing, then the carry-over is shown and the cycle starts once', async () => {
    const page = await adminPage();
    const cid = cycleIdOf(started);
    // From the closed year's page, which links to the next year's start.
    await page.goto(`/sykluser/${cycleIdOf(closing)}`);
    await page.getByRole('link', { name: `Start syklusen for ${started}` }).click();
    await page.waitForURL('**/sykluser/ny?ar=*');
    expect(await page.getByLabel('Budsjettår', { exact: true }).inputValue()).toBe(String(started));
    await checkPage(page);
    // Another year typed shows its own years in the grid, without script.
    await page.getByLabel('Budsjettår', { exact: true }).fill(String(started + 10));
    await page.getByRole('button', { name: 'Vis årene for dette budsjettåret' }).click();
    await page.getByRole('columnheader', { name: String(started + 13), exact: true }).waitFor();
    await page.getByLabel('Budsjettår', { exact: true }).fill(String(started));
    await page.getByRole('button', { name: 'Vis årene for dette budsjettåret' }).click();
    await page.getByRole('columnheader', { name: String(started + 3), exact: true }).waitFor();
    const frame = (f: number, y: number) =>
      page.getByLabel(`Ramme for ${FUNDER_NAMES[f]} i ${started + y}`, { exact: true });
    for (let f = 0; f < FUNDERS.length; f++)
      for (let y = 0; y < 4; y++) await frame(f, y).fill(f === 0 ? '2 000 000' : '400 000 kr');
    await frame(0, 0).fill('1 250 000,50');
    await frame(2, 1).fill('abc');
    const at = (days: number, time: string) => `${formatOsloDateTimeInput(soon(days)).slice(0, 10)} ${time}`;
    await page.getByLabel('Forslagsfrist', { exact: true }).fill(at(20, '12:00'));
    await page.getByLabel('Frist for IPRs vedtak', { exact: true }).fill(at(10, '12:00'));
    await page.getByLabel('Frist for kommunestyrenes vedtak', { exact: true }).fill(at(40, '23:59'));
    const carry = page.getByLabel(`Ta med pengene som ble overført fra ${closing}`);
    await carry.check();
    await page.getByRole('button', { name: 'Gå videre' }).click();

    const summary = page.locator('.ds-error-summary');
    await summary.waitFor();
    expect(await summary.getByRole('link').allInnerTexts()).toEqual([
      expect.stringMatching(new RegExp(`^Øyer kommune, ${started + 1}: Beløpet kan bare ha sifre`)),
      expect.stringMatching(/^Frist for IPRs vedtak kan ikke være før forslagsfrist/),
    ]);
    expect(await summary.getByRole('link').first().getAttribute('href')).toBe('#f-frame-3440-1');
    expect(await frame(2, 1).inputValue(), 'what was typed is kept').toBe('abc');
    expect(await frame(0, 0).inputValue()).toBe('1 250 000,50');
    expect(await frame(2, 1).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Frist for IPRs vedtak', { exact: true }).inputValue()).toBe(at(10, '12:00'));
    expect(await carry.isChecked()).toBe(true);
    await checkPage(page);
    const cycles = (await api('GET', `/partnerships/${PID}/cycles`, ADMIN)) as unknown as { id: string }[];
    expect(
      cycles.map((c) => c.id),
      'nothing started',
    ).not.toContain(cid);

    await frame(2, 1).fill('400 000');
    const proposalsTyped = at(10, '23:59');
    await page.getByLabel('Forslagsfrist', { exact: true }).fill(proposalsTyped);
    await page.getByLabel('Frist for IPRs vedtak', { exact: true }).fill(at(20, '12:00'));
    await page.getByRole('button', { name: 'Gå videre' }).click();
    await page.getByRole('heading', { name: `Starte syklusen for ${started}?`, level: 1 }).waitFor();
    await checkPage(page);

    const closed = (await api('GET', `/cycles/${cycleIdOf(closing)}`, ADMIN)) as unknown as { yearEnd: YearEndRow[] };
    const typed = ['1250000.50', '400000.00', '400000.00', '400000.00'];
    const inForce = closed.yearEnd.map((r, i) => formatMoney(parseMoney(typed[i]!).plus(parseMoney(r.carriedOver))));
    expect(await rows(page, 'overfort'), 'the carry-over from the closed year, per funder').toEqual(
      closed.yearEnd.map((r, i) => [FUNDER_NAMES[i], nok(typed[i]!), nok(r.carriedOver), nok(inForce[i]!)]),
    );
    const facts = clean(await page.locator('dl.facts').first().innerText());
    expect(facts, 'the deadline as typed, in Oslo time').toContain(
      clean(formatDateTime((parseOsloDateTime(proposalsTyped) as { value: string }).value)),
    );

    // A double click on the confirmation, then the same post once more (a reload): one cycle, the same receipt.
    const fields = (await page.evaluate(
      `Object.fromEntries([...new FormData(document.querySelector('form.action-form')).entries()])`,
    )) as Record<string, string>;
    await page.getByRole('button', { name: 'Ja, start syklusen' }).dblclick();
    await page.getByRole('heading', { name: 'Syklusen er startet', level: 1 }).waitFor();
    await checkPage(page);
    const again = await page.context().request.post('/sykluser/ny', { form: { ...fields, bekreft: 'ja' } });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('Syklusen er startet');
    const status = (await api('GET', `/cycles/${cid}`, ADMIN)) as unknown as {
      phase: string;
      frames: Record<string, Record<string, string>>;
      deadlines: { proposals: string };
    };
    expect(status.phase).toBe('proposals');
    expect(status.frames.county?.[String(started)]).toBe(inForce[0]);
    expect(status.frames['3440']?.[String(started + 1)]).toBe('400000.00');
    expect(status.deadlines.proposals).toBe((parseOsloDateTime(proposalsTyped) as { value: string }).value);
    await page.getByRole('link', { name: `Gå til Lillehammer-regionen ${started}` }).click();
    await page.waitForURL(`**/sykluser/${cid}`);
    await checkPage(page);
  });

  it('moves a deadline, shown back in Oslo time, then closes the proposals after a confirmation', async () => {
    const page = await adminPage();
    const cid = cycleIdOf(started);
    await page.goto(`/sykluser/${cid}`);
    await page.getByRole('link', { name: 'Flytt en frist' }).click();
    await page.waitForURL(`**/sykluser/${cid}/frister`);
    await checkPage(page);
    await page.getByLabel('Frist for IPRs vedtak').check();
    const typed = `${formatOsloDateTimeInput(soon(25)).slice(0, 10)} 23:59`;
    await page.getByLabel('Ny frist', { exact: true }).fill(typed);
    await page.getByRole('button', { name: 'Flytt fristen' }).click();
    await page.getByRole('heading', { name: 'Fristen er flyttet', level: 1 }).waitFor();
    const instant = (parseOsloDateTime(typed) as { value: string }).value;
    const receipt = clean(await page.locator('dl.receipt').innerText());
    expect(receipt).toContain(`Ny frist\n${clean(formatDateTime(instant))}`);
    expect(receipt).toMatch(/kl\. 23:59$/);
    await checkPage(page);
    expect(((await api('GET', `/cycles/${cid}`, ADMIN)).deadlines as { ipr: string }).ipr).toBe(instant);

    await page.goto(`/sykluser/${cid}`);
    await page.getByRole('link', { name: 'Lukk forslagsrunden nå' }).click();
    await page.waitForURL(`**/sykluser/${cid}/lukk-forslag`);
    await checkPage(page);
    expect(await api('GET', `/cycles/${cid}`, ADMIN)).toMatchObject({ phase: 'proposals' });
    await page.getByRole('button', { name: 'Ja, lukk forslagsrunden nå' }).click();
    await page.getByRole('heading', { name: 'Forslagsrunden er lukket', level: 1 }).waitFor();
    await checkPage(page);
    await phaseIs(cid, 'prioritisation');
  });

  it('cancels another year with a reason, by keyboard alone, after a confirmation', async () => {
    const page = await adminPage();
    const cid = cycleIdOf(cancelling);
    await page.goto(`/sykluser/${cid}/avlys`);
    await checkPage(page);
    const focusOn = async (id: string) => {
      for (
        let i = 0;
        i < 60 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== id;
        i++
      )
        await page.keyboard.press('Tab');
    };
    const focusButton = async (name: string) => {
      for (
        let i = 0;
        i < 60 && (await page.evaluate('document.activeElement && document.activeElement.innerText')) !== name;
        i++
      )
        await page.keyboard.press('Tab');
    };
    // No reason: refused beside the field, nothing changed.
    await focusButton('Gå videre');
    await page.keyboard.press('Enter');
    await page.locator('.ds-error-summary').waitFor();
    expect(await page.locator('.ds-error-summary').innerText()).toContain('Skriv hvorfor syklusen avlyses.');
    await checkPage(page);
    expect(await api('GET', `/cycles/${cid}`, ADMIN)).toMatchObject({ phase: 'proposals' });

    await focusOn('f-reason');
    await page.keyboard.type('Partnerskapet slås sammen med nabo­regionen.');
    await focusButton('Gå videre');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Avlyse Lillehammer-regionen ${cancelling}?`, level: 1 }).waitFor();
    await checkPage(page);
    await focusButton('Ja, avlys syklusen');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Syklusen er avlyst', level: 1 }).waitFor();
    expect(await page.locator('dl.receipt').innerText()).toContain('Partnerskapet slås sammen');
    await checkPage(page);
    await phaseIs(cid, 'cancelled');
  });

  it('refuses every administrator page to someone else (403), in Norwegian', async () => {
    const page = await (await newContext(browser)).newPage();
    await signInAs(page, 'Næringsrådgiver, Lillehammer-regionen', SECTION);
    for (const path of [
      '/sykluser/ny',
      `/sykluser/${cycleIdOf(started)}/frister`,
      `/sykluser/${cycleIdOf(started)}/lukk-forslag`,
      `/sykluser/${cycleIdOf(started)}/avlys`,
      `/sykluser/${cycleIdOf(closing)}/arsavslutning`,
    ]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(403);
      expect(await page.locator('main').innerText()).toContain('Bare administratoren i partnerskapet kan gjøre dette.');
    }
    await checkPage(page);
  });
});
