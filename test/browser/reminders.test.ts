/**
 * A reminder through the whole browser stack (test/support/web-stack.ts, whose worker sends to the
 * local mail catcher): a cycle started through the API with its IPR deadline two days away, its
 * list put to the vote, and the mayor of Lillehammer's reminder reaches the catcher once, to the
 * mayor's address, in Norwegian. Its link, followed in Chromium signed in as the mayor, opens the
 * vote; the catcher's own page lists the mail. axe-core (WCAG 2.1 A and AA) on every page reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { CaughtMail } from '../../services/mail-catcher/catcher.js';
import { referencePartnership } from '../../schema/reference/load.js';
import { api, expectNoAxeViolations, launchBrowser, newContext, signInAs, web } from '../support/browser.js';
import type { Who } from '../support/browser.js';
import { poll } from '../support/poll.js';
import { freshYear } from '../support/stack.js';

const PID = 'lillehammer-regionen';
const ADMIN: Who = { sub: 'admin-lillehammer-regionen', roles: ['admin'] };
const PROPOSER: Who = { sub: 'proposer-1-lillehammer-regionen', roles: ['proposer'] };
const voting = referencePartnership(PID).ipr.roster.filter((r) => r.votes);
const mayor = voting.find((r) => r.id === 'mayor-3405')!;

let browser: Browser;
let cid: string;

const mails = async (): Promise<CaughtMail[]> =>
  ((await (await fetch(`${web().mailUrl}/messages.json`)).json()) as CaughtMail[]).filter((m) =>
    m.reminder?.startsWith(`${cid} `),
  );
/** The members' "before" reminders of the IPR deadline (the secretariat's, to put a list to the vote, left out). */
const voteReminders = (all: CaughtMail[]) =>
  all.filter((m) => / ipr:1 \S+ before /.test(m.reminder ?? '') && !m.reminder!.endsWith(' admin'));

beforeAll(async () => {
  browser = await launchBrowser();
  const year = await freshYear(0);
  cid = `${PID}-${year}`;
  const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const frame = Object.fromEntries([0, 1, 2, 3].map((i) => [String(year + i), '400000.00']));
  await api('POST', `/partnerships/${PID}/cycles`, ADMIN, {
    year,
    frames: { county: frame, '3405': frame, '3440': frame, '3441': frame },
    deadlines: { proposals: soon(1), ipr: soon(2), adoption: soon(30) },
  });
  await api('POST', `/cycles/${cid}/measures`, PROPOSER, {
    title: 'Næringshage i Gausdal',
    strategies: ['1.2'],
    description: 'Beskrivelse',
    responsible: 'Lillehammer-regionen Vekst',
    amounts: { [year]: '200000.00' },
    cofunding: [],
  });
  await api('POST', `/cycles/${cid}/proposals/close`, ADMIN);
  await poll(
    () => api('GET', `/cycles/${cid}`, ADMIN),
    (s) => s.phase === 'prioritisation',
    'prioritisation',
  );
  const { items } = await api('GET', `/cycles/${cid}/recommendation`, ADMIN);
  await api('POST', `/cycles/${cid}/priority-lists`, ADMIN, {
    items,
    meeting: { date: `${year - 1}-11-20`, caseNumber: `12/${String(year).slice(2)}` },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('a reminder', () => {
  it('reaches the mail catcher once per voting member, and its link opens the vote for the mayor', async () => {
    const all = await poll(
      mails,
      (seen) => voteReminders(seen).length >= voting.length,
      "every voting member's reminder",
      60_000,
    );
    const toMayor = all.filter((m) => m.envelope.to.includes(mayor.email!));
    expect(toMayor).toHaveLength(1);
    expect(
      voteReminders(all)
        .map((m) => m.envelope.to[0])
        .sort(),
    ).toEqual(voting.map((r) => r.email).sort());
    const [mail] = toMayor;
    expect(mail!.subject).toMatch(
      /^Påminnelse: Stem over prioriteringsliste 1 innen \d{1,2}\. \p{L}+ \d{4} kl\. \d{2}\.\d{2}$/u,
    );
    const link = /http:\/\/\S+\/avstemning/.exec(mail!.text)?.[0];
    expect(link).toBe(`${web().baseUrl}/sykluser/${cid}/avstemning`);

    const page = await (await newContext(browser)).newPage();
    await signInAs(page, mayor.name);
    await page.goto(link!);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Avstemning/);
    await expect(page.getByRole('radio', { name: 'For', exact: true }).isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);

    await page.goto(web().mailUrl);
    await expect(page.getByRole('heading', { name: mail!.subject }).first().isVisible()).resolves.toBe(true);
    await expectNoAxeViolations(page);
  });
});
