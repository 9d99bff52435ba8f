/**
 * A cycle's page, /sykluser/{cid}, for the people of its own partnership: the phase as a step
 * indicator (forslag → prioritering → vedtak → vedtatt → avsluttet), the deadlines with overdue
 * marks, what waits for the reader in this cycle, the measures, and the decision history in
 * Norwegian (web/history.ts).
 *
 * Over 300 lines: the page and its every-funder downloads share the cycle read and the reader's scope.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { CYCLE_ID_PATTERN } from '../../schema/api.js';
import type { Allocations } from '../../schema/allocations.js';
import { formatMoney, parseMoney, sumMoney } from '../../domain/money.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import type { CycleStatus } from '../../workflows/messages.js';
import {
  allocationReader,
  cycleStatus,
  exportFileName,
  forMunicipality,
  knownPeople,
  Problem,
  records,
  type CycleRecord,
  type CycleStatusView,
  type MeasureRecord,
  type WebContext,
} from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { formatDateTime, formatNok, MEASURE_STATUS_NAMES, municipalityName, PHASE_NAMES } from '../format.js';
import { historyLines } from '../history.js';
import { scrollTable, type Html } from '../layout.js';
import { actorNames, funderName, type ActorNames } from '../names.js';
import { tasksFor } from '../tasks.js';
import { render, signedIn, type PageContext } from './render.js';

/** The phases a cycle goes through, in order; "cancelled" stops it anywhere. */
const STEPS = ['proposals', 'prioritisation', 'adoption', 'adopted', 'closed'] as const;

/**
 * Whose allocations a person sees, as the API shows them: every funder's ('all'), a clerk their own
 * municipality's alone (a municipality id), or none (null).
 */
const allocationsFor = (person: Person) => allocationReader(person.roles, person.municipality);

/** The cycle of the address, for a person of its own partnership; a refusal otherwise. */
async function ownCycle(ctx: WebContext, c: PageContext, person: Person): Promise<CycleRecord> {
  const cid = c.req.param('cid') ?? '';
  const pid = CYCLE_ID_PATTERN.exec(cid)?.[1];
  if (!pid) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  if (pid !== person.partnership)
    throw new Problem('forbidden', 'Denne syklusen hører til et annet partnerskap enn ditt.');
  const cycle = await records.cycle(ctx.sql, cid);
  if (!cycle) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
  return cycle;
}

export function cyclePage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/sykluser/:cid',
    signedIn(async (c, person) => {
      const cycle = await ownCycle(ctx, c, person);
      const reader = allocationsFor(person);
      const [status, measures, snapshot] = await Promise.all([
        cycleStatus(ctx, cycle.id),
        records.measures(ctx.sql, cycle.id),
        reader ? ctx.allocations.get(cycle.id) : null,
      ]);
      const allocations =
        snapshot && reader
          ? reader === 'all'
            ? snapshot.allocations
            : forMunicipality(snapshot.allocations, reader)
          : null;
      const names = actorNames(cycle.config, new Map([...knownPeople, [person.sub, person.name]]));
      const title = `${cycle.config.name} ${cycle.year}`;
      return render(c, title, body(cycle.config, status, measures, person, names, allocations), {
        breadcrumbs: [{ label: 'Mine oppgaver', href: '/' }, { label: title }],
      });
    }),
  );

  web.get(
    '/sykluser/:cid/:file{tildelinger\\.(?:csv|xlsx)}',
    signedIn(async (c, person) => {
      const cycle = await ownCycle(ctx, c, person);
      // Every funder's figures: a clerk's own share is in /sykluser/{cid}/fordeling.csv|xlsx.
      if (allocationsFor(person) !== 'all')
        throw new Problem('forbidden', 'Tildelingene vises for økonomi, administrator og medlemmer av IPR.');
      const format = c.req.param('file')?.endsWith('.csv') ? 'csv' : 'xlsx';
      const snapshot = await ctx.allocations.get(cycle.id);
      if (!snapshot) throw new Problem('notFound', 'Det finnes ingen syklus med denne adressen.');
      return c.body(await snapshot.body(format, false), 200, {
        'content-type':
          format === 'csv'
            ? 'text/csv; charset=utf-8; header=present'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${exportFileName(cycle.id, format)}"`,
      });
    }),
  );
}

