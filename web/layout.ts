/**
 * The frame every page is drawn in: a skip link, the landmarks (header, nav, main, footer), the
 * breadcrumbs, who is signed in with a "Logg ut" button (or a "Logg inn" link), and the footer's
 * link to the accessibility statement. Server-rendered with hono/html, which escapes every
 * interpolated value; no inline script or style (the CSP forbids both), Designsystemet's classes.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { STYLESHEET_PATH } from './assets/index.js';
import type { Person } from './env.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface Crumb {
  label: string;
  /** absent for the page itself, the last crumb */
  href?: string;
}

export interface PageFrame {
  /** the page's one h1 and its <title> */
  title: string;
  person: Person | null;
  csrfToken: string;
  /** from the front page down to this page; the front page itself has none */
  breadcrumbs?: Crumb[];
  body: Html;
}

export const SITE_NAME = 'HØP';
const SITE_LONG_NAME = 'Handlings- og økonomiplan';

function breadcrumbs(crumbs: Crumb[]): Html {
  if (crumbs.length === 0) return html``;
  const parent = [...crumbs].reverse().find((c) => c.href !== undefined && c !== crumbs[crumbs.length - 1]);
  // Designsystemet shows the list from 650 px and, below that, only the link back to the parent.
  return html`<nav class="ds-breadcrumbs" aria-label="Du er her:">
  ${parent ? html`<a class="ds-link" href="${parent.href}" aria-label="Tilbake til ${parent.label}">${parent.label}</a>` : ''}
  <ol>
    ${crumbs.map((c, i) =>
      i === crumbs.length - 1
        ? html`<li><a class="ds-link" href="${c.href ?? '#hovedinnhold'}" aria-current="page">${c.label}</a></li>`
        : html`<li><a class="ds-link" href="${c.href}">${c.label}</a></li>`,
    )}
  </ol>
</nav>`;
}

function signedInAs(person: Person | null, csrfToken: string): Html {
  if (!person)
    return html`<div class="who"><a class="ds-button" data-variant="secondary" data-size="sm" href="/logg-inn">Logg inn</a></div>`;
  return html`<div class="who">
  <span>Innlogget som <strong>${person.name}</strong></span>
  <form method="post" action="/logg-ut">
    <input type="hidden" name="_csrf" value="${csrfToken}">
    <button class="ds-button" data-variant="secondary" data-size="sm" type="submit">Logg ut</button>
  </form>
</div>`;
}

export function layout({ title, person, csrfToken, breadcrumbs: crumbs = [], body }: PageFrame): Html {
  return html`<!doctype html>
<html lang="nb" data-color-scheme="light">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – ${SITE_NAME}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="ds-skip-link" href="#hovedinnhold">Hopp til hovedinnholdet</a>
<header class="page-header">
  <div class="page-header-inner">
    <a class="site-name" href="/">${SITE_NAME} <span class="ds-sr-only">– </span><span>${SITE_LONG_NAME}</span></a>
    ${signedInAs(person, csrfToken)}
  </div>
</header>
<nav class="page-nav" aria-label="Hovedmeny">
  <div class="page-nav-inner">
    <ul>
      <li><a class="ds-link" href="/">${person ? 'Mine oppgaver' : 'Forside'}</a></li>
      <li><a class="ds-link" href="/offentlig">Vedtatte planer</a></li>
    </ul>
  </div>
</nav>
<main id="hovedinnhold" class="page-main" tabindex="-1">
${breadcrumbs(crumbs)}
<h1 class="ds-heading" data-size="lg">${title}</h1>
${body}
</main>
<footer class="page-footer">
  <div class="page-footer-inner">
    <ul>
      <li><a class="ds-link" href="/tilgjengelighet">Tilgjengelighetserklæring</a></li>
      <li><a class="ds-link" href="/offentlig">Vedtatte planer (åpne for alle)</a></li>
    </ul>
  </div>
</footer>
</body>
</html>`;
}

/** A table in a box of its own that scrolls sideways on a narrow screen, named by its caption. */
export function scrollTable(captionId: string, table: Html): Html {
  return html`<div class="table-scroll" role="region" aria-labelledby="${captionId}" tabindex="0">${table}</div>`;
}
