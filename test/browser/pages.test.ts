/**
 * The pages in a real Chromium through the whole stack (test/support/web-stack.ts: the API with
 * the web app, a worker, Temporal, Postgres, the local OpenID Provider). Cycles are driven through
 * the HTTP API with bearer tokens, as integrations do: one adopted, one with a list under vote, one
 * waiting for a council. Then: the public page of the adopted year shows its decisions and every
 * funder's share to the øre; a year under way is not public; "Mine oppgaver" shows a mayor the vote
 * that waits for them and a clerk their council's decision; the cycle page shows the phase as steps
 * and the history in Norwegian; axe-core (WCAG 2.1 A and AA) finds nothing on any page, signed in
 * or out; and every page reflows at 320 px without sideways scrolling.
 * Over 300 lines: one stack and its three cycles are set up once for every page it looks at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { api, checkPage, launchBrowser, newContext, signInAs } from '../support/browser.js';
import {
  councilAdopts,
  councilCase,
  iprAdopts,
  member,
  MUNICIPALITIES,
  phaseIs,
  PID,
  toVote,
} from '../support/api-cycles.js';
import { freshYear } from '../support/stack.js';

const NBSP = /\u00a0/g;

let browser: Browser;
/** the adopted year, a year with a list under vote, a year waiting for Øyer's council */
let adopted: number;
let voting: number;
let awaitingOyer: number;

beforeAll(async () => {
  browser = await launchBrowser();
  [adopted, voting, awaitingOyer] = [await freshYear(0), await freshYear(0), await freshYear(0)];
  const hub = { title: 'Næringshage i Gausdal', amount: '200000.00', strategies: ['1.2'] };
  const tech = { title: 'Tech Valley-programmet', amount: '1000000.00', strategies: ['2.1', '2.2'] };

  const { cid: a } = await toVote(adopted, [hub, tech]);
  await iprAdopts(a);
  for (const m of MUNICIPALITIES) await councilAdopts(a, adopted, m);
  await phaseIs(a, 'adopted');

  const { cid: v } = await toVote(voting, [
    { title: 'Hemmelig forslag om bio-hub', amount: '300000.00', strategies: ['3.3'] },
  ]);
  await api('POST', `/cycles/${v}/priority-lists/1/votes`, member('mayor-3440'), { vote: 'approve' });

  const { cid: c } = await toVote(awaitingOyer, [tech]);
  await iprAdopts(c);
  for (const m of ['3405', '3441']) await councilAdopts(c, awaitingOyer, m);
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

async function freshPage(): Promise<Page> {
  return (await newContext(browser)).newPage();
}

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(NBSP, ' ');
const rowOf = async (page: Page, table: string, header: string) =>
  (
    await page
      .getByRole('table', { name: table })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: header, exact: true }) })
      .allInnerTexts()
  ).map((t) =>
    t
      .replace(NBSP, ' ')
      .split('\t')
      .map((c) => c.trim()),
  );

