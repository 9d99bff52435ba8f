/**
 * The finance officer's pages: /sykluser/{cid}/fordeling, the allocations of a cycle per measure,
 * per funder and per goal (?visning=tiltak|finansiorer|mal, each a page of its own, linked from
 * the others), with the charts and the measures' other co-funding; and their downloads,
 * /sykluser/{cid}/fordeling.csv (one flat table) and .xlsx (web/allocation-export.ts).
 *
 * Open to the roles the API shows allocations to: finance, admin and IPR members see every
 * funder; a municipal clerk sees their own municipality's share (core/allocations.ts, the API's
 * rule); anyone else gets the 403 page.
 *
 * Fast for a 500-measure cycle: the figures come from the allocation cache (no query while the
 * cycle is unchanged), each view's main content is rendered once per version of the allocations
 * and scope, and the whole page, gzipped, is kept per reader's session for as long as neither the
 * cycle nor the session changes, so a reload costs a lookup.
 */
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { allocationCsv, allocationXlsx } from '../allocation-export.js';
import { basisText, loadAllocationView, scopeOf, scopeText, type AllocationView } from '../allocation-view.js';
import { Problem, type WebContext } from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatNok, phaseName } from '../format.js';
import { gzippedPage, KeptPages, takesGzip } from '../kept-pages.js';
import { layout, type Html } from '../layout.js';
import { ownCycleId } from './action-cycle.js';
import { signedIn, type PageContext } from './render.js';
import { viewContent, VIEWS, type ViewName } from './allocation-views.js';

const ViewQuery = z.object({ visning: z.enum(['tiltak', 'finansiorer', 'mal']).default('tiltak') });

export const allocationsHref = (cycleId: string, view?: ViewName) =>
  `/sykluser/${encodeURIComponent(cycleId)}/fordeling${view && view !== 'tiltak' ? `?visning=${view}` : ''}`;

/** The view of the address's cycle for the person: their own partnership's, their scope; a refusal otherwise. */
async function viewFor(ctx: WebContext, c: PageContext, person: Person): Promise<AllocationView> {
  // No read of the cycle's record here: the allocation cache knows whether the cycle exists.
  const cid = ownCycleId(c, person);
  const scope = scopeOf(person);
  if (scope === null)
    throw new Problem(
      'forbidden',
      'Tildelingene vises for økonomi, administrator og medlemmer av IPR, og for kommunens saksbehandler (kommunens egen andel).',
    );
  const view = await loadAllocationView(ctx, cid, scope);
  if (!view) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  return view;
}

/** view -> the main content of each of its pages, rendered once. */
const mains = new WeakMap<AllocationView, Map<ViewName, Promise<string>>>();
/** Whole pages, per reader (web/kept-pages.ts). */
const kept = new KeptPages();
/** view -> its CSV, made once. */
const csvs = new WeakMap<AllocationView, Uint8Array<ArrayBuffer>>();
/**
 * view -> its workbook and the minute it was made in: the header block says when the file was made,
 * to the minute, so a download within the same minute (a double click) gets the same file rather
 * than a second second-long build of a 500-measure workbook.
 */
const workbooks = new WeakMap<AllocationView, { minute: number; xlsx: Promise<Buffer> }>();

function xlsxOf(view: AllocationView): Promise<Buffer> {
  const now = new Date();
  const minute = Math.floor(now.getTime() / 60_000);
  let kept = workbooks.get(view);
  if (!kept || kept.minute !== minute) {
    const made = { minute, xlsx: allocationXlsx(view, now) };
    made.xlsx.catch(() => workbooks.get(view) === made && workbooks.delete(view));
    workbooks.set(view, (kept = made));
  }
  return kept.xlsx;
}

function mainOf(view: AllocationView, name: ViewName): Promise<string> {
  let byName = mains.get(view);
  if (!byName) mains.set(view, (byName = new Map()));
  let main = byName.get(name);
  if (!main) byName.set(name, (main = Promise.resolve(mainContent(view, name)).then(String)));
  return main;
}

const titleOf = (view: AllocationView, name: ViewName) => `${VIEWS[name].title} – ${view.title}`;

