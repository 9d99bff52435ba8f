/**
 * The web UI's pages as server-rendered HTML (hono/html escapes every interpolated value).
 * Plain pages, no script: sign-in, partnerships, cycles, and one page per cycle.
 */
import { html } from 'hono/html';
import { formatMoney, parseMoney, sumMoney } from '../../../domain/money.js';
import type { Allocations } from '../../../schema/allocations.js';
import type { CycleStatus } from '../../../workflows/messages.js';
import type { Principal } from '../auth.js';
import type { CycleRecord, MeasureRecord, PartnershipRecord } from '../records.js';
import { formatInstant, formatNok, PHASE_NAMES, STATUS_NAMES } from './format.js';

type Fragment = ReturnType<typeof html>;

export function layout(title: string, body: Fragment, who?: Principal): Fragment {
  return html`<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – HØP</title>
<link rel="stylesheet" href="/ui/style.css">
</head>
<body>
<header>
  <a href="/">HØP</a>
  <a href="/docs">API</a>
  ${who
    ? html`<span class="who">${who.name} (${who.roles.join(', ')}${who.municipality ? `, kommune ${who.municipality}` : ''})</span>
  <form method="post" action="/ui/sign-out"><button type="submit">Logg ut</button></form>`
    : ''}
</header>
<main>
${body}
</main>
</body>
</html>`;
}

export function signInPage(reason: string | null, mode: 'local' | 'oidc'): Fragment {
  return layout(
    'Logg inn',
    html`<h1>Logg inn</h1>
${reason ? html`<p class="overdue">${reason}</p>` : ''}
<div class="note">
  <p>HØP-motoren bruker tokens (JWT). Lim inn et token for å se partnerskapet ditt, syklusene og tildelingene.
  Tokenet lagres i en informasjonskapsel som bare denne tjenesten kan lese (HttpOnly, SameSite=Strict).</p>
  ${mode === 'local'
    ? html`<p>Lokalt lager du et token med
  <code>npm run token -- --sub ola --roles admin,finance --partnership lillehammer-regionen</code>
  (legg til <code>--municipality 3405</code> for en kommunal saksbehandler). Tokenet er gyldig i 8 timer om ikke <code>--ttl</code> sier noe annet.</p>`
    : html`<p>Tokenet kommer fra organisasjonens innlogging (OIDC).</p>`}
</div>
<form method="post" action="/ui/sign-in">
  <p><label for="token">Token</label></p>
  <textarea id="token" name="token" required autocomplete="off" spellcheck="false"></textarea>
  <p><button type="submit">Logg inn</button></p>
</form>`,
  );
}

export function errorPage(status: number, title: string, detail: string, who?: Principal): Fragment {
  return layout(title, html`<h1>${title}</h1><p>${detail}</p><p class="muted">HTTP ${status}</p><p><a href="/">Til forsiden</a></p>`, who);
}

export function partnershipsPage(who: Principal, partnerships: PartnershipRecord[]): Fragment {
  return layout(
    'Partnerskap',
    html`<h1>Partnerskap</h1>
<table>
<thead><tr><th>Partnerskap</th><th>Medlemmer</th><th>Fordeling</th></tr></thead>
<tbody>
${partnerships.map(
  (p) => html`<tr>
  <td><a href="/ui/partnerships/${p.id}">${p.name}</a></td>
  <td>${[p.config.county.name, ...p.config.municipalities.map((m) => `${m.name} (${m.id})`)].join(', ')}</td>
  <td>${sharingText(p)}</td>
</tr>`,
)}
</tbody>
</table>`,
    who,
  );
}

function sharingText(p: PartnershipRecord): string {
  const { countyFraction, key } = p.config.sharing;
  const fraction = countyFraction.type === 'fixed' ? `fylket ${countyFraction.numerator}/${countyFraction.denominator}` : 'fylket etter rammene (pro rata)';
  const keyText = { equal: 'likt', population: 'etter folketall', fixed: 'faste vekter' }[key.type];
  return `${fraction}, kommunene ${keyText}`;
}

export function cyclesPage(who: Principal, partnership: PartnershipRecord, cycles: CycleRecord[]): Fragment {
  return layout(
    partnership.name,
    html`<h1>${partnership.name}</h1>
<p class="muted">Handlings- og økonomiplaner (HØP), ett år om gangen.</p>
${cycles.length === 0
  ? html`<p>Ingen sykluser er startet ennå.</p>`
  : html`<table>
<thead><tr><th>År</th><th>Fase</th><th>Forslagsfrist</th><th>IPR-frist</th><th>Vedtaksfrist</th></tr></thead>
<tbody>
${cycles.map(
  (c) => html`<tr>
  <td><a href="/ui/cycles/${c.id}">${c.year}</a></td>
  <td><span class="badge">${PHASE_NAMES[c.phase] ?? c.phase}</span></td>
  <td>${formatInstant(c.deadlines.proposals)}</td>
  <td>${formatInstant(c.deadlines.ipr)}</td>
  <td>${formatInstant(c.deadlines.adoption)}</td>
</tr>`,
)}
</tbody>
</table>`}`,
    who,
  );
}

const money = (amount: string | undefined) => {
  const value = amount ?? '0.00';
  return html`<td class="num${value.startsWith('-') ? ' negative' : ''}">${formatNok(value)}</td>`;
};

export interface CyclePageData {
  partnershipName: string;
  /** source "records": the workflow could not be asked, so the page shows what the records keep */
  status: CycleStatus & { source?: 'workflow' | 'records' };
  measures: MeasureRecord[];
  /** null when the caller's roles do not show allocations */
  allocations: Allocations | null;
  now: number;
}

