/** The frame's own pages: sign-in that failed or cannot start, a refused form, an outage. In the pages' layout. */
import { html } from 'hono/html';
import { layout, type Html } from '../layout.js';
import type { Person } from '../env.js';

const frame = (title: string, person: Person | null, csrfToken: string, body: Html) =>
  layout({ title, person, csrfToken, body });

export const signInFailedPage = (why: string): Html =>
  frame(
    'Innloggingen ble ikke fullført',
    null,
    '',
    html`<p class="ds-paragraph">${why}</p>
<p class="ds-paragraph"><a class="ds-link" href="/logg-inn">Prøv å logge inn på nytt</a></p>`,
  );

export const unavailablePage = (what: string): Html =>
  frame(
    'Tjenesten er midlertidig utilgjengelig',
    null,
    '',
    html`<p class="ds-paragraph">${what} Prøv igjen om litt.</p>`,
  );

export const formRefusedPage = (person: Person | null, csrfToken: string, why: string): Html =>
  frame(
    'Skjemaet ble avvist',
    person,
    csrfToken,
    html`<p class="ds-paragraph">${why}</p>
<p class="ds-paragraph"><a class="ds-link" href="/">Gå til forsiden</a> og prøv igjen derfra.</p>`,
  );
