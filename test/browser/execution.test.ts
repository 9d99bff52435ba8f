/**
 * Execution in the browser, on a cycle adopted through the HTTP API (test/support/api-cycles.ts),
 * with real sign-in at the local OpenID Provider: the proposer opens the year's execution,
 * reports on their measure, is refused in Norwegian when the spending would go over the grant
 * (nothing recorded, what was typed kept), then reports within it, gets a receipt and sees the
 * report and the money on the overview; the same form posted twice records once; someone else's
 * measure and a clerk get 403; the administrator enters an indicator value with the keyboard
 * alone and sees it in the chart's text alternative and its table beside last year's value and
 * the plan's baseline and target. axe-core (WCAG 2.1 A and AA) on every page reached: 0
 * violations; each reflows at 320 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, checkPage, launchBrowser, signedInPage, tabTo } from '../support/browser.js';
import { ADMIN, PROPOSER_2, adopted, proposeMeasures, startCycle } from '../support/api-cycles.js';
import { freshYear, sql } from '../support/stack.js';

const SPACES = /[\u00a0\u202f]/g;

let browser: Browser;
let year: number;
let cid: string;
let hub: string;
let tech: string;

beforeAll(async () => {
  browser = await launchBrowser();
  // Two years of our own: the cycle's year, and the one before for last year's indicator value.
  year = (await freshYear(1)) + 1;
  ({
    cid,
    ids: [hub = '', tech = ''],
  } = await adopted(year, [
    { title: 'Næringshage i Gausdal', amount: '200000.00', strategies: ['1.2'] },
    { title: 'Tech Valley-programmet', amount: '1000000.00', strategies: ['2.1'], by: PROPOSER_2 },
  ]));
  await api('POST', `/cycles/${cid}/indicators`, ADMIN, {
    year: year - 1,
    values: [{ indicator: '6', value: '85.1' }],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

const personPage = (name: string) => signedInPage(browser, name);

const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().innerText()).replace(SPACES, ' ');

const reportCount = async () =>
  Number(
    (await sql()<{ n: string }[]>`select count(*)::text as n from progress_reports where cycle_id = ${cid}`)[0]?.n,
  );

describe('execution in the browser', () => {
  it('the proposer reports on their measure: over the grant is refused and changes nothing; within it, a receipt and the overview shows it', async () => {
    const page = await personPage('Næringsrådgiver, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}/gjennomforing`);
    await page.getByRole('heading', { name: `Gjennomføring: Lillehammer-regionen ${year}`, level: 1 }).waitFor();
    await checkPage(page);
    expect(
      await page.getByRole('link', { name: /Rapporter fremdrift .* «Tech Valley-programmet»/ }).count(),
      'no link to report on someone else’s measure',
    ).toBe(0);
    await page.getByRole('link', { name: 'Rapporter fremdrift og bruk av midler for «Næringshage i Gausdal»' }).click();
    await page.waitForURL(`**/sykluser/${cid}/tiltak/${hub}/rapport`);
    await checkPage(page);

    const spent = page.getByRole('group', { name: 'Midler brukt siden forrige rapport' });
    await page.getByLabel('Fremdrift', { exact: true }).fill('Leietakere er på plass i første etasje.');
    await spent.getByLabel(String(year), { exact: true }).fill('250 000');
    await page.getByRole('button', { name: 'Send rapporten' }).click();
    const summary = page.locator('.ds-error-summary');
    await summary.waitFor();
    expect(await text(page, '.ds-error-summary')).toContain(
      `${year}: Brukt i alt ville blitt 250 000,00 kr, mer enn tildelt 200 000,00 kr. Det er 200 000,00 kr igjen.`,
    );
    expect(await summary.getByRole('link').first().getAttribute('href')).toBe(`#f-spent-${year}`);
    expect(await spent.getByLabel(String(year), { exact: true }).inputValue(), 'what was typed is kept').toBe(
      '250 000',
    );
    expect(await reportCount(), 'nothing recorded').toBe(0);
    await checkPage(page);

    await spent.getByLabel(String(year), { exact: true }).fill('125 000,50');
    await page.getByRole('button', { name: 'Send rapporten' }).click();
    await page.getByRole('heading', { name: 'Rapporten er registrert', level: 1 }).waitFor();
    const receipt = await text(page, 'main');
    expect(receipt).toContain(`Brukt i ${year} i denne rapporten\n125 000,50 kr`);
    expect(receipt).toContain(`Brukt 125 000,50 kr av 200 000,00 kr, igjen 74 999,50 kr`);
    await checkPage(page);

    await page.getByRole('link', { name: `Gjennomføring for Lillehammer-regionen ${year}` }).click();
    const section = page.getByRole('region', { name: 'Næringshage i Gausdal', exact: true });
    const overview = (await section.innerText()).replace(SPACES, ' ');
    expect(overview).toContain('Leietakere er på plass i første etasje.');
    expect(overview).toMatch(new RegExp(`${year}\\s+200 000,00 kr\\s+125 000,50 kr\\s+74 999,50 kr`));
    expect(overview).toContain(`Brukt i denne rapporten: 125 000,50 kr i ${year}.`);
    const chart = page.locator('svg[role="img"]').first();
    expect((await chart.evaluate((el) => el.querySelector('title')?.textContent ?? '')).replace(SPACES, ' ')).toContain(
      'Næringshage i Gausdal: brukt 125 000,50 kr av 200 000,00 kr (63 %)',
    );
    expect(await text(page, '#brukt-tabell')).toContain(`Brukt mot tildelt i ${year}`);
    expect(await reportCount()).toBe(1);
    await checkPage(page);
  });

  it('the same report posted twice records once', async () => {
    const page = await personPage('Næringsrådgiver, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}/tiltak/${hub}/rapport`);
    await page.getByLabel('Fremdrift', { exact: true }).fill('Avtale med ny leietaker.');
    await page
      .getByRole('group', { name: 'Midler brukt siden forrige rapport' })
      .getByLabel(String(year), { exact: true })
      .fill('1 000');
    const fields = (await page.evaluate(
      `Object.fromEntries([...new FormData(document.querySelector('form.action-form')).entries()])`,
    )) as Record<string, string>;
    await page.getByRole('button', { name: 'Send rapporten' }).dblclick();
    await page.getByRole('heading', { name: 'Rapporten er registrert', level: 1 }).waitFor();
    const again = await page.context().request.post(`/sykluser/${cid}/tiltak/${hub}/rapport`, { form: fields });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('Rapporten er registrert');
    expect(await reportCount()).toBe(2);
    expect((await text(page, 'main')).replace(SPACES, ' ')).toContain('Brukt 126 000,50 kr av 200 000,00 kr');
  });

  it('before the year is adopted there is nothing to report on, and the pages say so in Norwegian', async () => {
    const early = await freshYear(0);
    const earlyCid = await startCycle(early);
    const [mid] = await proposeMeasures(earlyCid, early, [
      { title: 'Forslag under arbeid', amount: '50000.00', strategies: ['1.1'] },
    ]);
    const page = await personPage('Næringsrådgiver, Lillehammer-regionen');
    await page.goto(`/sykluser/${earlyCid}/gjennomforing`);
    expect(await text(page, 'main')).toContain(`Gjennomføringen begynner når planen for ${early} er vedtatt.`);
    await checkPage(page);
    const res = await page.goto(`/sykluser/${earlyCid}/tiltak/${mid}/rapport`);
    expect(res?.status()).toBe(409);
    expect(await text(page, 'main')).toContain('Det rapporteres på tiltak mens planen er vedtatt');
    await checkPage(page);
  });

  it('someone else’s measure and a clerk get 403', async () => {
    const proposer = await personPage('Næringsrådgiver, Lillehammer-regionen');
    const other = await proposer.goto(`/sykluser/${cid}/tiltak/${tech}/rapport`);
    expect(other?.status()).toBe(403);
    const clerk = await personPage('Utvalgssekretær i Lillehammer kommune');
    const res = await clerk.goto(`/sykluser/${cid}/tiltak/${hub}/rapport`);
    expect(res?.status()).toBe(403);
    await clerk.getByRole('heading', { name: 'Ingen tilgang', level: 1 }).waitFor();
    expect(await text(clerk, 'main')).toContain('Bare den som meldte inn tiltaket, eller en administrator');
    await checkPage(clerk);
    const csrf = (await clerk.locator('input[name="_csrf"]').first().getAttribute('value')) ?? '';
    const post = await clerk
      .context()
      .request.post(`/sykluser/${cid}/indikatorer`, { form: { _csrf: csrf, year: String(year), 'value-6': '90' } });
    expect(post.status(), 'nor may a clerk post indicator values').toBe(403);
  });

  it('the administrator enters an indicator value with the keyboard alone and sees it in the chart and its table', async () => {
    const page = await personPage('Sekretariatsleder, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}/indikatorer`);
    await page.getByRole('heading', { name: `Indikatorer: Lillehammer-regionen ${year}`, level: 1 }).waitFor();
    await checkPage(page);
    expect(await page.getByLabel('År', { exact: true }).inputValue()).toBe(String(year));

    for (
      let i = 0;
      i < 150 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== 'f-value-6';
      i++
    )
      await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('f-value-6');
    await page.keyboard.type('86,2 %');
    await tabTo(page, 'Registrer verdiene');
    await page.keyboard.press('Enter');
    await page.getByText(`Indikatorverdiene for ${year} er registrert.`).waitFor();
    expect(await text(page, '.receipt')).toContain(`86,2 % (${year})`);

    const section = page.getByRole('region', { name: /^Indikator 6: Innenforskap/ });
    const alt = (await section.getByRole('img').getAttribute('aria-labelledby')) ?? '';
    const altText = ((await page.locator(`#${alt}`).textContent()) ?? '').replace(SPACES, ' ');
    expect(altText).toBe(
      `Linjediagram for Innenforskap i Lillehammer-regionen: registrert 85,1 % i ${year - 1}, 86,2 % i ${year}; utgangspunkt i planen 83,6 % i 2023; mål i planen over 88 % innen 2030.`,
    );
    const rows = (await section.locator('table tbody tr').allInnerTexts()).map((r) =>
      r.replace(SPACES, ' ').split('\t'),
    );
    // The plan's baseline, the registered values and the plan's target, in the order of their years.
    const expected = [
      ['2023', '83,6 %', 'Utgangspunkt i planen'],
      [String(year - 1), '85,1 %', 'Registrert'],
      [String(year), '86,2 %', 'Registrert'],
      ['2030', 'over 88 %', 'Mål i planen'],
    ];
    expect(rows).toEqual([...expected].sort((a, b) => Number(a[0]) - Number(b[0])));
    const [stored] = await sql()<{ value: string }[]>`
      select value::text as value from indicator_values where cycle_id = ${cid} and indicator = '6' and year = ${year}`;
    expect(stored?.value).toBe('86.2');
    await checkPage(page);
  });
});
