/**
 * The year-end close, /sykluser/{cid}/arsavslutning, for the administrator only:
 *
 * 1. a preview per funder of what the close would record (docs/domain.md's money rules: the money
 *    never allocated, the money granted but not spent, and what each funder carries over by what it
 *    pays in), computed by the workflow itself with the close's own code (workflows/ledger.ts
 *    yearEndFor, through the yearEndPreview query), for both choices: carry over or release;
 * 2. the choice, then a confirmation with the chosen figures;
 * 3. the close as an Update with the form's key as its id, and a receipt of what was recorded.
 *
 * A closed cycle shows what its close recorded.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { paysInOf, type PartnershipConfig } from '../../schema/partnership.js';
import {
  closeCycle,
  cycleStatus,
  records,
  updateCycleOnce,
  yearEndPreview,
  type CycleRecord,
  type WebContext,
  type YearEndRow,
} from '../core.js';
import type { WebEnv } from '../env.js';
import { formatNok } from '../format.js';
import {
  choiceField,
  formKey,
  hiddenFields,
  isRefusal,
  postedKey,
  readForm,
  receipt,
  refusalBox,
  refusalReason,
  submitButton,
  text,
  updateIdFor,
  type FormValues,
} from '../forms.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName } from '../names.js';
import { actorOf, cycleHref, cycleTitle } from './action-cycle.js';
import { adminCrumbs, adminCycle, nothingToDo } from './admin-cycle.js';
import { render, signedIn, type PageContext } from './render.js';

const PATH = 'arsavslutning';
const LABEL = 'Årsavslutning';
const PAYS_IN_NAMES = { frame: 'hele rammen', 'adopted-share': 'den vedtatte andelen' } as const;

/** Per funder: frame, allocated, spent, the unspent money in its two parts, what carries over and what is released. */
export function yearEndTable(
  config: PartnershipConfig,
  year: number,
  rows: YearEndRow[],
  id: string,
  caption: string,
): Html {
  const money = (m: string) => html`<td class="num">${formatNok(m)}</td>`;
  return scrollTable(
    id,
    html`<table class="ds-table" data-border>
<caption id="${id}">${caption}</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col">Betaler inn</th><th scope="col" class="num">Ramme ${year}</th><th scope="col" class="num">Tildelt</th><th scope="col" class="num">Brukt</th><th scope="col" class="num">Aldri tildelt</th><th scope="col" class="num">Tildelt, ikke brukt</th><th scope="col" class="num">Overføres til ${year + 1}</th><th scope="col" class="num">Frigis</th></tr></thead>
<tbody>
${rows.map(
  (r) =>
    html`<tr><th scope="row">${funderName(config, r.funderId)}</th><td>${PAYS_IN_NAMES[paysInOf(config, r.funderId)]}</td>${money(r.frame)}${money(r.allocated)}${money(r.spent)}${money(r.neverAllocated)}${money(r.grantedUnspent)}${money(r.carriedOver)}${money(formatMoney(parseMoney(r.unspent).minus(parseMoney(r.carriedOver))))}</tr>`,
)}
</tbody>
</table>`,
  );
}

const RULES = html`<p class="ds-paragraph">Penger som ikke er brukt, er av to slag: det som aldri ble tildelt (rammen minus det tildelte), og det som ble tildelt, men ikke brukt. Ved overføring tar fylkeskommunen, som betaler inn hele rammen, med seg begge deler; en kommune, som betaler inn den vedtatte andelen, tar med seg det som ble tildelt, men ikke brukt. Frigis pengene, overføres ingenting.</p>`;

const choiceName = (carry: boolean) => (carry ? 'Overfør til neste år' : 'Frigi alt');

