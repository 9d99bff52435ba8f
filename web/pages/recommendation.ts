/**
 * The administration's recommendation, /sykluser/{cid}/innstilling, for anyone signed in to the
 * cycle's partnership (as GET /cycles/{cid}/recommendation): the measures in rank order with the
 * grant per year and what was asked; per year, each funder's share of every grant (by name,
 * split by the domain's rule as the workflow splits it); per funder and year the money left
 * unallocated and why, in Norwegian (web/recommendation-reasons.ts); which measures get less than
 * they asked, or nothing.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { parseMoney } from '../../domain/money.js';
import type { WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { formatNok } from '../format.js';
import { scrollTable, type Html } from '../layout.js';
import { funderName } from '../names.js';
import { compute, initialState } from '../priority-list.js';
import { outOfSplitTexts, unallocatedTexts, type UnallocatedText } from '../recommendation-reasons.js';
import { cycleHref, cycleTitle } from './action-cycle.js';
import { listTable, total } from './priority-list-tables.js';
import { prioritisationView, type PrioritisationView } from './prioritisation-data.js';
import { render, signedIn } from './render.js';

function rankedTable(v: PrioritisationView): Html {
  const items = [...(v.recommendation?.items ?? [])].sort((a, b) => a.rank - b.rank);
  if (items.length === 0) return html`<p class="ds-paragraph">Innstillingen gir ingen tiltak tilskudd.</p>`;
  return listTable(v, items, 'Tiltakene i rekkefølge, med tilskudd per år');
}

/** One table per year: every granted measure's grant and each funder's share of it, with the totals. */
function sharesTables(v: PrioritisationView): Html {
  const computed = compute(initialState(v.measures, v.recommendation!, v.years), v.byId, v.years, v.money, v.title);
  const funders = computed.funders.map((f) => f.funderId);
  const names = funders.map((id) => funderName(v.cycle.config, id));
  return html`${v.years.map((y) => {
    const rows = computed.items.filter((it) => it.grants[y] !== '0.00');
    const id = `andeler-${y}`;
    if (rows.length === 0)
      return html`<h3 class="ds-heading" data-size="xs">${y}</h3><p class="ds-paragraph">Ingen tilskudd for ${y}.</p>`;
    return html`<h3 class="ds-heading" data-size="xs">${y}</h3>${scrollTable(
      id,
      html`<table class="ds-table" data-border>
<caption id="${id}">${y}: hvert tilskudd og hver finansiørs andel av det</caption>
<thead><tr><th scope="col">Nr.</th><th scope="col">Tiltak</th><th scope="col" class="num">Tilskudd</th>${names.map((n) => html`<th scope="col" class="num">${n}</th>`)}</tr></thead>
<tbody>
${rows.map((it) => {
  const share = computed.shares.get(it.measureId) ?? {};
  return html`<tr><td>${it.rank}</td><th scope="row">${v.title(it.measureId)}</th><td class="num">${formatNok(it.grants[y] ?? '0.00')}</td>${funders.map((f) => html`<td class="num">${formatNok(share[f]?.[y] ?? '0.00')}</td>`)}</tr>`;
})}
<tr class="sum"><th scope="row" colspan="2">I alt</th><td class="num">${formatNok(total(rows.map((it) => it.grants[y] ?? '0.00')))}</td>${computed.funders.map((f) => html`<td class="num">${formatNok(f.allocated[y] ?? '0.00')}</td>`)}</tr>
</tbody>
</table>`,
    )}`;
  })}`;
}

/** The reason, or an old note that could not be read marked as English, or a dash when none is given. */
function whyCell(reason: UnallocatedText | undefined): Html | string {
  if (!reason) return '–';
  return reason.text ?? html`<span lang="en" class="untranslated">${reason.note}</span>`;
}

