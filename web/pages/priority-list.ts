/**
 * The priority-list editor, /sykluser/{cid}/prioritering, for administrators and IPR members (who
 * may put a list to the vote, as POST /cycles/{cid}/priority-lists): it starts from the
 * administration's recommendation (which after a loop-back follows IPR's last list), and the
 * person moves measures up and down with buttons, grants each in full, in part (amounts per year as
 * typed) or not at all, and sees per funder and year the frame, allocated and remaining. Without
 * JavaScript every button posts the whole edit (web/priority-list.ts) and the page comes back
 * recomputed; nothing is kept on the server. A list that breaks a frame names the funder and year
 * in the error summary and beside the figure, and cannot be sent. "Legg fram til avstemning" asks
 * for a confirmation, then proposes the list through the cycle's Update with the form's key as the
 * Update id (a double submit proposes once) and shows a receipt that links to the vote.
 *
 * The first page of an unchanged cycle is the same for everyone but the reader's name, the CSRF
 * token and the form's key, so its rows are rendered once per state of the records
 * (prioritisation-data.ts) and kept; and each reader's first page, gzipped, is kept for as long as
 * the records and their session stand (web/kept-pages.ts), so a reload shows the same key. The
 * key names the edit, not the page: the Update id is made of the key and the list sent, so the
 * same list sent twice (a double click, a resend) is proposed once, and a different list sent from
 * the same page (two tabs, the back button and an edit) is a list of its own.
 *
 * Over 300 lines: the editor's three posts (Beregn, move, put to the vote) and its kept first page read one state.
 */
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  Problem,
  PriorityListRequest,
  proposePriorityList,
  updateCycleOnce,
  type PriorityListState,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatDate, formatNok } from '../format.js';
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
  textField,
  updateIdFor,
  type FormError,
  type FormValues,
} from '../forms.js';
import { gzippedPage, KeptPages, takesGzip } from '../kept-pages.js';
import { layout, type Html } from '../layout.js';
import {
  actionOf,
  compute,
  field,
  initialState,
  meetingOf,
  moved,
  placed,
  stateFromForm,
  type Computed,
  type EditorState,
} from '../priority-list.js';
import { actorOf, cycleHref, cycleTitle } from './action-cycle.js';
import { frameErrors, fundersTable, hrefOf, listTable, rowsTable, stateFields, total } from './priority-list-tables.js';
import { prioritisationView, type PrioritisationView } from './prioritisation-data.js';
import { render, signedIn, type PageContext } from './render.js';

const REFUSED = {
  wrongPhase:
    'Syklusen er ikke i fasen for prioritering, eller en vedtatt liste venter på kommunestyrene. Listen kan ikke legges fram nå.',
  forbidden: 'Bare administratorer og medlemmer av IPR kan legge fram en prioriteringsliste.',
  frameExceeded: 'Listen går ut over en finansiørs ramme. Trykk Beregn for å se hvor.',
  invalidInput: 'Noe i listen kan ikke registreres. Trykk Beregn og se over tilskuddene.',
} as const;

function mayPropose(person: Person): void {
  if (!person.roles.includes('admin') && !person.roles.includes('ipr_member'))
    throw new Problem('forbidden', REFUSED.forbidden);
}

interface EditorExtra {
  errors?: FormError[];
  /** places that could not be read, beside the errors the edit itself has */
  placeErrors?: FormError[];
  refusal?: string;
  status?: number;
}

const breadcrumbsOf = (v: PrioritisationView, last: string, editor = false) => [
  { label: 'Mine oppgaver', href: '/' },
  { label: cycleTitle(v.cycle), href: cycleHref(v.cycle) },
  ...(editor ? [{ label: 'Prioriteringsliste', href: hrefOf(v) }] : []),
  { label: last },
];

