/**
 * A proposer's measure (tiltak): the form to submit one, /sykluser/{cid}/tiltak/nytt, and to edit
 * one's own, /sykluser/{cid}/tiltak/{mid}/endre. Title, description, the plan's strategies (goal,
 * then its strategies, with their text), the responsible party, the amount asked per year Y..Y+3
 * and other co-funding (source and amount, a few empty rows). Only while proposals are open; only
 * the measure's proposer or an administrator edits it. Checked by the API's own schema
 * (schema/api.ts MeasureInput) and then by the workflow; a done submission shows a receipt.
 * Over 300 lines: the submit and the edit form are one form (fields, reading, refusals, receipt).
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Plan, Strategy } from '../../schema/partnership.js';
import {
  editMeasure,
  MeasureInputSchema,
  Problem,
  records,
  submitMeasure,
  updateCycleOnce,
  type CycleRecord,
  type MeasureInput,
  type MeasureRecord,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatNok } from '../format.js';
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
  texts,
  updateIdFor,
  zodPaths,
  type FormError,
  type FormValues,
} from '../forms.js';
import { parseMoneyInput } from '../input.js';
import type { Html } from '../layout.js';
import { actorOf, cycleHref, cycleOf, cycleTitle, planYears, proposalsOpen } from './action-cycle.js';
import { errorPage, render, signedIn, type PageContext } from './render.js';

/** Empty co-funding rows offered beyond those a measure has: enough without a script to add rows. */
const EXTRA_COFUNDING_ROWS = 3;

const mayPropose = (person: Person) => person.roles.includes('proposer') || person.roles.includes('admin');

/** The plan's strategies, goal by goal, with sub-strategies under their parent ("4.2.1" under "4.2"). */
function strategyGroups(plan: Plan | null): { heading: string; choices: { value: string; label: string }[] }[] {
  if (!plan) return [];
  const flat = (list: Strategy[], depth: number): { value: string; label: string }[] =>
    list.flatMap((s) => [
      { value: s.code, label: `${depth > 0 ? '– ' : ''}${s.code} ${s.title}` },
      ...flat(s.strategies ?? [], depth + 1),
    ]);
  return plan.goals.map((g) => ({ heading: `Mål ${g.code}: ${g.title}`, choices: flat(g.strategies, 0) }));
}

// ── reading the form ─────────────────────────────────────────────────────────

const amountField = (year: string) => `amount-${year}`;
const sourceField = (i: number) => `cofunding-source-${i}`;
const cofundingAmountField = (i: number) => `cofunding-amount-${i}`;

function cofundingRows(values: FormValues): number {
  let n = 0;
  while (values[sourceField(n)] !== undefined || values[cofundingAmountField(n)] !== undefined) n++;
  return n;
}

/** Norwegian messages for the fields, whatever the schema's or the workflow's English said. */
function messageFor(years: string[]) {
  return (field: string, path: string): string => {
    if (field === 'title') return 'Skriv en tittel på tiltaket (høyst 200 tegn, uten kontrolltegn).';
    if (field === 'description') return 'Skriv en beskrivelse av tiltaket (høyst 10 000 tegn, uten kontrolltegn).';
    if (field === 'responsible') return 'Skriv hvem som er ansvarlig for tiltaket (høyst 200 tegn).';
    if (field === 'strategies') return 'Velg minst én strategi fra planen.';
    if (field.startsWith('amount-')) {
      if (path === 'amounts') return `Søk om et beløp over null for minst ett av årene ${years.join(', ')}.`;
      return `Beløpet for ${field.slice('amount-'.length)} kan ikke registreres. Skriv det i kroner, for eksempel 250 000.`;
    }
    if (field.startsWith('cofunding-source-')) return 'Skriv hvor medfinansieringen kommer fra (høyst 200 tegn).';
    if (field.startsWith('cofunding-amount-'))
      return 'Skriv beløpet for medfinansieringen i kroner, for eksempel 100 000.';
    return 'Dette feltet kan ikke registreres slik det står.';
  };
}