async function wholePage(c: PageContext, view: AllocationView, name: ViewName): Promise<string> {
  const main = await mainOf(view, name);
  return String(
    await layout({
      title: titleOf(view, name),
      person: c.get('person'),
      csrfToken: c.get('csrfToken'),
      breadcrumbs: [
        { label: 'Mine oppgaver', href: '/' },
        { label: view.title, href: `/sykluser/${encodeURIComponent(view.cycleId)}` },
        { label: VIEWS[name].title },
      ],
      body: raw(main),
    }),
  );
}

export function allocationPages(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/sykluser/:cid/fordeling',
    signedIn(async (c, person) => {
      const query = ViewQuery.safeParse(c.req.query());
      if (!query.success)
        throw new Problem('badRequest', 'Ukjent visning. Velg per tiltak, per finansiør eller per delmål.');
      const view = await viewFor(ctx, c, person);
      const name = query.data.visning;
      c.header('vary', 'Cookie, Accept-Encoding');
      if (!takesGzip(c)) return c.html(await wholePage(c, view, name));
      const page = { page: `fordeling?${name}`, version: view.key };
      return gzippedPage(c, await kept.serve(c, person, page, () => wholePage(c, view, name)));
    }),
  );

  web.get(
    '/sykluser/:cid/fordeling.csv',
    signedIn(async (c, person) => {
      const view = await viewFor(ctx, c, person);
      let csv = csvs.get(view);
      if (!csv) csvs.set(view, (csv = Buffer.from(allocationCsv(view))));
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="${fileName(view, 'csv')}"`,
      });
    }),
  );

  web.get(
    '/sykluser/:cid/fordeling.xlsx',
    signedIn(async (c, person) => {
      const view = await viewFor(ctx, c, person);
      const xlsx = await xlsxOf(view);
      return c.body(new Uint8Array(xlsx), 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${fileName(view, 'xlsx')}"`,
      });
    }),
  );
}

/** "fordeling-lillehammer-regionen-2027.csv"; a clerk's file names its municipality: "...-3441.csv". */
const fileName = (view: AllocationView, ext: 'csv' | 'xlsx') =>
  `fordeling-${view.cycleId}${view.scope === 'all' ? '' : `-${view.scope}`}.${ext}`;

function mainContent(view: AllocationView, name: ViewName): Html {
  const a = view.allocations;
  const base = `/sykluser/${encodeURIComponent(view.cycleId)}/fordeling`;
  return html`<dl class="facts">
  <dt>Grunnlag</dt><dd>${basisText(view)}</dd>
  <dt>Fase</dt><dd>${phaseName(a.phase)}</dd>
  <dt>Viser</dt><dd>${scopeText(view)}</dd>
</dl>
${
  a.unsplit.length > 0
    ? html`<div class="ds-alert" data-color="warning"><p class="ds-paragraph">Noen tilskudd kan ikke fordeles på finansiørene etter regelen, og har ingen finansiør:</p><ul class="ds-list">${a.unsplit.map((u) => html`<li>${a.measures.find((m) => m.id === u.measureId)?.title ?? u.measureId}, ${u.year}: ${formatNok(u.grant)}</li>`)}</ul></div>`
    : ''
}
<nav aria-label="Visninger av tildelingene">
<ul class="view-links">
${(Object.keys(VIEWS) as ViewName[]).map((v) =>
  v === name
    ? html`<li><a class="ds-link" href="${allocationsHref(view.cycleId, v)}" aria-current="page">${VIEWS[v].label}</a></li>`
    : html`<li><a class="ds-link" href="${allocationsHref(view.cycleId, v)}">${VIEWS[v].label}</a></li>`,
)}
</ul>
</nav>
<p class="ds-paragraph">Last ned alt sidene viser: <a class="ds-link" href="${base}.csv" download>CSV for Excel (én tabell: en rad per tiltak, finansiør og år, og medfinansieringen)</a> · <a class="ds-link" href="${base}.xlsx" download>Excel med summer</a></p>
${viewContent(view, name)}`;
}
