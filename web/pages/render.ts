/**
 * What every page handler shares: drawing a page in the layout with the request's person and
 * CSRF token, and turning a refusal or an outage into a page in Norwegian with the right status
 * (an outage is 503 with Retry-After, in the time the reads are bounded by; never a bare 500).
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Person, WebEnv } from '../env.js';
import { Problem } from '../core.js';
import { layout, type Crumb, type Html } from '../layout.js';

export type PageContext = Context<WebEnv>;
export type PageHandler = (c: PageContext) => Promise<Response> | Response;

/** Seconds a client is asked to wait before trying again after an outage. */
export const RETRY_AFTER_SECONDS = 5;

export function render(
  c: PageContext,
  title: string,
  body: Html,
  options: { status?: number; breadcrumbs?: Crumb[] } = {},
): Response | Promise<Response> {
  return c.html(
    layout({
      title,
      person: c.get('person'),
      csrfToken: c.get('csrfToken'),
      breadcrumbs: options.breadcrumbs ?? [],
      body,
    }),
    (options.status ?? 200) as 200,
  );
}

/** A refusal the reader can act on: what happened, and where to go from here. */
export function errorPage(c: PageContext, status: number, title: string, detail: string): Response | Promise<Response> {
  if (status === 503) c.header('retry-after', String(RETRY_AFTER_SECONDS));
  const body = html`<div class="ds-alert" data-color="${status === 503 ? 'warning' : 'danger'}">
  <p class="ds-paragraph">${detail}</p>
</div>
<p class="ds-paragraph"><a class="ds-link" href="/">Til forsiden</a></p>`;
  return render(c, title, body, { status });
}

export const notFound = (c: PageContext, detail = 'Siden finnes ikke. Sjekk adressen, eller gå til forsiden.') =>
  errorPage(c, 404, 'Fant ikke siden', detail);

/** Postgres connection failures, by the codes postgres.js and Node give them. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
  '53300',
]);

function isOutage(err: unknown): boolean {
  if (err instanceof Problem) return err.kind === 'unavailable';
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

const TITLES: Record<number, string> = {
  400: 'Ugyldig forespørsel',
  401: 'Du må logge inn',
  403: 'Ingen tilgang',
  404: 'Fant ikke siden',
  409: 'Ikke mulig nå',
};

/**
 * The longest a page takes before it answers 503 instead: longer than a cycle's status query may
 * take (5 s) plus the page's reads, shorter than a reader's patience. Postgres that accepts a
 * connection but never answers would otherwise hold the page for ever.
 */
export const PAGE_DEADLINE_MS = 8000;

function deadline(ms: number): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Problem('unavailable', `no answer within ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** Runs a page handler; a refusal becomes its page, an outage (or no answer in time) a 503 page; anything else goes on to the app's 500. */
export function page(handler: PageHandler): PageHandler {
  const failed = (c: PageContext, err: unknown) => {
    if (isOutage(err)) {
      return errorPage(
        c,
        503,
        'Tjenesten svarer ikke akkurat nå',
        'En del av tjenesten svarte ikke i tide. Ingenting er endret. Prøv igjen om litt.',
      );
    }
    if (err instanceof Problem && err.status < 500)
      return errorPage(c, err.status, TITLES[err.status] ?? 'Ikke mulig', err.detail);
    throw err;
  };
  return (c) => {
    let result: Response | Promise<Response>;
    try {
      result = handler(c);
    } catch (err) {
      return failed(c, err);
    }
    // An answer at hand (a kept page) needs no deadline.
    if (!(result instanceof Promise)) return result;
    return bounded(c, result, failed);
  };
}

/** A page's answer within PAGE_DEADLINE_MS, or its failure as a page. */
async function bounded(
  c: PageContext,
  result: Promise<Response>,
  failed: (c: PageContext, err: unknown) => Response | Promise<Response>,
): Promise<Response> {
  const bound = deadline(PAGE_DEADLINE_MS);
  try {
    return await Promise.race([result, bound.promise]);
  } catch (err) {
    return failed(c, err);
  } finally {
    bound.clear();
  }
}

/** The person signed in, or a page that asks them to sign in. */
export function signedIn(handler: (c: PageContext, person: Person) => Promise<Response> | Response): PageHandler {
  return page(async (c) => {
    const person = c.get('person');
    if (!person) {
      const body = html`<p class="ds-paragraph">Denne siden er for dem som tar del i arbeidet med planen. <a class="ds-link" href="/logg-inn">Logg inn</a> for å se den.</p>
<p class="ds-paragraph">Det som er vedtatt, er åpent for alle under <a class="ds-link" href="/offentlig">Vedtatte planer</a>.</p>`;
      return render(c, 'Du må logge inn', body, { status: 401 });
    }
    return handler(c, person);
  });
}
