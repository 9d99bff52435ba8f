/**
 * Whole signed-in pages kept gzipped per reader, so that a reload of a large page (a 500-measure
 * cycle) costs a lookup rather than a rendering and a compression. A page is kept under what it
 * was made of: the page (path and view), the version of the cycle's records it shows (the
 * allocation snapshot's, which changes with every write to them), and the reader's session (their
 * id, name and CSRF token, which the frame and the forms carry); a page that shows marks that
 * change with the clock (an overdue deadline) is kept only until the next such moment. The most
 * recently served pages are kept, a bounded number per app.
 *
 * A page is never shared between two readers: each holds its reader's name and CSRF token. A
 * kept page with a form shows the same one-time key on every reload, so the action's Update id
 * must tell apart two different things sent with it (the priority-list editor's id holds a
 * digest of the list sent).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { acceptedEncodings } from './accept-encoding.js';
import type { Person } from './env.js';
import type { PageContext } from './pages/render.js';

const gzipped = promisify(gzip);
type Bytes = Uint8Array<ArrayBuffer>;

/** How many whole pages are kept (the most recently served): readers' reloads, the bench's loop. */
const CAPACITY = 64;

interface Kept {
  page: Promise<Bytes>;
  /** ms since the epoch after which the page is made again; Infinity when the clock changes nothing */
  until: number;
}

export class KeptPages {
  /** Most recently served last, so the first is the one to evict. */
  private readonly pages = new Map<string, Kept>();

  constructor(private readonly capacity = CAPACITY) {}

  /**
   * The page gzipped: kept, or made by `make` (its HTML) and kept until `until` (ms since the
   * epoch; by default for as long as the version and the session stand).
   */
  serve(
    c: PageContext,
    person: Person,
    what: { page: string; version: string; until?: number },
    make: () => Promise<string>,
  ): Promise<Bytes> {
    const key = JSON.stringify([what.page, what.version, person.sub, person.name, c.get('csrfToken')]);
    const now = Date.now();
    let kept = this.pages.get(key);
    if (kept) this.pages.delete(key);
    if (!kept || kept.until <= now) {
      const page = make().then(async (s) => new Uint8Array(await gzipped(Buffer.from(s))));
      kept = { page, until: what.until ?? Infinity };
      // A page that failed (an outage) is not kept: the next request tries again.
      const made = kept;
      page.catch(() => this.pages.get(key) === made && this.pages.delete(key));
    }
    this.pages.set(key, kept);
    if (this.pages.size > this.capacity) this.pages.delete(this.pages.keys().next().value!);
    return kept.page;
  }
}

/** Whether the reader's browser takes gzip (every current browser does). */
export const takesGzip = (c: PageContext): boolean => acceptedEncodings(c).gzip;

/** The kept page as the answer, with the headers that say it differs per reader and encoding. */
export function gzippedPage(c: PageContext, body: Bytes, status = 200): Response {
  return c.body(body, status as 200, {
    'content-type': 'text/html; charset=UTF-8',
    'content-encoding': 'gzip',
    vary: 'Cookie, Accept-Encoding',
  });
}
