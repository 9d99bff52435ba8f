/**
 * How the web pages write money, dates and times for a Norwegian reader:
 * money "1 250 000,00 kr", dates "1. mars 2027", instants "31. desember 2027 kl. 23:59",
 * always in Norwegian time (Europe/Oslo), whatever the server's time zone.
 *
 * Money is formatted from its decimal string ("1250000.00"), never through a float. Month names
 * are spelt out here rather than taken from the runtime's locale data, so the pages read the same
 * on a Node built with only English ICU data; only the Oslo calendar fields come from Intl.
 */

/** No-break space: "1 250 000,00 kr" never wraps inside an amount. */
export const NBSP = '\u00a0';
/** The typographic minus sign, as Norwegian print writes a negative amount. */
const MINUS = '\u2212';

const MONEY = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** "1250000.00" -> "1 250 000,00" (no-break spaces, decimal comma); a string that is no amount comes back as it is. */
export function formatAmount(money: string): string {
  const m = MONEY.exec(money);
  if (!m) return money;
  const [, sign, int = '', frac = ''] = m;
  const grouped = int.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  const zero = /^0*$/.test(int) && /^0*$/.test(frac);
  return `${sign && !zero ? MINUS : ''}${grouped},${frac.padEnd(2, '0')}`;
}

/** "1250000.00" -> "1 250 000,00 kr". */
export function formatNok(money: string): string {
  return `${formatAmount(money)}${NBSP}kr`;
}

export const MONTHS = [
  'januar',
  'februar',
  'mars',
  'april',
  'mai',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'desember',
] as const;

const osloParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** The calendar fields of an instant on the clocks in Oslo. */
export function inOslo(t: number): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = Object.fromEntries(osloParts.formatToParts(t).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * A date as Norwegians write it: "1. mars 2027". A calendar date ("2027-03-01", a meeting or a
 * council's decision) is that day as written; an instant ("2027-02-28T23:30:00Z") is the day it
 * is in Oslo then (here 1. mars). Null or unreadable gives "–" or the text as it came.
 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '–';
  const d = CALENDAR_DATE.exec(value);
  if (d) {
    const month = MONTHS[Number(d[2]) - 1];
    return month ? `${Number(d[3])}. ${month} ${d[1]}` : value;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) return value;
  const o = inOslo(t);
  return `${o.day}. ${MONTHS[o.month - 1]} ${o.year}`;
}

/** An instant with Oslo's clock time: "31. desember 2027 kl. 23:59". */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '–';
  if (CALENDAR_DATE.test(value)) return formatDate(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) return value;
  const o = inOslo(t);
  return `${o.day}. ${MONTHS[o.month - 1]} ${o.year} kl. ${two(o.hour)}:${two(o.minute)}`;
}

/** The phases as a person reads them, in the order a cycle goes through them. */
export const PHASE_NAMES = {
  proposals: 'Forslag',
  prioritisation: 'Prioritering',
  adoption: 'Vedtak',
  adopted: 'Vedtatt',
  closed: 'Avsluttet',
  cancelled: 'Avbrutt',
} as const;

export type PhaseName = keyof typeof PHASE_NAMES;

export function phaseName(phase: string): string {
  return (PHASE_NAMES as Record<string, string>)[phase] ?? phase;
}

export const MEASURE_STATUS_NAMES: Record<string, string> = {
  proposed: 'Foreslått',
  withdrawn: 'Trukket',
  granted: 'Innvilget',
  partly_granted: 'Delvis innvilget',
  not_granted: 'Ikke innvilget',
};

export const ADOPTION_DECISION_NAMES: Record<string, string> = {
  adopted: 'Vedtatt',
  reduced: 'Vedtatt med lavere beløp',
  rejected: 'Avvist',
};

/** "Øyer" -> "Øyer kommune"; the configuration holds the short names. */
export const municipalityName = (shortName: string): string =>
  / kommune$/i.test(shortName) ? shortName : `${shortName} kommune`;

export const ROLE_NAMES: Record<string, string> = {
  admin: 'administrator',
  proposer: 'forslagsstiller',
  ipr_member: 'medlem av IPR',
  municipal_clerk: 'saksbehandler i kommunen',
  finance: 'økonomi',
};
