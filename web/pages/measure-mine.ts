/**
 * "Mine tiltak", /mine-tiltak: a proposer's measures in the partnership's years under way, with
 * their status and, while proposals are open, the links to edit or withdraw each and to propose
 * a new one. An administrator sees every measure, since they may edit any.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { Problem, records, type CycleRecord, type MeasureRecord, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDateTime, formatNok, MEASURE_STATUS_NAMES, phaseName } from '../format.js';
import { scrollTable, type Html } from '../layout.js';
import { sumMoney, parseMoney, formatMoney } from '../../domain/money.js';
import { cycleHref, cycleTitle, proposalsOpen } from './action-cycle.js';
import { render, signedIn } from './render.js';

const ENDED = new Set(['closed', 'cancelled']);

function cycleSection(cycle: CycleRecord, measures: MeasureRecord[], now: number): Html {
  const open = proposalsOpen(cycle, now);
  const base = `${cycleHref(cycle)}/tiltak`;
  const captionId = `tiltak-${cycle.year}`;
  return html`<h2 class="ds-heading" data-size="md">${cycleTitle(cycle)}</h2>
<p class="ds-paragraph">Fase: ${phaseName(cycle.phase)}. ${
    open
      ? html`Forslagsfrist: <time datetime="${cycle.deadlines.proposals}">${formatDateTime(cycle.deadlines.proposals)}</time>. <a class="ds-button" data-variant="primary" data-size="sm" href="${base}/nytt">Meld inn nytt tiltak</a>`
      : 'Forslag er stengt for dette året.'
  }</p>
${
  measures.length === 0
    ? html`<p class="ds-paragraph">Du har ingen tiltak dette året.</p>`
    : scrollTable(
        captionId,
        html`<table class="ds-table" data-border>
<caption id="${captionId}">Dine tiltak i ${cycleTitle(cycle)}</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">Status</th><th scope="col" class="num">Søkt i alt</th><th scope="col">Endre</th></tr></thead>
<tbody>
${measures.map(
  (m) => html`<tr>
  <th scope="row">${m.title}</th>
  <td>${MEASURE_STATUS_NAMES[m.status] ?? m.status}</td>
  <td class="num">${formatNok(formatMoney(sumMoney(Object.values(m.amounts).map(parseMoney))))}</td>
  <td>${
    open && m.status === 'proposed'
      ? // aria-label, not a visually hidden span: an absolutely placed span in a scrolling table widens the page at 320 px.
        html`<a class="ds-link" href="${base}/${encodeURIComponent(m.id)}/endre" aria-label="Endre «${m.title}»">Endre</a> · <a class="ds-link" href="${base}/${encodeURIComponent(m.id)}/trekk" aria-label="Trekk «${m.title}»">Trekk</a>`
      : '–'
  }</td>
</tr>`,
)}
</tbody>
</table>`,
      )
}`;
}

export function myMeasuresPage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/mine-tiltak',
    signedIn(async (c, person) => {
      const admin = person.roles.includes('admin');
      if (!admin && !person.roles.includes('proposer'))
        throw new Problem('forbidden', 'Mine tiltak er for forslagsstillere og administratorer.');
      const cycles = (await records.cyclesOf(ctx.sql, person.partnership)).filter((cy) => !ENDED.has(cy.phase));
      const measures = await Promise.all(cycles.map((cy) => records.measures(ctx.sql, cy.id)));
      const now = Date.now();
      const body =
        cycles.length === 0
          ? html`<p class="ds-paragraph">Ingen år er under arbeid nå.</p>`
          : html`${cycles.map((cy, i) =>
              cycleSection(
                cy,
                (measures[i] ?? []).filter((m) => admin || m.proposedBy === person.sub),
                now,
              ),
            )}`;
      return render(c, 'Mine tiltak', body, {
        breadcrumbs: [{ label: 'Mine oppgaver', href: '/' }, { label: 'Mine tiltak' }],
      });
    }),
  );
}
