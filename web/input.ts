/**
 * What people type into the forms, read the way Norwegians write it:
 *
 * - money: "1 250 000,50", "1250000", "1 250 000 kr", "kr 1 250 000,-", "1.250.000" (dots between
 *   thousands), "1 250 000.50" (a dot before exactly two øre digits) → the decimal string
 *   "1250000.50". Never through a float. What could be read two ways is refused with a reason:
 *   "1.250" and "1,250" (a thousand or one krone and a quarter?), "1,250.50" (English grouping).
 * - calendar dates: "15.03.2027", "15.3.2027", "2027-03-15" (what <input type="date"> posts).
 * - times: "31.12.2027 23:59" (also "kl. 23.59", or "2027-12-31T23:59" from datetime-local) is
 *   that minute on the clocks in Oslo; a time the clocks skip (spring) or show twice (autumn)
 *   is refused.
 *
 * Each parser returns `{ ok: true, value }` or `{ ok: false, message }` with the message in
 * Norwegian, for the form to show beside the field.
 */
import { inOslo } from './format.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = (message: string): Parsed<never> => ({ ok: false, message });

/** Spaces people and programs put between thousands: space, no-break, narrow no-break, thin. */
const SPACES = /[\u0020\u00a0\u202f\u2009]/g;
const SPACE = /[\u0020\u00a0\u202f\u2009]/;
/** At most twelve digits of kroner, as the API's Money allows. */
const MAX_KRONER_DIGITS = 12;

/**
 * Money as typed → "1250000.50". An empty field is `{ ok: true, value: null }`: the caller says
 * whether an empty field is allowed.
 */
export function parseMoneyInput(typed: string): Parsed<string | null> {
  let s = typed.trim();
  if (s === '') return ok(null);
  // "kr", "kr.", "NOK" before or after; "1250,-" for whole kroner.
  s = s
    .replace(/^(kr\.?|nok)\s*/i, '')
    .replace(/\s*(kr\.?|nok)$/i, '')
    .trim();
  s = s.replace(/,-$/, '');
  if (/^[-\u2212]/.test(s)) return no('Beløpet kan ikke være negativt.');
  if (s === '') return no('Skriv et beløp i kroner, for eksempel 1 250 000 eller 1 250 000,50.');
  if (/[^\d\s\u00a0\u202f\u2009.,]/.test(s))
    return no('Beløpet kan bare ha sifre, mellomrom og komma, for eksempel 1 250 000,50.');

  const commas = (s.match(/,/g) ?? []).length;
  const dots = (s.match(/\./g) ?? []).length;
  let whole: string;
  let ore = '';
  if (commas > 1) return no('Beløpet har flere komma. Skriv tusener med mellomrom og øre etter komma: 1 250 000,50.');
  if (commas === 1) {
    const [left = '', right = ''] = s.split(',');
    if (!/^\d{1,2}$/.test(right)) {
      return /^\d{3}$/.test(right)
        ? no(
            'Komma med tre sifre etter kan leses to måter. Skriv tusener med mellomrom (1 250) og øre med komma (1,25).',
          )
        : no('Etter kommaet kommer øre: ett eller to sifre, for eksempel 1 250 000,50.');
    }
    // "1.250.000,50": dots between thousands, comma before øre, as on the continent.
    if (dots > 0 && !/^\d{1,3}(\.\d{3})+$/.test(left.replace(SPACES, '')))
      return no(
        'Punktum og komma i samme beløp: skriv tusener med mellomrom og øre med komma, for eksempel 1 250 000,50.',
      );
    whole = left.replace(/\./g, '');
    ore = right;
  } else if (dots === 1) {
    const [left = '', right = ''] = s.split('.');
    if (/^\d{3}$/.test(right))
      return no('Punktum med tre sifre etter kan leses som tusen eller som øre. Skriv 1 250 eller 1,25.');
    if (!/^\d{1,2}$/.test(right)) return no('Øre skrives med komma og ett eller to sifre, for eksempel 1 250 000,50.');
    whole = left;
    ore = right;
  } else if (dots > 1) {
    if (!/^\d{1,3}(\.\d{3})+$/.test(s.replace(SPACES, '')))
      return no('Punktum brukes her bare mellom tusener, for eksempel 1.250.000; skriv helst 1 250 000.');
    whole = s.replace(/\./g, '');
  } else {
    whole = s;
  }

  // Spaces only between groups of three: "1 250 000", not "12 50".
  const compact = whole.trim();
  if (SPACE.test(compact)) {
    if (!/^\d{1,3}([\u0020\u00a0\u202f\u2009]\d{3})+$/.test(compact))
      return no('Mellomrom brukes bare mellom tusener, for eksempel 1 250 000.');
  }
  const digits = compact.replace(SPACES, '');
  if (!/^\d+$/.test(digits)) return no('Skriv et beløp i kroner, for eksempel 1 250 000 eller 1 250 000,50.');
  const kroner = digits.replace(/^0+(?=\d)/, '');
  if (kroner.length > MAX_KRONER_DIGITS) return no('Beløpet er for stort.');
  return ok(`${kroner}.${ore.padEnd(2, '0')}`);
}

