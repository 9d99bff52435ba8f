/**
 * /offentlig/{pid}/{year}, open to all, for a cycle that is adopted or closed: its measures, the
 * grants per year, each funder's share, the totals per funder and per goal, the IPR's decision
 * (meeting date, case number) and each council's decision (case number, date); the same data at
 * .json and .csv. Any other cycle, and any cycle that does not exist, is 404: a cycle under way
 * is not even said to exist.
 *
 * The page's main content is rendered once per revision of the cycle's records and kept; the
 * whole page for a reader who is not signed in is kept too, compressed once as brotli and as gzip
 * (what browsers accept; brotli is less than half gzip's size, so less to send and to read per
 * view), and answered with an ETag per encoding (304 when unchanged). The files are kept the same way.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { Hono } from 'hono';
import { acceptedEncodings } from '../accept-encoding.js';
import { html, raw } from 'hono/html';
import { Problem, type WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { ADOPTION_DECISION_NAMES, formatDate, formatNok, phaseName } from '../format.js';
import { layout, scrollTable, type Html } from '../layout.js';
import { loadPublicCycle, type PublicCycle } from '../public-data.js';
import { publicCsv, publicJson } from '../public-export.js';
import { PUBLIC_CRUMB } from './public-index.js';
import { notFound, page, render, type PageContext } from './render.js';

const gzipped = promisify(gzip);
const brotli = promisify(brotliCompress);
type Bytes = Uint8Array<ArrayBuffer>;
/** One text in each encoding it is sent in. */
type Encoded = { plain: Bytes; gz: Bytes; br: Bytes };

interface Rendered {
  version: string;
  title: string;
  crumbs: ReturnType<typeof crumbsOf>;
  main: string;
  /** the whole page for a reader who is not signed in, plain and gzipped */
  anonymous: Encoded;
  files: Map<'json' | 'csv', Encoded>;
}

/** cycleId -> the renderings of one version of its public view; a version in the making is shared by the requests that wait for it. */
const rendered = new Map<string, { version: string; entry: Promise<Rendered> }>();

/**
 * Compressed once per revision, off the event loop: gzip at its best level, brotli at quality 9
 * (within a few per cent of its best, 11, which takes the best part of a second for this page).
 */
const encoded = async (text: string): Promise<Encoded> => {
  const plain: Bytes = Buffer.from(text);
  const [gz, br] = await Promise.all([
    gzipped(plain, { level: 9 }),
    brotli(plain, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: plain.byteLength,
      },
    }),
  ]);
  return { plain, gz: new Uint8Array(gz), br: new Uint8Array(br) };
};

const titleOf = (v: PublicCycle) => `Handlings- og økonomiplan ${v.year} for ${v.partnership.name}`;
const crumbsOf = (v: PublicCycle) => [
  { label: 'Forside', href: '/' },
  PUBLIC_CRUMB,
  { label: v.partnership.name, href: `/offentlig/${encodeURIComponent(v.partnership.id)}` },
  { label: `Plan for ${v.year}` },
];

async function renderAll(version: string, view: PublicCycle): Promise<Rendered> {
  const main = await mainContent(view);
  const title = titleOf(view);
  const crumbs = crumbsOf(view);
  const page = String(await layout({ title, person: null, csrfToken: '', breadcrumbs: crumbs, body: raw(main) }));
  const [anonymous, json, csv] = await Promise.all([
    encoded(page),
    encoded(publicJson(view)),
    encoded(publicCsv(view)),
  ]);
  return {
    version,
    title,
    crumbs,
    main,
    anonymous,
    files: new Map([
      ['json', json],
      ['csv', csv],
    ]),
  };
}

async function renderedFor(ctx: WebContext, cycleId: string): Promise<Rendered | null> {
  const loaded = await loadPublicCycle(ctx, cycleId);
  if (!loaded) return null;
  const kept = rendered.get(cycleId);
  if (kept && kept.version === loaded.version) return kept.entry;
  const entry = renderAll(loaded.version, loaded.view);
  rendered.set(cycleId, { version: loaded.version, entry });
  entry.catch(() => {
    if (rendered.get(cycleId)?.entry === entry) rendered.delete(cycleId);
  });
  return entry;
}

