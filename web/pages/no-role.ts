/**
 * /ingen-rolle: where the frame sends a person who signed in but whose claims map to no role in
 * any partnership. Says so in Norwegian, and whom to ask.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { WebEnv } from '../env.js';
import { page, render } from './render.js';

export function noRolePage(web: Hono<WebEnv>): void {
  web.get(
    '/ingen-rolle',
    page((c) => {
      const body = html`<div class="ds-alert" data-color="info">
  <p class="ds-paragraph">Du er logget inn, men brukeren din har ingen rolle i HØP ennå. Derfor kan du ikke se oppgaver eller sykluser.</p>
</div>
<h2 class="ds-heading" data-size="md">Slik får du tilgang</h2>
<p class="ds-paragraph">Rollen din kommer fra organisasjonens innlogging: hvilke grupper du er medlem av, og hvilken kommune du hører til.
Be <strong>sekretariatet i partnerskapet</strong> (for Lillehammer-regionen: Lillehammer-regionen Vekst) om å melde deg inn i riktig gruppe.
Det gjør IT-avdelingen i kommunen eller fylkeskommunen, som administrerer gruppene.</p>
<p class="ds-paragraph">Si hvilken rolle du skal ha: administrator (sekretariatet), forslagsstiller, medlem av IPR, saksbehandler for kommunestyret eller økonomi.
Når du er lagt til, logger du ut og inn igjen.</p>
<p class="ds-paragraph">Det som er vedtatt, kan alle lese under <a class="ds-link" href="/offentlig">Vedtatte planer</a>.</p>`;
      return render(c, 'Du har ingen rolle i HØP', body);
    }),
  );
}
