/**
 * The priority-list editor's tables and hidden fields (web/pages/priority-list.ts draws the pages):
 * each funder's frame, allocated and remaining per year with a frame break beside its figure, the
 * measures' rows with their move buttons, grant choice and amounts, a list as it is put to the
 * vote, and the whole edit as hidden fields for the confirmation step.
 */
import { html } from 'hono/html';
import { formatMoney, parseMoney, sumMoney } from '../../domain/money.js';
import { formatAmount, formatNok } from '../format.js';
import { fieldId, type FormError } from '../forms.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName } from '../names.js';
import { field, type Computed, type EditorState } from '../priority-list.js';
import { cycleHref } from './action-cycle.js';
import type { PrioritisationView } from './prioritisation-data.js';

export const CHOICE_NAMES = { full: 'Fullt', part: 'Delvis', none: 'Ikke' } as const;

export const total = (amounts: string[]) => formatMoney(sumMoney(amounts.map(parseMoney)));
export const hrefOf = (v: PrioritisationView) => `${cycleHref(v.cycle)}/prioritering`;

/** Frame breaks as the form's errors, on the figure they break. */
export function frameErrors(v: PrioritisationView, computed: Computed): FormError[] {
  return computed.violations.map((x) => ({
    field: field.frame(x.funderId, String(x.year)),
    message: `${funderName(v.cycle.config, x.funderId)}, ${x.year}: Listen går ${formatNok(x.excess)} over rammen (ramme ${formatNok(x.frame)}, fordelt ${formatNok(x.allocated)}).`,
  }));
}

export function fundersTable(v: PrioritisationView, computed: Computed, errors: FormError[]): Html {
  const broken = new Map(errors.map((e) => [e.field, e.message]));
  return scrollTable(
    'rammer',
    html`<table class="ds-table" data-border>
<caption id="rammer">Ramme, fordelt og igjen per finansiør og år, med listen slik den står</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col">År</th><th scope="col" class="num">Ramme</th><th scope="col" class="num">Fordelt</th><th scope="col" class="num">Igjen</th></tr></thead>
<tbody>
${computed.funders.flatMap((f) =>
  v.years.map((y) => {
    const name = field.frame(f.funderId, y);
    const message = broken.get(name);
    return html`<tr><th scope="row">${funderName(v.cycle.config, f.funderId)}</th><td>${y}</td><td class="num">${formatNok(f.frame[y] ?? '0.00')}</td><td class="num">${formatNok(f.allocated[y] ?? '0.00')}</td><td class="num" id="${fieldId(name)}" tabindex="-1">${formatNok(f.remaining[y] ?? '0.00')}${message ? html`<div class="ds-validation-message" data-color="danger">Over rammen med ${formatNok(f.remaining[y]!.replace('-', ''))}</div>` : ''}</td></tr>`;
  }),
)}
</tbody>
</table>`,
  );
}

/**
 * The measures in their order, each with its move buttons, grant choice and amounts per year. A
 * field is named by its row's title and its column's heading (aria-labelledby), not by a label of
 * its own: a 500-measure list is then half the bytes.
 */
