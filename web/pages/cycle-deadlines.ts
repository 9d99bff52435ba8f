/**
 * Moving a deadline, /sykluser/{cid}/frister, for the administrator only. The choices follow the
 * API's rules (docs/api.md section 9, workflows/rules.ts): a deadline whose step is still open or
 * ahead; the proposal deadline only before it has passed; during adoption each council whose
 * decision is pending in this round, on its own date. The new time is typed and shown in Oslo time
 * ("31.12.2027 23:59" is that minute in Oslo). The workflow's validator has the last word (order of
 * the deadlines, in the future); its refusal is said in Norwegian and changes nothing.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  cycleStatus,
  moveDeadline,
  MoveDeadlineRequest,
  OPEN_OR_AHEAD,
  updateCycleOnce,
  type CycleRecord,
  type CycleStatusView,
  type Deadlines,
  type WebContext,
} from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDateTime, municipalityName } from '../format.js';
import {
  choiceField,
  errorSummary,
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
  type FormError,
  type FormValues,
} from '../forms.js';
import { parseOsloDateTime } from '../input.js';
import type { Html } from '../layout.js';
import { actorOf, cycleHref, cycleTitle } from './action-cycle.js';
import { adminCrumbs, adminCycle, DEADLINE_NAMES, nothingToDo, osloTimeField } from './admin-cycle.js';
import { render, signedIn, type PageContext } from './render.js';

const REFUSED = {
  wrongPhase: 'Den fristen kan ikke flyttes nå: steget den gjelder er forbi, eller forslagsfristen har alt gått ut.',
} as const;

export interface MovableDeadline {
  /** the API's name: proposals, ipr, adoption or adoption:{municipality} */
  deadline: string;
  label: string;
  dueAt: string;
}

/** The deadlines that may move now, by the API's rules, with their Norwegian names and current times. */
export function movableDeadlines(
  cycle: Pick<CycleRecord, 'config'>,
  s: Pick<CycleStatusView, 'phase' | 'deadlines' | 'adoptions' | 'adoptionRound'>,
  now = Date.now(),
): MovableDeadline[] {
  const out: MovableDeadline[] = (Object.keys(DEADLINE_NAMES) as (keyof Deadlines)[])
    .filter((k) => OPEN_OR_AHEAD[k].includes(s.phase))
    .filter((k) => k !== 'proposals' || Date.parse(s.deadlines.proposals) > now)
    .map((k) => ({ deadline: k, label: DEADLINE_NAMES[k], dueAt: s.deadlines[k] }));
  if (s.phase === 'adoption') {
    for (const a of s.adoptions.filter((x) => x.round === s.adoptionRound && x.decision === null)) {
      const m = cycle.config.municipalities.find((x) => x.id === a.municipality);
      out.push({
        deadline: `adoption:${a.municipality}`,
        label: `Frist for vedtaket i ${municipalityName(m?.name ?? a.municipality)}`,
        dueAt: a.dueAt,
      });
    }
  }
  return out;
}

/** Norwegian for the workflow's refusals of the new time (workflows/rules.ts validateMoveDeadline). */
function toMessage(message: string): string {
  if (message.startsWith('must be in the future')) return 'Ny frist: tidspunktet må være fram i tid.';
  if (message.startsWith('deadlines must stay in order'))
    return 'Ny frist: fristene må komme i rekkefølgen forslag, IPR, kommunestyrene. Flytt den andre fristen først.';
  return 'Ny frist: tidspunktet kan ikke registreres.';
}

