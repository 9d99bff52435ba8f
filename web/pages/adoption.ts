/**
 * A clerk's council decision, /sykluser/{cid}/vedtak, for the clerk's own municipality only:
 *
 * 1. what the council is asked to adopt: the municipality's share of every granted measure per
 *    year with the total, the priority list it comes from (version, meeting date, case number)
 *    and the deadline;
 * 2. the decision form: adopted, adopted with lower amounts (per year; a year left empty is not
 *    named by the decision) or rejected, the case number and the date (not in the future);
 * 3. a confirmation step that says what happens next (a lower amount or a rejection sends the
 *    year back to the IPR), then the decision recorded with the form's key as the Update id, and
 *    a receipt.
 * Over 300 lines: the page's three steps (what is asked, the form, the confirmation) share its reading of the cycle and its refusals.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  AdoptionRequest,
  cycleStatus,
  Problem,
  records,
  recordAdoption,
  updateCycleOnce,
  type AdoptionState,
  type CycleRecord,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { ADOPTION_DECISION_NAMES, formatDate, formatDateTime, formatNok, municipalityName } from '../format.js';
import {
  choiceField,
  errorSummary,
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
  zodPaths,
  updateIdFor,
  type FormError,
  type FormValues,
} from '../forms.js';
import { parseMoneyInput, parsePastDateInput } from '../input.js';
import { scrollTable, type Html } from '../layout.js';
import { actorOf, cycleHref, cycleOf, cycleTitle, planYears } from './action-cycle.js';
import { render, signedIn, type PageContext } from './render.js';
import type { AdoptionDecision } from '../../workflows/messages.js';
import type { Allocations } from '../../schema/allocations.js';

const REFUSED = {
  conflict:
    'Kommunestyrets vedtak for denne runden er allerede registrert, eller kommunen trenger ikke vedta på nytt i denne runden.',
  forbidden: 'Du kan bare registrere vedtak for din egen kommune.',
  wrongPhase: 'Syklusen venter ikke på kommunestyrenes vedtak nå.',
} as const;

const amountField = (year: string) => `amount-${year}`;

interface Asked {
  cycle: CycleRecord;
  municipality: string;
  name: string;
  adoption: AdoptionState | null;
  allocations: Allocations | null;
  list: { version: number; date: string; caseNumber: string } | null;
}

function clerkMunicipality(person: Person): string {
  if (!person.roles.includes('municipal_clerk') || !person.municipality)
    throw new Problem('forbidden', 'Vedtak registreres av saksbehandleren i kommunen.');
  return person.municipality;
}

async function asked(ctx: WebContext, cycle: CycleRecord, municipality: string): Promise<Asked> {
  const [status, lists, snapshot] = await Promise.all([
    cycleStatus(ctx, cycle.id),
    records.priorityLists(ctx.sql, cycle.id),
    ctx.allocations.get(cycle.id),
  ]);
  const adoption =
    status.adoptions.filter((a) => a.municipality === municipality).sort((a, b) => b.round - a.round)[0] ?? null;
  // adoptedListVersion is set once the year is adopted; during adoption the list is the one the IPR adopted.
  const version =
    status.adoptedListVersion ??
    [...status.priorityLists].reverse().find((l) => l.status === 'adopted')?.version ??
    null;
  const list = version === null ? null : (lists.find((l) => l.version === version) ?? null);
  const m = cycle.config.municipalities.find((x) => x.id === municipality);
  return {
    cycle,
    municipality,
    name: municipalityName(m?.name ?? municipality),
    // the latest round's: a council that need not adopt again keeps its earlier decision
    adoption,
    allocations: snapshot?.allocations ?? null,
    list: list ? { version: list.version, date: list.meeting.date, caseNumber: list.meeting.caseNumber } : null,
  };
}

/** The municipality's share of every granted measure per year, and the total asked of the council. */
function askedTable(a: Asked): Html {
  const years = planYears(a.cycle);
  const rows = (a.allocations?.measures ?? []).filter((m) =>
    years.some((y) => (m.shares[a.municipality]?.[y] ?? '0.00') !== '0.00'),
  );
  const requested = a.adoption?.requested ?? {};
  return scrollTable(
    'andel',
    html`<table class="ds-table" data-border>
<caption id="andel">${a.name}s andel av hvert innvilget tiltak, per år</caption>
<thead><tr><th scope="col">Tiltak</th>${years.map((y) => html`<th scope="col" class="num">${y}</th>`)}</tr></thead>
<tbody>
${rows.map((m) => html`<tr><th scope="row">${m.title}</th>${years.map((y) => html`<td class="num">${formatNok(m.shares[a.municipality]?.[y] ?? '0.00')}</td>`)}</tr>`)}
<tr class="sum"><th scope="row">Til vedtak i alt</th>${years.map((y) => html`<td class="num">${formatNok(requested[y] ?? '0.00')}</td>`)}</tr>
</tbody>
</table>`,
  );
}

