/**
 * The browser tests' harness: a real Chromium driven by playwright-core, signing in through the
 * local OpenID Provider's page (never around it), and axe-core's WCAG 2.1 A and AA rules.
 *
 * Which Chromium: CHROMIUM_PATH; else a system one (/usr/lib/chromium/chromium, then the usual
 * names on PATH); else the one inside the npm package @sparticuz/chromium (a dev dependency,
 * unpacked to the temporary folder on first use), so `npm test` runs on a machine with nothing
 * but Node. HOEP_BROWSER_NO_SYSTEM=1 skips the system lookup (to try that last case here).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TokenClaims } from '../../services/api/auth.js';
import { localApi } from './api-client.js';
import type { WebHarness } from './web-stack.js';

const require = createRequire(import.meta.url);

export function web(): WebHarness {
  return inject('hoepWeb');
}

/** Flags for root in a sandboxed container; Playwright adds a fresh temporary --user-data-dir itself. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const SYSTEM_CHROMIUMS = [
  '/usr/lib/chromium/chromium',
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
];

function onPath(name: string): string | null {
  if (name.startsWith('/')) return fs.existsSync(name) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) return file;
  }
  return null;
}

export interface ChromiumChoice {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  if (env.CHROMIUM_PATH) {
    if (!fs.existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH}: no such file`);
    return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  }
  if (env.HOEP_BROWSER_NO_SYSTEM !== '1') {
    for (const name of SYSTEM_CHROMIUMS) {
      const found = onPath(name);
      if (found) return { executablePath: found, source: 'system' };
    }
  }
  // Unpacks its brotli-packed binary (and fonts) to the temporary folder once, then reuses it.
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return { executablePath: await sparticuz.executablePath(), source: '@sparticuz/chromium' };
}

let chosen: Promise<ChromiumChoice> | undefined;

export async function launchBrowser(): Promise<Browser> {
  chosen ??= findChromium();
  const { executablePath } = await chosen;
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A fresh context (no cookies) with Norwegian locale and Oslo time, and the app as base URL. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: web().baseUrl, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
  context.setDefaultTimeout(20_000);
  return context;
}

export interface SignInOptions {
  /** the partnership's section on the provider's page, for names that occur in several (the county politicians) */
  partnership?: string;
  /** run axe on the provider's page on the way */
  axe?: boolean;
}

/**
 * Signs in as the person with this name: the app's "Logg inn", then that person's button on the
 * provider's page, and back to the app. Resolves once the browser is on the app again. A browser
 * still signed in at the provider comes straight back, as whoever it was signed in as there.
 */
export async function signInAs(page: Page, name: string, options: SignInOptions = {}): Promise<void> {
  const { baseUrl, issuer } = web();
  await page.goto(`${baseUrl}/logg-inn`);
  // Still signed in at the provider (no "Logg ut" since): it answers at once, without its page.
  if (!page.url().startsWith(`${issuer}/interaction/`)) {
    if (!page.url().startsWith(baseUrl)) throw new Error(`sign-in as ${name} went to ${page.url()}`);
    return;
  }
  if (options.axe) await expectNoAxeViolations(page);
  const scope = options.partnership ? page.getByRole('region', { name: options.partnership }) : page;
  await scope.getByRole('button', { name, exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(baseUrl) && !url.pathname.startsWith('/logg-inn'));
}

/** "Logg ut" in the page's header, then the provider's own confirmation; resolves back on the app. */
export async function signOut(page: Page): Promise<void> {
  const { baseUrl, issuer } = web();
  await page.getByRole('button', { name: 'Logg ut', exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.getByRole('button', { name: 'Logg ut', exact: true }).click();
  await page.waitForURL((url) => url.href.startsWith(baseUrl));
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** One line per page checked, for the report: the page, its violations and passes. */
export const axeLog: string[] = [];

/**
 * axe-core with the WCAG 2.1 A and AA rules on the page as it is now. The script goes in through
 * the DevTools protocol (page.evaluate), not a <script> tag, so the page's CSP stays as served.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  // Strings, not functions: this project compiles without the DOM's types.
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } }).then((r) => ({ violations: r.violations, passes: r.passes.length }))`,
  )) as { violations: unknown[]; passes: number };
  const violations = result.violations as AxeViolation[];
  const where = new URL(page.url());
  const line = `[axe] ${where.origin === web().issuer ? 'provider ' : ''}${where.pathname}: ${violations.length} violation(s), ${result.passes} rule(s) passed`;
  axeLog.push(line);
  console.log(line);
  const described = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n')}`,
  );
  expect(described, `axe on ${page.url()}`).toEqual([]);
}

/** The page reflows at 320 px (WCAG 1.4.10): no sideways scrolling outside a table's own scrolling region. */
export async function expectReflowAt320(page: Page): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 800 });
  // On failure, name the widest elements outside a scrolling table, so the cause is in the message.
  const widest = await page.evaluate(
    `[...document.querySelectorAll('main *')].filter((el) => !el.closest('.table-scroll')).map((el) => [el.tagName + '.' + el.className, Math.round(el.getBoundingClientRect().right)]).filter(([, r]) => r > 320).slice(-5).join('; ')`,
  );
  expect(
    await page.evaluate('document.documentElement.scrollWidth'),
    `scroll width of ${page.url()} at 320 px (${String(widest)})`,
  ).toBeLessThanOrEqual(320);
  if (size) await page.setViewportSize(size);
}

/** Tab from the current focus until the element matching `name` has it; fails after `limit` presses. */
export async function tabTo(page: Page, name: string | RegExp, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = (await page.evaluate(
      `(() => { const el = document.activeElement; return el ? (el.getAttribute('aria-label') ?? el.innerText ?? '').trim() : ''; })()`,
    )) as string;
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  throw new Error(`no element named ${String(name)} within ${limit} presses of Tab`);
}

/** Who calls the API in a browser test's set-up: token claims, the roles at least. */
export type Who = Partial<TokenClaims> & Pick<TokenClaims, 'roles'>;

/**
 * The HTTP API of the browser tests' stack, for the steps a test does not take in the browser:
 * a locally signed token for `claims` in Lillehammer-regionen, the JSON answer, and an error for
 * any status of 400 or more.
 */
export function api(method: string, path: string, claims: Who, body?: unknown): Promise<Record<string, unknown>> {
  return localApi<Who>({
    baseUrl: web().baseUrl,
    secret: new TextEncoder().encode(web().jwtSecret),
    claims: (who) => ({ sub: who.roles[0]!, name: 'Test', partnership: 'lillehammer-regionen', ...who }),
    ttl: '1h',
  })(method, path, claims, body);
}

/** A fresh browser context (no cookies) signed in as `name`, by default of Lillehammer-regionen's section on the provider's page. */
export async function signedInPage(
  browser: Browser,
  name: string,
  options: SignInOptions = { partnership: 'Lillehammer-regionen' },
): Promise<Page> {
  const page = await (await newContext(browser)).newPage();
  await signInAs(page, name, options);
  return page;
}

/** What every page a browser test reaches must pass: axe's WCAG 2.1 A and AA rules, and reflow at 320 px. */
export async function checkPage(page: Page): Promise<void> {
  await expectNoAxeViolations(page);
  await expectReflowAt320(page);
}

/** A button or key that posts a form: resolves once the page that answers it has loaded. */
export async function posting(page: Page, act: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForNavigation(), act()]);
}
