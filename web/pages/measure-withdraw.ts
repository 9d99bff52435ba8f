/**
 * Withdrawing one's own measure, /sykluser/{cid}/tiltak/{mid}/trekk: a confirmation step that
 * shows the measure and says what withdrawing means, then the post that records it and a receipt.
 * Only while proposals are open; only the proposer or an administrator.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  Problem,
  records,
  updateCycleOnce,
  withdrawMeasure,
  type CycleRecord,
  type MeasureRecord,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatNok } from '../format.js';
import {
  formKey,
  hiddenFields,
  isRefusal,
  postedKey,
  readForm,
  receipt,
  refusalBox,
  refusalReason,
  submitButton,
  updateIdFor,
} from '../forms.js';
import type { Html } from '../layout.js';
import { actorOf, cycleHref, cycleOf, cycleTitle, planYears, proposalsOpen } from './action-cycle.js';
import { errorPage, render, signedIn, type PageContext } from './render.js';

const REFUSED = {
  wrongPhase: 'Forslagsfristen er ute, eller syklusen er ikke lenger i fasen for forslag. Tiltaket står som før.',
  forbidden: 'Bare den som sendte inn tiltaket, eller en administrator, kan trekke det.',
  conflict: 'Tiltaket er allerede trukket.',
  notFound: 'Tiltaket finnes ikke i denne syklusen.',
} as const;

async function ownMeasure(ctx: WebContext, cycle: CycleRecord, person: Person, mid: string): Promise<MeasureRecord> {
  const [m] = await records.measures(ctx.sql, cycle.id, mid);
  if (!m) throw new Problem('notFound', REFUSED.notFound);
  if (m.proposedBy !== person.sub && !person.roles.includes('admin')) throw new Problem('forbidden', REFUSED.forbidden);
  return m;
}

function summary(cycle: CycleRecord, m: MeasureRecord): Html {
  return html`<dl class="facts">
  <dt>Tiltak</dt><dd>${m.title}</dd>
  <dt>Ansvarlig</dt><dd>${m.responsible}</dd>
  ${planYears(cycle)
    .filter((y) => m.amounts[y])
    .map((y) => html`<dt>Søkt for ${y}</dt><dd>${formatNok(m.amounts[y] as string)}</dd>`)}
</dl>`;
}

export function measureWithdrawPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const crumbs = [
    { label: 'Mine oppgaver', href: '/' },
    { label: 'Mine tiltak', href: '/mine-tiltak' },
    { label: 'Trekk tiltak' },
  ];
  const confirmPage = (
    c: PageContext,
    cycle: CycleRecord,
    m: MeasureRecord,
    key: string,
    refusal?: string,
    status = 200,
  ) =>
    render(
      c,
      `Trekke «${m.title}»?`,
      html`${refusal ? refusalBox(refusal) : ''}
${summary(cycle, m)}
<p class="ds-paragraph">Et trukket tiltak er ikke med i prioriteringen for ${cycleTitle(cycle)} og kan ikke endres eller sendes inn igjen. Vil du sende det inn senere, må du melde det inn som nytt tiltak.</p>
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key)}
  <div class="form-buttons">${submitButton('Ja, trekk tiltaket')} <a class="ds-link" href="/mine-tiltak">Nei, behold det</a></div>
</form>`,
      { status, breadcrumbs: crumbs },
    );

  web.get(
    '/sykluser/:cid/tiltak/:mid/trekk',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const m = await ownMeasure(ctx, cycle, person, c.req.param('mid') ?? '');
      if (m.status === 'withdrawn') return errorPage(c, 409, 'Tiltaket er trukket', REFUSED.conflict);
      if (!proposalsOpen(cycle)) return errorPage(c, 409, 'Forslag er stengt', REFUSED.wrongPhase);
      return confirmPage(c, cycle, m, formKey());
    }),
  );

  web.post(
    '/sykluser/:cid/tiltak/:mid/trekk',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const m = await ownMeasure(ctx, cycle, person, c.req.param('mid') ?? '');
      const values = await readForm(c);
      const key = postedKey(values);
      if (!key) return confirmPage(c, cycle, m, formKey(), 'Skjemaet manglet sin engangsnøkkel. Bekreft på nytt.', 400);
      try {
        await updateCycleOnce(
          ctx,
          cycle.id,
          withdrawMeasure,
          { actor: actorOf(person), measureId: m.id },
          updateIdFor(person.sub, `withdrawMeasure-${m.id}`, key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        return confirmPage(c, cycle, m, key, refusalReason(err, REFUSED), err.status);
      }
      return render(
        c,
        'Tiltaket er trukket',
        receipt(
          `«${m.title}» er trukket fra ${cycleTitle(cycle)}.`,
          [
            ['Tiltak', m.title],
            ['Status', 'Trukket'],
          ],
          html`<p class="ds-paragraph"><a class="ds-link" href="/mine-tiltak">Mine tiltak</a> · <a class="ds-link" href="${cycleHref(cycle)}">${cycleTitle(cycle)}</a></p>`,
        ),
        { breadcrumbs: crumbs },
      );
    }),
  );
}
