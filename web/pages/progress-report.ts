/**
 * Reporting on a granted measure, /sykluser/{cid}/tiltak/{mid}/rapport, for its proposer and the
 * administrator (others 403), while the plan is adopted: what has been done (text) and the money
 * spent since the last report, per year, typed as Norwegians type it. The grant, spent so far and
 * what remains are shown above the form. Recorded through the cycle's Update with the form's key
 * (web/core.ts updateCycleOnce), so a double post records once; the workflow's refusals (more
 * spent than granted, the wrong phase) come back in Norwegian beside the field or above the form,
 * and nothing is recorded. A receipt says what was recorded and what is left.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  Problem,
  ProgressReportRequest,
  records,
  reportProgress,
  updateCycleOnce,
  type CycleRecord,
  type FieldError,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { measureProgress, mayReport, type MeasureProgress } from '../execution-data.js';
import { formatNok } from '../format.js';
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
import { parseMoneyInput } from '../input.js';
import { formatMoney, parseMoney } from '../../domain/money.js';
import { actorOf, cycleHref, cycleOf, cycleTitle } from './action-cycle.js';
import { executionHref, moneyTable } from './execution.js';
import { errorPage, render, signedIn, type PageContext } from './render.js';

const REFUSED = {
  wrongPhase: 'Det rapporteres på tiltak mens planen er vedtatt (fasen «Vedtatt»); syklusen er ikke i den fasen nå.',
  forbidden: 'Bare den som meldte inn tiltaket, eller en administrator, kan rapportere på det.',
  notFound: 'Tiltaket finnes ikke i denne syklusen.',
  conflict: 'Tiltaket fikk ikke tildelt midler, så det er ingenting å rapportere bruk av.',
} as const;

export const spentField = (year: string) => `spent-${year}`;

export interface ProgressForm {
  progress: string;
  spent: Record<string, string>;
}

/**
 * The report the form describes, checked as the API checks it (schema/api ProgressReportRequest),
 * or its errors: the text is required, each year's amount is money as typed (empty: nothing spent).
 */
export function reportFromForm(
  values: FormValues,
  years: string[],
): { report: ProgressForm } | { errors: FormError[] } {
  const errors: FormError[] = [];
  const progress = text(values, 'progress').trim();
  if (!progress) errors.push({ field: 'progress', message: 'Skriv hva som er gjort siden sist.' });
  const spent: Record<string, string> = {};
  for (const y of years) {
    const parsed = parseMoneyInput(text(values, spentField(y)));
    if (!parsed.ok) errors.push({ field: spentField(y), message: `${y}: ${parsed.message}` });
    else if (parsed.value !== null && !parseMoney(parsed.value).isZero()) spent[y] = parsed.value;
  }
  const parsed = ProgressReportRequest.safeParse({ progress, spent });
  if (!parsed.success && errors.length === 0)
    errors.push(
      ...formErrors(
        zodPaths(parsed.error),
        (p) =>
          p.startsWith('spent.') ? spentField(p.split('.')[1] ?? '') : p.startsWith('progress') ? 'progress' : null,
        (f) =>
          f === 'progress'
            ? 'Teksten er for lang, eller har tegn som ikke kan lagres.'
            : 'Beløpet kan ikke registreres.',
        ['progress', ...years.map(spentField)],
        'progress',
      ),
    );
  return errors.length || !parsed.success ? { errors } : { report: { progress, spent } };
}

/** The workflow's field errors on the form: over the grant, said with the figures. */
function workflowErrors(errors: FieldError[], p: MeasureProgress, report: ProgressForm, years: string[]): FormError[] {
  return formErrors(
    errors,
    (path) =>
      path.startsWith('spent.') ? spentField(path.split('.')[1] ?? '') : path === 'progress' ? 'progress' : null,
    (field, path) => {
      if (field === 'progress') return 'Teksten kan ikke registreres.';
      const y = path.split('.')[1] ?? '';
      const after = formatMoney(parseMoney(p.spent[y] ?? '0.00').plus(parseMoney(report.spent[y] ?? '0.00')));
      return `${y}: Brukt i alt ville blitt ${formatNok(after)}, mer enn tildelt ${formatNok(p.grants[y] ?? '0.00')}. Det er ${formatNok(p.remaining[y] ?? '0.00')} igjen.`;
    },
    ['progress', ...years.map(spentField)],
    'progress',
  );
}

async function reported(ctx: WebContext, cycle: CycleRecord, person: Person, mid: string): Promise<MeasureProgress> {
  if (!person.roles.includes('admin') && !person.roles.includes('proposer'))
    throw new Problem('forbidden', REFUSED.forbidden);
  const p = (await measureProgress(ctx, cycle)).find((x) => x.measure.id === mid);
  if (p) {
    if (!mayReport(person, p.measure)) throw new Problem('forbidden', REFUSED.forbidden);
    return p;
  }
  // Not among the granted measures of an adopted list: no such measure, not granted, or not adopted yet.
  const [m] = await records.measures(ctx.sql, cycle.id, mid);
  if (!m) throw new Problem('notFound', REFUSED.notFound);
  if (!mayReport(person, m)) throw new Problem('forbidden', REFUSED.forbidden);
  throw new Problem(
    'conflict',
    cycle.phase === 'adopted' || cycle.phase === 'closed' ? REFUSED.conflict : REFUSED.wrongPhase,
  );
}

