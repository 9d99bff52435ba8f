/**
 * The cost-sharing rule (domain/cost-sharing.ts): largest remainder, the two-stage split, shares, frames; against oracles of their own.
 * Over 300 lines: property tests and hand-worked cases for each function, with oracles of their own.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allocatedShares,
  checkFrames,
  CostSharingError,
  largestRemainder,
  remaining,
  shareMeasure,
  splitAmount,
  sumShares,
  type Members,
  type Sharing,
} from '../../domain/cost-sharing.js';
import type { FunderYearMap } from '../../domain/money.js';
import { recommend } from '../../domain/recommendation.js';
import { d, LILLEHAMMER, money, ore, strings, TWO_THIRDS_EQUAL } from '../support/cost-sharing-oracles.js';

// ---- test oracles: integer øre and exact rationals, written independently of the module ----

/** floor and ceil of a*w/W in integers */
const quotaBounds = (a: bigint, w: bigint, W: bigint): [bigint, bigint] => {
  const floor = (a * w) / W;
  return [floor, (a * w) % W === 0n ? floor : floor + 1n];
};

/** weights with up to three decimals, as [Decimal, integer scaled by 1000] */
const weightArb = fc
  .bigInt({ min: 0n, max: 5_000_000n })
  .map((milli) => ({ dec: d(`${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')}`), milli }));
const weightsArb = fc.array(weightArb, { minLength: 1, maxLength: 8 }).filter((ws) => ws.some((w) => w.milli > 0n));
const oreArb = fc.bigInt({ min: 0n, max: 99_999_999_999_99n });

