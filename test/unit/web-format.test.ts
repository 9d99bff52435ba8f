import { describe, expect, it } from 'vitest';
import { formatAmount, formatDate, formatDateTime, formatNok, municipalityName, NBSP } from '../../web/format.js';

const s = (text: string) => text.replaceAll(' ', NBSP);

describe('web money', () => {
  it('writes NOK as Norwegians read it, from the decimal string', () => {
    expect(formatNok('1250000.00')).toBe(s('1 250 000,00 kr'));
    expect(formatNok('22222.23')).toBe(s('22 222,23 kr'));
    expect(formatNok('0.00')).toBe(s('0,00 kr'));
    expect(formatNok('999.5')).toBe(s('999,50 kr'));
    expect(formatNok('1000')).toBe(s('1 000,00 kr'));
  });

  it('keeps every øre of amounts a float would round', () => {
    expect(formatAmount('999999999999.99')).toBe(s('999 999 999 999,99'));
    expect(formatAmount('9007199254740993.01')).toBe(s('9 007 199 254 740 993,01'));
  });

  it('writes a negative amount with a minus sign, and no sign on zero', () => {
    expect(formatAmount('-500000.00')).toBe(s('\u2212500 000,00'));
    expect(formatAmount('-0.00')).toBe('0,00');
  });

  it('leaves text that is no amount alone', () => {
    expect(formatAmount('1e6')).toBe('1e6');
    expect(formatAmount('')).toBe('');
  });
});

describe('web dates', () => {
  it('writes a calendar date as that day', () => {
    expect(formatDate('2027-03-01')).toBe('1. mars 2027');
    expect(formatDate('2026-12-24')).toBe('24. desember 2026');
  });

  it('writes an instant as the day and time in Oslo, winter and summer', () => {
    expect(formatDate('2027-02-28T23:30:00Z')).toBe('1. mars 2027');
    expect(formatDateTime('2027-12-31T22:59:00.000Z')).toBe('31. desember 2027 kl. 23:59');
    expect(formatDateTime('2027-06-30T22:00:00Z')).toBe('1. juli 2027 kl. 00:00');
  });

  it('says "–" for no date and leaves text that is no date alone', () => {
    expect(formatDate(null)).toBe('–');
    expect(formatDateTime(undefined)).toBe('–');
    expect(formatDate('snart')).toBe('snart');
  });

  it('names a municipality with its kind', () => {
    expect(municipalityName('Øyer')).toBe('Øyer kommune');
    expect(municipalityName('Øyer kommune')).toBe('Øyer kommune');
  });
});
