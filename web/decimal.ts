/**
 * Numbers that are not money, the Norwegian way: indicator values such as a share ("88,4 %") or a
 * count ("352 674"). Read as typed and written back with a decimal comma and spaces between
 * thousands; kept as decimal strings ("88.4"), as the API takes them (schema/api IndicatorsRequest),
 * never through a float. What could be read two ways is refused with a reason, as for money
 * (web/input.ts): "1.250" is a thousand and a quarter, or one and a quarter?
 */
import type { Parsed } from './input.js';
import { NBSP } from './format.js';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = (message: string): Parsed<never> => ({ ok: false, message });

const SPACES = /[\u0020\u00a0\u202f\u2009]/g;
/** The API's limits for an indicator value: twelve digits before the point, six after. */
const MAX_WHOLE = 12;
const MAX_FRACTION = 6;

/**
 * "88,4", "88,4 %", "-1,5", "352 674", "88.4" → "88.4", "-1.5", "352674". An empty field is
 * `{ ok: true, value: null }` (not reported).
 */
export function parseDecimalInput(typed: string): Parsed<string | null> {
  let s = typed.trim().replace(/\s*(%|prosent)$/i, '');
  if (s === '') return typed.trim() === '' ? ok(null) : no('Skriv et tall, for eksempel 88,4.');
  const negative = /^[-\u2212]/.test(s);
  if (negative) s = s.slice(1).trim();
  if (/[^\d\s\u00a0\u202f\u2009.,]/.test(s))
    return no('Tallet kan bare ha sifre, mellomrom og komma, for eksempel 88,4.');
  const commas = (s.match(/,/g) ?? []).length;
  const dots = (s.match(/\./g) ?? []).length;
  if (commas + dots > 1) return no('Skriv desimaler med ett komma og tusener med mellomrom, for eksempel 1 250,5.');
  const [whole = '', fraction = ''] = s.split(/[.,]/);
  if (dots === 1 && /^\d{3}$/.test(fraction))
    return no('Punktum med tre sifre etter kan leses som tusen eller som desimaler. Skriv 1 250 eller 1,25.');
  if ((commas || dots) && !/^\d+$/.test(fraction)) return no('Etter kommaet kommer desimalene, for eksempel 88,4.');
  if (fraction.length > MAX_FRACTION) return no(`Skriv høyst ${MAX_FRACTION} desimaler.`);
  const compact = whole.trim();
  if (/\s/.test(compact) && !/^\d{1,3}([\u0020\u00a0\u202f\u2009]\d{3})+$/.test(compact))
    return no('Mellomrom brukes bare mellom tusener, for eksempel 352 674.');
  const digits = compact.replace(SPACES, '');
  if (!/^\d+$/.test(digits)) return no('Skriv et tall, for eksempel 88,4.');
  const int = digits.replace(/^0+(?=\d)/, '');
  if (int.length > MAX_WHOLE) return no('Tallet er for stort.');
  const frac = fraction.replace(/0+$/, '');
  const zero = /^0+$/.test(int) && frac === '';
  return ok(`${negative && !zero ? '-' : ''}${int}${frac ? `.${frac}` : ''}`);
}

/** "352674.5" → "352 674,5" (no-break spaces), "-1.5" → "−1,5"; a string that is no number comes back as it is. */
export function formatDecimal(value: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  const [, sign, int = '', frac = ''] = m;
  const grouped = int.length > 4 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP) : int;
  return `${sign ? '\u2212' : ''}${grouped}${frac ? `,${frac}` : ''}`;
}

/** A value with its unit: "88,4 %", "352 674". */
export const withUnit = (value: string, unit: string): string =>
  `${formatDecimal(value)}${unit ? `${NBSP}${unit}` : ''}`;