/** Per funder and year: the money the recommendation leaves in the frame, and why. */
function unallocatedTable(v: PrioritisationView): Html {
  const rec = v.recommendation!;
  const config = v.cycle.config;
  const reasons = new Map(unallocatedTexts(config, rec).map((r) => [`${r.funderId}:${r.year}`, r]));
  const rows = Object.keys(rec.unallocated).flatMap((funderId) =>
    v.years
      .filter((y) => (rec.unallocated[funderId]?.[y] ?? '0.00') !== '0.00')
      .map((y) => ({
        funderId,
        year: y,
        amount: rec.unallocated[funderId]![y]!,
        reason: reasons.get(`${funderId}:${y}`),
      })),
  );
  if (rows.length === 0)
    return html`<p class="ds-paragraph">Innstillingen fordeler hver finansiørs ramme fullt ut, hvert år.</p>`;
  return scrollTable(
    'ikke-fordelt',
    html`<table class="ds-table" data-border>
<caption id="ikke-fordelt">Penger som ikke er fordelt, per finansiør og år, og hvorfor</caption>
<thead><tr><th scope="col">Finansiør</th><th scope="col">År</th><th scope="col" class="num">Ikke fordelt</th><th scope="col">Hvorfor</th></tr></thead>
<tbody>
${rows.map(
  (r) =>
    html`<tr><th scope="row">${funderName(config, r.funderId)}</th><td>${r.year}</td><td class="num">${formatNok(r.amount)}</td><td>${whyCell(r.reason)}</td></tr>`,
)}
</tbody>
</table>`,
  );
}

/** The measures that get less than they asked, or nothing, said from the grants themselves. */
function shortfalls(v: PrioritisationView): Html {
  const granted = new Map((v.recommendation?.items ?? []).map((it) => [it.measureId, it.grants]));
  const lines = v.measures
    .filter((m) => m.status !== 'withdrawn')
    .flatMap((m) => {
      const g = granted.get(m.id);
      if (!g) return [html`<li>«${m.title}» får ikke tilskudd og er ikke med på listen.</li>`];
      const less = v.years.filter((y) => parseMoney(g[y] ?? '0.00').lessThan(parseMoney(m.amounts[y] ?? '0.00')));
      return less.map(
        (y) =>
          html`<li>«${m.title}», ${y}: ${formatNok(g[y] ?? '0.00')} av ${formatNok(m.amounts[y] ?? '0.00')} som er søkt.</li>`,
      );
    });
  return lines.length === 0
    ? html`<p class="ds-paragraph">Alle tiltak får det de har søkt om.</p>`
    : html`<ul class="ds-list">${lines}</ul>`;
}

export function recommendationPage(web: Hono<WebEnv>, ctx: WebContext): void {
  web.get(
    '/sykluser/:cid/innstilling',
    signedIn(async (c, person) => {
      const v = await prioritisationView(ctx, c, person);
      const title = `Administrasjonens innstilling – ${cycleTitle(v.cycle)}`;
      const breadcrumbs = [
        { label: 'Mine oppgaver', href: '/' },
        { label: cycleTitle(v.cycle), href: cycleHref(v.cycle) },
        { label: 'Innstilling' },
      ];
      if (!v.recommendation)
        return render(
          c,
          title,
          html`<p class="ds-paragraph">Administrasjonen lager innstillingen når forslagsfristen er ute. Den finnes ikke nå.</p>`,
          { breadcrumbs },
        );
      const rejected = outOfSplitTexts(v.cycle.config, v.recommendation);
      const canEdit = person.roles.includes('admin') || person.roles.includes('ipr_member');
      return render(
        c,
        title,
        html`<p class="ds-paragraph">Innstillingen er en prioriteringsliste IPR kan stemme over slik den er. Delvise tilskudd er hele tusen kroner; andelene er regnet ut til øret.</p>
${canEdit && v.cycle.phase === 'prioritisation' ? html`<p class="ds-paragraph"><a class="ds-link" href="${cycleHref(v.cycle)}/prioritering">Rediger listen og legg den fram til avstemning</a></p>` : ''}
<h2 class="ds-heading" data-size="sm">Rangering og tilskudd</h2>
${rankedTable(v)}
<h2 class="ds-heading" data-size="sm">Hver finansiørs andel</h2>
${sharesTables(v)}
<h2 class="ds-heading" data-size="sm">Ikke fordelt</h2>
${rejected.length ? html`<ul class="ds-list">${rejected.map((t) => html`<li>${t}</li>`)}</ul>` : ''}
${unallocatedTable(v)}
<h2 class="ds-heading" data-size="sm">Tiltak som får mindre enn de søkte om</h2>
${shortfalls(v)}`,
        { breadcrumbs },
      );
    }),
  );
}
