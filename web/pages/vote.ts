/**
 * The IPR vote, /sykluser/{cid}/avstemning: the priority list under vote with its ranked measures
 * and grants per year, the count so far, the majority it needs and which members have not voted
 * (by name). A voting member who has not voted chooses for or against, then confirms on a second
 * page (POST /sykluser/{cid}/avstemning/{version}, then the same with `bekreft`); the confirmed
 * post casts the vote, with the form's one-time key as the Update id, and shows a receipt. A
 * second vote on the same list is refused in Norwegian.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { majorityOf, votingMembers, type PartnershipConfig } from '../../schema/partnership.js';
import {
  castVote,
  cycleStatus,
  records,
  updateCycleOnce,
  VoteRequest,
  type CycleRecord,
  type MeasureRecord,
  type PriorityListState,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatDate } from '../format.js';
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
} from '../forms.js';
import type { Html } from '../layout.js';
import { actorOf, cycleHref, cycleOf, cycleTitle, planYears } from './action-cycle.js';
import { rankedListTable } from './priority-list-tables.js';
import { render, signedIn, type PageContext } from './render.js';

const VOTE_NAMES = { approve: 'for', reject: 'mot' } as const;
type Vote = keyof typeof VOTE_NAMES;

const REFUSED = {
  conflict:
    'Du har allerede stemt over denne listen, eller den er ikke lenger til avstemning. En stemme kan ikke endres.',
  forbidden: 'Bare stemmeberettigede medlemmer av IPR kan stemme.',
  wrongPhase: 'Syklusen er ikke i fasen for prioritering, så det stemmes ikke nå.',
  notFound: 'Denne versjonen av prioriteringslisten finnes ikke.',
} as const;

/** The list the page is about: the one under vote, else the latest. */
const currentList = (lists: PriorityListState[]) =>
  lists.find((l) => l.status === 'voting') ?? lists[lists.length - 1] ?? null;

const LIST_STATUS = {
  voting: 'til avstemning',
  adopted: 'vedtatt',
  rejected: 'forkastet',
  replaced: 'erstattet av en nyere liste',
} as const;

function listTable(
  cycle: CycleRecord,
  list: PriorityListState,
  titles: Map<string, string>,
  itemsFallback: PriorityListState['items'],
): Html {
  const items = [...(list.items.length ? list.items : itemsFallback)].sort((a, b) => a.rank - b.rank);
  if (items.length === 0) return html`<p class="ds-paragraph">Listen har ingen tiltak.</p>`;
  return rankedListTable(
    planYears(cycle),
    (id) => titles.get(id) ?? id,
    items,
    `Prioriteringsliste ${list.version}: tiltakene i rekkefølge, med tilskudd per år`,
    `liste-${list.version}`,
  );
}

function countSection(config: PartnershipConfig, list: PriorityListState): Html {
  const members = votingMembers(config);
  const missing = members.filter((m) => !list.voters[m.id]);
  return html`<dl class="facts">
  <dt>Møte</dt><dd>${formatDate(list.meeting.date)}, sak ${list.meeting.caseNumber}</dd>
  <dt>Status</dt><dd>${LIST_STATUS[list.status]}</dd>
  <dt>Stemmer for</dt><dd>${list.votes.approve}</dd>
  <dt>Stemmer mot</dt><dd>${list.votes.reject}</dd>
  <dt>Flertall</dt><dd>${majorityOf(config)} av ${members.length} stemmeberettigede</dd>
</dl>
<h2 class="ds-heading" data-size="sm">Har ikke stemt (${missing.length})</h2>
${missing.length === 0 ? html`<p class="ds-paragraph">Alle har stemt.</p>` : html`<ul class="ds-list">${missing.map((m) => html`<li>${m.name}</li>`)}</ul>`}`;
}

interface VoteView {
  cycle: CycleRecord;
  list: PriorityListState | null;
  titles: Map<string, string>;
  items: PriorityListState['items'];
}

async function view(ctx: WebContext, cycle: CycleRecord): Promise<VoteView> {
  const [status, measures, recorded] = await Promise.all([
    cycleStatus(ctx, cycle.id),
    records.measures(ctx.sql, cycle.id),
    records.priorityLists(ctx.sql, cycle.id),
  ]);
  const list = currentList(status.priorityLists);
  // The workflow empties the items of a list it no longer keeps; Postgres keeps every version's.
  const items = list ? (recorded.find((l) => l.version === list.version)?.items ?? []) : [];
  return { cycle, list, titles: new Map(measures.map((m: MeasureRecord) => [m.id, m.title])), items };
}

/** A voting member of the roster with the role the API's castVote asks for. */
const isVoter = (config: PartnershipConfig, person: Person) =>
  person.roles.includes('ipr_member') && votingMembers(config).some((m) => m.id === person.sub);