function askedSection(a: Asked): Html {
  const ad = a.adoption;
  return html`<dl class="facts">
  <dt>Prioriteringsliste</dt><dd>${a.list ? html`Versjon ${a.list.version}, vedtatt av IPR i møte ${formatDate(a.list.date)}, sak ${a.list.caseNumber}` : 'Ingen vedtatt liste ennå'}</dd>
  ${ad ? html`<dt>Runde</dt><dd>${ad.round}</dd><dt>Frist for vedtaket</dt><dd><time datetime="${ad.dueAt}">${formatDateTime(ad.dueAt)}</time>${ad.overdue ? html` <span class="ds-tag" data-color="danger">Forfalt</span>` : ''}</dd>` : ''}
</dl>
${askedTable(a)}`;
}

function decisionForm(c: PageContext, a: Asked, values: FormValues, errors: FormError[]): Html {
  const years = planYears(a.cycle);
  const requested = a.adoption?.requested ?? {};
  return html`<h2 class="ds-heading" data-size="md">Kommunestyrets vedtak</h2>
${errorSummary(errors)}
<form method="post" action="${c.req.path}" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${choiceField({
    name: 'decision',
    legend: 'Hva vedtok kommunestyret?',
    type: 'radio',
    values,
    errors,
    groups: [
      {
        choices: [
          { value: 'adopted', label: 'Vedtatt som foreslått' },
          { value: 'reduced', label: 'Vedtatt med lavere beløp', description: 'Skriv de vedtatte beløpene nedenfor.' },
          { value: 'rejected', label: 'Avvist' },
        ],
      },
    ],
  })}
  <fieldset class="ds-fieldset">
    <legend class="ds-label">Vedtatte beløp per år (bare ved lavere beløp)</legend>
    <p class="ds-paragraph" data-field="description">La et år stå tomt om vedtaket ikke sier noe om det året; da står det foreslåtte beløpet.</p>
    ${years.map((y) => textField({ name: amountField(y), label: y, description: `Foreslått: ${formatNok(requested[y] ?? '0.00')}`, values, errors, inputmode: 'decimal', short: true }))}
  </fieldset>
  ${textField({ name: 'caseNumber', label: 'Saksnummer', description: 'Kommunestyrets saksnummer, for eksempel 45/26.', values, errors, short: true })}
  ${textField({ name: 'decidedOn', label: 'Vedtaksdato', description: 'Dagen kommunestyret vedtok, som dag.måned.år, for eksempel 15.10.2026. Ikke fram i tid.', values, errors, short: true })}
  <div class="form-buttons">${submitButton('Gå videre')}</div>
</form>`;
}

interface Decision {
  decision: AdoptionDecision;
  amounts?: Record<string, string>;
  caseNumber: string;
  decidedOn: string;
}

