/**
 * The web UI at /: partnerships → cycles → a cycle's page. The user pastes a token once; it is
 * kept in an HttpOnly, SameSite=Strict cookie and verified on every page exactly like a bearer
 * token, with the same partnership and role rules as the API. Forms are checked against
 * cross-site posts (Origin / Sec-Fetch-Site).
 */
import { readFile } from 'node:fs/promises';
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { CYCLE_ID_PATTERN, endpoints } from '../../../schema/api.js';
import type { Principal } from '../auth.js';
import type { ApiContext, AppEnv } from '../context.js';
import { Problem } from '../problem.js';
import * as records from '../records.js';
import { send } from '../routes/allocations.js';
import { cycleStatus } from '../routes/cycles.js';
import { cyclePage, cyclesPage, errorPage, partnershipsPage, signInPage } from './pages.js';

const COOKIE = 'hoep_token';
const styleSheet = readFile(new URL('./style.css', import.meta.url), 'utf8');

type Page = (c: Context<AppEnv>, who: Principal) => Promise<Response>;

export function uiRoutes(app: Hono<AppEnv>, ctx: ApiContext): void {
  const mayReadAllocations = (who: Principal) => endpoints.getAllocations.roles.some((r) => who.roles.includes(r));

  /** Runs `page` for a signed-in user; shows the sign-in form otherwise, and problems as pages. */
  const signedIn = (page: Page) => async (c: Context<AppEnv>) => {
    const token = getCookie(c, COOKIE);
    if (!token) return c.html(signInPage(null, ctx.auth.mode), c.req.path === '/' ? 200 : 401);
    let who: Principal;
    try {
      who = await ctx.auth.verify(token);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      deleteCookie(c, COOKIE, { path: '/' });
      return c.html(signInPage(`Tokenet gjelder ikke lenger: ${e.detail}`, ctx.auth.mode), 401);
    }
    try {
      return await page(c, who);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      return c.html(errorPage(e.status, e.title, e.detail, who), e.status as 403);
    }
  };

  const ownPartnership = (who: Principal, partnership: string | undefined) => {
    if (partnership !== who.partnership) throw new Problem('forbidden', `Du er logget inn for ${who.partnership}.`);
  };

  const cycleOf = async (c: Context<AppEnv>, who: Principal) => {
    const cid = c.req.param('cid') ?? '';
    ownPartnership(who, CYCLE_ID_PATTERN.exec(cid)?.[1]);
    const cycle = await records.cycle(ctx.sql, cid);
    if (!cycle) throw new Problem('notFound', `Syklusen ${cid} finnes ikke.`);
    return cycle;
  };

  app.get('/ui/style.css', async (c) => c.body(await styleSheet, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.use('/ui/*', csrf());

  app.post('/ui/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    try {
      await ctx.auth.verify(token);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      return c.html(signInPage(`Tokenet ble ikke godtatt: ${e.detail}`, ctx.auth.mode), 401);
    }
    const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
    setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure });
    return c.redirect('/', 303);
  });

  app.post('/ui/sign-out', (c) => {
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });

  app.get(
    '/',
    signedIn(async (c, who) => c.html(partnershipsPage(who, await records.partnerships(ctx.sql, who.partnership)))),
  );

  app.get(
    '/ui/partnerships/:pid',
    signedIn(async (c, who) => {
      ownPartnership(who, c.req.param('pid'));
      const partnership = await records.partnership(ctx.sql, who.partnership);
      if (!partnership) throw new Problem('notFound', `Partnerskapet ${who.partnership} finnes ikke.`);
      return c.html(cyclesPage(who, partnership, await records.cyclesOf(ctx.sql, partnership.id)));
    }),
  );

  app.get(
    '/ui/cycles/:cid',
    signedIn(async (c, who) => {
      const cycle = await cycleOf(c, who);
      const [status, measures, snapshot] = await Promise.all([
        cycleStatus(ctx, cycle.id),
        records.measures(ctx.sql, cycle.id),
        mayReadAllocations(who) ? ctx.allocations.get(cycle.id) : null,
      ]);
      return c.html(cyclePage(who, { partnershipName: cycle.config.name, status, measures, allocations: snapshot?.allocations ?? null, now: Date.now() }));
    }),
  );

  app.get(
    '/ui/cycles/:cid/:file{tildelinger\\.(csv|xlsx)}',
    signedIn(async (c, who) => {
      const cycle = await cycleOf(c, who);
      if (!mayReadAllocations(who)) throw new Problem('forbidden', 'Tildelingene vises for økonomi, administrator og IPR-medlemmer.');
      const format = c.req.param('file')?.endsWith('.csv') ? 'csv' : 'xlsx';
      const snapshot = await ctx.allocations.get(cycle.id);
      if (!snapshot) throw new Problem('notFound', `Syklusen ${cycle.id} finnes ikke.`);
      return send(c, snapshot, format);
    }),
  );
}
