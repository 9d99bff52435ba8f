/**
 * A cycle's page, /sykluser/{cid}, for the people of its own partnership: the phase as a step
 * indicator (forslag → prioritering → vedtak → vedtatt → avsluttet), the deadlines with overdue
 * marks, what waits for the reader in this cycle, the measures, and the decision history in
 * Norwegian (web/history.ts).
 *
 * A 500-measure cycle's page is large, so it is made in three layers: what the cycle's status and
 * records say is read once per version of its records (web/kept-views.ts: one status query and
 * one read of the measures per change, not per view); the measures and the history, the same for
 * every reader, are rendered once per version; and the whole page, gzipped, is kept per reader
 * (web/kept-pages.ts) until the records change or the next deadline passes (when an overdue mark
 * may appear), so a reload costs a lookup.
 */
import type { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { Allocations } from '../../schema/allocations.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import type { CycleStatus } from '../../workflows/messages.js';
import { allocationReader, exportFileName, forMunicipality, knownPeople, Problem, type WebContext } from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatDateTime, municipalityName, PHASE_NAMES } from '../format.js';
import { gzippedPage, KeptPages, takesGzip } from '../kept-pages.js';
import { cycleView, nextMark, viewUntil, type CycleView } from '../cycle-view.js';
import { layout, type Html } from '../layout.js';
import { actorNames } from '../names.js';
import { tasksFor, type Task } from '../tasks.js';
import { ownCycleId } from './action-cycle.js';
import { allocationSection, historyTable, measureTable } from './cycle-tables.js';
import { signedIn } from './render.js';

/** The phases a cycle goes through, in order; "cancelled" stops it anywhere. */
const STEPS = ['proposals', 'prioritisation', 'adoption', 'adopted', 'closed'] as const;

/**
 * Whose allocations a person sees, as the API shows them: every funder's ('all'), a clerk their own
 * municipality's alone (a municipality id), or none (null).
 */
const allocationsFor = (person: Person) => allocationReader(person.roles, person.municipality);

interface Tables {
  measures: string;
  history: string;
}

/**
 * The measures' and the history's tables. The names come from the configuration and the known
 * people; a reader the measures or the history name, and whom nothing else names, reads their own
 * name there too, in tables of their own.
 */
function tablesFor(v: CycleView, person: Person): Promise<Tables> {
  // Only a reader whom the configuration and the known people leave unnamed gets tables of their own.
  const unnamed = actorNames(v.cycle.config, knownPeople)(person.sub) === person.sub;
  const own = v.actors.has(person.sub) && unnamed ? person.sub : '';
  const name = `cycle-page-tables:${own}`;
  let tables = v.rendered.get(name) as Promise<Tables> | undefined;
  if (!tables) {
    const names = actorNames(v.cycle.config, own ? new Map([...knownPeople, [own, person.name]]) : knownPeople);
    tables = Promise.all([measureTable(v.measures, names), historyTable(v.cycle.config, v.status, names)]).then(
      ([measures, history]) => ({ measures: String(measures), history: String(history) }),
    );
    v.rendered.set(name, tables);
  }
  return tables;
}

/** Whole pages, per reader. */
const kept = new KeptPages();

export function cyclePage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/sykluser/:cid',
    signedIn(async (c, person) => {
      const v = await cycleView(ctx, ownCycleId(c, person));
      const reader = allocationsFor(person);
      // The allocations of the same version as the rest of the view, in the reader's scope.
      const allocations = reader
        ? reader === 'all'
          ? v.snapshot.allocations
          : forMunicipality(v.snapshot.allocations, reader)
        : null;
      const now = Date.now();
      const tasks = tasksFor({
        person,
        partnership: v.cycle.config,
        cycles: [{ status: v.status, measures: v.measures }],
        now,
      });
      const title = `${v.cycle.config.name} ${v.cycle.year}`;
      const page = async () =>
        String(
          await layout({
            title,
            person,
            csrfToken: c.get('csrfToken'),
            breadcrumbs: [{ label: 'Mine oppgaver', href: '/' }, { label: title }],
            body: body(v, person, tasks, allocations, await tablesFor(v, person), now),
          }),
        );
      c.header('vary', 'Cookie, Accept-Encoding');
      if (!takesGzip(c)) return c.html(await page());
      // The version of the records, and the reader's scope of the allocations shown.
      const version = `${v.version}:${reader ?? ''}`;
      return gzippedPage(
        c,
        await kept.serve(
          c,
          person,
          {
            page: 'syklus',
            version,
            until: Math.min(
              nextMark(
                v.status,
                now,
                tasks.map((t) => t.dueAt),
              ),
              viewUntil(v, now),
            ),
          },
          page,
        ),
      );
    }),
  );

  web.get(
    '/sykluser/:cid/:file{tildelinger\\.(?:csv|xlsx)}',
    signedIn(async (c, person) => {
      const cid = ownCycleId(c, person);
      // Every funder's figures: a clerk's own share is in /sykluser/{cid}/fordeling.csv|xlsx.
      if (allocationsFor(person) !== 'all')
        throw new Problem('forbidden', 'Tildelingene vises for økonomi, administrator og medlemmer av IPR.');
      const format = c.req.param('file')?.endsWith('.csv') ? 'csv' : 'xlsx';
      const snapshot = await ctx.allocations.get(cid);
      if (!snapshot) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
      return c.body(await snapshot.body(format, false), 200, {
        'content-type':
          format === 'csv'
            ? 'text/csv; charset=utf-8; header=present'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${exportFileName(cid, format)}"`,
      });
    }),
  );
}