export function yearEndPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const page = async (c: PageContext, cycle: CycleRecord, values: FormValues, refusal?: string, status = 200) => {
    const title = `Årsavslutning for ${cycleTitle(cycle)}`;
    const crumbs = adminCrumbs(cycle, LABEL, PATH);
    if (cycle.phase === 'closed') {
      const s = await cycleStatus(ctx, cycle.id);
      return render(
        c,
        title,
        html`${refusal ? refusalBox(refusal) : ''}<p class="ds-paragraph">Året er avsluttet. Dette ble registrert:</p>${yearEndTable(cycle.config, cycle.year, s.yearEnd ?? [], 'registrert', `Registrert ved årsavslutningen for ${cycle.year}`)}`,
        { status, breadcrumbs: crumbs },
      );
    }
    const preview = cycle.phase === 'adopted' ? await yearEndPreview(ctx, cycle.id) : null;
    if (!preview)
      return render(
        c,
        title,
        html`${refusal ? refusalBox(refusal) : ''}${nothingToDo(cycle, 'Året kan avsluttes først når planen er vedtatt av alle kommunestyrene.')}`,
        {
          status,
          breadcrumbs: crumbs,
        },
      );
    return render(
      c,
      title,
      html`${refusal ? refusalBox(refusal) : ''}${RULES}
${yearEndTable(cycle.config, cycle.year, preview.carryOver, 'med-overforing', `Med overføring: per finansiør, slik det står nå`)}
${yearEndTable(cycle.config, cycle.year, preview.released, 'uten-overforing', `Uten overføring: alt frigis`)}
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${choiceField({
    name: 'carryOver',
    legend: 'Hva skal skje med pengene som ikke er brukt?',
    type: 'radio',
    values: text(values, 'carryOver') ? values : { carryOver: 'ja' },
    errors: [],
    groups: [
      {
        choices: [
          { value: 'ja', label: choiceName(true) },
          { value: 'nei', label: choiceName(false) },
        ],
      },
    ],
  })}
  <div class="form-buttons">${submitButton('Gå videre')}</div>
</form>`,
      { status, breadcrumbs: crumbs },
    );
  };

  web.get(
    `/sykluser/:cid/${PATH}`,
    signedIn(async (c, person) => page(c, await adminCycle(ctx, c, person, 'closeCycle'), {})),
  );

  web.post(
    `/sykluser/:cid/${PATH}`,
    signedIn(async (c, person) => {
      const cycle = await adminCycle(ctx, c, person, 'closeCycle');
      const values = await readForm(c);
      const key = postedKey(values);
      if (!key) return page(c, cycle, values, 'Skjemaet manglet sin engangsnøkkel. Prøv på nytt.', 400);
      const carryOver = text(values, 'carryOver') !== 'nei';
      if (text(values, 'bekreft') !== 'ja') {
        const preview = cycle.phase === 'adopted' ? await yearEndPreview(ctx, cycle.id) : null;
        if (!preview) return page(c, cycle, values);
        return render(
          c,
          `Avslutte ${cycleTitle(cycle)}?`,
          html`<dl class="facts"><dt>Valg</dt><dd>${choiceName(carryOver)}</dd></dl>
${yearEndTable(cycle.config, cycle.year, carryOver ? preview.carryOver : preview.released, 'bekreft', `Dette registreres per finansiør`)}
<div class="ds-alert" data-color="warning"><p class="ds-paragraph">Årsavslutningen kan ikke gjøres om. Etterpå tas det ikke imot flere rapporter for ${cycle.year}.${carryOver ? ` Det som overføres, kan tas med når ${cycle.year + 1} startes.` : ''}</p></div>
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key, { carryOver: carryOver ? 'ja' : 'nei', bekreft: 'ja' })}
  <div class="form-buttons">${submitButton('Ja, avslutt året')} <a class="ds-link" href="${c.req.path}">Nei, tilbake</a></div>
</form>`,
          { breadcrumbs: adminCrumbs(cycle, LABEL, PATH, 'Bekreft') },
        );
      }
      let rows: YearEndRow[];
      try {
        const status = await updateCycleOnce(
          ctx,
          cycle.id,
          closeCycle,
          { actor: actorOf(person), carryOver },
          updateIdFor(person.sub, 'closeCycle', key),
        );
        rows = status.yearEnd ?? [];
      } catch (err) {
        if (!isRefusal(err)) throw err;
        // A second send after the close (a reload) finds the cycle closed: show what the close recorded.
        const now = (await records.cycle(ctx.sql, cycle.id)) ?? cycle;
        return page(
          c,
          now,
          values,
          refusalReason(err, {
            wrongPhase: 'Året kan bare avsluttes når planen er vedtatt og året ikke alt er avsluttet.',
          }),
          err.status,
        );
      }
      return render(
        c,
        'Året er avsluttet',
        html`${receipt(`${cycleTitle(cycle)} er avsluttet.`, [['Valg', choiceName(carryOver)]])}
${yearEndTable(cycle.config, cycle.year, rows, 'registrert', `Registrert ved årsavslutningen for ${cycle.year}`)}
<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}">Til ${cycleTitle(cycle)}</a> · <a class="ds-link" href="/sykluser/ny?ar=${cycle.year + 1}">Start ${cycle.year + 1}</a></p>`,
        { breadcrumbs: adminCrumbs(cycle, LABEL, PATH, 'Kvittering') },
      );
    }),
  );
}