/** The decision the form describes, checked as the API checks it (schema/api.ts AdoptionRequest), or its errors. */
export function decisionFromForm(
  values: FormValues,
  years: string[],
  now = Date.now(),
): { decision: Decision } | { errors: FormError[] } {
  const errors: FormError[] = [];
  const decision = text(values, 'decision');
  if (!['adopted', 'reduced', 'rejected'].includes(decision))
    errors.push({ field: 'decision', message: 'Velg hva kommunestyret vedtok.' });
  const amounts: Record<string, string> = {};
  if (decision === 'reduced') {
    for (const y of years) {
      const parsed = parseMoneyInput(text(values, amountField(y)));
      if (!parsed.ok) errors.push({ field: amountField(y), message: `${y}: ${parsed.message}` });
      else if (parsed.value !== null) amounts[y] = parsed.value;
    }
    if (errors.every((e) => !e.field.startsWith('amount-')) && Object.keys(amounts).length === 0) {
      errors.push({ field: amountField(years[0] ?? ''), message: 'Skriv det vedtatte beløpet for minst ett år.' });
    }
  }
  const date = parsePastDateInput(text(values, 'decidedOn'), now);
  if (!date.ok) errors.push({ field: 'decidedOn', message: `Vedtaksdato: ${date.message}` });
  const candidate = {
    decision,
    ...(decision === 'reduced' ? { amounts } : {}),
    caseNumber: text(values, 'caseNumber'),
    decidedOn: date.ok ? date.value : '1900-01-01',
  };
  const parsed = AdoptionRequest.safeParse(candidate);
  if (!parsed.success) {
    const seen = new Set(errors.map((e) => e.field));
    const fromSchema = formErrors(
      zodPaths(parsed.error),
      (p) =>
        p.startsWith('caseNumber')
          ? 'caseNumber'
          : p.startsWith('decision')
            ? 'decision'
            : p.startsWith('amounts')
              ? amountField(p.split('.')[1] ?? years[0] ?? '')
              : null,
      (f) =>
        f === 'caseNumber'
          ? 'Skriv saksnummeret (høyst 50 tegn).'
          : f === 'decision'
            ? 'Velg hva kommunestyret vedtok.'
            : 'Beløpet kan ikke registreres.',
      ['decision', ...years.map(amountField), 'caseNumber', 'decidedOn'],
      'decision',
    ).filter((e) => !seen.has(e.field));
    errors.push(...fromSchema);
  }
  if (errors.length || !parsed.success) {
    const order = ['decision', ...years.map(amountField), 'caseNumber', 'decidedOn'];
    return { errors: errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)) };
  }
  return { decision: parsed.data as Decision };
}

function nextStep(d: AdoptionDecision, name: string): string {
  if (d === 'adopted')
    return `${name}s andel er vedtatt. Når alle kommunestyrene har vedtatt sine andeler, er årets plan vedtatt.`;
  if (d === 'reduced')
    return `Et lavere beløp gjør rammen mindre: året går tilbake til IPR, som må prioritere på nytt innenfor de nye rammene og stemme over en ny liste. Kommuner som da får en høyere andel, må vedta på nytt.`;
  return `En avvisning gjør at ${name} ikke er med i fordelingen de årene vedtaket gjelder: året går tilbake til IPR, som må prioritere på nytt og stemme over en ny liste.`;
}

function decisionLines(d: Decision, years: string[]): [string, string][] {
  return [
    ['Vedtak', ADOPTION_DECISION_NAMES[d.decision] ?? d.decision],
    ...years
      .filter((y) => d.amounts?.[y] !== undefined)
      .map((y): [string, string] => [`Vedtatt for ${y}`, formatNok(d.amounts?.[y] as string)]),
    ['Saksnummer', d.caseNumber],
    ['Vedtaksdato', formatDate(d.decidedOn)],
  ];
}

