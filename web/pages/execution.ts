/**
 * The year's execution, /sykluser/{cid}/gjennomforing, for everyone in the partnership (as the
 * API's reads): each granted measure's grant per year, what has been spent so far and what
 * remains, to the øre, with its progress reports (text, date, who, what was spent in each); and
 * a chart of money spent against grants in the cycle's year, per measure (web/charts/spent.ts
 * says why per measure), with its table. The measure's proposer and the administrator get a link
 * to report progress while the plan is adopted.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { knownPeople, type CycleRecord, type WebContext } from '../core.js';
import type { Person, WebEnv } from '../env.js';
import { chartBlock } from '../charts/chart-figure.js';
import { spentChart } from '../charts/spent.js';
import { mayReport, measureProgress, type MeasureProgress } from '../execution-data.js';
import { formatDate, formatNok, phaseName } from '../format.js';
import { scrollTable, type Html } from '../layout.js';
import { actorNames } from '../names.js';
import { formatMoney, parseMoney, sumMoney } from '../../domain/money.js';
import { cycleHref, cycleOf, cycleTitle } from './action-cycle.js';
import { render, signedIn } from './render.js';

export const executionHref = (cycle: Pick<CycleRecord, 'id'>) => `${cycleHref(cycle)}/gjennomforing`;
export const reportHref = (cycle: Pick<CycleRecord, 'id'>, measureId: string) =>
  `${cycleHref(cycle)}/tiltak/${encodeURIComponent(measureId)}/rapport`;

const total = (map: Record<string, string>) => formatMoney(sumMoney(Object.values(map).map(parseMoney)));

/** A measure's grant, spent and remaining per year, with the totals: the overview's and the report form's. */
export function moneyTable(p: MeasureProgress, captionId: string): Html {
  const years = Object.keys(p.grants).sort();
  return scrollTable(
    captionId,
    html`<table class="ds-table" data-border>
<caption id="${captionId}">${p.measure.title}: tildelt, brukt og igjen</caption>
<thead><tr><th scope="col">År</th><th scope="col" class="num">Tildelt</th><th scope="col" class="num">Brukt så langt</th><th scope="col" class="num">Igjen</th></tr></thead>
<tbody>
${years.map((y) => html`<tr><th scope="row">${y}</th><td class="num">${formatNok(p.grants[y] ?? '0.00')}</td><td class="num">${formatNok(p.spent[y] ?? '0.00')}</td><td class="num">${formatNok(p.remaining[y] ?? '0.00')}</td></tr>`)}
<tr class="sum"><th scope="row">I alt</th><td class="num">${formatNok(total(p.grants))}</td><td class="num">${formatNok(total(p.spent))}</td><td class="num">${formatNok(total(p.remaining))}</td></tr>
</tbody>
</table>`,
  );
}

/** The measure's reports, newest first: date, who, the text, and what was spent in each. */
export function reportList(p: MeasureProgress, nameOf: (sub: string) => string): Html {
  if (p.reports.length === 0) return html`<p class="ds-paragraph">Ingen fremdriftsrapporter ennå.</p>`;
  return html`<ol class="reports">
${[...p.reports].reverse().map((r) => {
  const spent = Object.entries(r.spent).filter(([, v]) => !parseMoney(v).isZero());
  return html`<li><p class="ds-paragraph"><strong><time datetime="${r.reportedAt}">${formatDate(r.reportedAt)}</time></strong>, ${nameOf(r.reportedBy)}</p>
<p class="ds-paragraph report-text">${r.progress}</p>
<p class="ds-paragraph">${spent.length ? `Brukt i denne rapporten: ${spent.map(([y, v]) => `${formatNok(v)} i ${y}`).join(', ')}.` : 'Ingen midler brukt i denne rapporten.'}</p></li>`;
})}
</ol>`;
}

function measureSection(
  cycle: CycleRecord,
  p: MeasureProgress,
  i: number,
  person: Person,
  nameOf: (s: string) => string,
): Html {
  const canReport = cycle.phase === 'adopted' && mayReport(person, p.measure);
  return html`<section class="execution-part" aria-labelledby="tiltak-${i}">
<h3 class="ds-heading" data-size="sm" id="tiltak-${i}">${p.measure.title}</h3>
<dl class="facts"><dt>Ansvarlig</dt><dd>${p.measure.responsible}</dd><dt>Meldt inn av</dt><dd>${nameOf(p.measure.proposedBy)}</dd></dl>
${moneyTable(p, `penger-${i}`)}
<h4 class="ds-heading" data-size="xs">Fremdrift</h4>
${reportList(p, nameOf)}
${canReport ? html`<p class="ds-paragraph"><a class="ds-link" href="${reportHref(cycle, p.measure.id)}">Rapporter fremdrift og bruk av midler for «${p.measure.title}»</a></p>` : ''}
</section>`;
}

export function executionPage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/sykluser/:cid/gjennomforing',
    signedIn(async (c, person) => {
      const cycle = await cycleOf(ctx, c, person);
      const progress = await measureProgress(ctx, cycle);
      const nameOf = actorNames(cycle.config, new Map([...knownPeople, [person.sub, person.name]]));
      const year = String(cycle.year);
      const chart = spentChart(
        'brukt',
        cycle.year,
        progress
          .filter((p) => p.grants[year])
          .map((p) => ({ title: p.measure.title, granted: p.grants[year] ?? '0.00', spent: p.spent[year] ?? '0.00' })),
      );
      const started = cycle.phase === 'adopted' || cycle.phase === 'closed';
      const body = started
        ? html`<p class="ds-paragraph">Fasen er ${phaseName(cycle.phase).toLowerCase()}. ${cycle.phase === 'adopted' ? 'Den som meldte inn et tiltak, og administratoren, rapporterer fremdrift og bruk av midler gjennom året.' : 'Året er avsluttet; rapportene står som de ble levert.'}</p>
<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(cycle)}/indikatorer">Indikatorene for ${cycle.year}</a></p>
<h2 class="ds-heading" data-size="md">Brukt mot tildelt i ${cycle.year}</h2>
${chartBlock(chart)}
<h2 class="ds-heading" data-size="md">Tiltakene</h2>
${progress.length ? progress.map((p, i) => measureSection(cycle, p, i, person, nameOf)) : html`<p class="ds-paragraph">Ingen tiltak fikk tildelt midler.</p>`}`
        : html`<div class="ds-alert" data-color="info"><p class="ds-paragraph">Gjennomføringen begynner når planen for ${cycle.year} er vedtatt. Fasen er nå ${phaseName(cycle.phase).toLowerCase()}.</p></div>`;
      return render(c, `Gjennomføring: ${cycleTitle(cycle)}`, body, {
        breadcrumbs: [
          { label: 'Mine oppgaver', href: '/' },
          { label: cycleTitle(cycle), href: cycleHref(cycle) },
          { label: 'Gjennomføring' },
        ],
      });
    }),
  );
}