/** The editor's body: the explanation, a refusal, the error summary and the form with the edit. */
function editorBody(
  v: PrioritisationView,
  state: EditorState,
  computed: Computed,
  errors: FormError[],
  form: { csrfToken: string; key: string; refusal?: string },
): Html {
  const meetingValues = { [field.meetingDate]: state.meetingDate, [field.caseNumber]: state.caseNumber };
  return html`<p class="ds-paragraph">Listen starter fra <a class="ds-link" href="${cycleHref(v.cycle)}/innstilling">administrasjonens innstilling</a>. Flytt tiltakene med knappene, eller skriv en ny plass under «Til plass», velg fullt, delvis eller ikke noe tilskudd, og skriv beløpene per år for et delvis tilskudd. Trykk «Beregn» for å se hva som er fordelt og igjen av hver finansiørs ramme.</p>
${form.refusal ? refusalBox(form.refusal) : ''}
${errorSummary(errors)}
<form method="post" action="${hrefOf(v)}" class="action-form" novalidate>
  ${hiddenFields(form.csrfToken, form.key)}
  <h2 class="ds-heading" data-size="sm">Per finansiør og år</h2>
  ${fundersTable(v, computed, errors)}
  <div class="form-buttons">${submitButton('Beregn', 'secondary', { name: field.action, value: 'beregn' })}</div>
  <h2 class="ds-heading" data-size="sm">Tiltakene</h2>
  ${rowsTable(v, state, computed, errors)}
  <div class="form-buttons">${submitButton('Beregn', 'secondary', { name: field.action, value: 'beregn' })}</div>
  <h2 class="ds-heading" data-size="sm">Møtet listen hører til</h2>
  ${textField({ name: field.meetingDate, label: 'Møtedato', description: 'IPR-møtet, som dag.måned.år, for eksempel 20.11.2026.', values: meetingValues, errors, short: true })}
  ${textField({ name: field.caseNumber, label: 'Saksnummer', description: 'For eksempel 12/27.', values: meetingValues, errors, short: true })}
  <div class="form-buttons">${submitButton('Legg fram til avstemning', 'primary', { name: field.action, value: 'legg-fram' })}</div>
</form>`;
}

const editorTitle = (v: PrioritisationView) => `Prioriteringsliste – ${cycleTitle(v.cycle)}`;

export async function editorPage(
  c: PageContext,
  v: PrioritisationView,
  state: EditorState,
  values: FormValues | undefined,
  extra: EditorExtra = {},
): Promise<Response> {
  const computed = compute(state, v.byId, v.years, v.money, v.title);
  const errors = extra.errors ?? [...(extra.placeErrors ?? []), ...computed.errors, ...frameErrors(v, computed)];
  const body = editorBody(v, state, computed, errors, {
    csrfToken: c.get('csrfToken'),
    key: formKey(values),
    ...(extra.refusal ? { refusal: extra.refusal } : {}),
  });
  return render(c, editorTitle(v), body, {
    breadcrumbs: breadcrumbsOf(v, 'Prioriteringsliste'),
    status: extra.status ?? 200,
  });
}

/**
 * Marks for what differs between two people's first pages of the same cycle: the name in the
 * header, the session's CSRF token and the form's one-time key. Control characters, which no
 * text of the engine holds (schema/api.ts refuses them), so a mark cannot occur by chance.
 */
const MARK = { name: '\u0001name\u0001', csrf: '\u0001csrf\u0001', key: '\u0001key\u0001' } as const;
type Mark = keyof typeof MARK;

/**
 * The editor as it first opens, the recommendation unchanged: rendered once per state of the
 * cycle's records, kept as the page's text cut at the marks, and put together per request with
 * the reader's name (escaped), CSRF token and a new key. A 500-measure editor is about a megabyte
 * of HTML: drawing it anew for every reader costs about 150 ms, putting it together well under
 * one, and gzipping it (at the fastest level) a few; the gzipped page is kept per reader, so a
 * reload costs a lookup. Compressing once for everyone and splicing the per-reader texts into the
 * compressed stream would spare the first view's few milliseconds too, and was judged not worth
 * its machinery.
 */
