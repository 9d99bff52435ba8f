/**
 * A funder's year-end (domain/year-end.ts): the unspent money in two parts, and what carries over
 * by what the funder pays in (docs/domain.md, decisions of 2026-12-01). Oracle: integer øre.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYS_IN, paysInOf, yearEndRow, type PaysIn } from '../../domain/year-end.js';

const money = (ore: bigint) => `${ore / 100n}.${String(ore % 100n).padStart(2, '0')}`;
const ore = (s: string) => BigInt(s.replace('.', ''));

describe('year-end of one funder', () => {
  it('the county: 500 000.00 never allocated and 150 000.00 granted but unspent, both carried over', () => {
    expect(
      yearEndRow(
        { funderId: 'county', frame: '2500000.00', allocated: '2000000.00', spent: '1850000.00', paysIn: 'frame' },
        true,
      ),
    ).toEqual({
      funderId: 'county',
      frame: '2500000.00',
      allocated: '2000000.00',
      spent: '1850000.00',
      neverAllocated: '500000.00',
      grantedUnspent: '150000.00',
      unspent: '650000.00',
      carriedOver: '650000.00',
      disposition: 'carry_over',
    });
  });

  it('a municipality: only the granted-but-unspent part carries over; released, nothing does', () => {
    const f = {
      funderId: '3405',
      frame: '400000.00',
      allocated: '333333.33',
      spent: '300000.00',
      paysIn: 'adopted-share' as const,
    };
    expect(yearEndRow(f, true)).toMatchObject({
      neverAllocated: '66666.67',
      grantedUnspent: '33333.33',
      unspent: '100000.00',
      carriedOver: '33333.33',
    });
    expect(yearEndRow(f, false)).toMatchObject({ unspent: '100000.00', carriedOver: '0.00', disposition: 'released' });
  });

  it('the parts add up, and what carries over follows what the funder pays in (property)', () => {
    const amounts = fc
      .tuple(
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
      )
      .map((xs) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as [bigint, bigint, bigint]); // spent ≤ allocated ≤ frame
    const paysIn = fc.constantFrom<PaysIn>('frame', 'adopted-share');
    fc.assert(
      fc.property(amounts, paysIn, fc.boolean(), ([spent, allocated, frame], pays, carry) => {
        const r = yearEndRow(
          { funderId: 'f', frame: money(frame), allocated: money(allocated), spent: money(spent), paysIn: pays },
          carry,
        );
        expect(ore(r.neverAllocated)).toBe(frame - allocated);
        expect(ore(r.grantedUnspent)).toBe(allocated - spent);
        expect(ore(r.unspent)).toBe(frame - spent);
        expect(ore(r.carriedOver)).toBe(!carry ? 0n : pays === 'frame' ? frame - spent : allocated - spent);
      }),
    );
  });

  it('what a funder pays in: as configured, else its frame for the county and its adopted share for a municipality', () => {
    const config = {
      county: { id: 'county' },
      municipalities: [{ id: '3405' }, { id: '3440', paysIn: 'frame' as const }],
    };
    expect(['county', '3405', '3440'].map((id) => paysInOf(config, id))).toEqual([
      DEFAULT_PAYS_IN.county,
      DEFAULT_PAYS_IN.municipality,
      'frame',
    ]);
    expect(paysInOf({ ...config, county: { id: 'county', paysIn: 'adopted-share' } }, 'county')).toBe('adopted-share');
  });
});
