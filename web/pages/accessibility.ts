/**
 * /tilgjengelighet: the accessibility statement (tilgjengelighetserklæring), in the sections
 * uustatus.no's statements have: the organisation and the solution, the conformance status, what
 * is not accessible, how it was tested, feedback and contact, and the enforcement body. It states
 * what the browser tests (test/browser/) check and no more; update it when they change.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { WebEnv } from '../env.js';
import { formatDate } from '../format.js';
import { page, render } from './render.js';

/** When the statement was last checked against the tests. */
const UPDATED = '2026-12-01';

/** The pages the browser tests run axe-core on, signed in and signed out. */
export const TESTED_PAGES = [
  'Forsiden (innlogget: «Mine oppgaver»; utlogget: velkomst)',
  'Syklussiden med faser, frister og vedtakshistorikk',
  'Vedtatte planer: oversikten, partnerskapets side og planen for et vedtatt år',
  'Siden for innloggede uten rolle',
  'Innloggingen i den lokale innloggingstjenesten',
  'Denne tilgjengelighetserklæringen',
  'Administratorens skjemaer: starte en syklus, flytte en frist, lukke forslagsrunden, avlyse og avslutte året',
  'Forslagsstillerens skjemaer: sende inn, endre og trekke et tiltak, og «Mine tiltak»',
  'IPR: administrasjonens innstilling, redigeringen av prioriteringslisten og avstemningen med bekreftelse',
  'Kommunens vedtak med bekreftelse',
  'Fordelingen per tiltak, finansiør og delmål, med diagrammer og tabeller',
  'Gjennomføringen: fremdriftsrapporter, bruk av midler og indikatorer, med diagrammer og tabeller',
];

export function accessibilityPage(web: Hono<WebEnv>): void {
  web.get(
    '/tilgjengelighet',
    page((c) => {
      const body = html`<p class="ds-paragraph">Denne erklæringen gjelder nettløsningen HØP, som partnerskapene bruker til den årlige handlings- og økonomiplanen
for næringsarbeidet, og de offentlige sidene med vedtatte planer. Erklæringen følger oppsettet i uustatus.no.</p>

<h2 class="ds-heading" data-size="md">Virksomhet og løsning</h2>
<dl class="facts">
  <dt>Virksomhet</dt><dd>Sekretariatet for det interkommunale politiske rådet (IPR) i partnerskapet som bruker løsningen; for Lillehammer-regionen er det Lillehammer-regionen Vekst</dd>
  <dt>Løsning</dt><dd>HØP – handlings- og økonomiplan (nettløsning)</dd>
  <dt>Sist oppdatert</dt><dd>${formatDate(UPDATED)}</dd>
</dl>

<h2 class="ds-heading" data-size="md">Status</h2>
<p class="ds-paragraph">Løsningen oppfyller <strong>delvis</strong> kravene i forskrift om universell utforming av IKT (WCAG 2.1 nivå A og AA).
Vi har testet sidene automatisk og med tastatur, men ikke med skjermleser eller med brukere, og da kan vi ikke si at alle krav er oppfylt.</p>

<h2 class="ds-heading" data-size="md">Det som ikke er tilgjengelig, eller ikke er kontrollert</h2>
<ul class="ds-list">
  <li>Vi har ikke testet med skjermleser, forstørring eller talestyring. Feil som bare slike tester finner, kan finnes.</li>
  <li>API-dokumentasjonen (/docs) er laget med et eget verktøy (Swagger UI) og er ikke testet. Den er for utviklere og trengs ikke for å ta del i arbeidet.</li>
  <li>Nedlastbare filer (CSV, Excel og JSON) er data for regneark og andre systemer; de samme tallene står i tabellene på sidene.</li>
  <li>Diagrammene har en tekst som sier tallene, og tabellen med de samme tallene står ved siden av.</li>
  <li>Brede tabeller rulles sideveis inne i sin egen boks på smale skjermer; selve siden rulles ikke sideveis.</li>
</ul>

<h2 class="ds-heading" data-size="md">Slik har vi testet</h2>
<p class="ds-paragraph">Hver gang løsningen bygges, kjører automatiske tester i nettleseren Chromium gjennom hele løsningen med ekte innlogging:</p>
<ul class="ds-list">
  <li>axe-core med reglene for WCAG 2.1 nivå A og AA, innlogget og utlogget, på disse sidene:
    <ul>${TESTED_PAGES.map((p) => html`<li>${p}</li>`)}</ul>
    Testene feiler hvis axe-core finner ett eneste brudd, og i siste kjøring fant den ingen.</li>
  <li>At sidene kan vises i 320 piksler bredde uten at siden rulles sideveis (WCAG 1.4.10).</li>
  <li>At man kan logge inn og ut bare med tastaturet, og bare med tastaturet stemme over en prioriteringsliste, registrere kommunens vedtak, avlyse en syklus, flytte og tildele i prioriteringslisten og registrere indikatorverdier.</li>
  <li>At lenken som hopper til hovedinnholdet er det første tabulatortasten når, og at fokus vises på lenkene.</li>
</ul>
<p class="ds-paragraph">Sidene har en lenke for å hoppe til hovedinnholdet, overskrifter i rekkefølge med én hovedoverskrift, landemerker (topp, meny, hovedinnhold, bunn),
brødsmuler, synlig fokus, og tabeller med tittel og kolonneoverskrifter. Løsningen bruker Designsystemet fra Digdir.</p>

<h2 class="ds-heading" data-size="md">Tilbakemelding og kontakt</h2>
<p class="ds-paragraph">Finner du noe som ikke fungerer for deg, vil vi gjerne vite det. Kontakt sekretariatet i partnerskapet ditt
(for Lillehammer-regionen: Lillehammer-regionen Vekst) og si hvilken side det gjelder og hva som skjedde.</p>

<h2 class="ds-heading" data-size="md">Tilsyn</h2>
<p class="ds-paragraph">Tilsynet for universell utforming av IKT (Uutilsynet) fører tilsyn med at kravene følges. Får du ikke svar fra oss,
eller er du ikke fornøyd med svaret, kan du melde fra til Uutilsynet på <a class="ds-link" href="https://www.uutilsynet.no/">uutilsynet.no</a>.</p>`;
      return render(c, 'Tilgjengelighetserklæring', body, {
        breadcrumbs: [{ label: 'Forside', href: '/' }, { label: 'Tilgjengelighetserklæring' }],
      });
    }),
  );
}