export async function firstEditorPage(c: PageContext, v: PrioritisationView, person: Person): Promise<Response> {
  let parts = v.kept.get('first') as Piece[] | undefined;
  if (!parts) {
    const state = initialState(v.measures, v.recommendation!, v.years);
    const computed = compute(state, v.byId, v.years, v.money, v.title);
    const errors = [...computed.errors, ...frameErrors(v, computed)];
    if (errors.length) return editorPage(c, v, state, undefined);
    const page = await layout({
      title: editorTitle(v),
      person: { ...person, name: MARK.name },
      csrfToken: MARK.csrf,
      breadcrumbs: breadcrumbsOf(v, 'Prioriteringsliste'),
      body: editorBody(v, state, computed, [], { csrfToken: MARK.csrf, key: MARK.key }),
    });
    parts = cutAt(String(page), MARK);
    v.kept.set('first', parts);
  }
  const pieces = parts;
  const filled = async () => {
    const fill: Record<Mark, string> = { name: await escaped(person.name), csrf: c.get('csrfToken'), key: formKey() };
    return pieces.map((p) => (typeof p === 'string' ? p : fill[p.hole])).join('');
  };
  c.header('vary', 'Cookie, Accept-Encoding');
  if (!takesGzip(c)) return c.html(await filled());
  return gzippedPage(c, await kept.serve(c, person, { page: 'prioritering', version: v.version }, filled));
}

/** Each reader's first page, gzipped. */
const kept = new KeptPages();

/** A kept page's piece: its text, or a hole where a per-request text goes. */
type Piece = string | { hole: Mark };

/** The text cut where a mark stands: its pieces, with a hole in each mark's place. */
function cutAt(text: string, marks: Record<Mark, string>): Piece[] {
  const pattern = new RegExp(Object.values(marks).join('|'), 'g');
  const byText = new Map(Object.entries(marks).map(([name, mark]) => [mark, name as Mark]));
  const out: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    out.push(text.slice(at, m.index), { hole: byText.get(m[0])! });
    at = m.index + m[0].length;
  }
  out.push(text.slice(at));
  return out;
}

/** A text as it stands in HTML, escaped as hono/html escapes every interpolation. */
const escaped = async (s: string) => String(await html`${s}`);

/** What a list sent says, as a digest: the Update id's part that tells two lists sent with one key apart. */
const digestOf = (list: { items: unknown; meeting: unknown }) =>
  createHash('sha256')
    .update(JSON.stringify([list.items, list.meeting]))
    .digest('base64url');

type Checked = { items: Computed['items']; meeting: { date: string; caseNumber: string } } | { errors: FormError[] };

/** The list and meeting the edit describes, checked as the API checks them (schema PriorityListRequest), or the errors. */
function checked(v: PrioritisationView, state: EditorState): Checked {
  const computed = compute(state, v.byId, v.years, v.money, v.title);
  const meeting = meetingOf(state);
  const errors = [...computed.errors, ...frameErrors(v, computed), ...('errors' in meeting ? meeting.errors : [])];
  if (computed.items.length === 0 && computed.errors.length === 0)
    errors.push({
      field: field.choice(state.rows[0]?.measureId ?? ''),
      message: 'Listen må gi minst ett tiltak tilskudd.',
    });
  if (errors.length || 'errors' in meeting) return { errors };
  const parsed = PriorityListRequest.safeParse({ items: computed.items, meeting });
  if (!parsed.success)
    return { errors: [{ field: field.caseNumber, message: 'Listen kan ikke registreres slik den er.' }] };
  return { items: computed.items, meeting };
}

