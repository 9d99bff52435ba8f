/**
 * The first actions in the browser (issue 10), as one journey through the whole stack with real
 * sign-in at the local OpenID Provider: a proposer submits a measure with a mistyped amount (the
 * error summary links to the field, what was typed is kept), fixes it and sees the receipt; the
 * same form sent twice records once; the administrator closes proposals and puts the
 * recommendation to the vote through the API (not this page's part); five IPR members vote in the
 * browser (one with the keyboard alone), a second vote is refused in Norwegian, and the list is
 * adopted; the clerk of Gausdal records a lower amount, is told the year goes back to the IPR,
 * and it does. axe-core (WCAG 2.1 A and AA) finds nothing on any page reached, and each reflows at
 * 320 px.
 * Over 300 lines: one journey, each step building on the one before.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, checkPage, launchBrowser, signedInPage, tabTo, web } from '../support/browser.js';
import { ADMIN, phaseIs, startCycle } from '../support/api-cycles.js';
import { freshYear } from '../support/stack.js';
import { formatOsloDateTimeInput } from '../../web/input.js';

const NBSP = /[\u00a0\u202f]/g;

let browser: Browser;
let year: number;
let cid: string;
const started = Date.now();

beforeAll(async () => {
  browser = await launchBrowser();
  year = await freshYear(0);
  cid = await startCycle(year);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  console.log(`[actions] journey ran ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const personPage = (name: string) => signedInPage(browser, name);

const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().innerText()).replace(NBSP, ' ');

/** The fields of the page's action form, as it would post them. */
async function formFields(page: Page): Promise<Record<string, string>> {
  return (await page.evaluate(
    `Object.fromEntries([...new FormData(document.querySelector('form.action-form')).entries()].filter(([, v]) => typeof v === 'string'))`,
  )) as Record<string, string>;
}

const measureTitles = async () =>
  ((await api('GET', `/cycles/${cid}/measures`, ADMIN)) as unknown as { title: string }[]).map((m) => m.title);