/** The form field of an API path ("amounts.2027" → "amount-2027", "cofunding.1.source" → "cofunding-source-1"). */
function fieldOf(years: string[]) {
  return (path: string): string | null => {
    const [head, a, b] = path.split('.');
    if (head === 'title' || head === 'description' || head === 'responsible' || head === 'strategies') return head;
    if (head === 'amounts') return a && years.includes(a) ? amountField(a) : amountField(years[0] ?? '');
    if (head === 'cofunding' && a !== undefined)
      return b === 'amount' ? cofundingAmountField(Number(a)) : sourceField(Number(a));
    return null;
  };
}

function fieldOrder(years: string[], rows: number): string[] {
  return [
    'title',
    'description',
    'strategies',
    'responsible',
    ...years.map(amountField),
    ...Array.from({ length: rows }, (_, i) => [sourceField(i), cofundingAmountField(i)]).flat(),
  ];
}

/** The measure the form describes, or its errors; money is read as typed, to decimal strings. */
export function measureFromForm(
  values: FormValues,
  years: string[],
): { measure: MeasureInput } | { errors: FormError[] } {
  const errors: FormError[] = [];
  const amounts: Record<string, string> = {};
  for (const y of years) {
    const parsed = parseMoneyInput(text(values, amountField(y)));
    if (!parsed.ok) errors.push({ field: amountField(y), message: `${y}: ${parsed.message}` });
    else if (parsed.value !== null) amounts[y] = parsed.value;
  }
  const cofunding: { source: string; amount: string }[] = [];
  for (let i = 0; i < cofundingRows(values); i++) {
    const source = text(values, sourceField(i)).trim();
    const typed = text(values, cofundingAmountField(i));
    if (source === '' && typed.trim() === '') continue;
    const parsed = parseMoneyInput(typed);
    if (!parsed.ok)
      errors.push({ field: cofundingAmountField(i), message: `Medfinansiering ${i + 1}: ${parsed.message}` });
    else if (parsed.value === null)
      errors.push({ field: cofundingAmountField(i), message: `Medfinansiering ${i + 1}: skriv beløpet.` });
    if (source === '')
      errors.push({ field: sourceField(i), message: `Medfinansiering ${i + 1}: skriv hvor pengene kommer fra.` });
    if (parsed.ok && parsed.value !== null) cofunding.push({ source, amount: parsed.value });
  }
  const candidate = {
    title: text(values, 'title'),
    description: text(values, 'description'),
    strategies: texts(values, 'strategies'),
    responsible: text(values, 'responsible'),
    amounts,
    cofunding,
  };
  const parsed = MeasureInputSchema.safeParse(candidate);
  const rows = cofundingRows(values);
  if (!parsed.success) {
    const typedFields = new Set(errors.map((e) => e.field));
    const schemaErrors = formErrors(
      zodPaths(parsed.error),
      fieldOf(years),
      messageFor(years),
      fieldOrder(years, rows),
      'title',
    ).filter((e) => !typedFields.has(e.field));
    errors.push(...schemaErrors);
  }
  if (errors.length) {
    const order = fieldOrder(years, rows);
    return { errors: errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)) };
  }
  return { measure: parsed.data as MeasureInput };
}

/** A recorded measure as the form's values, to edit it. */
function valuesOf(m: MeasureRecord, years: string[]): FormValues {
  const values: FormValues = {
    title: m.title,
    description: m.description,
    strategies: m.strategies,
    responsible: m.responsible,
  };
  for (const y of years) values[amountField(y)] = m.amounts[y] ? formatTyped(m.amounts[y]) : '';
  m.cofunding.forEach((row, i) => {
    values[sourceField(i)] = row.source;
    values[cofundingAmountField(i)] = formatTyped(row.amount);
  });
  return values;
}