export function priorityListPages(web: Hono<WebEnv>, ctx: WebContext): void {
  const openView = async (c: PageContext, person: Person) => {
    mayPropose(person);
    const v = await prioritisationView(ctx, c, person);
    if (v.cycle.phase !== 'prioritisation' || !v.recommendation) throw new Problem('wrongPhase', REFUSED.wrongPhase);
    return v;
  };

  web.get(
    '/sykluser/:cid/prioritering',
    signedIn(async (c, person) => {
      const v = await openView(c, person);
      return firstEditorPage(c, v, person);
    }),
  );

  web.post(
    '/sykluser/:cid/prioritering',
    signedIn(async (c, person) => {
      const v = await openView(c, person);
      const values = await readForm(c);
      const action = actionOf(values);
      // Rows given a place move there first, whichever button was pressed.
      const placing = placed(stateFromForm(values, v.measures, v.years));
      let state = placing.state;
      if (action.kind === 'move') state = moved(state, action.measureId, action.by);
      if (action.kind === 'move' || action.kind === 'compute')
        return editorPage(c, v, state, values, { placeErrors: placing.errors });

      const list = checked(v, state);
      if ('errors' in list || placing.errors.length)
        return editorPage(c, v, state, values, {
          errors: [...placing.errors, ...('errors' in list ? list.errors : [])],
          status: 422,
        });
      const key = postedKey(values);
      if (!key)
        return editorPage(c, v, state, values, {
          refusal: 'Skjemaet manglet sin engangsnøkkel. Prøv igjen.',
          status: 400,
        });

      if (action.kind === 'propose') {
        // The confirmation step: the list said back, the edit and the key carried on in hidden fields.
        return render(
          c,
          'Legge fram listen til avstemning?',
          html`<p class="ds-paragraph">Listen legges fram for IPR til møtet ${formatDate(list.meeting.date)}, sak ${list.meeting.caseNumber}. Den erstatter en liste som er til avstemning nå, og avstemningen begynner på nytt.</p>
${listTable(v, list.items, 'Listen som legges fram: tiltakene i rekkefølge, med tilskudd per år')}
<form method="post" action="${hrefOf(v)}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key)}
  ${stateFields(v, state)}
  <div class="form-buttons">${submitButton('Ja, legg fram listen', 'primary', { name: field.action, value: 'bekreft' })} ${submitButton('Nei, tilbake til redigeringen', 'secondary', { name: field.action, value: 'beregn' })}</div>
</form>`,
          { breadcrumbs: breadcrumbsOf(v, 'Bekreft', true) },
        );
      }

      let proposed: PriorityListState;
      try {
        proposed = await updateCycleOnce(
          ctx,
          v.cycle.id,
          proposePriorityList,
          { actor: actorOf(person), items: list.items, meeting: list.meeting },
          updateIdFor(person.sub, 'proposePriorityList', `${key}\n${digestOf(list)}`),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        return editorPage(c, v, state, values, { refusal: refusalReason(err, REFUSED), status: err.status });
      }
      return render(
        c,
        'Listen er lagt fram til avstemning',
        receipt(
          `Prioriteringsliste ${proposed.version} er lagt fram til avstemning.`,
          [
            ['Liste', `Prioriteringsliste ${proposed.version}, ${cycleTitle(v.cycle)}`],
            ['Møte', `${formatDate(proposed.meeting.date)}, sak ${proposed.meeting.caseNumber}`],
            ['Tiltak med tilskudd', String(proposed.items.length)],
            ...v.years.map((y): [string, string] => [
              `Tilskudd ${y} i alt`,
              formatNok(total(proposed.items.map((it) => it.grants[y] ?? '0.00'))),
            ]),
          ],
          html`${listTable(v, proposed.items, `Prioriteringsliste ${proposed.version}: tiltakene i rekkefølge, med tilskudd per år`)}
<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(v.cycle)}/avstemning">Til avstemningen</a> · <a class="ds-link" href="/">Mine oppgaver</a></p>`,
        ),
        { breadcrumbs: breadcrumbsOf(v, 'Kvittering', true) },
      );
    }),
  );
}