export function progressReportPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const crumbs = (cycle: CycleRecord, last: string) => [
    { label: 'Mine oppgaver', href: '/' },
    { label: cycleTitle(cycle), href: cycleHref(cycle) },
    { label: 'Gjennomføring', href: executionHref(cycle) },
    { label: last },
  ];
  const formPage = (
    c: PageContext,
    cycle: CycleRecord,
    p: MeasureProgress,
    values: FormValues,
    errors: FormError[],
    refusal?: string,
    status = 200,
  ) => {
    const years = Object.keys(p.grants).sort();
    return render(
      c,
      `Rapporter på «${p.measure.title}»`,
      html`${refusal ? refusalBox(refusal) : ''}
${moneyTable(p, 'penger')}
${errorSummary(errors)}
<form method="post" action="${c.req.path}" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${textField({ name: 'progress', label: 'Fremdrift', description: 'Hva er gjort siden forrige rapport, og hva er neste steg?', values, errors, multiline: true })}
  <fieldset class="ds-fieldset">
    <legend class="ds-label">Midler brukt siden forrige rapport</legend>
    <p class="ds-paragraph" data-field="description">I kroner, for eksempel 125 000 eller 125 000,50. La et år stå tomt om ingenting er brukt av det årets tildeling.</p>
    ${years.map((y) => textField({ name: spentField(y), label: y, description: `Igjen av tildelingen for ${y}: ${formatNok(p.remaining[y] ?? '0.00')}`, values, errors, inputmode: 'decimal', short: true }))}
  </fieldset>
  <div class="form-buttons">${submitButton('Send rapporten')} <a class="ds-link" href="${executionHref(cycle)}">Avbryt</a></div>
</form>`,
      { status, breadcrumbs: crumbs(cycle, 'Rapporter fremdrift') },
    );
  };

  web.get(
    '/sykluser/:cid/tiltak/:mid/rapport',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const p = await reported(ctx, cycle, person, c.req.param('mid') ?? '');
      if (cycle.phase !== 'adopted') return errorPage(c, 409, 'Ikke mulig nå', REFUSED.wrongPhase);
      return formPage(c, cycle, p, {}, []);
    }),
  );

  web.post(
    '/sykluser/:cid/tiltak/:mid/rapport',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const p = await reported(ctx, cycle, person, c.req.param('mid') ?? '');
      const values = await readForm(c);
      const years = Object.keys(p.grants).sort();
      const key = postedKey(values);
      if (!key)
        return formPage(
          c,
          cycle,
          p,
          values,
          [],
          'Skjemaet manglet sin engangsnøkkel. Send det på nytt fra denne siden.',
          400,
        );
      const read = reportFromForm(values, years);
      if ('errors' in read) return formPage(c, cycle, p, values, read.errors, undefined, 422);
      try {
        await updateCycleOnce(
          ctx,
          cycle.id,
          reportProgress,
          { actor: actorOf(person), report: { measureId: p.measure.id, ...read.report } },
          updateIdFor(person.sub, `reportProgress-${p.measure.id}`, key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        if (err.kind === 'invalidInput' && err.errors?.length)
          return formPage(c, cycle, p, values, workflowErrors(err.errors, p, read.report, years), undefined, 422);
        return formPage(c, cycle, p, values, [], refusalReason(err, REFUSED), err.status);
      }
      const after = (await measureProgress(ctx, cycle)).find((x) => x.measure.id === p.measure.id) ?? p;
      return render(
        c,
        'Rapporten er registrert',
        receipt(
          `Rapporten om «${p.measure.title}» er registrert.`,
          [
            ['Tiltak', p.measure.title],
            ['Fremdrift', read.report.progress],
            ...Object.entries(read.report.spent).map(([y, v]): [string, string] => [
              `Brukt i ${y} i denne rapporten`,
              formatNok(v),
            ]),
            ...years.map((y): [string, string] => [
              `${y} i alt`,
              `Brukt ${formatNok(after.spent[y] ?? '0.00')} av ${formatNok(after.grants[y] ?? '0.00')}, igjen ${formatNok(after.remaining[y] ?? '0.00')}`,
            ]),
          ],
          html`<p class="ds-paragraph"><a class="ds-link" href="${executionHref(cycle)}">Gjennomføring for ${cycleTitle(cycle)}</a> · <a class="ds-link" href="/">Mine oppgaver</a></p>`,
        ),
        { breadcrumbs: crumbs(cycle, 'Kvittering') },
      );
    }),
  );
}