describe('the public pages, signed out', () => {
  it("show an adopted year's decisions and every funder's share to the øre, reached by links from /offentlig", async () => {
    const page = await freshPage();
    await page.goto('/offentlig');
    await checkPage(page);
    await page.getByRole('link', { name: 'Lillehammer-regionen', exact: true }).click();
    await page.waitForURL(`**/offentlig/${PID}`);
    await checkPage(page);
    expect(await page.getByRole('link', { name: `Plan for ${voting}` }).count(), 'a year under way is not listed').toBe(
      0,
    );
    await page.getByRole('link', { name: `Plan for ${adopted}` }).click();
    await page.waitForURL(`**/offentlig/${PID}/${adopted}`);
    await checkPage(page);

    expect(await text(page, 'h1')).toBe(`Handlings- og økonomiplan ${adopted} for Lillehammer-regionen`);
    expect(await text(page, 'main')).toContain(
      `Prioriteringsliste 1, vedtatt i møtet 20. november ${adopted - 1}, sak 12/${String(adopted).slice(2)}`,
    );
    expect(await rowOf(page, 'Kommunestyrenes vedtak', 'Øyer kommune')).toEqual([
      ['Øyer kommune', 'Vedtatt', councilCase('3440', adopted), '11. november 2026', '–'],
    ]);
    // 200 000.00 splits into 133 333.33 (county) and 22 222.23 / 22 222.22 / 22 222.22 (3405, 3440, 3441): DOMAIN.md.
    expect(await rowOf(page, 'Andel per tiltak, finansiør og år', 'Næringshage i Gausdal')).toEqual([
      ['Næringshage i Gausdal', String(adopted), '133 333,33 kr', '22 222,23 kr', '22 222,22 kr', '22 222,22 kr'],
    ]);
    expect((await rowOf(page, `Tilskudd per tiltak og år (2 tiltak)`, 'Tech Valley-programmet'))[0]).toContain(
      '1 000 000,00 kr',
    );
  });

  it('say a year that is not adopted does not exist, in the page, the JSON and the CSV', async () => {
    const page = await freshPage();
    for (const ext of ['', '.json', '.csv']) {
      const res = await page.request.get(`/offentlig/${PID}/${voting}${ext}`);
      expect(res.status(), ext).toBe(404);
      expect(await res.text(), ext).not.toContain('Hemmelig forslag');
    }
    await page.goto(`/offentlig/${PID}/${awaitingOyer}`);
    expect(await text(page, 'h1')).toBe('Fant ikke siden');
    await checkPage(page);
  });

  it('welcome a visitor with "Logg inn", link the accessibility statement from every page, and pass axe there', async () => {
    const page = await freshPage();
    await page.goto('/');
    await checkPage(page);
    expect(await page.getByRole('main').getByRole('link', { name: 'Logg inn' }).count()).toBe(1);
    // The first Tab reaches the skip link, which shows itself with a visible focus ring and leads to main.
    await page.keyboard.press('Tab');
    const skip = (await page.evaluate(
      `(() => { const el = document.activeElement; const r = el.getBoundingClientRect(); return { text: el.textContent, width: r.width }; })()`,
    )) as { text: string; width: number };
    expect(skip.text).toBe('Hopp til hovedinnholdet');
    expect(skip.width).toBeGreaterThan(50);
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle`),
      'focus ring on the next link',
    ).not.toBe('none');
    await page.goto('/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('hovedinnhold');
    await page.getByRole('contentinfo').getByRole('link', { name: 'Tilgjengelighetserklæring' }).click();
    await page.waitForURL('**/tilgjengelighet');
    expect(await text(page, 'h1')).toBe('Tilgjengelighetserklæring');
    expect(await text(page, 'main')).toContain('Tilsynet for universell utforming av IKT');
    // The statement names the action forms the browser tests check, and no longer calls them untested.
    expect(await text(page, 'main')).toContain(
      'IPR: administrasjonens innstilling, redigeringen av prioriteringslisten',
    );
    expect(await text(page, 'main')).not.toContain('kommer i neste versjon');
    await checkPage(page);
    await page.goto('/ingen-rolle');
    await checkPage(page);
  });
});

describe('signed in', () => {
  it('shows the mayor the vote that waits for them, and the cycle page with its phase and history in Norwegian', async () => {
    const page = await freshPage();
    await signInAs(page, 'Ordfører i Lillehammer');
    expect(await text(page, 'h1')).toBe('Mine oppgaver');
    const vote = page.getByRole('link', {
      name: `Stem over prioriteringslisten for ${voting} (versjon 1, sak 12/${String(voting).slice(2)})`,
    });
    expect(await vote.count()).toBe(1);
    expect(
      await page.getByRole('link', { name: new RegExp(`Stem over prioriteringslisten for ${adopted}`) }).count(),
      'a list already adopted waits for no one',
    ).toBe(0);
    await checkPage(page);

    // The task leads to the vote; the cycle page is one link up.
    await vote.click();
    await page.waitForURL(`**/sykluser/${PID}-${voting}/avstemning`);
    await page.goto(`/sykluser/${PID}-${voting}`);
    expect(await text(page, '.steps [aria-current="step"]')).toContain('Prioritering');
    const history = await text(page, 'table:has(caption#historikk)');
    expect(history).toContain('Prioriteringsliste 1 ble lagt fram til avstemning i IPR.');
    expect(history).toContain('Sekretariatsleder, Lillehammer-regionen');
    expect(history).not.toMatch(/priority list|phase |admin-lillehammer/);
    expect(await text(page, 'main')).toContain('Stem over prioriteringslisten');
    await checkPage(page);

    await page.goto(`/offentlig/${PID}/${adopted}`);
    expect(await page.getByRole('button', { name: 'Logg ut' }).count()).toBe(1);
    await checkPage(page);
    await page.goto('/tilgjengelighet');
    await checkPage(page);
  });

  it("shows the clerk of Øyer their council's decision, and the administrator whom to follow up", async () => {
    const page = await freshPage();
    await signInAs(page, 'Utvalgssekretær i Øyer kommune');
    const task = page.getByRole('listitem').filter({
      hasText: `Registrer kommunestyrets vedtak om Øyer kommunes andel av handlings- og økonomiplanen for ${awaitingOyer}`,
    });
    expect(await task.count()).toBe(1);
    expect(await task.innerText()).toMatch(/Frist: \d+\. \w+ \d{4} kl\. \d\d:\d\d/);
    await checkPage(page);
    await task.getByRole('link').click();
    await page.waitForURL(`**/sykluser/${PID}-${awaitingOyer}/vedtak`);
    await page.goto(`/sykluser/${PID}-${awaitingOyer}`);
    expect(await text(page, '.steps [aria-current="step"]')).toContain('Vedtak');
    await checkPage(page);

    const admin = await freshPage();
    await signInAs(admin, 'Sekretariatsleder, Lillehammer-regionen');
    const tasks = await text(admin, 'ul.tasks');
    expect(tasks).toContain(`Følg opp vedtaket i kommunestyret i Øyer kommune om andelen for ${awaitingOyer}`);
    expect(tasks).toContain(
      `Følg med på avstemningen i IPR om prioriteringslisten for ${voting}: 1 av 8 stemmeberettigede har stemt`,
    );
    expect(tasks).toContain(`Rapporter indikatorene og avslutt året ${adopted}`);
    expect(tasks).not.toMatch(/municipality:|3440|mayor-/);
    await checkPage(admin);
  });

  it('shows a proposer their measures in the years under way, with their status', async () => {
    const page = await freshPage();
    await signInAs(page, 'Næringsrådgiver, Lillehammer-regionen');
    expect(await rowOf(page, 'Tiltakene du har sendt inn, i årene som pågår', 'Hemmelig forslag om bio-hub')).toEqual([
      ['Hemmelig forslag om bio-hub', String(voting), 'Foreslått'],
    ]);
    await checkPage(page);
  });

  it('refuses a cycle of another partnership, in Norwegian', async () => {
    const page = await freshPage();
    await signInAs(page, 'Ordfører i Lillehammer');
    const res = await page.goto(`/sykluser/gjovikregionen-${adopted}`);
    expect(res?.status()).toBe(403);
    expect(await text(page, 'main')).toContain('Denne syklusen hører til et annet partnerskap enn ditt.');
    await checkPage(page);
  });
});
