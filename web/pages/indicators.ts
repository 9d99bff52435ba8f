/**
 * The year's indicator values, /sykluser/{cid}/indikatorer: the plan's indicators (name, unit,
 * baseline and target as the plan states them) for everyone in the partnership, each with a chart
 * of its values year by year (every cycle's reported values) against the plan's baseline and
 * target, and its table; for the administrator, while the plan is adopted, a form for a year's
 * values (the cycle's year, or an earlier one the plan lacks), numbers typed the Norwegian way
 * (web/decimal.ts). Recorded through the cycle's Update with the form's key; a receipt.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  executionRecords,
  IndicatorsRequest,
  Problem,
  records,
  reportIndicators,
  updateCycleOnce,
  type CycleRecord,
  type IndicatorValueRecord,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { chartBlock } from '../charts/chart-figure.js';
import { lineChart } from '../charts/line.js';
import { parseDecimalInput, withUnit } from '../decimal.js';
import {
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
  updateIdFor,
  zodPaths,
  type FormError,
  type FormValues,
} from '../forms.js';
import { planIndicator, type PlanIndicator } from '../indicator-plan.js';
import type { Html } from '../layout.js';
import { actorOf, cycleHref, cycleOf, cycleTitle } from './action-cycle.js';
import { executionHref } from './execution.js';
import { render, signedIn, type PageContext } from './render.js';

const REFUSED = {
  wrongPhase: 'Indikatorverdier registreres mens planen er vedtatt (fasen «Vedtatt»); syklusen er ikke i den fasen nå.',
  forbidden: 'Bare administratoren registrerer indikatorverdier.',
} as const;

export const valueField = (id: string) => `value-${id}`;

const isAdmin = (person: Person) => person.roles.includes('admin');

interface IndicatorValues {
  year: number;
  values: { indicator: string; value: string }[];
}

/**
 * The values the form describes, checked as the API checks them (schema/api IndicatorsRequest), or
 * its errors: the year from 2000 to the cycle's, each value a number as typed (empty: not
 * reported), at least one.
 */
export function indicatorsFromForm(
  values: FormValues,
  indicators: Pick<PlanIndicator, 'id'>[],
  cycleYear: number,
): { report: IndicatorValues } | { errors: FormError[] } {
  const errors: FormError[] = [];
  const typedYear = text(values, 'year').trim();
  const year = /^\d{4}$/.test(typedYear) ? Number(typedYear) : NaN;
  if (!(year >= 2000 && year <= cycleYear))
    errors.push({ field: 'year', message: `Skriv et årstall fra 2000 til ${cycleYear}.` });
  const read: { indicator: string; value: string }[] = [];
  for (const i of indicators) {
    const parsed = parseDecimalInput(text(values, valueField(i.id)));
    if (!parsed.ok) errors.push({ field: valueField(i.id), message: `Indikator ${i.id}: ${parsed.message}` });
    else if (parsed.value !== null) read.push({ indicator: i.id, value: parsed.value });
  }
  if (errors.length === 0 && read.length === 0)
    errors.push({ field: valueField(indicators[0]?.id ?? ''), message: 'Skriv verdien for minst én indikator.' });
  const parsed = IndicatorsRequest.safeParse({ year, values: read });
  if (!parsed.success && errors.length === 0)
    errors.push(
      ...formErrors(
        zodPaths(parsed.error),
        (p) => {
          const i = /^values\.(\d+)/.exec(p)?.[1];
          return p === 'year' ? 'year' : i !== undefined ? valueField(read[Number(i)]?.indicator ?? '') : null;
        },
        (f) => (f === 'year' ? `Skriv et årstall fra 2000 til ${cycleYear}.` : 'Verdien kan ikke registreres.'),
        ['year', ...indicators.map((i) => valueField(i.id))],
        'year',
      ),
    );
  return errors.length || !parsed.success ? { errors } : { report: { year, values: read } };
}

async function planOf(ctx: WebContext, cycle: CycleRecord): Promise<PlanIndicator[]> {
  const plan = (await records.partnership(ctx.sql, cycle.partnership))?.plan;
  return (plan?.indicators ?? []).map(planIndicator);
}

function indicatorSection(i: PlanIndicator, values: IndicatorValueRecord[]): Html {
  const own = values.filter((v) => v.indicator === i.id);
  // A chart needs a number: with no value registered and a plan that states no level, a sentence says so.
  const figures =
    own.length || i.baseline || i.target
      ? chartBlock(
          lineChart(`indikator-${i.id}`, {
            title: i.title,
            unit: i.unit,
            values: own.map((v) => ({ year: v.year, value: v.value })),
            baseline: i.baseline,
            target: i.target,
          }),
        )
      : html`<p class="ds-paragraph">Ingen verdier er registrert ennå, og planen oppgir utgangspunkt og mål i ord, ikke som tall.</p>`;
  return html`<section class="execution-part" aria-labelledby="indikator-${i.id}-navn">
<h3 class="ds-heading" data-size="sm" id="indikator-${i.id}-navn">Indikator ${i.id}: ${i.title}</h3>
<dl class="facts">
  <dt>Utgangspunkt</dt><dd>${i.baselineText ?? 'Ikke oppgitt i planen'}</dd>
  <dt>Mål</dt><dd>${i.targetText ?? 'Ikke oppgitt i planen'}</dd>
  <dt>Enhet</dt><dd>${i.unit === '%' ? 'Prosent' : 'Antall eller tall uten enhet'}</dd>
</dl>
${figures}
</section>`;
}

