/**
 * The front page, /. Signed in: "Mine oppgaver", the actions waiting for this person across
 * their partnership's cycles (web/tasks.ts), with due dates and an overdue mark, and the
 * partnership's cycles with their phase. Signed out: a short welcome, "Logg inn", and the way to
 * the public pages.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { Person, WebEnv } from '../env.js';
import { Problem, records, type CycleRecord, type WebContext } from '../core.js';
import { cycleView } from '../cycle-view.js';
import { formatDateTime, MEASURE_STATUS_NAMES, phaseName, ROLE_NAMES } from '../format.js';
import { scrollTable, type Html } from '../layout.js';
import { tasksFor, type Task, type TaskCycle } from '../tasks.js';
import { page, render, type PageContext } from './render.js';

const ENDED = new Set(['closed', 'cancelled']);

export function homePage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/',
    page(async (c) => {
      const person = c.get('person');
      return person ? myTasks(c, ctx, person) : welcome(c);
    }),
  );
}

function welcome(c: PageContext) {
  const body = html`<p class="ds-paragraph">Her lager regionrådet og kommunene den årlige handlings- og økonomiplanen (HØP) for næringsarbeidet: tiltak meldes inn,
IPR prioriterer, og hvert kommunestyre vedtar sin andel.</p>
<p class="ds-paragraph"><a class="ds-button" data-variant="primary" href="/logg-inn">Logg inn</a></p>
<p class="ds-paragraph">Det som er vedtatt, er åpent for alle: se <a class="ds-link" href="/offentlig">vedtatte planer og tildelinger</a>.</p>`;
  return render(c, 'Velkommen til HØP', body);
}

async function myTasks(c: PageContext, ctx: WebContext, person: Person) {
  const partnership = await records.partnership(ctx.sql, person.partnership);
  if (!partnership)
    throw new Problem(
      'notFound',
      `Partnerskapet du er knyttet til (${person.partnership}), finnes ikke i HØP. Kontakt sekretariatet.`,
    );
  const cycles = await records.cyclesOf(ctx.sql, partnership.id);
  const active = cycles.filter((cy) => !ENDED.has(cy.phase));
  // Every cycle under way is asked at once; one that does not answer leaves out only its own tasks.
  const asked = await Promise.all(
    active.map(async (cy): Promise<TaskCycle | CycleRecord> => {
      try {
        // Kept per version of the cycle's records, as the cycle page reads it (web/cycle-view.ts).
        const { status, measures } = await cycleView(ctx, cy.id);
        return { status, measures: person.roles.includes('proposer') ? measures : [] };
      } catch (err) {
        if (err instanceof Problem && err.kind === 'unavailable') return cy;
        throw err;
      }
    }),
  );
  const answered = asked.filter((x): x is TaskCycle => 'status' in x);
  const silent = asked.filter((x): x is CycleRecord => !('status' in x));
  const tasks = tasksFor({
    person,
    partnership: partnership.config,
    cycles: answered,
    now: Date.now(),
    started: cycles,
  });
  const roles = person.roles.map((r) => ROLE_NAMES[r] ?? r).join(', ');

  const body = html`<p class="ds-paragraph">${partnership.name}${roles ? html` · du er ${roles}` : ''}</p>
${
  silent.length
    ? html`<div class="ds-alert" data-color="warning"><p class="ds-paragraph">Syklusen for ${silent.map((s) => s.year).join(', ')} svarte ikke i tide, så oppgavene derfra mangler her. Prøv igjen om litt.</p></div>`
    : ''
}
${taskList(tasks)}
${person.roles.includes('proposer') ? myMeasures(person, answered) : ''}
<h2 class="ds-heading" data-size="md">Syklusene i ${partnership.name}</h2>
${cycles.length === 0 ? html`<p class="ds-paragraph">Ingen år er startet ennå.</p>` : cycleTable(partnership.name, cycles)}`;
  return render(c, 'Mine oppgaver', body);
}

function taskList(tasks: Task[]): Html {
  if (tasks.length === 0) return html`<p class="ds-paragraph">Du har ingen ventende oppgaver nå.</p>`;
  return html`<ul class="tasks">
${tasks.map(
  (t) => html`<li class="${t.overdue ? 'overdue' : ''}">
  <a class="ds-link" href="${t.href}">${t.text}</a>
  <p class="task-meta">${t.dueAt ? html`<span>Frist: <time datetime="${t.dueAt}">${formatDateTime(t.dueAt)}</time></span>` : html`<span>Ingen frist</span>`}
  ${t.overdue ? html`<span class="ds-tag" data-color="danger">Forfalt</span>` : ''}</p>
</li>`,
)}
</ul>`;
}

/** A proposer's own measures in the cycles under way, with their status. */
function myMeasures(person: Person, cycles: TaskCycle[]): Html {
  const rows = cycles.flatMap((cy) =>
    (cy.measures ?? [])
      .filter((m) => m.proposedBy === person.sub)
      .map((m) => ({ year: cy.status.year, href: `/sykluser/${encodeURIComponent(cy.status.id)}`, ...m })),
  );
  return html`<h2 class="ds-heading" data-size="md">Mine tiltak</h2>
${
  rows.length === 0
    ? html`<p class="ds-paragraph">Du har ingen tiltak i årene som pågår.</p>`
    : scrollTable(
        'mine-tiltak',
        html`<table class="ds-table" data-border>
<caption id="mine-tiltak">Tiltakene du har sendt inn, i årene som pågår</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">År</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows.map((m) => html`<tr><th scope="row">${m.title}</th><td><a class="ds-link" href="${m.href}">${m.year}</a></td><td>${MEASURE_STATUS_NAMES[m.status] ?? m.status}</td></tr>`)}
</tbody>
</table>`,
      )
}`;
}

function cycleTable(partnershipName: string, cycles: CycleRecord[]): Html {
  return scrollTable(
    'sykluser',
    html`<table class="ds-table" data-border>
<caption id="sykluser">Handlings- og økonomiplaner i ${partnershipName}, år for år</caption>
<thead><tr><th scope="col">År</th><th scope="col">Fase</th><th scope="col">Forslagsfrist</th><th scope="col">IPRs frist</th><th scope="col">Kommunenes frist</th></tr></thead>
<tbody>
${cycles.map(
  (cy) => html`<tr>
  <th scope="row"><a class="ds-link" href="/sykluser/${encodeURIComponent(cy.id)}">${cy.year}</a></th>
  <td>${phaseName(cy.phase)}</td>
  <td>${formatDateTime(cy.deadlines.proposals)}</td>
  <td>${formatDateTime(cy.deadlines.ipr)}</td>
  <td>${formatDateTime(cy.deadlines.adoption)}</td>
</tr>`,
)}
</tbody>
</table>`,
  );
}
