/**
 * What Postgres can store, checked before anything is recorded: text without NUL or other control
 * characters and without lone UTF-16 surrogates (jsonb and text refuse both), and dates that exist
 * in the calendar (JavaScript's Date.parse takes 2027-02-30; Postgres does not).
 */

// eslint-disable-next-line no-control-regex -- the point is to find control characters (tab, newline and CR are allowed)
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const hasControlCharacters = (value: string): boolean => CONTROL.test(value);
export const hasLoneSurrogate = (value: string): boolean => LONE_SURROGATE.test(value);

/** The longest text each field takes, in UTF-16 code units, in the API's schemas and the workflow's rules alike. */
export const TEXT_LIMITS = {
  title: 200,
  description: 10_000,
  responsible: 200,
  cofundingSource: 200,
  caseNumber: 50,
  reason: 2000,
  progress: 10_000,
  note: 2000,
} as const;

export const CONTROL_MESSAGE = 'must not contain control characters';
export const SURROGATE_MESSAGE = 'must be valid Unicode (a lone surrogate was found)';

/** Why a text cannot be stored, or null when it can. */
export function unstorableText(value: string): string | null {
  if (hasControlCharacters(value)) return CONTROL_MESSAGE;
  if (hasLoneSurrogate(value)) return SURROGATE_MESSAGE;
  return null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD date that exists, in the years 1900-9999. */
export function isCalendarDate(value: unknown): value is string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