export function cycleDeadlinePages(web: Hono<WebEnv>, ctx: WebContext): void {
  const page = async (
    c: PageContext,
    cycle: CycleRecord,
    values: FormValues,
    errors: FormError[],
    refusal?: string,
    status = 200,
  ) => {
    const s = await cycleStatus(ctx, cycle.id);
    const movable = movableDeadlines(cycle, s);
    const form: Html =
      movable.length === 0
        ? nothingToDo(cycle, 'Ingen frister kan flyttes i fasen syklusen er i nå.')
        : html`${errorSummary(errors)}
<form method="post" action="${c.req.path}" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${choiceField({
    name: 'deadline',
    legend: 'Hvilken frist vil du flytte?',
    type: 'radio',
    values: text(values, 'deadline') ? values : { deadline: movable[0]?.deadline ?? '' },
    errors,
    groups: [
      {
        choices: movable.map((m) => ({
          value: m.deadline,
          label: m.label,
          description: `Nå: ${formatDateTime(m.dueAt)}`,
        })),
      },
    ],
  })}
  ${osloTimeField('to', 'Ny frist', values, errors)}
  <div class="form-buttons">${submitButton('Flytt fristen')} <a class="ds-link" href="${cycleHref(cycle)}">Avbryt</a></div>
</form>`;
    return render(c, `Flytt en frist i ${cycleTitle(cycle)}`, html`${refusal ? refusalBox(refusal) : ''}${form}`, {
      status,
      breadcrumbs: adminCrumbs(cycle, 'Flytt en frist', 'frister'),
    });
  };

  web.get(
    '/sykluser/:cid/frister',
    signedIn(async (c, person) => page(c, await adminCycle(ctx, c, person, 'moveDeadline'), {}, [])),
  );

  web.post(
    '/sykluser/:cid/frister',
    signedIn(async (c, person) => {
      const cycle = await adminCycle(ctx, c, person, 'moveDeadline');
      const values = await readForm(c);
      const key = postedKey(values);
      if (!key) return page(c, cycle, values, [], 'Skjemaet manglet sin engangsnøkkel. Send det på nytt.', 400);
      const s = await cycleStatus(ctx, cycle.id);
      const chosen = movableDeadlines(cycle, s).find((m) => m.deadline === text(values, 'deadline'));
      const errors: FormError[] = [];
      if (!chosen) errors.push({ field: 'deadline', message: 'Velg fristen du vil flytte.' });
      const to = parseOsloDateTime(text(values, 'to'));
      if (!to.ok) errors.push({ field: 'to', message: `Ny frist: ${to.message}` });
      const request = MoveDeadlineRequest.safeParse({ deadline: text(values, 'deadline'), to: to.ok ? to.value : '' });
      if (errors.length || !request.success || !chosen || !to.ok)
        return page(
          c,
          cycle,
          values,
          errors.length ? errors : [{ field: 'deadline', message: 'Velg fristen du vil flytte.' }],
          undefined,
          422,
        );
      try {
        await updateCycleOnce(
          ctx,
          cycle.id,
          moveDeadline,
          { actor: actorOf(person), deadline: chosen.deadline as keyof Deadlines, to: to.value },
          updateIdFor(person.sub, `moveDeadline-${chosen.deadline}`, key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        if (err.kind === 'invalidInput' && err.errors?.length)
          return page(
            c,
            cycle,
            values,
            [{ field: 'to', message: toMessage(err.errors[0]?.message ?? '') }],
            undefined,
            422,
          );
        return page(c, cycle, values, [], refusalReason(err, REFUSED), err.status);
      }
      // What is recorded now, read back: the council's own date, or the cycle's deadline.
      const after = movableDeadlines(cycle, await cycleStatus(ctx, cycle.id)).find(
        (m) => m.deadline === chosen.deadline,
      );
      const recorded = after?.dueAt ?? to.value;
      return render(
        c,
        'Fristen er flyttet',
        receipt(
          `${chosen.label} i ${cycleTitle(cycle)} er flyttet.`,
          [
            ['Frist', chosen.label],
            ['Før', html`<time datetime="${chosen.dueAt}">${formatDateTime(chosen.dueAt)}</time>`],
            ['Ny frist', html`<time datetime="${recorded}">${formatDateTime(recorded)}</time>`],
          ],
          html`<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}">Til ${cycleTitle(cycle)}</a> · <a class="ds-link" href="${c.req.path}">Flytt en frist til</a></p>`,
        ),
        { breadcrumbs: adminCrumbs(cycle, 'Flytt en frist', 'frister', 'Kvittering') },
      );
    }),
  );
}