function valuesForm(
  c: PageContext,
  cycle: CycleRecord,
  indicators: PlanIndicator[],
  values: FormValues,
  errors: FormError[],
): Html {
  const shown: FormValues = { year: String(cycle.year), ...values };
  return html`<h2 class="ds-heading" data-size="md" id="registrer">Registrer verdier</h2>
${errorSummary(errors)}
<form method="post" action="${c.req.path}" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${textField({ name: 'year', label: 'År', description: `Året verdiene gjelder: ${cycle.year}, eller et tidligere år som mangler.`, values: shown, errors, inputmode: 'numeric', short: true })}
  <fieldset class="ds-fieldset">
    <legend class="ds-label">Verdier</legend>
    <p class="ds-paragraph" data-field="description">Med desimalkomma, for eksempel 86,2. La en indikator stå tom om den ikke har noen verdi for året; en verdi som er registrert før, for samme år, blir erstattet.</p>
    ${indicators.map((i) => textField({ name: valueField(i.id), label: `Indikator ${i.id}${i.unit ? ` (${i.unit})` : ''}: ${i.title}`, values: shown, errors, inputmode: 'decimal', short: true }))}
  </fieldset>
  <div class="form-buttons">${submitButton('Registrer verdiene')}</div>
</form>`;
}

export function indicatorPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const crumbs = (cycle: CycleRecord) => [
    { label: 'Mine oppgaver', href: '/' },
    { label: cycleTitle(cycle), href: cycleHref(cycle) },
    { label: 'Indikatorer' },
  ];
  const page = async (
    c: PageContext,
    cycle: CycleRecord,
    person: Person,
    values: FormValues,
    errors: FormError[],
    top?: Html,
    status = 200,
  ) => {
    const [indicators, recorded] = await Promise.all([
      planOf(ctx, cycle),
      executionRecords.indicatorValues(ctx.sql, cycle.partnership),
    ]);
    const form = isAdmin(person) && cycle.phase === 'adopted' && indicators.length > 0;
    return render(
      c,
      `Indikatorer: ${cycleTitle(cycle)}`,
      html`${top ?? ''}
<p class="ds-paragraph">Planens indikatorer med verdiene som er registrert år for år, mot utgangspunktet og målet i planen. <a class="ds-link" href="${executionHref(cycle)}">Gjennomføringen av tiltakene</a>.</p>
${form ? html`<p class="ds-paragraph"><a class="ds-link" href="#registrer">Registrer verdier for ${cycle.year}</a></p>` : ''}
<h2 class="ds-heading" data-size="md">Indikatorene i planen</h2>
${indicators.length ? indicators.map((i) => indicatorSection(i, recorded)) : html`<p class="ds-paragraph">Planen har ingen indikatorer.</p>`}
${form ? valuesForm(c, cycle, indicators, values, errors) : ''}`,
      { status, breadcrumbs: crumbs(cycle) },
    );
  };

  web.get(
    '/sykluser/:cid/indikatorer',
    signedIn(async (c, person) => page(c, await cycleOf(ctx, c, person), person, {}, [])),
  );

  web.post(
    '/sykluser/:cid/indikatorer',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      if (!isAdmin(person)) throw new Problem('forbidden', REFUSED.forbidden);
      const values = await readForm(c);
      const key = postedKey(values);
      if (!key)
        return page(
          c,
          cycle,
          person,
          values,
          [],
          refusalBox('Skjemaet manglet sin engangsnøkkel. Send det på nytt fra denne siden.'),
          400,
        );
      const indicators = await planOf(ctx, cycle);
      const read = indicatorsFromForm(values, indicators, cycle.year);
      if ('errors' in read) return page(c, cycle, person, values, read.errors, undefined, 422);
      try {
        await updateCycleOnce(
          ctx,
          cycle.id,
          reportIndicators,
          { actor: actorOf(person), indicators: read.report },
          updateIdFor(person.sub, 'reportIndicators', key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        return page(c, cycle, person, values, [], refusalBox(refusalReason(err, REFUSED)), err.status);
      }
      const byId = new Map(indicators.map((i) => [i.id, i]));
      const done = receipt(
        `Indikatorverdiene for ${read.report.year} er registrert.`,
        read.report.values.map((v): [string, string] => {
          const i = byId.get(v.indicator);
          return [
            `Indikator ${v.indicator}${i ? `: ${i.title}` : ''}`,
            `${withUnit(v.value, i?.unit ?? '')} (${read.report.year})`,
          ];
        }),
      );
      return page(c, cycle, person, {}, [], done);
    }),
  );
}
