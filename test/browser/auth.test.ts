/**
 * Sign-in in a real Chromium through the whole stack: the local OpenID Provider's page, the
 * callback, the session in Postgres, "Logg ut" here and at the provider. Ended, tampered and
 * foreign sessions sign nobody in; a cross-site post is refused; a person with no role is told so;
 * all of it works from the keyboard alone, and every page reached passes axe (WCAG 2.1 A, AA).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectNoAxeViolations, launchBrowser, newContext, signInAs, signOut, tabTo, web } from '../support/browser.js';
import { sql } from '../support/stack.js';

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function freshPage(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  return context.newPage();
}

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const sessionCookie = async (page: Page) => (await page.context().cookies()).find((c) => c.name === 'hoep_session');
const sessionRows = async (sub: string) =>
  (await sql()<{ n: number }[]>`select count(*)::int as n from web_sessions where person->>'sub' = ${sub}`)[0]!.n;

/** Signed out: the header offers "Logg inn", and the front page is not "Mine oppgaver". */
async function expectSignedOut(page: Page): Promise<void> {
  await page.goto('/');
  await expect.poll(() => page.getByRole('link', { name: 'Logg inn' }).count()).toBeGreaterThan(0);
  expect(await page.getByRole('button', { name: 'Logg ut' }).count()).toBe(0);
  expect(await h1(page).innerText()).not.toBe('Mine oppgaver');
}

describe('signing in through the provider', () => {
  const people = [
    { kind: 'administrator', name: 'Sekretariatsleder, Lillehammer-regionen', sub: 'admin-lillehammer-regionen' },
    { kind: 'proposer', name: 'Næringsrådgiver, Lillehammer-regionen', sub: 'proposer-1-lillehammer-regionen' },
    { kind: 'IPR member', name: 'Ordfører i Lillehammer', sub: 'mayor-3405' },
    { kind: 'municipal clerk', name: 'Utvalgssekretær i Øyer kommune', sub: 'clerk-3440' },
    {
      kind: 'finance officer',
      name: 'Økonomirådgiver for Lillehammer-regionen, Innlandet fylkeskommune',
      sub: 'finance-county-lillehammer-regionen',
    },
  ];

  it.each(people)(
    'the $kind signs in, sees "Mine oppgaver" with their name, and signs out here and at the provider',
    async ({ name, sub }) => {
      const page = await freshPage();
      await expectSignedOut(page);
      await expectNoAxeViolations(page);
      await signInAs(page, name, { axe: sub === people[0]!.sub });
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await h1(page).innerText()).toBe('Mine oppgaver');
      await expect.poll(() => page.getByText(name, { exact: true }).count()).toBeGreaterThan(0);
      await expectNoAxeViolations(page);

      const cookie = await sessionCookie(page);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      // an opaque id, not a token: no dots, nothing to decode
      expect(cookie!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await sessionRows(sub)).toBeGreaterThan(0);

      await page.getByRole('button', { name: 'Logg ut', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(web().issuer));
      if (sub === people[0]!.sub) await expectNoAxeViolations(page);
      await page.getByRole('button', { name: 'Logg ut', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(web().baseUrl));
      expect(await sessionCookie(page)).toBeUndefined();
      await expectSignedOut(page);

      // Signed out at the provider too: the next sign-in asks who again instead of signing the same person in.
      await page.goto('/logg-inn');
      await page.waitForURL((url) => url.href.startsWith(`${web().issuer}/interaction/`));
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    },
  );

  it('rotates the session at sign-in: an id the browser held before is worth nothing after', async () => {
    const page = await freshPage();
    await signInAs(page, 'Ordfører i Øyer');
    const first = (await sessionCookie(page))!.value;
    await signInAs(page, 'Ordfører i Øyer');
    const second = (await sessionCookie(page))!.value;
    expect(second).not.toBe(first);
    await page.context().addCookies([{ name: 'hoep_session', value: first, url: web().baseUrl }]);
    await expectSignedOut(page);
  });

  it('refuses a callback this browser did not start, and one with a forged state', async () => {
    const page = await freshPage();
    const stray = await page.goto('/logg-inn/callback?code=abc&state=xyz');
    expect(stray!.status()).toBe(400);
    expect(await h1(page).innerText()).toBe('Innloggingen ble ikke fullført');
    await expectNoAxeViolations(page);

    // A real attempt, answered with another state than the one this browser was given.
    await page.goto('/logg-inn');
    await page.waitForURL((url) => url.href.startsWith(`${web().issuer}/interaction/`));
    const forged = await page.goto(
      `${web().baseUrl}/logg-inn/callback?code=abc&state=forged&iss=${encodeURIComponent(web().issuer)}`,
    );
    expect(forged!.status()).toBe(400);
    expect(await sessionCookie(page)).toBeUndefined();
  });
});

describe('a session that should not sign anyone in', () => {
  it('ends after the idle time, and at the absolute limit', async () => {
    const page = await freshPage();
    await signInAs(page, 'Ordfører i Gausdal');
    expect(await h1(page).innerText()).toBe('Mine oppgaver');
    const idle = web().idleMinutes;
    await sql()`update web_sessions set last_seen_at = now() - make_interval(mins => ${idle + 1}) where person->>'sub' = 'mayor-3441'`;
    await expectSignedOut(page);
    // the ended session's cookie is cleared, not sent again and again
    expect(await sessionCookie(page)).toBeUndefined();

    const again = await freshPage();
    await signInAs(again, 'Ordfører i Gausdal');
    expect(await h1(again).innerText()).toBe('Mine oppgaver');
    await sql()`update web_sessions set expires_at = now() - interval '1 second' where person->>'sub' = 'mayor-3441'`;
    await expectSignedOut(again);
  });

  it('a tampered cookie signs nobody in', async () => {
    const page = await freshPage();
    await signInAs(page, 'Kommunedirektør i Lillehammer');
    const real = (await sessionCookie(page))!.value;
    const flipped = `${real.slice(0, 10)}${real[10] === 'A' ? 'B' : 'A'}${real.slice(11)}`;
    for (const value of [flipped, `${real}x`, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.', "' or 1=1 --"]) {
      await page
        .context()
        .addCookies([{ name: 'hoep_session', value: value.replace(/[;\s]/g, '_'), url: web().baseUrl }]);
      await expectSignedOut(page);
    }
    // the real one still works
    await page.context().addCookies([{ name: 'hoep_session', value: real, url: web().baseUrl }]);
    await page.goto('/');
    expect(await h1(page).innerText()).toBe('Mine oppgaver');
  });
});

describe('form posts', () => {
  it('refuses a cross-site post and a post without the CSRF token; nothing changes', async () => {
    const page = await freshPage();
    await signInAs(page, 'Ordfører i Lillehammer');
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Another site's page with a form that posts "Logg ut" to the app, even with the right token.
    const evil = 'http://angriper.example';
    await page.route(`${evil}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><title>x</title><form method="post" action="${web().baseUrl}/logg-ut"><input name="_csrf" value="${token}"><button>Go</button></form></html>`,
      }),
    );
    await page.goto(`${evil}/side`);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${web().baseUrl}/logg-ut`),
      page.getByRole('button', { name: 'Go' }).click(),
    ]);
    expect(refused.status()).toBe(403);
    await page.waitForURL(`${web().baseUrl}/logg-ut`);
    expect(await h1(page).innerText()).toBe('Skjemaet ble avvist');
    await page.goto('/');
    expect(await h1(page).innerText()).toBe('Mine oppgaver');

    // Our own origin, but no token (a form injected into the page): refused too.
    const [noToken] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${web().baseUrl}/logg-ut`),
      page.evaluate(
        `(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/logg-ut'; document.body.append(f); f.submit(); })()`,
      ),
    ]);
    expect(noToken.status()).toBe(403);
    await page.waitForURL(`${web().baseUrl}/logg-ut`);
    expect(await h1(page).innerText()).toBe('Skjemaet ble avvist');
    await expectNoAxeViolations(page);
    await page.goto('/');
    expect(await h1(page).innerText()).toBe('Mine oppgaver');
  });
});

