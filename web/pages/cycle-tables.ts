/**
 * The parts of a cycle's page that are the same for every reader of the same scope: the measures,
 * each funder's frame, allocated and remaining, and the decision history (web/pages/cycle.ts).
 */
import { html } from 'hono/html';
import type { Allocations } from '../../schema/allocations.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import { formatMoney, parseMoney, sumMoney } from '../../domain/money.js';
import type { CycleStatus } from '../../workflows/messages.js';
import type { MeasureRecord } from '../core.js';
import { formatDateTime, formatNok, MEASURE_STATUS_NAMES } from '../format.js';
import { historyLines } from '../history.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName, type ActorNames } from '../names.js';

export function measureTable(measures: MeasureRecord[], names: ActorNames): Html {
  if (measures.length === 0) return html`<p class="ds-paragraph">Ingen tiltak er sendt inn ennå.</p>`;
  return scrollTable(
    'tiltak',
    html`<table class="ds-table" data-border>
<caption id="tiltak">Tiltakene i syklusen (${measures.length})</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">Ansvarlig</th><th scope="col">Sendt inn av</th><th scope="col">Status</th><th scope="col" class="num">Søkt i alt</th></tr></thead>
<tbody>
${measures.map(
  (m) => html`<tr>
  <th scope="row">${m.title}</th>
  <td>${m.responsible}</td>
  <td>${names(m.proposedBy)}</td>
  <td>${MEASURE_STATUS_NAMES[m.status] ?? m.status}</td>
  <td class="num">${formatNok(formatMoney(sumMoney(Object.values(m.amounts).map(parseMoney))))}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}

/** Each funder's frame, allocated and remaining per year, with the downloads, for the roles that see allocations. */
export function allocationSection(config: PartnershipConfig, cycleId: string, a: Allocations): Html {
  const years = a.years.map(String);
  const basis =
    a.basis.status === 'none'
      ? 'Ingen prioriteringsliste ennå, så ingenting er tildelt.'
      : a.basis.status === 'voting'
        ? `Beregnet fra prioriteringsliste ${a.basis.priorityListVersion}, som er til avstemning: ikke bindende.`
        : `Fra prioriteringsliste ${a.basis.priorityListVersion}, vedtatt av IPR.`;
  const base = `/sykluser/${encodeURIComponent(cycleId)}`;
  const money = (amount: string | undefined) => html`<td class="num">${formatNok(amount ?? '0.00')}</td>`;
  return html`<h2 class="ds-heading" data-size="md">Tildelinger</h2>
<p class="ds-paragraph">${basis} Last ned: <a class="ds-link" href="${base}/fordeling.csv">CSV for Excel</a> · <a class="ds-link" href="${base}/fordeling.xlsx">Excel</a></p>
${scrollTable(
  'rammer',
  html`<table class="ds-table" data-border>
<caption id="rammer">Ramme, tildelt og igjen per finansiør og år</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col">År</th><th scope="col" class="num">Ramme</th><th scope="col" class="num">Tildelt</th><th scope="col" class="num">Igjen</th></tr></thead>
<tbody>
${a.funders.flatMap((f) => years.map((y) => html`<tr><th scope="row">${funderName(config, f.id)}</th><td>${y}</td>${money(f.frame[y])}${money(f.allocated[y])}${money(f.remaining[y])}</tr>`))}
</tbody>
</table>`,
)}`;
}

export function historyTable(config: PartnershipConfig, s: CycleStatus, names: ActorNames): Html {
  const lines = historyLines(config, s.history, names);
  if (lines.length === 0) return html`<p class="ds-paragraph">Ingenting er registrert ennå.</p>`;
  return scrollTable(
    'historikk',
    html`<table class="ds-table" data-border>
<caption id="historikk">Vedtak og hendelser, eldste først</caption>
<thead><tr><th scope="col">Tidspunkt</th><th scope="col">Hvem</th><th scope="col">Hva</th><th scope="col">Grunnlag</th></tr></thead>
<tbody>
${lines.map(
  (l) => html`<tr>
  <td><time datetime="${l.at}">${formatDateTime(l.at)}</time></td>
  <td>${l.actor}</td>
  <td>${l.text}${l.untranslated ? html` <span class="untranslated">Opprinnelig tekst: «<span lang="en">${l.untranslated}</span>»</span>` : ''}</td>
  <td>${l.basis ?? ''}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}
