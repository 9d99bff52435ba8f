import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import {
  formatMoney,
  fromOre,
  isMoney,
  MONEY_PATTERN,
  MoneyError,
  parseMoney,
  sumMoney,
  toOre,
  ZERO,
} from '../../domain/money.js';

describe('parseMoney', () => {
  it.each(['0', '0.5', '12.30', '1250000.00', '999999999999.99'])('accepts %s', (s) => {
    expect(parseMoney(s).toFixed(2)).toBe(new Decimal(s).toFixed(2));
  });

  it.each([
    ['three decimals', '1.005'],
    ['exponent', '1e6'],
    ['exponent with decimals', '1.5E+3'],
    ['negative', '-1.00'],
    ['plus sign', '+1.00'],
    ['empty', ''],
    ['blank', ' '],
    ['padded', ' 1.00'],
    ['comma decimal', '1,50'],
    ['thousands separator', '1 000.00'],
    ['trailing dot', '1.'],
    ['leading dot', '.50'],
    ['hex', '0x10'],
    ['NaN', 'NaN'],
    ['Infinity', 'Infinity'],
    ['thirteen integer digits', '1000000000000'],
  ])('refuses %s (%j)', (_, s) => {
    expect(() => parseMoney(s)).toThrow(MoneyError);
    expect(isMoney(s)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(() => parseMoney(12 as unknown as string)).toThrow(MoneyError);
  });

  it('names the bad value in the message', () => {
    expect(() => parseMoney('1.005')).toThrow(/"1\.005"/);
  });
});

describe('formatMoney', () => {
  it('writes exactly two decimals', () => {
    expect(formatMoney(new Decimal('1250000'))).toBe('1250000.00');
    expect(formatMoney(new Decimal('0.5'))).toBe('0.50');
    expect(formatMoney(new Decimal('0.05'))).toBe('0.05');
    expect(formatMoney(ZERO)).toBe('0.00');
    expect(formatMoney(new Decimal('-3.1'))).toBe('-3.10');
  });

  it('refuses to round away a fraction of an øre', () => {
    expect(() => formatMoney(new Decimal('0.005'))).toThrow(MoneyError);
    expect(() => formatMoney(new Decimal(1).div(3))).toThrow(MoneyError);
  });

  it('never uses an exponent, even for large amounts', () => {
    expect(formatMoney(new Decimal('1e21'))).toBe('1000000000000000000000.00');
  });

  it('round-trips every valid money string to its two-decimal form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 99999999999999n }), (ore) => {
        const s = `${ore / 100n}.${(ore % 100n).toString().padStart(2, '0')}`;
        expect(MONEY_PATTERN.test(s)).toBe(true);
        expect(formatMoney(parseMoney(s))).toBe(s);
        expect(toOre(parseMoney(s))).toBe(ore);
        expect(fromOre(ore).equals(parseMoney(s))).toBe(true);
      }),
    );
  });
});

describe('sumMoney', () => {
  it('adds exactly (0.10 + 0.20 is 0.30, not a float sum)', () => {
    expect(formatMoney(sumMoney([parseMoney('0.10'), parseMoney('0.20')]))).toBe('0.30');
    expect(sumMoney([]).equals(ZERO)).toBe(true);
  });

  it('stays exact beyond 20 significant digits, where Decimal.plus would round', () => {
    const large = new Decimal('100000000000000000000');
    expect(large.plus('0.01').equals(large)).toBe(true); // Decimal's default precision of 20
    expect(formatMoney(sumMoney([large, parseMoney('0.01')]))).toBe('100000000000000000000.01');
  });

  it('equals the integer sum of øre', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 99999999999999n }), { maxLength: 30 }), (ores) => {
        const total = ores.reduce((a, b) => a + b, 0n);
        expect(toOre(sumMoney(ores.map(fromOre)))).toBe(total);
      }),
    );
  });
});