/** "2027-03-15" as a real date of the calendar. */
function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const two = (n: number) => String(n).padStart(2, '0');

/** "15.03.2027", "15.3.2027" or "2027-03-15" → "2027-03-15". */
export function parseDateInput(typed: string): Parsed<string> {
  const s = typed.trim();
  if (s === '') return no('Skriv en dato, for eksempel 15.03.2027.');
  const nb = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const [y, m, d] = nb
    ? [Number(nb[3]), Number(nb[2]), Number(nb[1])]
    : iso
      ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
      : [NaN, NaN, NaN];
  if (Number.isNaN(y)) return no('Skriv datoen som dag.måned.år, for eksempel 15.03.2027.');
  if (!realDate(y, m, d)) return no('Den datoen finnes ikke i kalenderen.');
  if (y < 1900) return no('Datoen må være fra 1900 eller senere.');
  return ok(`${y}-${two(m)}-${two(d)}`);
}

/** Today's date in Oslo, "2027-03-15", for "not in the future" checks. */
export function osloToday(now: number = Date.now()): string {
  const o = inOslo(now);
  return `${o.year}-${two(o.month)}-${two(o.day)}`;
}

/** A date that is not after today in Oslo. */
export function parsePastDateInput(typed: string, now: number = Date.now()): Parsed<string> {
  const parsed = parseDateInput(typed);
  if (!parsed.ok) return parsed;
  if (parsed.value > osloToday(now)) return no('Datoen kan ikke være fram i tid.');
  return parsed;
}

/**
 * "31.12.2027 23:59" (or "31.12.2027 kl. 23.59", or "2027-12-31T23:59") → the ISO instant of that
 * minute in Oslo, "2027-12-31T22:59:00.000Z".
 */
export function parseOsloDateTime(typed: string): Parsed<string> {
  const s = typed.trim();
  if (s === '') return no('Skriv dato og klokkeslett, for eksempel 31.12.2027 23:59.');
  const nb = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})$/i.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(s);
  const f = nb ? [nb[3], nb[2], nb[1], nb[4], nb[5]] : iso ? [iso[1], iso[2], iso[3], iso[4], iso[5]] : null;
  if (!f) return no('Skriv dato og klokkeslett som 31.12.2027 23:59.');
  const [y, mo, d, h, mi] = f.map(Number) as [number, number, number, number, number];
  if (!realDate(y, mo, d)) return no('Den datoen finnes ikke i kalenderen.');
  if (h > 23 || mi > 59) return no('Klokkeslettet må være mellom 00:00 og 23:59.');
  // The instants whose Oslo clock reads this: Oslo is UTC+1 or UTC+2, so try both offsets.
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const hits = [1, 2]
    .map((hours) => wall - hours * 3_600_000)
    .filter((t) => {
      const o = inOslo(t);
      return o.year === y && o.month === mo && o.day === d && o.hour === h && o.minute === mi;
    });
  if (hits.length === 0)
    return no(
      `Klokken ${two(h)}:${two(mi)} finnes ikke den dagen i Norge (klokken stilles fram til sommertid). Velg et annet klokkeslett.`,
    );
  if (hits.length > 1)
    return no(
      `Klokken ${two(h)}:${two(mi)} finnes to ganger den dagen i Norge (klokken stilles tilbake). Velg et klokkeslett utenom timen mellom 02:00 og 03:00.`,
    );
  return ok(new Date(hits[0] as number).toISOString());
}

/**
 * An instant as a person in Oslo types it back into a field: "2027-12-31T22:59:00.000Z" →
 * "31.12.2027 23:59", the form parseOsloDateTime reads (so a form shown again round-trips).
 */
export function formatOsloDateTimeInput(instant: string): string {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return '';
  const o = inOslo(t);
  return `${two(o.day)}.${two(o.month)}.${o.year} ${two(o.hour)}:${two(o.minute)}`;
}