function body(
  v: CycleView,
  person: Person,
  mine: Task[],
  allocations: Allocations | null,
  tables: Tables,
  now: number,
): Html {
  const { status, cycle } = v;
  return html`${
    status.source === 'records'
      ? html`<div class="ds-alert" data-color="info"><p class="ds-paragraph">Syklusen er avsluttet. Siden viser det som er arkivert; historikken er revisjonsloggen.</p></div>`
      : ''
  }
<h2 class="ds-heading" data-size="md">Fase</h2>
${steps(status.phase)}
<h2 class="ds-heading" data-size="md">Frister</h2>
${deadlines(cycle.config, status, now)}
<h2 class="ds-heading" data-size="md">Dine oppgaver i denne syklusen</h2>
${
  mine.length === 0
    ? html`<p class="ds-paragraph">Ingen akkurat nå.</p>`
    : html`<ul class="tasks">${mine.map(
        (t) =>
          html`<li class="${t.overdue ? 'overdue' : ''}">${t.text}<p class="task-meta">${t.dueAt ? html`<span>Frist: <time datetime="${t.dueAt}">${formatDateTime(t.dueAt)}</time></span>` : ''}${t.overdue ? html` <span class="ds-tag" data-color="danger">Forfalt</span>` : ''}</p></li>`,
      )}</ul>`
}
${actionList(status, person)}
<h2 class="ds-heading" data-size="md">Tiltak</h2>
${raw(tables.measures)}
${allocations ? allocationSection(cycle.config, status.id, allocations) : ''}
<h2 class="ds-heading" data-size="md">Vedtak og hendelser</h2>
${raw(tables.history)}`;
}

/**
 * Where the reader acts in this cycle, by role and phase (the paths of /work/brief/paths.md; some
 * pages are other helpers'): the administrator's steering and year-end, the IPR's recommendation,
 * priority list and vote, the clerk's decision, finance's allocations, the proposer's measures and
 * reports, and the year's execution.
 */
export function actionLinks(
  s: Pick<CycleStatus, 'id' | 'year' | 'phase' | 'priorityLists'>,
  person: Person,
): [string, string][] {
  const base = `/sykluser/${encodeURIComponent(s.id)}`;
  const has = (r: Person['roles'][number]) => person.roles.includes(r);
  const running = s.phase !== 'closed' && s.phase !== 'cancelled';
  const links: [string, string][] = [];
  if (s.phase === 'proposals' && (has('proposer') || has('admin')))
    links.push([`${base}/tiltak/nytt`, 'Meld inn nytt tiltak'], ['/mine-tiltak', 'Mine tiltak']);
  if (s.phase === 'proposals' && has('admin')) links.push([`${base}/lukk-forslag`, 'Lukk forslagsrunden nå']);
  if (s.phase === 'prioritisation' && (has('ipr_member') || has('admin')))
    links.push(
      [`${base}/innstilling`, 'Administrasjonens innstilling'],
      [`${base}/prioritering`, 'Lag eller endre prioriteringslisten'],
    );
  if (s.phase === 'prioritisation' && s.priorityLists.length > 0)
    links.push([
      `${base}/avstemning`,
      has('ipr_member') ? 'Prioriteringslisten og avstemningen' : 'Prioriteringslisten',
    ]);
  if (s.phase === 'adoption' && has('municipal_clerk') && person.municipality)
    links.push([`${base}/vedtak`, 'Registrer kommunestyrets vedtak']);
  if (s.phase !== 'proposals' && s.phase !== 'cancelled' && (has('finance') || has('admin')))
    links.push([`${base}/fordeling`, 'Fordelingen per tiltak, finansiør og mål']);
  if ((s.phase === 'adopted' || s.phase === 'closed') && has('proposer'))
    links.push(['/mine-tiltak', 'Mine tiltak og rapportene om dem']);
  if ((s.phase === 'adopted' || s.phase === 'closed') && has('admin'))
    links.push(
      [`${base}/gjennomforing`, 'Gjennomføringen: framdrift og forbruk'],
      [`${base}/indikatorer`, 'Indikatorene for året'],
      [`${base}/arsavslutning`, s.phase === 'adopted' ? 'Avslutt året' : 'Årsavslutningen'],
    );
  if (running && s.phase !== 'adopted' && has('admin')) links.push([`${base}/frister`, 'Flytt en frist']);
  if (running && has('admin')) links.push([`${base}/avlys`, 'Avlys syklusen']);
  if (s.phase === 'closed' && has('admin'))
    links.push([`/sykluser/ny?ar=${s.year + 1}`, `Start syklusen for ${s.year + 1}`]);
  return links;
}

