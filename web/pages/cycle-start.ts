/**
 * Starting a cycle, /sykluser/ny, for the administrator only:
 *
 * 1. the form: the year, a grid of frames per funder (the county and each municipality, by name)
 *    and year Y..Y+3, the three deadlines in Oslo time, whether to bring in what Y-1 carried over
 *    (web/pages/cycle-start-form.ts reads it);
 * 2. a confirmation of what will be started, with the money carried over from Y-1 per funder and
 *    the frame for Y it makes;
 * 3. the start through core/ (core/cycle-start.ts, as the API's POST), with the form's key as the
 *    request's id: the same confirmation sent twice starts one cycle and answers with the same
 *    receipt. The receipt links to the new cycle's page.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { formatMoney, parseMoney } from '../../domain/money.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import { cycleIdOf, records, startCycle, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDateTime, formatNok } from '../format.js';
import {
  errorSummary,
  fieldId,
  formErrors,
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
  textField,
  updateIdFor,
  type FormError,
  type FormValues,
} from '../forms.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName } from '../names.js';
import { DEADLINE_NAMES, mayDo, osloTimeField } from './admin-cycle.js';
import {
  DEADLINE_KEYS,
  deadlineField,
  draftValues,
  fieldOrder,
  frameField,
  fundersOf,
  OFFSETS,
  startDefaults,
  startFromForm,
  yearOf,
  type StartDraft,
} from './cycle-start-form.js';
import { render, signedIn, type PageContext } from './render.js';

const CRUMBS = [{ label: 'Mine oppgaver', href: '/' }, { label: 'Start en ny syklus' }];
const CONFIRM_CRUMBS = [
  { label: 'Mine oppgaver', href: '/' },
  { label: 'Start en ny syklus', href: '/sykluser/ny' },
  { label: 'Bekreft' },
];

const REFUSED = {
  conflict:
    'Det finnes allerede en syklus for dette året (også en avsluttet eller avbrutt teller), eller året før er ikke avsluttet, så ingenting kan overføres.',
  invalidInput: 'Rammene eller fristene kan ikke registreres slik de står.',
} as const;

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

function startForm(
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
function draftSummary(config: PartnershipConfig, d: StartDraft, carried: Record<string, string> | null): Html {
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

export function cycleStartPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const context = async (pid: string, values: FormValues) => {
    const partnership = await records.partnership(ctx.sql, pid);
    if (!partnership) throw new Error(`no partnership ${pid} for a signed-in person`);
    const year = yearOf(values);
    const previousYear = (year ?? new Date().getUTCFullYear() + 1) - 1;
    const carried = await records.carriedOver(ctx.sql, cycleIdOf(pid, previousYear));
    return { config: partnership.config, previous: { year: previousYear, carried } };
  };
  const formPage = async (
    c: PageContext,
    pid: string,
    values: FormValues,
    errors: FormError[],
    refusal?: string,
    status = 200,
  ) => {
    const { config, previous } = await context(pid, values);
    return render(
      c,
      'Start en ny syklus',
      html`${refusal ? refusalBox(refusal) : ''}${startForm(c, config, values, errors, previous)}`,
      {
        status,
        breadcrumbs: CRUMBS,
      },
    );
  };

  web.get(
    '/sykluser/ny',
    signedIn(async (c, person) => {
      mayDo(person, 'startCycle');
      const partnership = await records.partnership(ctx.sql, person.partnership);
      if (!partnership) throw new Error(`no partnership ${person.partnership} for a signed-in person`);
      // ?ar=2028 (the link from a closed year's page) asks for that year.
      const asked = yearOf({ year: c.req.query('ar') ?? '' });
      const values = startDefaults(
        partnership.config,
        await records.cyclesOf(ctx.sql, person.partnership),
        Date.now(),
        asked,
      );
      const year = yearOf(values);
      const carried =
        year === null ? null : await records.carriedOver(ctx.sql, cycleIdOf(person.partnership, year - 1));
      if (carried !== null && Object.keys(carried).length > 0) values.carryOver = 'ja';
      return formPage(c, person.partnership, values, []);
    }),
  );

  web.post(
    '/sykluser/ny',
    signedIn(async (c, person) => {
      mayDo(person, 'startCycle');
      const pid = person.partnership;
      const values = await readForm(c);
      const key = postedKey(values);
      if (!key)
        return formPage(
          c,
          pid,
          values,
          [],
          'Skjemaet manglet sin engangsnøkkel. Send det på nytt fra denne siden.',
          400,
        );
      if (text(values, 'endre') === 'ja') return formPage(c, pid, values, []);
      const { config, previous } = await context(pid, values);
      const read = startFromForm(values, config);
      if ('errors' in read) return formPage(c, pid, values, read.errors, undefined, 422);
      const d = read.draft;
      if (d.carryOver && previous.carried === null)
        return formPage(
          c,
          pid,
          values,
          [
            {
              field: 'carryOver',
              message: `Overføring: ${d.year - 1} er ikke avsluttet, så ingenting kan overføres ennå. Fjern krysset, eller avslutt ${d.year - 1} først.`,
            },
          ],
          undefined,
          422,
        );

      if (text(values, 'bekreft') !== 'ja') {
        if (await records.cycle(ctx.sql, cycleIdOf(pid, d.year)))
          return formPage(
            c,
            pid,
            values,
            [
              {
                field: 'year',
                message: `Budsjettår: det finnes allerede en syklus for ${d.year}. Et år kan bare startes én gang.`,
              },
            ],
            undefined,
            422,
          );
        const carried = d.carryOver ? previous.carried : null;
        const again = draftValues(config, d);
        return render(
          c,
          `Starte syklusen for ${d.year}?`,
          html`${draftSummary(config, d, carried)}
<p class="ds-paragraph">Når syklusen er startet, kan forslag meldes inn fram til forslagsfristen. Rammene og overføringen kan ikke endres etterpå.</p>
<form method="post" action="/sykluser/ny" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key, again)}
  <div class="form-buttons">${submitButton('Ja, start syklusen', 'primary', { name: 'bekreft', value: 'ja' })} ${submitButton('Nei, endre', 'secondary', { name: 'endre', value: 'ja' })}</div>
</form>`,
          { breadcrumbs: CONFIRM_CRUMBS },
        );
      }

      let started: Awaited<ReturnType<typeof startCycle>>;
      try {
        started = await startCycle(
          ctx,
          { ...person, partnership: pid },
          pid,
          d,
          updateIdFor(person.sub, 'startCycle', key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        if (err.kind === 'invalidInput' && err.errors?.length) {
          const errors = formErrors(
            err.errors,
            (p) =>
              p.startsWith('frames.')
                ? frameField(p.split('.')[1] ?? '', Number(p.split('.')[2]) - d.year)
                : p.startsWith('deadlines.')
                  ? deadlineField(p.split('.')[1] as 'ipr')
                  : null,
            (f) =>
              f.startsWith('frame-')
                ? 'Rammen med det overførte blir for stor til å registreres.'
                : 'Fristen må være fram i tid, og fristene i rekkefølgen forslag, IPR, kommunestyrene.',
            fieldOrder(config),
            'year',
          );
          return formPage(c, pid, values, errors, undefined, 422);
        }
        return formPage(c, pid, values, [], refusalReason(err, REFUSED), err.status);
      }
      const href = `/sykluser/${encodeURIComponent(started.id)}`;
      return render(
        c,
        'Syklusen er startet',
        receipt(
          `${config.name} ${d.year} er startet.`,
          [
            ['Budsjettår', String(d.year)],
            ...DEADLINE_KEYS.map((k): [string, string] => [DEADLINE_NAMES[k], formatDateTime(d.deadlines[k])]),
            ...fundersOf(config).map((f): [string, string] => [
              `Ramme ${d.year}, ${funderName(config, f)}${d.carryOver ? ' (med det overførte)' : ''}`,
              formatNok(started.frames[f]?.[String(d.year)] ?? '0.00'),
            ]),
          ],
          html`<p class="ds-paragraph"><a class="ds-link" href="${href}">Gå til ${config.name} ${d.year}</a></p>`,
        ),
        { breadcrumbs: CRUMBS },
      );
    }),
  );
}
