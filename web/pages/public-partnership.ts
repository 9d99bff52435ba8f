/**
 * /offentlig/{pid}, open to all: a partnership's years that are adopted or closed. A year under
 * way is not listed: nothing that is not yet decided is public.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { records, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDate, phaseName } from '../format.js';
import { scrollTable } from '../layout.js';
import { PUBLIC_PHASES } from '../public-data.js';
import { PUBLIC_CRUMB } from './public-index.js';
import { notFound, page, render } from './render.js';

export function publicPartnershipPage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/offentlig/:pid',
    page(async (c) => {
      const partnership = await records.partnership(ctx.sql, c.req.param('pid') ?? '');
      if (!partnership) return notFound(c, 'Det finnes ikke noe partnerskap med denne adressen.');
      const decided = (await records.cyclesOf(ctx.sql, partnership.id)).filter((cy) => PUBLIC_PHASES.has(cy.phase));
      const body = html`${
        decided.length === 0
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
            )
      }`;
      return render(c, partnership.name, body, {
        breadcrumbs: [{ label: 'Forside', href: '/' }, PUBLIC_CRUMB, { label: partnership.name }],
      });
    }),
  );
}
