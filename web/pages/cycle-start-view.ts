/**
 * The start-a-cycle pages' markup (their routes are web/pages/cycle-start.ts): the form with its
 * grid of frames per funder and year, and the summary the confirmation shows, with what year Y-1
 * carries in per funder and the frame for Y it makes.
 */
import { html } from 'hono/html';
import { formatMoney, parseMoney } from '../../domain/money.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import { formatDateTime, formatNok } from '../format.js';
import {
  errorSummary,
  fieldId,
  formKey,
  hiddenFields,
  submitButton,
  text,
  textField,
  type FormError,
  type FormValues,
} from '../forms.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName } from '../names.js';
import { DEADLINE_NAMES, osloTimeField } from './admin-cycle.js';
import {
  DEADLINE_KEYS,
  deadlineField,
  frameField,
  fundersOf,
  OFFSETS,
  yearOf,
  type StartDraft,
} from './cycle-start-form.js';
import type { PageContext } from './render.js';

/** One frame's cell: its input with a label a screen reader gives ("Ramme for Øyer kommune i 2028"), the message beside it on error. */
function frameCell(
  config: PartnershipConfig,
  f: string,
  i: number,
  year: number | null,
  values: FormValues,
  errors: FormError[],
): Html {
  const name = frameField(f, i);
  const id = fieldId(name);
  const error = errors.find((e) => e.field === name)?.message;
  return html`<td><label class="ds-sr-only" for="${id}">Ramme for ${funderName(config, f)} i ${year === null ? `år ${i + 1}` : year + i}</label><input type="text" class="ds-input" id="${id}" name="${name}" inputmode="decimal" value="${text(values, name)}"${error ? html` aria-invalid="true" aria-describedby="${id}-feil"` : ''}>${error ? html`<div class="ds-validation-message" data-color="danger" id="${id}-feil">${error}</div>` : ''}</td>`;
}

export function startForm(
  c: PageContext,
  config: PartnershipConfig,
  values: FormValues,
  errors: FormError[],
  previous: { year: number; carried: Record<string, string> | null },
): Html {
  const year = yearOf(values);
  const yearLabel = (i: number) => (year === null ? `År ${i + 1}` : String(year + i));
  const carriedError = errors.find((e) => e.field === 'carryOver')?.message;
  return html`${errorSummary(errors)}
<form method="post" action="/sykluser/ny" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${textField({ name: 'year', label: 'Budsjettår', description: 'Året planen gjelder fra (Y). Rammene gjelder Y og de tre årene etter.', values, errors, inputmode: 'numeric', short: true })}
  <div class="form-buttons">${submitButton('Vis årene for dette budsjettåret', 'secondary', { name: 'endre', value: 'ja' })}</div>
  <h2 class="ds-heading" data-size="sm">Rammer per finansiør og år</h2>
  <p class="ds-paragraph" id="rammer-hjelp">Beløp i kroner, som 1 250 000 eller 1 250 000,50. Skriv 0 for et år uten ramme. Endrer du budsjettåret, følger beløpene med kolonnene; «Vis årene» viser de nye årstallene.</p>
  ${scrollTable(
    'rammer-tittel',
    html`<table class="ds-table" data-border>
<caption id="rammer-tittel">Rammer per finansiør og år</caption>
<thead><tr><th scope="col">Finansiør</th>${OFFSETS.map((i) => html`<th scope="col">${yearLabel(i)}</th>`)}</tr></thead>
<tbody>
${fundersOf(config).map((f) => html`<tr><th scope="row">${funderName(config, f)}</th>${OFFSETS.map((i) => frameCell(config, f, i, year, values, errors))}</tr>`)}
</tbody>
</table>`,
  )}
  <h2 class="ds-heading" data-size="sm">Frister</h2>
  ${DEADLINE_KEYS.map((k) => osloTimeField(deadlineField(k), DEADLINE_NAMES[k], values, errors))}
  <h2 class="ds-heading" data-size="sm">Overføring fra ${previous.year}</h2>
  <div class="ds-field">
    <input class="ds-input" type="checkbox" id="${fieldId('carryOver')}" name="carryOver" value="ja"${text(values, 'carryOver') === 'ja' ? html` checked` : ''}${carriedError ? html` aria-invalid="true"` : ''} aria-describedby="${fieldId('carryOver')}-beskrivelse${carriedError ? html` ${fieldId('carryOver')}-feil` : ''}">
    <label class="ds-label" data-weight="regular" for="${fieldId('carryOver')}">Ta med pengene som ble overført fra ${previous.year}</label>
    <div data-field="description" id="${fieldId('carryOver')}-beskrivelse">${previous.carried === null ? `${previous.year} er ikke avsluttet, så ingenting er overført ennå.` : `${previous.year} er avsluttet. Det overførte legges til rammen for ${previous.year + 1}; du ser beløpene før du bekrefter.`}</div>
    ${carriedError ? html`<div class="ds-validation-message" data-color="danger" id="${fieldId('carryOver')}-feil">${carriedError}</div>` : ''}
  </div>
  <div class="form-buttons">${submitButton('Gå videre')}</div>
</form>`;
}

/** What will be started: the frames, what Y-1 carries in per funder and the frame for Y it makes, the deadlines. */
export function draftSummary(config: PartnershipConfig, d: StartDraft, carried: Record<string, string> | null): Html {
  const y = String(d.year);
  return html`<dl class="facts"><dt>Budsjettår</dt><dd>${d.year}</dd>${DEADLINE_KEYS.map((k) => html`<dt>${DEADLINE_NAMES[k]}</dt><dd><time datetime="${d.deadlines[k]}">${formatDateTime(d.deadlines[k])}</time></dd>`)}</dl>
${scrollTable(
  'bekreft-rammer',
  html`<table class="ds-table" data-border>
<caption id="bekreft-rammer">Rammer per finansiør og år, slik de ble skrevet</caption>
<thead><tr><th scope="col">Finansiør</th>${OFFSETS.map((i) => html`<th scope="col" class="num">${d.year + i}</th>`)}</tr></thead>
<tbody>${fundersOf(config).map((f) => html`<tr><th scope="row">${funderName(config, f)}</th>${OFFSETS.map((i) => html`<td class="num">${formatNok(d.frames[f]?.[String(d.year + i)] ?? '0.00')}</td>`)}</tr>`)}</tbody>
</table>`,
)}
<h2 class="ds-heading" data-size="sm">Overført fra ${d.year - 1}</h2>
${
  carried === null
    ? html`<p class="ds-paragraph">Ingenting overføres fra ${d.year - 1}: overføring er ikke valgt.</p>`
    : scrollTable(
        'overfort',
        html`<table class="ds-table" data-border>
<caption id="overfort">Overført fra ${d.year - 1} og rammen for ${d.year} med det</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col" class="num">Ramme ${d.year} skrevet</th><th scope="col" class="num">Overført fra ${d.year - 1}</th><th scope="col" class="num">Ramme ${d.year} i alt</th></tr></thead>
<tbody>${fundersOf(config).map((f) => {
          const typed = d.frames[f]?.[y] ?? '0.00';
          const brought = carried[f] ?? '0.00';
          return html`<tr><th scope="row">${funderName(config, f)}</th><td class="num">${formatNok(typed)}</td><td class="num">${formatNok(brought)}</td><td class="num">${formatNok(formatMoney(parseMoney(typed).plus(parseMoney(brought))))}</td></tr>`;
        })}</tbody>
</table>`,
      )
}`;
}