function actionList(s: CycleStatus, person: Person): Html {
  const links = actionLinks(s, person);
  if (links.length === 0) return html``;
  return html`<ul class="ds-list action-links">${links.map(([href, label]) => html`<li><a class="ds-link" href="${href}">${label}</a></li>`)}</ul>`;
}

function steps(phase: CycleStatus['phase']): Html {
  const at = STEPS.indexOf(phase as (typeof STEPS)[number]);
  return html`${phase === 'cancelled' ? html`<div class="ds-alert" data-color="warning"><p class="ds-paragraph">Syklusen er avbrutt.</p></div>` : ''}
<ol class="steps" aria-label="Fasene i syklusen">
${STEPS.map((step, i) =>
  i === at
    ? html`<li aria-current="step">${PHASE_NAMES[step]}<span class="ds-sr-only"> (nåværende fase)</span></li>`
    : i < at
      ? html`<li class="done">${PHASE_NAMES[step]}<span class="ds-sr-only"> (fullført)</span></li>`
      : html`<li>${PHASE_NAMES[step]}</li>`,
)}
</ol>`;
}

function deadlines(config: PartnershipConfig, s: CycleStatus, now: number): Html {
  const overdueTag = (flag: string, dueAt: string) =>
    s.overdue.includes(flag) || (Date.parse(dueAt) < now && isOpen(s, flag))
      ? html` <span class="ds-tag" data-color="danger">Forfalt</span>`
      : '';
  const round = s.adoptions.filter((a) => a.round === s.adoptionRound);
  const council = (id: string) => municipalityName(config.municipalities.find((m) => m.id === id)?.name ?? id);
  return html`<dl class="facts">
  <dt>Forslag</dt><dd><time datetime="${s.deadlines.proposals}">${formatDateTime(s.deadlines.proposals)}</time>${overdueTag('proposals', s.deadlines.proposals)}</dd>
  <dt>IPRs vedtak</dt><dd><time datetime="${s.deadlines.ipr}">${formatDateTime(s.deadlines.ipr)}</time>${overdueTag('ipr', s.deadlines.ipr)}</dd>
  <dt>Kommunestyrenes vedtak</dt><dd><time datetime="${s.deadlines.adoption}">${formatDateTime(s.deadlines.adoption)}</time>${overdueTag('adoption', s.deadlines.adoption)}</dd>
  ${round.map(
    (a) =>
      html`<dt>${council(a.municipality)}${s.adoptionRound > 1 ? ` (runde ${a.round})` : ''}</dt><dd><time datetime="${a.dueAt}">${formatDateTime(a.dueAt)}</time>${
        a.decision
          ? ` – vedtatt (sak ${a.caseNumber ?? ''})`
          : a.overdue || s.overdue.includes(`adoption:${a.municipality}`)
            ? html` <span class="ds-tag" data-color="danger">Forfalt</span>`
            : ''
      }</dd>`,
  )}
</dl>`;
}

/** Whether the step a deadline closes is still open, so that a passed deadline is overdue. */
function isOpen(s: CycleStatus, flag: string): boolean {
  if (flag === 'proposals') return s.phase === 'proposals';
  if (flag === 'ipr') return s.phase === 'prioritisation';
  return s.phase === 'adoption' && s.adoptions.some((a) => a.decision === null);
}
