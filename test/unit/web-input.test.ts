import { describe, expect, it } from 'vitest';
import { osloToday, parseDateInput, parseMoneyInput, parseOsloDateTime, parsePastDateInput } from '../../web/input.js';

const money = (typed: string) => {
  const r = parseMoneyInput(typed);
  return r.ok ? r.value : `refused: ${r.message}`;
};

describe('money as Norwegians type it', () => {
  it.each([
    ['1 250 000,50', '1250000.50'],
    ['1250000', '1250000.00'],
    ['1 250 000 kr', '1250000.00'],
    ['kr 1 250 000,-', '1250000.00'],
    ['1\u00a0250\u00a0000,5', '1250000.50'],
    ['1\u202f250\u202f000 NOK', '1250000.00'],
    ['1.250.000', '1250000.00'],
    ['1.250.000,75', '1250000.75'],
    ['1 250 000.50', '1250000.50'],
    ['0', '0.00'],
    ['007', '7.00'],
    ['  300 000  ', '300000.00'],
  ])('%s → %s', (typed, expected) => {
    expect(money(typed)).toBe(expected);
  });

  it('an empty field is no amount, not zero', () => {
    expect(parseMoneyInput('   ')).toEqual({ ok: true, value: null });
  });

  it.each([
    ['1.250', /tusen eller som øre/],
    ['1,250', /to måter/],
    ['1,250,000', /flere komma/],
    ['1,250.50', /Punktum og komma|ett eller to sifre/],
    ['12 50', /Mellomrom/],
    ['-500', /negativt/],
    ['\u2212500', /negativt/],
    ['1e6', /bare ha sifre/],
    ['12,345', /to måter/],
    ['1,505', /to måter/],
    ['100,5x', /bare ha sifre/],
    ['1 000 000 000 000 000', /for stort/],
    ['kr', /Skriv et beløp/],
  ])('refuses %s, saying why', (typed, why) => {
    const r = parseMoneyInput(typed);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(why);
  });

  it('keeps every øre of a large amount (no float on the way)', () => {
    expect(money('999 999 999 999,99')).toBe('999999999999.99');
  });
});

describe('dates and times in Oslo', () => {
  it('"31.12.2027 23:59" is that minute in Oslo (winter, UTC+1)', () => {
    expect(parseOsloDateTime('31.12.2027 23:59')).toEqual({ ok: true, value: '2027-12-31T22:59:00.000Z' });
    expect(parseOsloDateTime('31.12.2027 kl. 23.59')).toEqual({ ok: true, value: '2027-12-31T22:59:00.000Z' });
    expect(parseOsloDateTime('2027-12-31T23:59')).toEqual({ ok: true, value: '2027-12-31T22:59:00.000Z' });
  });

  it('summer time is UTC+2', () => {
    expect(parseOsloDateTime('1.7.2027 12:00')).toEqual({ ok: true, value: '2027-07-01T10:00:00.000Z' });
  });

  it('refuses the hour the clocks skip and the hour they show twice', () => {
    const spring = parseOsloDateTime('28.03.2027 02:30');
    expect(spring.ok).toBe(false);
    if (!spring.ok) expect(spring.message).toMatch(/finnes ikke/);
    const autumn = parseOsloDateTime('31.10.2027 02:30');
    expect(autumn.ok).toBe(false);
    if (!autumn.ok) expect(autumn.message).toMatch(/to ganger/);
  });

  it('refuses what is no date or time', () => {
    expect(parseOsloDateTime('31.02.2027 12:00').ok).toBe(false);
    expect(parseOsloDateTime('31.12.2027 24:00').ok).toBe(false);
    expect(parseOsloDateTime('i morgen').ok).toBe(false);
  });

  it('calendar dates as typed or as the date input posts them', () => {
    expect(parseDateInput('15.03.2027')).toEqual({ ok: true, value: '2027-03-15' });
    expect(parseDateInput('5.3.2027')).toEqual({ ok: true, value: '2027-03-05' });
    expect(parseDateInput('2027-03-15')).toEqual({ ok: true, value: '2027-03-15' });
    expect(parseDateInput('30.02.2027').ok).toBe(false);
    expect(parseDateInput('15/03/2027').ok).toBe(false);
  });

  it('"not in the future" is by the date in Oslo', () => {
    // 23:30 UTC on 14 March is 00:30 on 15 March in Oslo.
    const now = Date.parse('2027-03-14T23:30:00Z');
    expect(osloToday(now)).toBe('2027-03-15');
    expect(parsePastDateInput('15.03.2027', now)).toEqual({ ok: true, value: '2027-03-15' });
    const r = parsePastDateInput('16.03.2027', now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/fram i tid/);
  });
});