describe('largestRemainder', () => {
  it('parts sum exactly to the amount and each is the floor or ceil of its exact quota', () => {
    fc.assert(
      fc.property(oreArb, weightsArb, (amount, weights) => {
        const parts = largestRemainder(
          d(money(amount)),
          weights.map((w) => w.dec),
        ).map((p) => ore(p.toFixed(2)));
        const W = weights.reduce((a, w) => a + w.milli, 0n);
        expect(parts.reduce((a, p) => a + p, 0n)).toBe(amount);
        parts.forEach((p, i) => {
          const [floor, ceil] = quotaBounds(amount, weights[i]!.milli, W);
          expect(p === floor || p === ceil).toBe(true);
        });
      }),
    );
  });

  it('gives the extra øre by largest remainder, ties to the earlier position', () => {
    fc.assert(
      fc.property(oreArb, weightsArb, (amount, weights) => {
        const parts = largestRemainder(
          d(money(amount)),
          weights.map((w) => w.dec),
        ).map((p) => ore(p.toFixed(2)));
        const W = weights.reduce((a, w) => a + w.milli, 0n);
        const rem = weights.map((w) => (amount * w.milli) % W);
        const extra = parts.map((p, i) => p > (amount * weights[i]!.milli) / W);
        extra.forEach((gotI, i) =>
          extra.forEach((gotJ, j) => {
            if (gotI && !gotJ && rem[j]! > 0n) expect(rem[i]! > rem[j]! || (rem[i] === rem[j] && i < j)).toBe(true);
          }),
        );
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(oreArb, weightsArb, (amount, weights) => {
        const a = largestRemainder(
          d(money(amount)),
          weights.map((w) => w.dec),
        ).map(String);
        const b = largestRemainder(
          d(money(amount)),
          weights.map((w) => w.dec),
        ).map(String);
        expect(a).toEqual(b);
      }),
    );
  });

  it('breaks ties by position: earlier index wins the extra øre', () => {
    expect(largestRemainder(d('0.01'), [d(1), d(1)]).map((p) => p.toFixed(2))).toEqual(['0.01', '0.00']);
    expect(largestRemainder(d('0.02'), [d(1), d(1), d(1)]).map((p) => p.toFixed(2))).toEqual(['0.01', '0.01', '0.00']);
    expect(largestRemainder(d('0.01'), [d(0), d(1), d(1)]).map((p) => p.toFixed(2))).toEqual(['0.00', '0.01', '0.00']);
    expect(largestRemainder(d('100.00'), [d(1), d(1), d(1)]).map((p) => p.toFixed(2))).toEqual([
      '33.34',
      '33.33',
      '33.33',
    ]);
  });

  it('prefers a larger remainder over an earlier position', () => {
    // quotas 0.333.. and 0.666.. øre: the second has the larger remainder
    expect(largestRemainder(d('0.01'), [d(1), d(2)]).map((p) => p.toFixed(2))).toEqual(['0.00', '0.01']);
  });

  it('is exact with weights beyond 20 significant digits', () => {
    const parts = largestRemainder(d('0.03'), [d('1.0000000000000000000000001'), d('1'), d('1')]);
    expect(parts.map((p) => p.toFixed(2))).toEqual(['0.01', '0.01', '0.01']);
    const skewed = largestRemainder(d('0.01'), [d('1'), d('1.0000000000000000000000001')]);
    expect(skewed.map((p) => p.toFixed(2))).toEqual(['0.00', '0.01']);
  });

  it('refuses all-zero or negative weights and fractions of an øre', () => {
    expect(() => largestRemainder(d('1.00'), [d(0), d(0)])).toThrow(CostSharingError);
    expect(() => largestRemainder(d('1.00'), [d(-1), d(2)])).toThrow(CostSharingError);
    expect(() => largestRemainder(d('1.005'), [d(1)])).toThrow(/øre/);
    expect(() => largestRemainder(d('-1.00'), [d(1)])).toThrow(CostSharingError);
  });
});

describe('splitAmount', () => {
  it("docs/domain.md's example: 200 000.00 at 2/3 with an equal key", () => {
    const shares = splitAmount(d('200000.00'), TWO_THIRDS_EQUAL, LILLEHAMMER);
    expect(strings(shares)).toEqual({
      county: '133333.33',
      '3405': '22222.23',
      '3440': '22222.22',
      '3441': '22222.22',
    });
  });

  it('stage 1 is a two-way split: the municipal total may take the øre from the county', () => {
    // 1 øre: county quota 0.67, municipalities 0.33 -> county; 2 øre: 1.33 / 0.67 -> one each
    expect(strings(splitAmount(d('0.01'), TWO_THIRDS_EQUAL, LILLEHAMMER))).toEqual({
      county: '0.01',
      '3405': '0.00',
      '3440': '0.00',
      '3441': '0.00',
    });
    expect(strings(splitAmount(d('0.02'), TWO_THIRDS_EQUAL, LILLEHAMMER))).toEqual({
      county: '0.01',
      '3405': '0.01',
      '3440': '0.00',
      '3441': '0.00',
    });
  });

  it('pro-rata of frames 2.5 MNOK (county) and 1 MNOK (municipalities)', () => {
    const sharing: Sharing = { countyFraction: { type: 'pro-rata' }, key: { type: 'equal' } };
    const frames = { county: d('2500000.00'), '3405': d('333333.34'), '3440': d('333333.33'), '3441': d('333333.33') };
    // county 5/7 of 100 000.00 = 71 428.571.. -> 71 428.57; municipalities 28 571.43 = 3 x 9 523.81
    expect(strings(splitAmount(d('100000.00'), sharing, LILLEHAMMER, frames))).toEqual({
      county: '71428.57',
      '3405': '9523.81',
      '3440': '9523.81',
      '3441': '9523.81',
    });
    expect(strings(splitAmount(d('3500000.00'), sharing, LILLEHAMMER, frames))).toEqual({
      county: '2500000.00',
      '3405': '333333.34',
      '3440': '333333.33',
      '3441': '333333.33',
    });
  });

  it('a population key splits the municipal part by the figures', () => {
    const members: Members = { county: 'county', municipalities: ['3403', '3412', '3413'] };
    const sharing: Sharing = {
      countyFraction: { type: 'pro-rata' },
      key: {
        type: 'population',
        asOf: '2024-01-01',
        source: 'test',
        figures: { '3403': 32000, '3412': 7700, '3413': 21500 },
      },
    };
    const frames = { county: d('2500000.00'), '3403': d('400000.00'), '3412': d('100000.00'), '3413': d('500000.00') };
    // 350 000.00 -> county 250 000.00, municipalities 100 000.00 = 52287.58|16.99, 12581.69|93.46, 35130.71|89.54 øre quotas
    expect(strings(splitAmount(d('350000.00'), sharing, members, frames))).toEqual({
      county: '250000.00',
      '3403': '52287.58',
      '3412': '12581.70',
      '3413': '35130.72',
    });
  });

  it('a fixed key splits by its weights', () => {
    const sharing: Sharing = {
      countyFraction: { type: 'fixed', numerator: 1, denominator: 2 },
      key: { type: 'fixed', weights: { '3405': 3, '3440': 1, '3441': 1 } },
    };
    expect(strings(splitAmount(d('1000.00'), sharing, LILLEHAMMER))).toEqual({
      county: '500.00',
      '3405': '300.00',
      '3440': '100.00',
      '3441': '100.00',
    });
  });

  it('refuses a pro-rata split without frames, or with only zero frames', () => {
    const sharing: Sharing = { countyFraction: { type: 'pro-rata' }, key: { type: 'equal' } };
    expect(() => splitAmount(d('1.00'), sharing, LILLEHAMMER)).toThrow(CostSharingError);
    expect(() => splitAmount(d('1.00'), sharing, LILLEHAMMER, { county: d(0) })).toThrow(/zero/);
    expect(strings(splitAmount(d('0'), sharing, LILLEHAMMER, { county: d(0) }))).toEqual({
      county: '0.00',
      '3405': '0.00',
      '3440': '0.00',
      '3441': '0.00',
    });
  });

  it('refuses a key that misses a member', () => {
    const sharing: Sharing = {
      countyFraction: { type: 'fixed', numerator: 2, denominator: 3 },
      key: { type: 'fixed', weights: { '3405': 1, '3440': 1 } },
    };
    expect(() => splitAmount(d('1.00'), sharing, LILLEHAMMER)).toThrow(/3441/);
  });

  const sharingArb: fc.Arbitrary<{ sharing: Sharing; n: bigint; dd: bigint; key: bigint[] }> = fc
    .tuple(
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 1, max: 11 }),
      fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 3, maxLength: 3 }),
    )
    .filter(([den, num]) => num < den)
    .map(([den, num, w]) => ({
      sharing: {
        countyFraction: { type: 'fixed', numerator: num, denominator: den },
        key: { type: 'fixed', weights: { '3405': w[0]!, '3440': w[1]!, '3441': w[2]! } },
      },
      n: BigInt(num),
      dd: BigInt(den),
      key: w.map(BigInt),
    }));

  it('two stages: each stage is floor or ceil of its quota, and the shares sum to the amount', () => {
    fc.assert(
      fc.property(oreArb, sharingArb, (amount, { sharing, n, dd, key }) => {
        const s = splitAmount(d(money(amount)), sharing, LILLEHAMMER);
        expect(Object.keys(s).sort()).toEqual(['3405', '3440', '3441', 'county']);
        const county = ore(s.county!.toFixed(2));
        const munis = LILLEHAMMER.municipalities.map((id) => ore(s[id]!.toFixed(2)));
        const municipal = munis.reduce((a, b) => a + b, 0n);
        expect(county + municipal).toBe(amount);
        expect(quotaBounds(amount, n, dd)).toContain(county);
        const K = key.reduce((a, b) => a + b, 0n);
        munis.forEach((m, i) => expect(quotaBounds(municipal, key[i]!, K)).toContain(m));
      }),
    );
  });
});