function votePage(
  c: PageContext,
  person: Person,
  v: VoteView,
  extra: { errors?: FormError[]; refusal?: string; status?: number } = {},
) {
  const title = `Avstemning – ${cycleTitle(v.cycle)}`;
  const crumbs = [
    { label: 'Mine oppgaver', href: '/' },
    { label: cycleTitle(v.cycle), href: cycleHref(v.cycle) },
    { label: 'Avstemning' },
  ];
  if (!v.list)
    return render(c, title, html`<p class="ds-paragraph">Ingen prioriteringsliste er lagt fram ennå.</p>`, {
      breadcrumbs: crumbs,
    });
  const list = v.list;
  const mine = list.voters[person.sub];
  const form =
    list.status !== 'voting'
      ? html`<p class="ds-paragraph">Listen er ${LIST_STATUS[list.status]}; det stemmes ikke over den.</p>`
      : mine
        ? html`<p class="ds-paragraph">Du har stemt <strong>${VOTE_NAMES[mine]}</strong> denne listen.</p>`
        : isVoter(v.cycle.config, person)
          ? html`<h2 class="ds-heading" data-size="sm">Din stemme</h2>
${errorSummary(extra.errors ?? [])}
<form method="post" action="${cycleHref(v.cycle)}/avstemning/${list.version}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), formKey())}
  ${choiceField({
    name: 'vote',
    legend: `Stemmer du for eller mot prioriteringsliste ${list.version}?`,
    type: 'radio',
    values: {},
    errors: extra.errors ?? [],
    groups: [
      {
        choices: [
          { value: 'approve', label: 'For' },
          { value: 'reject', label: 'Mot' },
        ],
      },
    ],
  })}
  <div class="form-buttons">${submitButton('Gå videre')}</div>
</form>`
          : html`<p class="ds-paragraph">Du er ikke stemmeberettiget medlem av IPR, så du kan se listen, men ikke stemme.</p>`;
  return render(
    c,
    title,
    html`${extra.refusal ? refusalBox(extra.refusal) : ''}
${listTable(v.cycle, list, v.titles, v.items)}
${countSection(v.cycle.config, list)}
${form}`,
    { breadcrumbs: crumbs, status: extra.status ?? 200 },
  );
}

export function votePages(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/sykluser/:cid/avstemning',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      return votePage(c, person, await view(ctx, cycle));
    }),
  );

  web.post(
    '/sykluser/:cid/avstemning/:version{[0-9]+}',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const version = Number(c.req.param('version'));
      const values = await readForm(c);
      const parsed = VoteRequest.safeParse({ vote: text(values, 'vote') });
      if (!parsed.success)
        return votePage(c, person, await view(ctx, cycle), {
          errors: [{ field: 'vote', message: 'Velg for eller mot.' }],
          status: 422,
        });
      const vote: Vote = parsed.data.vote;
      const key = postedKey(values);
      if (!key)
        return votePage(c, person, await view(ctx, cycle), {
          refusal: 'Skjemaet manglet sin engangsnøkkel. Velg på nytt.',
          status: 400,
        });
      const crumbs = [
        { label: 'Mine oppgaver', href: '/' },
        { label: cycleTitle(cycle), href: cycleHref(cycle) },
        { label: 'Avstemning', href: `${cycleHref(cycle)}/avstemning` },
        { label: 'Bekreft' },
      ];

      if (text(values, 'bekreft') !== 'ja') {
        // The confirmation step: the choice said back, the same key carried on to the vote itself.
        return render(
          c,
          `Bekreft stemmen din`,
          html`<p class="ds-paragraph">Du stemmer <strong>${VOTE_NAMES[vote]}</strong> prioriteringsliste ${version} for ${cycleTitle(cycle)}. En avgitt stemme kan ikke endres.</p>
<form method="post" action="${c.req.path}" class="action-form">
  ${hiddenFields(c.get('csrfToken'), key, { vote, bekreft: 'ja' })}
  <div class="form-buttons">${submitButton(`Ja, jeg stemmer ${VOTE_NAMES[vote]}`)} <a class="ds-link" href="${cycleHref(cycle)}/avstemning">Nei, tilbake til listen</a></div>
</form>`,
          { breadcrumbs: crumbs },
        );
      }

      let list: PriorityListState;
      try {
        list = await updateCycleOnce(
          ctx,
          cycle.id,
          castVote,
          { actor: actorOf(person), version, vote },
          updateIdFor(person.sub, `castVote-${version}`, key),
        );
      } catch (err) {
        if (!isRefusal(err)) throw err;
        return votePage(c, person, await view(ctx, cycle), {
          refusal: refusalReason(err, REFUSED),
          status: err.status,
        });
      }
      // The vote recorded, which is the first post's when this form was posted twice.
      const cast: Vote = list.voters[person.sub] ?? vote;
      const outcome =
        list.status === 'adopted'
          ? 'Listen har fått flertall og er vedtatt. Den går nå til kommunestyrene.'
          : list.status === 'rejected'
            ? 'Listen har fått flertall mot seg og er forkastet. Administrasjonen legger fram en ny.'
            : 'Listen er fortsatt til avstemning.';
      return render(
        c,
        'Stemmen er registrert',
        receipt(
          `Du har stemt ${VOTE_NAMES[cast]} prioriteringsliste ${version}.`,
          [
            ['Liste', `Prioriteringsliste ${version}, ${cycleTitle(cycle)}`],
            ['Din stemme', VOTE_NAMES[cast]],
            ['Stemmer for så langt', String(list.votes.approve)],
            ['Stemmer mot så langt', String(list.votes.reject)],
            ['Hva nå', outcome],
          ],
          html`<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}/avstemning">Tilbake til listen</a> · <a class="ds-link" href="/">Mine oppgaver</a></p>`,
        ),
        { breadcrumbs: crumbs.slice(0, 3).concat({ label: 'Kvittering' }) },
      );
    }),
  );
}