describe('a person with no role', () => {
  it('is signed in, told so on /ingen-rolle from every page but the public ones, and can sign out', async () => {
    const page = await freshPage();
    await signInAs(page, 'Ny ansatt uten rolle');
    expect(new URL(page.url()).pathname).toBe('/ingen-rolle');
    expect(await h1(page).innerText()).toBe('Du har ingen rolle i HØP');
    await expectNoAxeViolations(page);
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/ingen-rolle');
    await page.goto('/offentlig');
    expect(new URL(page.url()).pathname).toBe('/offentlig');
    await signOut(page);
    await expectSignedOut(page);
  });
});

describe('from the keyboard alone', () => {
  it('signs in and out with Tab and Enter', async () => {
    const page = await freshPage();
    await page.goto('/');
    await tabTo(page, 'Logg inn');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.href.startsWith(`${web().issuer}/interaction/`));
    await tabTo(page, 'Ordfører i Lillehammer');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.href === `${web().baseUrl}/`);
    expect(await h1(page).innerText()).toBe('Mine oppgaver');

    await tabTo(page, 'Logg ut');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.href.startsWith(web().issuer));
    // the provider's confirmation puts the focus on its "Logg ut" (autofocus, once the page has loaded)
    await page.waitForLoadState('load');
    await expect.poll(() => page.evaluate(`document.activeElement?.textContent?.trim() ?? ''`)).toBe('Logg ut');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.href.startsWith(web().baseUrl));
    await expectSignedOut(page);
  });
});