export function adoptionPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const crumbs = (cycle: CycleRecord, last?: string) => [
    { label: 'Mine oppgaver', href: '/' },
    { label: cycleTitle(cycle), href: cycleHref(cycle) },
    ...(last
      ? [{ label: 'Kommunestyrets vedtak', href: `${cycleHref(cycle)}/vedtak` }, { label: last }]
      : [{ label: 'Kommunestyrets vedtak' }]),
  ];
  const page = (c: PageContext, a: Asked, values: FormValues, errors: FormError[], refusal?: string, status = 200) => {
    const pending = a.cycle.phase === 'adoption' && a.adoption !== null && a.adoption.decision === null;
    const done = a.adoption?.decision
      ? html`<div class="ds-alert" data-color="info"><p class="ds-paragraph">Vedtaket for runde ${a.adoption.round} er registrert: ${ADOPTION_DECISION_NAMES[a.adoption.decision]}, sak ${a.adoption.caseNumber ?? ''}, ${formatDate(a.adoption.decidedOn)}.</p></div>`
      : a.cycle.phase !== 'adoption'
        ? html`<p class="ds-paragraph">Syklusen venter ikke på kommunestyrenes vedtak nå.</p>`
        : html`<p class="ds-paragraph">${a.name} trenger ikke vedta i denne runden.</p>`;
    return render(
      c,
      `${a.name}: vedtak for ${cycleTitle(a.cycle)}`,
      html`${refusal ? refusalBox(refusal) : ''}
<h2 class="ds-heading" data-size="md">Hva kommunestyret skal vedta</h2>
${askedSection(a)}
${pending ? decisionForm(c, a, values, errors) : done}`,
      { status, breadcrumbs: crumbs(a.cycle) },
    );
  };

  web.get(
    '/sykluser/:cid/vedtak',
    signedIn(async (c, person) => {
      const municipality = clerkMunicipality(person);
      const cycle = await cycleOf(ctx, c, person);
      return page(c, await asked(ctx, cycle, municipality), {}, []);
    }),
  );

  web.post(
    '/sykluser/:cid/vedtak',
    signedIn(async (c, person) => {
      const municipality = clerkMunicipality(person);
      const cycle = await cycleOf(ctx, c, person);
      const values = await readForm(c);
      const a = await asked(ctx, cycle, municipality);
      const years = planYears(cycle);
      const key = postedKey(values);
      if (!key)
        return page(c, a, values, [], 'Skjemaet manglet sin engangsnøkkel. Send det på nytt fra denne siden.', 400);
      const read = decisionFromForm(values, years);
      if ('errors' in read) return page(c, a, values, read.errors, undefined, 422);
      const d = read.decision;

      if (text(values, 'bekreft') !== 'ja') {
        // Confirmation: what will be recorded and what follows; the values go on as hidden fields, read again the same way.
        const carried: Record<string, string> = {
          decision: d.decision,
          caseNumber: d.caseNumber,
          decidedOn: d.decidedOn,
          bekreft: 'ja',
        };
        for (const [y, amount] of Object.entries(d.amounts ?? {})) carried[amountField(y)] = amount;
        return render(
          c,
          'Bekreft kommunestyrets vedtak',
          html`<dl class="facts">${decisionLines(d, years).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<div class="ds-alert" data-color="${d.decision === 'adopted' ? 'info' : 'warning'}"><h2 class="ds-heading" data-size="xs">Hva skjer nå</h2><p class="ds-paragraph">${nextStep(d.decision, a.name)}</p></div>
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key, carried)}
  <div class="form-buttons">${submitButton('Ja, registrer vedtaket')} <a class="ds-link" href="${c.req.path}">Nei, tilbake til skjemaet</a></div>
</form>`,
          { breadcrumbs: crumbs(cycle, 'Bekreft') },
        );
      }

      let recorded: AdoptionState;
      try {
        recorded = await updateCycleOnce(
          ctx,
          cycle.id,
          recordAdoption,
          { actor: actorOf(person), adoption: { municipality, ...d } },
          updateIdFor(person.sub, `recordAdoption-${municipality}`, key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        if (err.kind === 'invalidInput' && err.errors?.length) {
          const errors = formErrors(
            err.errors,
            (p) =>
              p.startsWith('amounts')
                ? amountField(p.split('.')[1] ?? years[0] ?? '')
                : p === 'caseNumber' || p === 'decidedOn' || p === 'decision'
                  ? p
                  : null,
            (f, p) =>
              f.startsWith('amount-')
                ? p === 'amounts'
                  ? 'Med «vedtatt med lavere beløp» må minst ett år være lavere enn foreslått; ellers velg «vedtatt som foreslått».'
                  : `${f.slice('amount-'.length)}: beløpet kan ikke være høyere enn det foreslåtte.`
                : f === 'decidedOn'
                  ? 'Vedtaksdatoen kan ikke registreres.'
                  : 'Dette feltet kan ikke registreres.',
            ['decision', ...years.map(amountField), 'caseNumber', 'decidedOn'],
            'decision',
          );
          return page(c, await asked(ctx, cycle, municipality), values, errors, undefined, 422);
        }
        return page(c, await asked(ctx, cycle, municipality), values, [], refusalReason(err, REFUSED), err.status);
      }
      // What the workflow recorded (the first post's, when this form was posted twice); years a lower decision left out keep the requested amount.
      const shown: Decision = recorded.decision
        ? {
            decision: recorded.decision,
            ...(recorded.decision === 'reduced' && d.amounts
              ? {
                  amounts: Object.fromEntries(
                    Object.keys(d.amounts).map((y) => [y, recorded.amounts?.[y] ?? d.amounts?.[y] ?? '0.00']),
                  ),
                }
              : {}),
            caseNumber: recorded.caseNumber ?? d.caseNumber,
            decidedOn: recorded.decidedOn ?? d.decidedOn,
          }
        : d;
      return render(
        c,
        'Vedtaket er registrert',
        receipt(
          `${a.name}s vedtak er registrert for ${cycleTitle(cycle)}.`,
          [...decisionLines(shown, years), ['Hva skjer nå', nextStep(shown.decision, a.name)]],
          html`<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}">${cycleTitle(cycle)}</a> · <a class="ds-link" href="/">Mine oppgaver</a></p>`,
        ),
        { breadcrumbs: crumbs(cycle, 'Kvittering') },
      );
    }),
  );
}