describe('shareMeasure and sumShares', () => {
  const yearMapArb = fc.dictionary(fc.constantFrom('2027', '2028', '2029', '2030'), oreArb.map(money), { minKeys: 1 });

  it('per year, the shares of a measure sum to its amount', () => {
    fc.assert(
      fc.property(yearMapArb, (amounts) => {
        const shares = shareMeasure(amounts, TWO_THIRDS_EQUAL, LILLEHAMMER);
        for (const [year, amount] of Object.entries(amounts)) {
          const total = Object.values(shares).reduce((a, row) => a + ore(row[year]!), 0n);
          expect(total).toBe(ore(amount));
        }
      }),
    );
  });

  it('totals are sums of the rounded shares, per funder and year', () => {
    fc.assert(
      fc.property(fc.array(yearMapArb, { maxLength: 6 }), (measures) => {
        const shares = measures.map((m) => shareMeasure(m, TWO_THIRDS_EQUAL, LILLEHAMMER));
        const totals = sumShares(shares);
        for (const funder of ['county', ...LILLEHAMMER.municipalities]) {
          for (const year of ['2027', '2028', '2029', '2030']) {
            const expected = shares.reduce(
              (a, s) => a + (s[funder]?.[year] === undefined ? 0n : ore(s[funder]![year]!)),
              0n,
            );
            const got = totals[funder]?.[year];
            if (got === undefined) expect(expected).toBe(0n);
            else expect(ore(got)).toBe(expected);
          }
        }
        // and all funders together carry exactly what the measures asked
        const years = new Set(measures.flatMap((m) => Object.keys(m)));
        for (const year of years) {
          const asked = measures.reduce((a, m) => a + (m[year] === undefined ? 0n : ore(m[year]!)), 0n);
          const carried = Object.values(totals).reduce(
            (a, row) => a + (row[year] === undefined ? 0n : ore(row[year]!)),
            0n,
          );
          expect(carried).toBe(asked);
        }
      }),
    );
  });

  it('a total is not the split of the total', () => {
    const oneOre = shareMeasure({ '2027': '0.01' }, TWO_THIRDS_EQUAL, LILLEHAMMER);
    const totals = sumShares([oneOre, oneOre, oneOre]);
    // three 1-øre measures each go to the county; splitting 0.03 would give 0.02 / 0.01
    expect(totals.county).toEqual({ '2027': '0.03' });
    expect(totals['3405']).toEqual({ '2027': '0.00' });
  });

  it('allocatedShares lists every funder even with no grants', () => {
    expect(allocatedShares([], TWO_THIRDS_EQUAL, LILLEHAMMER)).toEqual({
      county: {},
      '3405': {},
      '3440': {},
      '3441': {},
    });
  });
});

