/**
 * /offentlig, open to all: the partnerships whose decided plans are public (their years are on
 * /offentlig/{pid}, public-partnership.ts).
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { records, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { municipalityName } from '../format.js';
import { scrollTable } from '../layout.js';
import { page, render } from './render.js';

export const PUBLIC_CRUMB = { label: 'Vedtatte planer', href: '/offentlig' };

export function publicIndexPage(web: Hono<WebEnv>, ctx: WebContext): void {
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
      return render(c, 'Vedtatte planer', body, {
        breadcrumbs: [{ label: 'Forside', href: '/' }, { label: 'Vedtatte planer' }],
      });
    }),
  );
}