export function rowsTable(v: PrioritisationView, state: EditorState, computed: Computed, errors: FormError[]): Html {
  const wrong = new Map(errors.map((e) => [e.field, e.message]));
  const ranks = new Map(computed.items.map((it) => [it.measureId, it.rank]));
  const last = state.rows.length - 1;
  return scrollTable(
    'tiltak',
    html`<table class="ds-table priority-rows" data-border>
<caption id="tiltak">Tiltakene i prioritert rekkefølge: flytt, velg tilskudd og skriv delvise beløp per år</caption>
<thead><tr><th scope="col">Nr.</th><th scope="col">Tiltak</th><th scope="col">Flytt</th><th scope="col" id="k-tilskudd">Tilskudd</th>${v.years.map((y) => html`<th scope="col" id="k-${y}"><span class="ds-sr-only">Delvis tilskudd </span>${y}</th>`)}<th scope="col" class="num">I alt</th></tr></thead>
<tbody>
${state.rows.map((row, i) => {
  const m = v.byId.get(row.measureId)!;
  const grants = computed.grants.get(m.id) ?? {};
  const choice = field.choice(m.id);
  // The page comes back at the row moved, so the keyboard goes on from there.
  const move = (dir: 'opp' | 'ned', off: boolean) =>
    html`<button class="ds-button" data-variant="secondary" data-size="sm" type="submit" name="${field.action}" value="${dir}:${m.id}" formaction="prioritering#rad-${m.id}"${off ? ' disabled' : ''}>Flytt<span class="ds-sr-only"> «${m.title}»</span> ${dir}</button>`;
  return html`<tr id="rad-${m.id}"><td>${ranks.get(m.id) ?? '–'}<input type="hidden" name="${field.order}" value="${m.id}"></td><th scope="row" id="t-${m.id}">${m.title}</th>
<td><div class="move-buttons">${move('opp', i === 0)}${move('ned', i === last)}</div>${moveTo(m.id, m.title, row.moveTo ?? '', wrong.get(field.moveTo(m.id)))}</td>
<td><select class="ds-input" id="${fieldId(choice)}" name="${choice}" aria-labelledby="k-tilskudd t-${m.id}"${wrong.has(choice) ? html` aria-invalid="true"` : ''}>${(['full', 'part', 'none'] as const).map((ch) => html`<option value="${ch}"${row.choice === ch ? ' selected' : ''}>${CHOICE_NAMES[ch]}</option>`)}</select></td>
${v.years.map((y) => {
  const name = field.amount(m.id, y);
  const id = fieldId(name);
  const error = wrong.get(name);
  const asked = m.amounts[y] ?? '0.00';
  // What the field shows: the typed part amount; for a full or no grant, the grant itself.
  const value = row.choice === 'part' ? (row.typed[y] ?? '') : row.choice === 'full' ? formatAmount(asked) : '';
  return html`<td><input class="ds-input" inputmode="decimal" id="${id}" name="${name}" value="${value}" aria-labelledby="t-${m.id} k-${y}" aria-describedby="s-${id}${error ? html` ${id}-feil` : ''}"${error ? html` aria-invalid="true"` : ''}><div class="asked" id="s-${id}">Søkt ${formatNok(asked)}</div>${error ? html`<div class="ds-validation-message" data-color="danger" id="${id}-feil">${error}</div>` : ''}</td>`;
})}
<td class="num">${formatNok(total(v.years.map((y) => grants[y] ?? '0.00')))}</td></tr>`;
})}
</tbody>
</table>`,
  );
}

/** "Til plass": a place to move the row to, applied by any button of the form (Beregn, Enter in the field). */
function moveTo(mid: string, title: string, typed: string, error: string | undefined): Html {
  const name = field.moveTo(mid);
  const id = fieldId(name);
  return html`<div class="move-to"><label class="ds-label" data-size="sm" for="${id}">Til plass<span class="ds-sr-only"> for «${title}»</span></label><input class="ds-input" data-size="sm" inputmode="numeric" id="${id}" name="${name}" value="${typed}"${error ? html` aria-invalid="true" aria-describedby="${id}-feil"` : ''}>${error ? html`<div class="ds-validation-message" data-color="danger" id="${id}-feil">${error}</div>` : ''}</div>`;
}

/** The whole edit as hidden fields, for the confirmation step to post again. */
export function stateFields(v: PrioritisationView, state: EditorState): Html {
  return html`${state.rows.map(
    (r) =>
      html`<input type="hidden" name="${field.order}" value="${r.measureId}"><input type="hidden" name="${field.choice(r.measureId)}" value="${r.choice}">${v.years.map((y) => html`<input type="hidden" name="${field.amount(r.measureId, y)}" value="${r.typed[y] ?? ''}">`)}`,
  )}<input type="hidden" name="${field.meetingDate}" value="${state.meetingDate}"><input type="hidden" name="${field.caseNumber}" value="${state.caseNumber}">`;
}

/** A list's measures in rank order with their grants per year and in all (the editor's and the vote page's). */
export function rankedListTable(
  years: readonly string[],
  titleOf: (measureId: string) => string,
  items: readonly { measureId: string; rank: number; grants: Record<string, string> }[],
  caption: string,
  captionId: string,
): Html {
  return scrollTable(
    captionId,
    html`<table class="ds-table" data-border>
<caption id="${captionId}">${caption}</caption>
<thead><tr><th scope="col">Nr.</th><th scope="col">Tiltak</th>${years.map((y) => html`<th scope="col" class="num">${y}</th>`)}<th scope="col" class="num">I alt</th></tr></thead>
<tbody>
${items.map(
  (it) =>
    html`<tr><td>${it.rank}</td><th scope="row">${titleOf(it.measureId)}</th>${years.map((y) => html`<td class="num">${formatNok(it.grants[y] ?? '0.00')}</td>`)}<td class="num">${formatNok(total(years.map((y) => it.grants[y] ?? '0.00')))}</td></tr>`,
)}
</tbody>
</table>`,
  );
}

/** The list as the editor will put it to the vote. */
export const listTable = (
  v: PrioritisationView,
  items: readonly { measureId: string; rank: number; grants: Record<string, string> }[],
  caption: string,
): Html => rankedListTable(v.years, v.title, items, caption, 'liste');