describe('a council out of the split (it rejected)', () => {
  const Y = '2027';

  it('pays nothing; the others share the municipal part by the key renormalised, ties to the first listed that takes part', () => {
    // 900 000.00: county 600 000.00, the municipal 300 000.00 shared by 3405 and 3441 alone
    expect(strings(splitAmount(d('900000.00'), TWO_THIRDS_EQUAL, LILLEHAMMER, undefined, ['3440']))).toEqual({
      county: '600000.00',
      '3405': '150000.00',
      '3440': '0.00',
      '3441': '150000.00',
    });
    // 200 000.00 without 3405: the municipal 66 666.67 splits 33 333.34 / 33 333.33, the odd øre to 3440
    expect(strings(splitAmount(d('200000.00'), TWO_THIRDS_EQUAL, LILLEHAMMER, undefined, ['3405']))).toEqual({
      county: '133333.33',
      '3405': '0.00',
      '3440': '33333.34',
      '3441': '33333.33',
    });
  });

  it('splits as if the partnership had only the councils that take part (property)', () => {
    const keyArb = fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 3, maxLength: 3 });
    const absentArb = fc.subarray(LILLEHAMMER.municipalities, { minLength: 1, maxLength: 2 });
    fc.assert(
      fc.property(oreArb, keyArb, absentArb, fc.boolean(), (amount, w, absent, equal) => {
        const weights = { '3405': w[0]!, '3440': w[1]!, '3441': w[2]! };
        const sharing: Sharing = {
          countyFraction: { type: 'fixed', numerator: 2, denominator: 3 },
          key: equal ? { type: 'equal' } : { type: 'fixed', weights },
        };
        const present: Members = {
          county: 'county',
          municipalities: LILLEHAMMER.municipalities.filter((id) => !absent.includes(id)),
        };
        const shares = shareMeasure({ [Y]: money(amount) }, sharing, LILLEHAMMER, undefined, { [Y]: absent });
        const alone = shareMeasure({ [Y]: money(amount) }, sharing, present);
        for (const id of absent) expect(shares[id]).toEqual({ [Y]: '0.00' });
        for (const id of ['county', ...present.municipalities]) expect(shares[id]).toEqual(alone[id]);
      }),
    );
  });

  it("with an equal key, lets the others carry grants; counted in, the rejecting council's frame of 0.00 would leave nothing grantable", () => {
    const frames: FunderYearMap = {
      county: { [Y]: '2000000.00' },
      '3405': { [Y]: '400000.00' },
      '3440': { [Y]: '0.00' },
      '3441': { [Y]: '400000.00' },
    };
    const input = {
      measures: [{ id: 'a', amounts: { [Y]: '900000.00' } }],
      frames,
      sharing: TWO_THIRDS_EQUAL,
      members: LILLEHAMMER,
      years: [2027],
      grantUnit: '1000.00',
    };
    expect(recommend(input).items).toEqual([]);
    const r = recommend({ ...input, outOfSplit: { [Y]: ['3440'] } });
    expect(r.items).toEqual([{ measureId: 'a', rank: 1, grants: { [Y]: '900000.00' } }]);
    expect(r.unallocated).toEqual({
      county: { [Y]: '1400000.00' },
      '3405': { [Y]: '250000.00' },
      '3440': { [Y]: '0.00' },
      '3441': { [Y]: '250000.00' },
    });
    expect(r.notes).toContain(
      '2027: 3440 takes no part in the split (rejected); the municipal part is shared by the others',
    );
  });

  it('with every council out, a fixed fraction has nobody to pay the municipal part: nothing is split or granted', () => {
    const all = LILLEHAMMER.municipalities;
    expect(() => splitAmount(d('3.00'), TWO_THIRDS_EQUAL, LILLEHAMMER, undefined, all)).toThrow(
      /no municipality takes part/,
    );
    const frames: FunderYearMap = {
      county: { [Y]: '2000000.00' },
      '3405': { [Y]: '0.00' },
      '3440': { [Y]: '0.00' },
      '3441': { [Y]: '0.00' },
    };
    const r = recommend({
      measures: [{ id: 'a', amounts: { [Y]: '900000.00' } }],
      frames,
      sharing: TWO_THIRDS_EQUAL,
      members: LILLEHAMMER,
      years: [2027],
      grantUnit: '1000.00',
      outOfSplit: { [Y]: all },
    });
    expect(r.items).toEqual([]);
  });
});

describe('checkFrames and remaining', () => {
  const frames: FunderYearMap = { county: { '2027': '100.00' }, '3405': { '2027': '10.00' } };

  it('names funder, year, frame, allocated and excess', () => {
    const allocated = { county: { '2027': '100.00' }, '3405': { '2027': '10.01' }, '3440': { '2027': '0.50' } };
    expect(checkFrames(allocated, frames)).toEqual([
      { funderId: '3405', year: 2027, frame: '10.00', allocated: '10.01', excess: '0.01' },
      { funderId: '3440', year: 2027, frame: '0.00', allocated: '0.50', excess: '0.50' },
    ]);
  });

  it('accepts allocations up to the frame', () => {
    expect(checkFrames({ county: { '2027': '100.00' }, '3405': { '2027': '0.00' } }, frames)).toEqual([]);
  });

  it('remaining is frame minus allocated, negative when exceeded', () => {
    expect(remaining(frames, { county: { '2027': '40.25' }, '3405': { '2027': '10.01' } })).toEqual({
      county: { '2027': '59.75' },
      '3405': { '2027': '-0.01' },
    });
  });
});