describe('the first actions in the browser', () => {
  it('a proposer submits a measure: a mistyped amount is refused beside the field and kept, the fixed one gives a receipt', async () => {
    const page = await personPage('Næringsrådgiver, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}`);
    await page.getByRole('link', { name: 'Meld inn nytt tiltak' }).click();
    await page.waitForURL(`**/sykluser/${cid}/tiltak/nytt`);
    await checkPage(page);

    await page.getByLabel('Tittel', { exact: true }).fill('Reiselivsklynge for Gausdal');
    await page.getByLabel('Beskrivelse', { exact: true }).fill('Et felles kontor for reiselivsbedriftene i Gausdal.');
    await page.getByLabel(/^1\.2 /).check();
    await page.getByLabel('Ansvarlig', { exact: true }).fill('Gausdal Næringsforum');
    const amounts = page.getByRole('group', { name: /Beløp det søkes om/ });
    await amounts.getByLabel(String(year), { exact: true }).fill('300.000');
    await amounts.getByLabel(String(year + 1), { exact: true }).fill('150 000');
    await page.getByLabel('Kilde 1', { exact: true }).fill('Sparebankstiftelsen');
    await page.getByLabel('Beløp 1', { exact: true }).fill('50 000,50');
    await page.getByRole('button', { name: 'Send inn tiltaket' }).click();

    const summary = page.locator('.ds-error-summary');
    await summary.waitFor();
    expect(
      await page.evaluate('document.activeElement && document.activeElement.id'),
      'the summary has the focus, so a screen reader reads it first',
    ).toBe('feiloppsummering');
    const link = summary.getByRole('link', { name: new RegExp(`^${year}: Punktum med tre sifre`) });
    expect(await link.getAttribute('href')).toBe(`#f-amount-${year}`);
    expect(await amounts.getByLabel(String(year), { exact: true }).inputValue(), 'what was typed is kept').toBe(
      '300.000',
    );
    expect(await page.getByLabel('Tittel', { exact: true }).inputValue()).toBe('Reiselivsklynge for Gausdal');
    expect(await page.getByLabel(/^1\.2 /).isChecked()).toBe(true);
    expect(await amounts.getByLabel(String(year), { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await measureTitles(), 'nothing recorded').not.toContain('Reiselivsklynge for Gausdal');
    await checkPage(page);
    await link.click();
    expect(await page.evaluate('document.activeElement.id')).toBe(`f-amount-${year}`);

    await amounts.getByLabel(String(year), { exact: true }).fill('300 000');
    await page.getByRole('button', { name: 'Send inn tiltaket' }).click();
    await page.getByRole('heading', { name: 'Tiltaket er sendt inn', level: 1 }).waitFor();
    const receipt = await text(page, 'dl.receipt');
    expect(receipt).toContain('Reiselivsklynge for Gausdal');
    expect(receipt).toContain(`Søkt for ${year}\n300 000,00 kr`);
    expect(receipt).toContain(`Søkt for ${year + 1}\n150 000,00 kr`);
    expect(receipt).toContain('Medfinansiering: Sparebankstiftelsen\n50 000,50 kr');
    await checkPage(page);

    const [recorded] = (
      (await api('GET', `/cycles/${cid}/measures`, ADMIN)) as unknown as {
        title: string;
        amounts: Record<string, string>;
        cofunding: unknown[];
      }[]
    ).filter((m) => m.title === 'Reiselivsklynge for Gausdal');
    expect(recorded?.amounts).toEqual({ [year]: '300000.00', [year + 1]: '150000.00' });
    expect(recorded?.cofunding).toEqual([{ source: 'Sparebankstiftelsen', amount: '50000.50' }]);

    await page.getByRole('link', { name: 'Mine tiltak' }).first().click();
    await page.waitForURL('**/mine-tiltak');
    expect(await text(page, 'main')).toContain('Reiselivsklynge for Gausdal');
    await checkPage(page);
  });

  it('the same form sent twice records once', async () => {
    const page = await personPage('Prosjektleder, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}/tiltak/nytt`);
    await page.getByLabel('Tittel', { exact: true }).fill('Gründerhus i Øyer');
    await page.getByLabel('Beskrivelse', { exact: true }).fill('Kontorplasser og veiledning for nye bedrifter.');
    await page.getByLabel(/^2\.1 /).check();
    await page.getByLabel('Ansvarlig', { exact: true }).fill('Øyer kommune');
    await page
      .getByRole('group', { name: /Beløp det søkes om/ })
      .getByLabel(String(year), { exact: true })
      .fill('1 250 000 kr');
    const fields = await formFields(page);
    const action = new URL(page.url()).pathname;
    // A double click, then the same form posted once more (a reload of the post).
    await page.getByRole('button', { name: 'Send inn tiltaket' }).dblclick();
    await page.getByRole('heading', { name: 'Tiltaket er sendt inn', level: 1 }).waitFor();
    const again = await page.context().request.post(action, { form: fields });
    expect(again.status()).toBe(200);
    expect(await again.text()).toContain('Tiltaket er sendt inn');
    expect((await measureTitles()).filter((t) => t === 'Gründerhus i Øyer')).toHaveLength(1);
  });

  it('a proposer edits their measure and withdraws another after a confirmation; someone else may do neither', async () => {
    const page = await personPage('Næringsrådgiver, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}/tiltak/nytt`);
    await page.getByLabel('Tittel', { exact: true }).fill('Prøveprosjekt som trekkes');
    await page.getByLabel('Beskrivelse', { exact: true }).fill('Skal trekkes igjen.');
    await page.getByLabel(/^1\.1 /).check();
    await page.getByLabel('Ansvarlig', { exact: true }).fill('Lillehammer-regionen Vekst');
    await page
      .getByRole('group', { name: /Beløp det søkes om/ })
      .getByLabel(String(year), { exact: true })
      .fill('10 000');
    await page.getByRole('button', { name: 'Send inn tiltaket' }).click();
    await page.getByRole('heading', { name: 'Tiltaket er sendt inn', level: 1 }).waitFor();

    await page.goto('/mine-tiltak');
    await page.getByRole('link', { name: 'Endre «Reiselivsklynge for Gausdal»' }).click();
    await page.waitForURL(/\/tiltak\/[^/]+\/endre$/);
    const amount = page
      .getByRole('group', { name: /Beløp det søkes om/ })
      .getByLabel(String(year + 1), { exact: true });
    expect(await amount.inputValue(), 'the recorded amount, as a person types it').toBe('150 000,00');
    await checkPage(page);
    await amount.fill('175 000');
    await page.getByRole('button', { name: 'Lagre endringene' }).click();
    await page.getByRole('heading', { name: 'Endringene er lagret', level: 1 }).waitFor();
    expect(await text(page, 'dl.receipt')).toContain(`Søkt for ${year + 1}\n175 000,00 kr`);
    const editUrl = `${new URL((await page.getByRole('link', { name: 'Endre tiltaket' }).getAttribute('href'))!, web().baseUrl).pathname}`;

    await page.goto('/mine-tiltak');
    await page.getByRole('link', { name: 'Trekk «Prøveprosjekt som trekkes»' }).click();
    await page.getByRole('heading', { name: 'Trekke «Prøveprosjekt som trekkes»?', level: 1 }).waitFor();
    await checkPage(page);
    await page.getByRole('button', { name: 'Ja, trekk tiltaket' }).click();
    await page.getByRole('heading', { name: 'Tiltaket er trukket', level: 1 }).waitFor();
    await page.goto('/mine-tiltak');
    expect(await page.getByRole('row', { name: /Prøveprosjekt som trekkes/ }).innerText()).toContain('Trukket');

    const other = await personPage('Prosjektleder, Lillehammer-regionen');
    const refused = await other.goto(editUrl);
    expect(refused?.status()).toBe(403);
    expect(await text(other, 'main')).toContain(
      'Bare den som sendte inn tiltaket, eller en administrator, kan endre det.',
    );
    await checkPage(other);
  });

  it('IPR members vote in the browser, one with the keyboard alone; a second vote is refused; the list is adopted', async () => {
    // A proposer's form filled while proposals were open, sent after they closed: the workflow's refusal, in Norwegian.
    const late = await personPage('Prosjektleder, Lillehammer-regionen');
    await late.goto(`/sykluser/${cid}/tiltak/nytt`);
    await late.getByLabel('Tittel', { exact: true }).fill('For sent ute');
    await late.getByLabel('Beskrivelse', { exact: true }).fill('Kommer etter fristen.');
    await late.getByLabel(/^1\.1 /).check();
    await late.getByLabel('Ansvarlig', { exact: true }).fill('Øyer kommune');
    await late
      .getByRole('group', { name: /Beløp det søkes om/ })
      .getByLabel(String(year), { exact: true })
      .fill('20 000');

    await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
    await phaseIs(cid, 'prioritisation');

    await late.getByRole('button', { name: 'Send inn tiltaket' }).click();
    await late.getByRole('alert').waitFor();
    expect(await text(late, '[role="alert"]')).toContain(
      'Forslagsfristen er ute, eller syklusen er ikke lenger i fasen for forslag. Ingenting er endret.',
    );
    expect(await late.getByLabel('Tittel', { exact: true }).inputValue()).toBe('For sent ute');
    expect(await measureTitles()).not.toContain('For sent ute');
    await checkPage(late);
    const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
    await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
      items,
      meeting: { date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` },
    });

    // The first by mouse, from the cycle page's link.
    const first = await personPage('Ordfører i Lillehammer');
    await first.goto(`/sykluser/${cid}`);
    await first.getByRole('link', { name: 'Prioriteringslisten og avstemningen' }).click();
    await first.waitForURL(`**/sykluser/${cid}/avstemning`);
    const listPage = await text(first, 'main');
    expect(listPage).toContain('Reiselivsklynge for Gausdal');
    expect(listPage).toContain('Gründerhus i Øyer');
    expect(listPage).toMatch(/Har ikke stemt \(8\)/);
    expect(listPage).toContain('Ordfører i Øyer');
    expect(listPage).not.toMatch(/mayor-|opposition-/);
    await checkPage(first);
    await first.getByLabel('For', { exact: true }).check();
    await first.getByRole('button', { name: 'Gå videre' }).click();
    await first.getByRole('heading', { name: 'Bekreft stemmen din', level: 1 }).waitFor();
    await checkPage(first);
    await first.getByRole('button', { name: 'Ja, jeg stemmer for' }).click();
    await first.getByRole('heading', { name: 'Stemmen er registrert', level: 1 }).waitFor();
    expect(await text(first, 'dl.receipt')).toContain('Stemmer for så langt\n1');
    await checkPage(first);

    // A second vote by the same member: refused in Norwegian, nothing changed.
    const csrf = await first.locator('input[name="_csrf"]').first().inputValue();
    const second = await first.context().request.post(`/sykluser/${cid}/avstemning/1`, {
      form: { _csrf: csrf, _key: randomUUID(), vote: 'reject', bekreft: 'ja' },
    });
    expect(second.status()).toBe(409);
    expect(await second.text()).toContain('Du har allerede stemt over denne listen');
    const lists = (await api('GET', `/cycles/${cid}/priority-lists`, ADMIN)) as unknown as {
      votes: { approve: number; reject: number };
    }[];
    expect(lists[0]?.votes).toEqual({ approve: 1, reject: 0 });

    // One with the keyboard alone.
    const keyboard = await personPage('Ordfører i Øyer');
    await keyboard.goto(`/sykluser/${cid}/avstemning`);
    for (
      let i = 0;
      i < 120 && (await keyboard.evaluate('document.activeElement && document.activeElement.id')) !== 'f-vote';
      i++
    )
      await keyboard.keyboard.press('Tab');
    expect(await keyboard.evaluate('document.activeElement.id')).toBe('f-vote');
    await keyboard.keyboard.press('Space');
    await tabTo(keyboard, 'Gå videre');
    await keyboard.keyboard.press('Enter');
    await keyboard.getByRole('heading', { name: 'Bekreft stemmen din', level: 1 }).waitFor();
    await tabTo(keyboard, 'Ja, jeg stemmer for');
    await keyboard.keyboard.press('Enter');
    await keyboard.getByRole('heading', { name: 'Stemmen er registrert', level: 1 }).waitFor();

    for (const name of [
      'Ordfører i Gausdal',
      'Opposisjonsrepresentant fra kommunestyret i Lillehammer',
      'Opposisjonsrepresentant fra kommunestyret i Øyer',
    ]) {
      const page = await personPage(name);
      await page.goto(`/sykluser/${cid}/avstemning`);
      await page.getByLabel('For', { exact: true }).check();
      await page.getByRole('button', { name: 'Gå videre' }).click();
      await page.getByRole('button', { name: 'Ja, jeg stemmer for' }).click();
      await page.getByRole('heading', { name: 'Stemmen er registrert', level: 1 }).waitFor();
      await page.context().close();
    }
    await phaseIs(cid, 'adoption');
  });

  it('the clerk of Gausdal sees what the council is asked to adopt, records a lower amount and is told the year goes back to the IPR', async () => {
    const page = await personPage('Utvalgssekretær i Gausdal kommune');
    await page.goto(`/sykluser/${cid}`);
    await page.getByRole('link', { name: 'Registrer kommunestyrets vedtak' }).click();
    await page.waitForURL(`**/sykluser/${cid}/vedtak`);
    const asked = await text(page, 'main');
    expect(asked).toContain('Versjon 1, vedtatt av IPR');
    expect(asked).toContain(`sak 12/${String(year).slice(2)}`);
    expect(asked).toContain('Reiselivsklynge for Gausdal');
    expect(asked).toContain('Til vedtak i alt');
    await checkPage(page);

    const status = (await api('GET', `/cycles/${cid}`, ADMIN)) as unknown as {
      adoptions: { municipality: string; requested: Record<string, string> }[];
    };
    const requested = status.adoptions.find((a) => a.municipality === '3441')?.requested[String(year)];
    expect(Number(requested)).toBeGreaterThan(1000);

    await page.getByLabel('Vedtatt med lavere beløp', { exact: true }).check();
    await page
      .getByRole('group', { name: /Vedtatte beløp per år/ })
      .getByLabel(String(year), { exact: true })
      .fill('1 000');
    await page.getByLabel('Saksnummer', { exact: true }).fill(`PS 41/${String(year - 1).slice(2)}`);
    await page.getByLabel('Vedtaksdato', { exact: true }).fill('31.12.2999');
    await page.getByRole('button', { name: 'Gå videre' }).click();
    await page.locator('.ds-error-summary').waitFor();
    expect(await text(page, '.ds-error-summary')).toContain('Vedtaksdato: Datoen kan ikke være fram i tid.');
    expect(await page.getByLabel('Saksnummer', { exact: true }).inputValue()).toBe(
      `PS 41/${String(year - 1).slice(2)}`,
    );
    await checkPage(page);

    const today = formatOsloDateTimeInput(new Date().toISOString()).slice(0, 10);
    await page.getByLabel('Vedtaksdato', { exact: true }).fill(today);
    await page.getByRole('button', { name: 'Gå videre' }).click();
    await page.getByRole('heading', { name: 'Bekreft kommunestyrets vedtak', level: 1 }).waitFor();
    expect(await text(page, 'main')).toContain('året går tilbake til IPR');
    await checkPage(page);
    await page.getByRole('button', { name: 'Ja, registrer vedtaket' }).click();
    await page.getByRole('heading', { name: 'Vedtaket er registrert', level: 1 }).waitFor();
    const receipt = await text(page, 'dl.receipt');
    expect(receipt).toContain('Vedtatt med lavere beløp');
    expect(receipt).toContain(`Vedtatt for ${year}\n1 000,00 kr`);
    expect(receipt).toContain('året går tilbake til IPR');
    await checkPage(page);

    // The round ends when every council has decided; then the lowered frame sends the year back.
    for (const m of ['3405', '3440']) {
      await api(
        'POST',
        `/cycles/${cid}/adoptions/${m}`,
        { sub: `clerk-${m}`, roles: ['municipal_clerk'], municipality: m },
        { decision: 'adopted', caseNumber: `PS ${m.slice(2)}/26`, decidedOn: '2026-11-10' },
      );
    }
    await phaseIs(cid, 'prioritisation');
  });
});
