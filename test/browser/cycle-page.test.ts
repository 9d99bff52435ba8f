/**
 * The cycle page is kept (web/kept-views.ts, web/kept-pages.ts): the status and the measures once
 * per version of the cycle's records, the whole page per reader. What a reader relies on is that a
 * reload shows what changed: another member's vote, a deadline moved, and a deadline that passes
 * while nothing is written (the overdue mark beside it at once, the workflow's note of it in the
 * history soon after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, member, toVote } from '../support/api-cycles.js';
import { api, checkPage, launchBrowser, signedInPage } from '../support/browser.js';
import { freshYear } from '../support/stack.js';

let browser: Browser;
let cid: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const year = await freshYear(0);
  ({ cid } = await toVote(year, [{ title: 'Kunnskapspark i Gausdal', amount: '300000.00' }]));
});

afterAll(async () => {
  await browser?.close();
});

const text = (page: Page, selector: string) => page.locator(selector).innerText();
const history = (page: Page) => text(page, 'table:has(caption#historikk)');
/** The IPR deadline's line in the page's list of deadlines. */
const iprDeadline = (page: Page) => text(page, 'dl.facts dt:text-is("IPRs vedtak") + dd');

/** Reloads until `ok` holds of the page, for up to `seconds`; the last page's text otherwise. */
async function reloadUntil(page: Page, ok: (page: Page) => Promise<boolean>, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!(await ok(page)) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    await page.reload();
  }
}

describe('the cycle page, reloaded', () => {
  it("shows another member's vote, a moved deadline and a deadline passing", async () => {
    const page = await signedInPage(browser, 'Sekretariatsleder, Lillehammer-regionen');
    await page.goto(`/sykluser/${cid}`);
    expect(await text(page, 'ul.tasks')).toContain('0 av 8 stemmeberettigede har stemt');
    await page.reload();

    await api('POST', `/cycles/${cid}/priority-lists/1/votes`, member('mayor-3440'), { vote: 'approve' });
    await page.reload();
    expect(await text(page, 'ul.tasks')).toContain('1 av 8 stemmeberettigede har stemt');

    // The IPR deadline moved to a few seconds from now: said at once, and not overdue yet.
    const to = new Date(Date.now() + 4000);
    await api('POST', `/cycles/${cid}/deadlines`, ADMIN, { deadline: 'ipr', to: to.toISOString() });
    await page.reload();
    expect(await history(page)).toContain('Fristen for IPRs vedtak ble flyttet til');
    expect(await iprDeadline(page)).not.toContain('Forfalt');

    // It passes with nothing written to the records: the mark comes with the clock, and the
    // workflow's note of it in the history once the workflow has made it.
    await new Promise((r) => setTimeout(r, Math.max(0, to.getTime() - Date.now()) + 200));
    await page.reload();
    expect(await iprDeadline(page)).toContain('Forfalt');
    await reloadUntil(page, async (p) => (await history(p)).includes('Fristen for IPRs vedtak gikk ut'), 30);
    expect(await history(page)).toContain('Fristen for IPRs vedtak gikk ut uten at en prioriteringsliste var vedtatt.');
    await checkPage(page);
  });
});
