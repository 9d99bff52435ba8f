/**
 * NOK with øre. Money is a Decimal inside the engine and a two-decimal string everywhere else
 * ("1250000.00"). Nothing here rounds: a value that is not a whole number of øre is an error.
 */
import { Decimal } from 'decimal.js';

export type Money = string;
/** year ("2027") -> amount */
export type YearMap = Record<string, Money>;
/** funderId ('county' or a municipality number) -> year -> amount */
export type FunderYearMap = Record<string, YearMap>;

/** Non-negative NOK, at most 12 integer digits and 2 decimals; no sign, exponent or spaces. */
export const MONEY_PATTERN = /^\d{1,12}(\.\d{1,2})?$/;

export const ZERO = new Decimal(0);

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

export function isMoney(value: unknown): value is Money {
  return typeof value === 'string' && MONEY_PATTERN.test(value);
}

export function parseMoney(s: string): Decimal {
  if (typeof s !== 'string' || !MONEY_PATTERN.test(s)) {
    throw new MoneyError(
      `not an amount of money: ${JSON.stringify(s)} (expected digits with at most 2 decimals, e.g. "1250000.00")`,
    );
  }
  return new Decimal(s);
}

/** Øre as an exact integer. toFixed() without an argument never rounds and never uses an exponent. */
export function toOre(d: Decimal): bigint {
  if (!d.isFinite()) throw new MoneyError(`not a finite amount: ${d.toString()}`);
  const plain = d.toFixed();
  const negative = plain.startsWith('-');
  const [int = '0', frac = ''] = (negative ? plain.slice(1) : plain).split('.');
  if (frac.length > 2) throw new MoneyError(`not a whole number of øre: ${plain}`);
  const ore = BigInt(int + frac.padEnd(2, '0'));
  return negative ? -ore : ore;
}

export function fromOre(ore: bigint): Decimal {
  const negative = ore < 0n;
  const digits = (negative ? -ore : ore).toString().padStart(3, '0');
  return new Decimal(`${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`);
}

/** Two decimals; throws rather than rounds when the value is not a whole number of øre. */
export function formatMoney(d: Decimal): Money {
  const ore = toOre(d);
  const negative = ore < 0n;
  const digits = (negative ? -ore : ore).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Exact sum in øre (Decimal arithmetic would round beyond its 20 significant digits). */
export function sumMoney(values: Iterable<Decimal>): Decimal {
  let total = 0n;
  for (const v of values) total += toOre(v);
  return fromOre(total);
}