/** "1250000.50" as a person would type it back: "1 250 000,50" (plain spaces, so it reads back). */
const formatTyped = (money: string) =>
  formatNok(money)
    .replace(/\u00a0kr$/, '')
    .replace(/\u00a0/g, ' ');

// ── drawing the form ─────────────────────────────────────────────────────────

interface FormPage {
  cycle: CycleRecord;
  plan: Plan | null;
  values: FormValues;
  errors: FormError[];
  refusal?: string;
  action: string;
  submitLabel: string;
}

function form(c: PageContext, p: FormPage): Html {
  const years = planYears(p.cycle);
  // The rows with something in them, then empty ones: a form shown again does not grow.
  const filled = Array.from({ length: cofundingRows(p.values) }, (_, i) => i).filter(
    (i) => text(p.values, sourceField(i)).trim() || text(p.values, cofundingAmountField(i)).trim(),
  );
  const rows = (filled.length ? (filled[filled.length - 1] as number) + 1 : 0) + EXTRA_COFUNDING_ROWS;
  const groups = strategyGroups(p.plan);
  return html`${p.refusal ? refusalBox(p.refusal) : ''}
${errorSummary(p.errors)}
<form method="post" action="${p.action}" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(p.values))}
  ${textField({ name: 'title', label: 'Tittel', values: p.values, errors: p.errors, required: true })}
  ${textField({ name: 'description', label: 'Beskrivelse', description: 'Hva tiltaket skal gjøre, for hvem, og hva det skal føre til.', multiline: true, values: p.values, errors: p.errors, required: true })}
  ${choiceField({ name: 'strategies', legend: 'Strategier i planen', description: 'Velg de strategiene tiltaket følger opp, under hvert mål.', type: 'checkbox', values: p.values, errors: p.errors, groups })}
  ${textField({ name: 'responsible', label: 'Ansvarlig', description: 'Virksomheten eller personen som gjennomfører tiltaket.', values: p.values, errors: p.errors, required: true })}
  <fieldset class="ds-fieldset">
    <legend class="ds-label">Beløp det søkes om fra partnerskapet, per år</legend>
    <p class="ds-paragraph" data-field="description">I kroner, for eksempel 1 250 000 eller 1 250 000,50. La et år stå tomt om det ikke søkes om noe det året.</p>
    ${years.map((y) => textField({ name: amountField(y), label: y, values: p.values, errors: p.errors, inputmode: 'decimal', short: true }))}
  </fieldset>
  <fieldset class="ds-fieldset">
    <legend class="ds-label">Annen medfinansiering (utenom partnerskapet)</legend>
    <p class="ds-paragraph" data-field="description">Kilde og beløp per linje. Tomme linjer hoppes over.</p>
    ${Array.from(
      { length: rows },
      (_, i) => html`<div class="cofunding-row">
      ${textField({ name: sourceField(i), label: `Kilde ${i + 1}`, values: p.values, errors: p.errors })}
      ${textField({ name: cofundingAmountField(i), label: `Beløp ${i + 1}`, values: p.values, errors: p.errors, inputmode: 'decimal', short: true })}
    </div>`,
    )}
  </fieldset>
  <div class="form-buttons">${submitButton(p.submitLabel)} <a class="ds-link" href="/mine-tiltak">Avbryt</a></div>
</form>`;
}

/** The receipt of what was recorded: each field as it now stands. */
export function measureReceipt(heading: string, cycle: CycleRecord, id: string, m: MeasureInput): Html {
  const years = planYears(cycle);
  const base = `${cycleHref(cycle)}/tiltak/${encodeURIComponent(id)}`;
  return receipt(
    heading,
    [
      ['Tiltak', m.title],
      ['Nummer', id],
      ['Ansvarlig', m.responsible],
      ['Strategier', m.strategies.join(', ')],
      ...years
        .filter((y) => m.amounts[y])
        .map((y): [string, string] => [`Søkt for ${y}`, formatNok(m.amounts[y] as string)]),
      ...m.cofunding.map((row): [string, string] => [`Medfinansiering: ${row.source}`, formatNok(row.amount)]),
    ],
    html`<p class="ds-paragraph"><a class="ds-link" href="/mine-tiltak">Mine tiltak</a> · <a class="ds-link" href="${base}/endre">Endre tiltaket</a> · <a class="ds-link" href="${cycleHref(cycle)}">${cycleTitle(cycle)}</a></p>`,
  );
}

