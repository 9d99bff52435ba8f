/**
 * /offentlig, open to all: the partnerships whose decided plans are public, and /offentlig/{pid},
 * a partnership's cycles that are adopted or closed. A cycle under way is not listed: nothing
 * that is not yet decided is public.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { records, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDate, municipalityName, phaseName } from '../format.js';
import { scrollTable } from '../layout.js';
import { PUBLIC_PHASES } from '../public-data.js';
import { notFound, page, render } from './render.js';

export const PUBLIC_CRUMB = { label: 'Vedtatte planer', href: '/offentlig' };

export function publicIndexPages(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/offentlig',
    page(async (c) => {
      const partnerships = await records.partnerships(ctx.sql);
      const body = html`<p class="ds-paragraph">Handlings- og økonomiplanene (HØP) som IPR og kommunestyrene har vedtatt, med tiltakene, tilskuddene og hver finansiørs andel.
Det som ennå ikke er vedtatt (forslag, lister til avstemning og stemmer), vises ikke her.</p>
${scrollTable(
  'partnerskap',
  html`<table class="ds-table" data-border>
<caption id="partnerskap">Partnerskapene</caption>
<thead><tr><th scope="col">Partnerskap</th><th scope="col">Medlemmer</th></tr></thead>
<tbody>
${partnerships.map(
  (p) => html`<tr>
  <th scope="row"><a class="ds-link" href="/offentlig/${encodeURIComponent(p.id)}">${p.name}</a></th>
  <td>${[p.config.county.name, ...p.config.municipalities.map((m) => municipalityName(m.name))].join(', ')}</td>
</tr>`,
)}
</tbody>
</table>`,
)}`;
      return render(c, 'Vedtatte planer', body, { breadcrumbs: [{ label: 'Forside', href: '/' }, { label: 'Vedtatte planer' }] });
    }),
  );

  web.get(
    '/offentlig/:pid',
    page(async (c) => {
      const partnership = await records.partnership(ctx.sql, c.req.param('pid') ?? '');
      if (!partnership) return notFound(c, 'Det finnes ikke noe partnerskap med denne adressen.');
      const decided = (await records.cyclesOf(ctx.sql, partnership.id)).filter((cy) => PUBLIC_PHASES.has(cy.phase));
      const body = html`${decided.length === 0
        ? html`<p class="ds-paragraph">${partnership.name} har ingen vedtatte planer ennå.</p>`
        : scrollTable(
            'planer',
            html`<table class="ds-table" data-border>
<caption id="planer">Vedtatte handlings- og økonomiplaner</caption>
<thead><tr><th scope="col">År</th><th scope="col">Status</th><th scope="col">Avsluttet</th></tr></thead>
<tbody>
${decided.map(
  (cy) => html`<tr>
  <th scope="row"><a class="ds-link" href="/offentlig/${encodeURIComponent(partnership.id)}/${cy.year}">Plan for ${cy.year}</a></th>
  <td>${phaseName(cy.phase)}</td>
  <td>${cy.closedAt ? formatDate(cy.closedAt) : '–'}</td>
</tr>`,
)}
</tbody>
</table>`,
          )}`;
      return render(c, partnership.name, body, { breadcrumbs: [{ label: 'Forside', href: '/' }, PUBLIC_CRUMB, { label: partnership.name }] });
    }),
  );
}