export function cyclePage(who: Principal, { partnershipName, status, measures, allocations, now }: CyclePageData): Fragment {
  const overdue = (dueAt: string | null) => dueAt !== null && Date.parse(dueAt) < now;
  const deadlineRow = (label: string, key: 'proposals' | 'ipr' | 'adoption') =>
    html`<dt>${label}</dt><dd>${formatInstant(status.deadlines[key])}${status.overdue.includes(key) ? html` <span class="badge overdue">forfalt</span>` : ''}</dd>`;
  return layout(
    status.id,
    html`<h1>${partnershipName} ${status.year}</h1>
${status.source === 'records' ? html`<p class="muted">Syklusen kjører ikke lenger; dette er det som er arkivert (historikken er revisjonsloggen).</p>` : ''}
<dl class="facts">
  <dt>Fase</dt><dd><span class="badge">${PHASE_NAMES[status.phase] ?? status.phase}</span></dd>
  ${deadlineRow('Forslagsfrist', 'proposals')}
  ${deadlineRow('IPR-frist', 'ipr')}
  ${deadlineRow('Vedtaksfrist', 'adoption')}
  <dt>Forfalt</dt><dd>${status.overdue.length ? html`<span class="badge overdue">${status.overdue.join(', ')}</span>` : 'ingenting'}</dd>
</dl>

<h2>Ventende handlinger</h2>
${status.pendingActions.length === 0
  ? html`<p class="muted">Ingen.</p>`
  : html`<table><thead><tr><th>Hvem</th><th>Hva</th><th>Frist</th></tr></thead><tbody>
${status.pendingActions.map(
  (a) => html`<tr><td>${a.actor}</td><td>${a.action}</td><td class="${overdue(a.dueAt) ? 'overdue' : ''}">${formatInstant(a.dueAt)}${overdue(a.dueAt) ? ' (forfalt)' : ''}</td></tr>`,
)}
</tbody></table>`}

<h2>Tiltak</h2>
${measures.length === 0
  ? html`<p class="muted">Ingen tiltak er foreslått.</p>`
  : html`<table><thead><tr><th>Tiltak</th><th>Tittel</th><th>Strategier</th><th>Ansvarlig</th><th class="num">Søkt i alt</th><th>Status</th></tr></thead><tbody>
${measures.map(
  (m) => html`<tr><td>${m.id}</td><td>${m.title}</td><td>${m.strategies.join(', ')}</td><td>${m.responsible}</td>${money(formatMoney(sumMoney(Object.values(m.amounts).map(parseMoney))))}<td>${STATUS_NAMES[m.status] ?? m.status}</td></tr>`,
)}
</tbody></table>`}

${allocations ? allocationSections(status.id, allocations) : html`<h2>Tildelinger</h2><p class="muted">Tildelingene vises for økonomi, administrator og IPR-medlemmer.</p>`}

<h2>Historikk</h2>
<table><thead><tr><th>Når</th><th>Hvem</th><th>Hva</th><th>Grunnlag</th></tr></thead><tbody>
${[...status.history].reverse().map((h) => html`<tr><td>${formatInstant(h.at)}</td><td>${h.actor}</td><td>${h.action}</td><td>${h.ref ?? ''}</td></tr>`)}
</tbody></table>`,
    who,
  );
}

function allocationSections(cycleId: string, a: Allocations): Fragment {
  const years = a.years.map(String);
  const basis =
    a.basis.status === 'none'
      ? 'Ingen prioriteringsliste ennå.'
      : a.basis.status === 'voting'
        ? `Beregnet fra prioriteringsliste ${a.basis.priorityListVersion}, som er til votering (ikke bindende).`
        : `Fra prioriteringsliste ${a.basis.priorityListVersion}, vedtatt av IPR.`;
  return html`<h2>Tildelinger per finansiør</h2>
<p class="muted">${basis} Last ned: <a href="/ui/cycles/${cycleId}/tildelinger.csv">CSV</a> · <a href="/ui/cycles/${cycleId}/tildelinger.xlsx">Excel</a></p>
${a.unsplit.length === 0
  ? ''
  : html`<p class="overdue">Kan ikke fordeles på finansiørene, og er ikke med i summene per finansiør:</p>
<ul>${a.unsplit.map((u) => html`<li>${u.measureId} ${u.year}: ${formatNok(u.grant)} (${u.reason})</li>`)}</ul>`}
<table><thead><tr><th>Finansiør</th><th>År</th><th class="num">Ramme</th><th class="num">Tildelt</th><th class="num">Gjenstår</th></tr></thead><tbody>
${a.funders.flatMap((f) =>
  years.map((y, i) => html`<tr><td>${i === 0 ? f.name : ''}</td><td>${y}</td>${money(f.frame[y])}${money(f.allocated[y])}${money(f.remaining[y])}</tr>`),
)}
</tbody></table>

<h2>Tildelinger per tiltak</h2>
<table><thead><tr><th>Rang</th><th>Tiltak</th>${years.map((y) => html`<th class="num">${y}</th>`)}</tr></thead><tbody>
${a.measures.map((m) => html`<tr><td>${m.rank ?? '–'}</td><td>${m.id} ${m.title}</td>${years.map((y) => money(m.grants[y]))}</tr>`)}
<tr class="total"><td></td><td>Sum</td>${years.map((y) => money(a.totals.granted[y]))}</tr>
</tbody></table>

<h2>Tildelinger per delmål</h2>
<table><thead><tr><th>Delmål</th>${years.map((y) => html`<th class="num">${y}</th>`)}</tr></thead><tbody>
${a.goals.map((g) => html`<tr><td>${g.goal} ${g.title}</td>${years.map((y) => money(g.granted[y]))}</tr>`)}
</tbody></table>`;
}
