/** Norwegian display formats for the web UI: 1 250 000,00 and 22. nov. 2027, 14:00 (Oslo time). */

const NBSP = '\u00a0';

/** "1250000.00" -> "1 250 000,00" (no-break spaces); the decimal string is never turned into a float. */
export function formatNok(money: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(money);
  if (!m) return money;
  const [, sign, int = '', frac = ''] = m;
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${sign}${grouped},${frac.padEnd(2, '0')}`;
}

const dateTime = new Intl.DateTimeFormat('nb-NO', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' });

export function formatInstant(iso: string | null): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

export const PHASE_NAMES: Record<string, string> = {
  proposals: 'Forslag',
  prioritisation: 'Prioritering i IPR',
  adoption: 'Vedtak i kommunene',
  adopted: 'Vedtatt',
  closed: 'Avsluttet',
  cancelled: 'Avbrutt',
};

export const STATUS_NAMES: Record<string, string> = {
  proposed: 'foreslått',
  withdrawn: 'trukket',
  granted: 'innvilget',
  partly_granted: 'delvis innvilget',
  not_granted: 'ikke innvilget',
};
