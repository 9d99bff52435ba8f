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
import { cycleIdOf, records, startCycle, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDateTime, formatNok, inOslo } from '../format.js';
import {
  formErrors,
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
  type FormError,
  type FormValues,
} from '../forms.js';
import { funderName } from '../names.js';
import { DEADLINE_NAMES, mayDo } from './admin-cycle.js';
import {
  DEADLINE_KEYS,
  deadlineField,
  draftValues,
  fieldOrder,
  frameField,
  fundersOf,
  startDefaults,
  startFromForm,
  yearOf,
} from './cycle-start-form.js';
import { draftSummary, startForm } from './cycle-start-view.js';
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

export function cycleStartPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const context = async (pid: string, values: FormValues) => {
    const partnership = await records.partnership(ctx.sql, pid);
    if (!partnership) throw new Error(`no partnership ${pid} for a signed-in person`);
    const year = yearOf(values);
    const previousYear = (year ?? inOslo(Date.now()).year + 1) - 1;
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