function body(
  config: PartnershipConfig,
  status: CycleStatusView,
  measures: MeasureRecord[],
  person: Person,
  names: ActorNames,
  allocations: Allocations | null,
): Html {
  const now = Date.now();
  const mine = tasksFor({ person, partnership: config, cycles: [{ status, measures }], now });
  return html`${
    status.source === 'records'
      ? html`<div class="ds-alert" data-color="info"><p class="ds-paragraph">Syklusen er avsluttet. Siden viser det som er arkivert; historikken er revisjonsloggen.</p></div>`
      : ''
  }
<h2 class="ds-heading" data-size="md">Fase</h2>
${steps(status.phase)}
<h2 class="ds-heading" data-size="md">Frister</h2>
${deadlines(config, status, now)}
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
${measureTable(measures, names)}
${allocations ? allocationSection(config, status.id, allocations) : ''}
<h2 class="ds-heading" data-size="md">Vedtak og hendelser</h2>
${historyTable(config, status, names)}`;
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

function measureTable(measures: MeasureRecord[], names: ActorNames): Html {
  if (measures.length === 0) return html`<p class="ds-paragraph">Ingen tiltak er sendt inn ennå.</p>`;
  return scrollTable(
    'tiltak',
    html`<table class="ds-table" data-border>
<caption id="tiltak">Tiltakene i syklusen (${measures.length})</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">Ansvarlig</th><th scope="col">Sendt inn av</th><th scope="col">Status</th><th scope="col" class="num">Søkt i alt</th></tr></thead>
<tbody>
${measures.map(
  (m) => html`<tr>
  <th scope="row">${m.title}</th>
  <td>${m.responsible}</td>
  <td>${names(m.proposedBy)}</td>
  <td>${MEASURE_STATUS_NAMES[m.status] ?? m.status}</td>
  <td class="num">${formatNok(formatMoney(sumMoney(Object.values(m.amounts).map(parseMoney))))}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}

/** Each funder's frame, allocated and remaining per year, with the downloads, for the roles that see allocations. */
function allocationSection(config: PartnershipConfig, cycleId: string, a: Allocations): Html {
  const years = a.years.map(String);
  const basis =
    a.basis.status === 'none'
      ? 'Ingen prioriteringsliste ennå, så ingenting er tildelt.'
      : a.basis.status === 'voting'
        ? `Beregnet fra prioriteringsliste ${a.basis.priorityListVersion}, som er til avstemning: ikke bindende.`
        : `Fra prioriteringsliste ${a.basis.priorityListVersion}, vedtatt av IPR.`;
  const base = `/sykluser/${encodeURIComponent(cycleId)}`;
  const money = (amount: string | undefined) => html`<td class="num">${formatNok(amount ?? '0.00')}</td>`;
  return html`<h2 class="ds-heading" data-size="md">Tildelinger</h2>
<p class="ds-paragraph">${basis} Last ned: <a class="ds-link" href="${base}/fordeling.csv">CSV for Excel</a> · <a class="ds-link" href="${base}/fordeling.xlsx">Excel</a></p>
${scrollTable(
  'rammer',
  html`<table class="ds-table" data-border>
<caption id="rammer">Ramme, tildelt og igjen per finansiør og år</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col">År</th><th scope="col" class="num">Ramme</th><th scope="col" class="num">Tildelt</th><th scope="col" class="num">Igjen</th></tr></thead>
<tbody>
${a.funders.flatMap((f) => years.map((y) => html`<tr><th scope="row">${funderName(config, f.id)}</th><td>${y}</td>${money(f.frame[y])}${money(f.allocated[y])}${money(f.remaining[y])}</tr>`))}
</tbody>
</table>`,
)}`;
}

function historyTable(config: PartnershipConfig, s: CycleStatus, names: ActorNames): Html {
  const lines = historyLines(config, s.history, names);
  if (lines.length === 0) return html`<p class="ds-paragraph">Ingenting er registrert ennå.</p>`;
  return scrollTable(
    'historikk',
    html`<table class="ds-table" data-border>
<caption id="historikk">Vedtak og hendelser, eldste først</caption>
<thead><tr><th scope="col">Tidspunkt</th><th scope="col">Hvem</th><th scope="col">Hva</th><th scope="col">Grunnlag</th></tr></thead>
<tbody>
${lines.map(
  (l) => html`<tr>
  <td><time datetime="${l.at}">${formatDateTime(l.at)}</time></td>
  <td>${l.actor}</td>
  <td>${l.text}${l.untranslated ? html` <span class="untranslated">Opprinnelig tekst: «<span lang="en">${l.untranslated}</span>»</span>` : ''}</td>
  <td>${l.basis ?? ''}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}