const REFUSED = {
  wrongPhase: 'Forslagsfristen er ute, eller syklusen er ikke lenger i fasen for forslag.',
  forbidden: 'Bare den som sendte inn tiltaket, eller en administrator, kan endre det.',
  conflict: 'Tiltaket er trukket og kan ikke endres.',
  notFound: 'Tiltaket finnes ikke i denne syklusen.',
} as const;

/** The measure as Postgres has it now, in the fields of the form. */
async function recordedMeasure(ctx: WebContext, cycle: CycleRecord, id: string): Promise<MeasureInput | null> {
  const [m] = await records.measures(ctx.sql, cycle.id, id);
  return m
    ? {
        title: m.title,
        description: m.description,
        strategies: m.strategies,
        responsible: m.responsible,
        amounts: m.amounts,
        cofunding: m.cofunding,
      }
    : null;
}

async function planOf(ctx: WebContext, cycle: CycleRecord): Promise<Plan | null> {
  return (await records.partnership(ctx.sql, cycle.partnership))?.plan ?? null;
}

async function ownMeasure(ctx: WebContext, cycle: CycleRecord, person: Person, mid: string): Promise<MeasureRecord> {
  const [m] = await records.measures(ctx.sql, cycle.id, mid);
  if (!m) throw new Problem('notFound', 'Tiltaket finnes ikke i denne syklusen.');
  if (m.proposedBy !== person.sub && !person.roles.includes('admin')) throw new Problem('forbidden', REFUSED.forbidden);
  return m;
}

export function measureFormPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const closed = (c: PageContext, cycle: CycleRecord) =>
    errorPage(
      c,
      409,
      'Forslag er stengt',
      `Forslag til ${cycleTitle(cycle)} kan ikke sendes inn eller endres nå: fristen er ute eller syklusen er i en annen fase.`,
    );
  web.get(
    '/sykluser/:cid/tiltak/nytt',
    signedIn(async (c, person) => {
      if (!mayPropose(person))
        throw new Problem('forbidden', 'Tiltak meldes inn av forslagsstillere og administratorer.');
      const cycle = await cycleOf(ctx, c, person);
      if (!proposalsOpen(cycle)) return closed(c, cycle);
      const title = `Nytt tiltak – ${cycleTitle(cycle)}`;
      return render(
        c,
        title,
        form(c, {
          cycle,
          plan: await planOf(ctx, cycle),
          values: {},
          errors: [],
          action: c.req.path,
          submitLabel: 'Send inn tiltaket',
        }),
        { breadcrumbs: crumbs(cycle, 'Nytt tiltak') },
      );
    }),
  );

  web.post(
    '/sykluser/:cid/tiltak/nytt',
    signedIn(async (c, person) => {
      if (!mayPropose(person))
        throw new Problem('forbidden', 'Tiltak meldes inn av forslagsstillere og administratorer.');
      const cycle = await cycleOf(ctx, c, person);
      return postMeasure(
        ctx,
        c,
        { cycle, title: `Nytt tiltak – ${cycleTitle(cycle)}`, submitLabel: 'Send inn tiltaket', crumb: 'Nytt tiltak' },
        async (measure, key) => {
          // The Update returns once the workflow has written the measure, so the receipt below finds it.
          const { id } = await updateCycleOnce(
            ctx,
            cycle.id,
            submitMeasure,
            { actor: actorOf(person), measure },
            updateIdFor(person.sub, 'submitMeasure', key),
          );
          return {
            id,
            heading: 'Tiltaket er sendt inn',
            said: (title) => `«${title}» er sendt inn til ${cycleTitle(cycle)}.`,
          };
        },
      );
    }),
  );

  web.get(
    '/sykluser/:cid/tiltak/:mid/endre',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const m = await ownMeasure(ctx, cycle, person, c.req.param('mid') ?? '');
      if (m.status === 'withdrawn') return errorPage(c, 409, 'Tiltaket er trukket', REFUSED.conflict);
      if (!proposalsOpen(cycle)) return closed(c, cycle);
      const title = `Endre «${m.title}»`;
      return render(
        c,
        title,
        form(c, {
          cycle,
          plan: await planOf(ctx, cycle),
          values: valuesOf(m, planYears(cycle)),
          errors: [],
          action: c.req.path,
          submitLabel: 'Lagre endringene',
        }),
        {
          breadcrumbs: crumbs(cycle, 'Endre tiltak'),
        },
      );
    }),
  );

  web.post(
    '/sykluser/:cid/tiltak/:mid/endre',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const m = await ownMeasure(ctx, cycle, person, c.req.param('mid') ?? '');
      return postMeasure(
        ctx,
        c,
        { cycle, title: `Endre «${m.title}»`, submitLabel: 'Lagre endringene', crumb: 'Endre tiltak' },
        async (measure, key) => {
          await updateCycleOnce(
            ctx,
            cycle.id,
            editMeasure,
            { actor: actorOf(person), measureId: m.id, measure },
            updateIdFor(person.sub, `editMeasure-${m.id}`, key),
          );
          return { id: m.id, heading: 'Endringene er lagret', said: (title) => `«${title}» er endret.` };
        },
      );
    }),
  );
}