const etagMatches = (c: PageContext, etag: string) =>
  c.req
    .header('if-none-match')
    ?.split(',')
    .some((t) => t.trim().replace(/^W\//, '') === etag) ?? false;
/** The encodings the request accepts, of those kept: "br;q=0" or "gzip;q=0" refuse one. */
/**
 * The representation the request takes, with its own strong ETag: the stem (the version and the
 * file) and the content-coding, e.g. "v.html.br" (RFC 9110 8.8.3: a strong ETag differs per
 * encoding, as the allocation cache's do). A 304 answers a validator of the representation that
 * would be sent.
 */
function send(c: PageContext, stem: string, { plain, gz, br }: Encoded, headers: Record<string, string>): Response {
  const takes = acceptedEncodings(c);
  const [body, encoding] = takes.br ? [br, 'br'] : takes.gzip ? [gz, 'gzip'] : [plain, null];
  const etag = `"${stem}${encoding === 'br' ? '.br' : encoding === 'gzip' ? '.gz' : ''}"`;
  const all = { ...headers, etag, vary: 'Accept-Encoding, Cookie', 'cache-control': 'public, no-cache' };
  if (etagMatches(c, etag)) return c.body(null, 304, all);
  return c.body(body, 200, encoding ? { ...all, 'content-encoding': encoding } : all);
}

/**
 * cycleId -> the renderings last served and the records feed's generation of the cycle when their
 * load began. While the feed listens, an unchanged generation means nothing was written since, so
 * the answer needs no lookup and no await at all (the allocation cache decides the same way); a
 * change, or the feed not listening, takes the path through the allocation cache.
 */
const served = new Map<string, { generation: number; r: Rendered }>();

type Found = { r: Rendered; ext: string | undefined; cycleId: string };

function answer(c: PageContext, { r, ext, cycleId }: Found): Response | Promise<Response> {
  if (ext === 'json' || ext === 'csv') {
    const type = ext === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8; header=present';
    const disposition: Record<string, string> =
      ext === 'csv' ? { 'content-disposition': `attachment; filename="${cycleId}.csv"` } : {};
    return send(c, `${r.version}.${ext}`, r.files.get(ext)!, { 'content-type': type, ...disposition });
  }
  if (!c.get('person'))
    return send(c, `${r.version}.html`, r.anonymous, { 'content-type': 'text/html; charset=utf-8' });
  // Signed in: the same content in a frame that shows who is signed in; not shared with others.
  c.header('cache-control', 'private, no-cache');
  return render(c, r.title, raw(r.main), { breadcrumbs: r.crumbs });
}

export function publicCyclePage(web: Hono<WebEnv>, ctx: WebContext): void {
  const generationOf = (cycleId: string) => ctx.records?.generations.of(cycleId) ?? null;
  web.get(
    '/offentlig/:pid/:file{[0-9]{4}(?:\\.json|\\.csv)?}',
    page((c) => {
      const [, year = '', ext] = /^(\d{4})(?:\.(json|csv))?$/.exec(c.req.param('file') ?? '') ?? [];
      const cycleId = `${c.req.param('pid') ?? ''}-${year}`;
      const generation = generationOf(cycleId);
      const kept = generation === null ? undefined : served.get(cycleId);
      if (kept && kept.generation === generation) return answer(c, { r: kept.r, ext, cycleId });
      return renderedFor(ctx, cycleId).then((r) => {
        if (!r) {
          // The files answer as the API does (RFC 9457), and say no more than the page: no such decided year.
          if (ext)
            return c.body(JSON.stringify(new Problem('notFound', 'Ingen vedtatt plan for dette året.').toJSON()), 404, {
              'content-type': 'application/problem+json',
            });
          return notFound(
            c,
            'Det finnes ingen vedtatt plan for dette året. Planer som ikke er vedtatt ennå, vises ikke.',
          );
        }
        if (generation !== null) served.set(cycleId, { generation, r });
        return answer(c, { r, ext, cycleId });
      });
    }),
  );
}

function mainContent(v: PublicCycle): Promise<string> {
  const years = v.years.map(String);
  const fileBase = `/offentlig/${encodeURIComponent(v.partnership.id)}/${v.year}`;
  const rounds = new Set(v.councils.map((d) => d.round)).size;
  const moneyCell = (amount: string | undefined) => html`<td class="num">${formatNok(amount ?? '0.00')}</td>`;
  const yearHeads = years.map((y) => html`<th scope="col" class="num">${y}</th>`);
  const body: Html = html`<p class="ds-paragraph">Status: ${phaseName(v.phase)}${v.closedAt ? ` (året ble avsluttet ${formatDate(v.closedAt)})` : ''}. Budsjettåret er ${v.year}; ${v.year + 1}–${v.year + 3} er retningsgivende.</p>
<p class="ds-paragraph">Last ned tallene: <a class="ds-link" href="${fileBase}.csv" download>CSV for Excel</a> · <a class="ds-link" href="${fileBase}.json">JSON</a></p>

<h2 class="ds-heading" data-size="md">Vedtakene</h2>
<dl class="facts">
  <dt>IPRs vedtak</dt>
  <dd>${v.ipr ? `Prioriteringsliste ${v.ipr.priorityList}, vedtatt i møtet ${formatDate(v.ipr.meetingDate)}, sak ${v.ipr.caseNumber}` : 'Ikke registrert'}</dd>
</dl>
${scrollTable(
  'kommunevedtak',
  html`<table class="ds-table" data-border>
<caption id="kommunevedtak">Kommunestyrenes vedtak</caption>
<thead><tr><th scope="col">Kommune</th>${rounds > 1 ? html`<th scope="col">Runde</th>` : ''}<th scope="col">Vedtak</th><th scope="col">Saksnummer</th><th scope="col">Dato</th><th scope="col">Lavere beløp</th></tr></thead>
<tbody>
${v.councils.map(
  (d) => html`<tr>
  <th scope="row">${d.name}</th>${rounds > 1 ? html`<td>${d.round}</td>` : ''}
  <td>${ADOPTION_DECISION_NAMES[d.decision] ?? d.decisionText}</td>
  <td>${d.caseNumber}</td>
  <td>${formatDate(d.decidedOn)}</td>
  <td>${
    d.amounts
      ? Object.entries(d.amounts)
          .map(([y, a]) => `${y}: ${formatNok(a)}`)
          .join('; ')
      : '–'
  }</td>
</tr>`,
)}
</tbody>
</table>`,
)}

<h2 class="ds-heading" data-size="md">Tiltakene</h2>
${
  v.measures.length === 0
    ? html`<p class="ds-paragraph">Ingen tiltak fikk tilskudd.</p>`
    : scrollTable(
        'tiltak',
        html`<table class="ds-table" data-border>
<caption id="tiltak">Tilskudd per tiltak og år (${v.measures.length} tiltak)</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">Ansvarlig</th><th scope="col">Strategier</th>${yearHeads}<th scope="col" class="num">Sum</th></tr></thead>
<tbody>
${v.measures.map((m) => html`<tr><th scope="row">${m.title}</th><td>${m.responsible}</td><td>${m.strategies.join(', ')}</td>${years.map((y) => moneyCell(m.grants[y]))}${moneyCell(m.total)}</tr>`)}
</tbody>
<tfoot><tr class="sum"><th scope="row">Sum</th><td></td><td></td>${years.map((y) => moneyCell(v.totals.granted[y]))}${moneyCell(v.totals.all)}</tr></tfoot>
</table>`,
      )
}

<h2 class="ds-heading" data-size="md">Hver finansiørs andel</h2>
${scrollTable(
  'finansiorer',
  html`<table class="ds-table" data-border>
<caption id="finansiorer">Sum per finansiør og år</caption>
<thead><tr><th scope="col">Finansiør</th>${yearHeads}</tr></thead>
<tbody>
${v.funders.map((f) => html`<tr><th scope="row">${f.name}</th>${years.map((y) => moneyCell(f.total[y]))}</tr>`)}
</tbody>
</table>`,
)}
${
  v.measures.length === 0
    ? ''
    : scrollTable(
        'andeler',
        html`<table class="ds-table" data-border>
<caption id="andeler">Andel per tiltak, finansiør og år</caption>
<thead><tr><th scope="col">Tiltak</th><th scope="col">År</th>${v.funders.map((f) => html`<th scope="col" class="num">${f.name}</th>`)}</tr></thead>
<tbody>
${v.measures.flatMap((m) =>
  years
    .filter((y) => (m.grants[y] ?? '0.00') !== '0.00')
    .map(
      (y) =>
        html`<tr><th scope="row">${m.title}</th><td>${y}</td>${v.funders.map((f) => moneyCell(m.shares[f.id]?.[y]))}</tr>`,
    ),
)}
</tbody>
</table>`,
      )
}

<h2 class="ds-heading" data-size="md">Per delmål</h2>
${scrollTable(
  'delmal',
  html`<table class="ds-table" data-border>
<caption id="delmal">Tilskudd per delmål og år</caption>
<thead><tr><th scope="col">Delmål</th>${yearHeads}</tr></thead>
<tbody>
${v.goals.map((g) => html`<tr><th scope="row">${g.goal}. ${g.title}</th>${years.map((y) => moneyCell(g.granted[y]))}</tr>`)}
</tbody>
</table>`,
)}`;
  return Promise.resolve(body).then(String);
}
