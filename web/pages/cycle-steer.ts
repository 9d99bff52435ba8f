/**
 * The administrator's steering of a running cycle, each with a confirmation step:
 *
 * - /sykluser/{cid}/lukk-forslag: close proposals before the deadline (what is in, what follows);
 * - /sykluser/{cid}/avlys: cancel the cycle with a reason (required, checked by the API's schema),
 *   confirmed on a second page that says it cannot be undone.
 *
 * Both go to the workflow as Updates with the form's key as the Update id, so a double submit acts
 * once; a refusal (wrong phase) is said in Norwegian and changes nothing.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  CancelCycleRequest,
  cancelCycle,
  closeProposals,
  records,
  updateCycleOnce,
  type CycleRecord,
  type WebContext,
} from '../core.js';
import type { WebEnv } from '../env.js';
import { formatDateTime, phaseName } from '../format.js';
import {
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
  textField,
  updateIdFor,
  type FormError,
  type FormValues,
} from '../forms.js';
import type { Html } from '../layout.js';
import { actorOf, cycleHref, cycleTitle } from './action-cycle.js';
import { adminCrumbs, adminCycle, nothingToDo } from './admin-cycle.js';
import { render, signedIn, type PageContext } from './render.js';

const NO_KEY = 'Skjemaet manglet sin engangsnøkkel. Prøv på nytt fra denne siden.';
const ENDED = new Set(['closed', 'cancelled']);

const backLink = (cycle: CycleRecord) =>
  html`<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}">Til ${cycleTitle(cycle)}</a> · <a class="ds-link" href="/">Mine oppgaver</a></p>`;

function closeProposalsPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const path = 'lukk-forslag';
  const label = 'Lukk forslagsrunden';
  const page = async (c: PageContext, cycle: CycleRecord, key: string, refusal?: string, status = 200) => {
    const proposed = (await records.measures(ctx.sql, cycle.id)).filter((m) => m.status === 'proposed').length;
    const body: Html =
      cycle.phase !== 'proposals'
        ? nothingToDo(cycle, `Forslagsrunden er alt lukket; syklusen er i fasen ${phaseName(cycle.phase)}.`)
        : html`<dl class="facts"><dt>Tiltak sendt inn</dt><dd>${proposed}</dd><dt>Forslagsfrist</dt><dd><time datetime="${cycle.deadlines.proposals}">${formatDateTime(cycle.deadlines.proposals)}</time></dd></dl>
<p class="ds-paragraph">Lukker du nå, kan ingen sende inn, endre eller trekke tiltak for ${cycle.year} lenger. Administrasjonens innstilling lages av tiltakene som er sendt inn, og IPR kan begynne prioriteringen.</p>
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key)}
  <div class="form-buttons">${submitButton('Ja, lukk forslagsrunden nå')} <a class="ds-link" href="${cycleHref(cycle)}">Nei, la den stå åpen</a></div>
</form>`;
    return render(
      c,
      `Lukke forslagsrunden for ${cycleTitle(cycle)}?`,
      html`${refusal ? refusalBox(refusal) : ''}${body}`,
      {
        status,
        breadcrumbs: adminCrumbs(cycle, label, path),
      },
    );
  };

  web.get(
    `/sykluser/:cid/${path}`,
    signedIn(async (c, person) => page(c, await adminCycle(ctx, c, person, 'closeProposals'), formKey())),
  );
  web.post(
    `/sykluser/:cid/${path}`,
    signedIn(async (c, person) => {
      const cycle = await adminCycle(ctx, c, person, 'closeProposals');
      const key = postedKey(await readForm(c));
      if (!key) return page(c, cycle, formKey(), NO_KEY, 400);
      let phase: string;
      try {
        const status = await updateCycleOnce(
          ctx,
          cycle.id,
          closeProposals,
          { actor: actorOf(person) },
          updateIdFor(person.sub, 'closeProposals', key),
        );
        phase = status.phase;
      } catch (err) {
        if (!isRefusal(err)) throw err;
        return page(c, cycle, key, refusalReason(err, { wrongPhase: 'Forslagsrunden er alt lukket.' }), err.status);
      }
      const proposed = (await records.measures(ctx.sql, cycle.id)).filter((m) => m.status === 'proposed').length;
      return render(
        c,
        'Forslagsrunden er lukket',
        receipt(
          `Forslagsrunden for ${cycleTitle(cycle)} er lukket.`,
          [
            ['Tiltak med i prioriteringen', String(proposed)],
            ['Fase nå', phaseName(phase)],
          ],
          backLink(cycle),
        ),
        { breadcrumbs: adminCrumbs(cycle, label, path, 'Kvittering') },
      );
    }),
  );
}

function cancelPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const path = 'avlys';
  const label = 'Avlys syklusen';
  const formPage = (
    c: PageContext,
    cycle: CycleRecord,
    values: FormValues,
    errors: FormError[],
    refusal?: string,
    status = 200,
  ) =>
    render(
      c,
      `Avlys ${cycleTitle(cycle)}`,
      html`${refusal ? refusalBox(refusal) : ''}${
        ENDED.has(cycle.phase)
          ? nothingToDo(cycle, `Syklusen er ${cycle.phase === 'closed' ? 'avsluttet' : 'avlyst'} og kan ikke avlyses.`)
          : html`${errorSummary(errors)}
<p class="ds-paragraph">En avlyst syklus stopper der den er: ingen flere forslag, avstemninger eller vedtak for ${cycle.year}, og året kan ikke startes på nytt.</p>
<form method="post" action="${c.req.path}" class="action-form" novalidate>
  ${hiddenFields(c.get('csrfToken'), formKey(values))}
  ${textField({ name: 'reason', label: 'Begrunnelse', description: 'Hvorfor syklusen avlyses. Begrunnelsen står i historikken.', values, errors, multiline: true, required: true })}
  <div class="form-buttons">${submitButton('Gå videre')} <a class="ds-link" href="${cycleHref(cycle)}">Avbryt</a></div>
</form>`
      }`,
      { status, breadcrumbs: adminCrumbs(cycle, label, path) },
    );

  web.get(
    `/sykluser/:cid/${path}`,
    signedIn(async (c, person) => formPage(c, await adminCycle(ctx, c, person, 'cancelCycle'), {}, [])),
  );
  web.post(
    `/sykluser/:cid/${path}`,
    signedIn(async (c, person) => {
      const cycle = await adminCycle(ctx, c, person, 'cancelCycle');
      const values = await readForm(c);
      const key = postedKey(values);
      if (!key) return formPage(c, cycle, values, [], NO_KEY, 400);
      const reason = text(values, 'reason').trim();
      const parsed = CancelCycleRequest.safeParse({ reason });
      if (!parsed.success || reason === '')
        return formPage(
          c,
          cycle,
          values,
          [
            {
              field: 'reason',
              message: reason === '' ? 'Skriv hvorfor syklusen avlyses.' : 'Begrunnelsen kan være høyst 2000 tegn.',
            },
          ],
          undefined,
          422,
        );
      if (text(values, 'bekreft') !== 'ja') {
        return render(
          c,
          `Avlyse ${cycleTitle(cycle)}?`,
          html`<dl class="facts"><dt>Syklus</dt><dd>${cycleTitle(cycle)}</dd><dt>Begrunnelse</dt><dd>${reason}</dd></dl>
<div class="ds-alert" data-color="warning"><p class="ds-paragraph">Dette kan ikke gjøres om. Året ${cycle.year} kan ikke startes på nytt etterpå.</p></div>
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key, { reason, bekreft: 'ja' })}
  <div class="form-buttons">${submitButton('Ja, avlys syklusen')} <a class="ds-link" href="${cycleHref(cycle)}">Nei, la den gå videre</a></div>
</form>`,
          { breadcrumbs: adminCrumbs(cycle, label, path, 'Bekreft') },
        );
      }
      try {
        await updateCycleOnce(
          ctx,
          cycle.id,
          cancelCycle,
          { actor: actorOf(person), reason: parsed.data.reason },
          updateIdFor(person.sub, 'cancelCycle', key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        return formPage(
          c,
          cycle,
          values,
          [],
          refusalReason(err, { wrongPhase: 'Syklusen er alt avsluttet eller avlyst.' }),
          err.status,
        );
      }
      return render(
        c,
        'Syklusen er avlyst',
        receipt(
          `${cycleTitle(cycle)} er avlyst.`,
          [
            ['Syklus', cycleTitle(cycle)],
            ['Begrunnelse', parsed.data.reason],
            ['Fase nå', phaseName('cancelled')],
          ],
          backLink(cycle),
        ),
        { breadcrumbs: adminCrumbs(cycle, label, path, 'Kvittering') },
      );
    }),
  );
}

export function cycleSteerPages(web: Hono<WebEnv>, ctx: WebContext): void {
  closeProposalsPages(web, ctx);
  cancelPages(web, ctx);
}