/** The breadcrumbs of the measure pages (the same for every cycle). */
const crumbs = (_cycle: CycleRecord, label: string) => [
  { label: 'Mine oppgaver', href: '/' },
  { label: 'Mine tiltak', href: '/mine-tiltak' },
  { label },
];

/**
 * A posted measure form, new or edited: the one-time key and the fields read as the API reads
 * them, then `send` (the Update), then the receipt of what is recorded; a refusal or a field in
 * error shows the form again with what was typed. The receipt says what is recorded, not what this
 * post said: a form posted again is answered with the first post's Update.
 */
async function postMeasure(
  ctx: WebContext,
  c: PageContext,
  page: { cycle: CycleRecord; title: string; submitLabel: string; crumb: string },
  send: (
    measure: MeasureInput,
    key: string,
  ) => Promise<{ id: string; heading: string; said: (title: string) => string }>,
): Promise<Response> {
  const { cycle } = page;
  const values = await readForm(c);
  const plan = await planOf(ctx, cycle);
  const again = (errors: FormError[], refusal?: string, status = 422) =>
    render(
      c,
      page.title,
      form(c, {
        cycle,
        plan,
        values,
        errors,
        action: c.req.path,
        submitLabel: page.submitLabel,
        ...(refusal ? { refusal } : {}),
      }),
      { status, breadcrumbs: crumbs(cycle, page.crumb) },
    );
  const key = postedKey(values);
  if (!key) return again([], 'Skjemaet manglet sin engangsnøkkel. Send det på nytt fra denne siden.', 400);
  const years = planYears(cycle);
  const read = measureFromForm(values, years);
  if ('errors' in read) return again(read.errors);
  try {
    const { id, heading, said } = await send(read.measure, key);
    const shown = (await recordedMeasure(ctx, cycle, id)) ?? read.measure;
    return render(c, heading, measureReceipt(said(shown.title), cycle, id, shown), {
      breadcrumbs: crumbs(cycle, 'Kvittering'),
    });
  } catch (err) {
    if (!isRefusal(err)) throw err;
    if (err.kind === 'invalidInput' && err.errors?.length) {
      return again(
        formErrors(err.errors, fieldOf(years), messageFor(years), fieldOrder(years, cofundingRows(values)), 'title'),
      );
    }
    return again([], refusalReason(err, REFUSED), err.status);
  }
}
