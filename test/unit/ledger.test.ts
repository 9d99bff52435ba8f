/**
 * The cycle's money rules (domain/ledger.ts) as pure functions of configuration and state: the
 * recommendation after a council lowered its share, year-end, a council's lower amount or rejection,
 * and the recommendation's partial grants.
 * Over 300 lines: the year-end cases need their states spelled out, and they read best together.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  framesWithCarryOver,
  lowerFrame,
  municipalRequests,
  outOfSplit,
  recommend,
  risesAbove,
  shareList,
  yearEndFor,
} from '../../domain/ledger.js';
import * as m from '../../workflows/messages.js';
import type { CycleConfig } from '../../domain/cycle-state.js';
import { frames, lillehammer } from '../support/cycles.js';
import { config, stateOf, Y, y } from '../support/rule-fixtures.js';

describe('the recommendation after a council lowered its share', () => {
  it('follows the order of the list IPR adopted last, then the measures it left out', () => {
    const cfg = config();
    const ms: m.MeasureState[] = ['m0001', 'm0002', 'm0003'].map((id) => ({
      id,
      proposedBy: 'p',
      amounts: { [y]: '900000.00' },
      strategies: ['2.1'],
      status: 'proposed',
    }));
    const adopted: m.PriorityListState = {
      version: 1,
      items: [
        { measureId: 'm0003', rank: 1, grants: { [y]: '900000.00' } },
        { measureId: 'm0001', rank: 2, grants: { [y]: '900000.00' } },
      ],
      meeting: { date: '2026-11-01', caseNumber: '1/26' },
      votes: { approve: 5, reject: 0 },
      voters: {},
      status: 'adopted',
    };
    const lowered = { ...framesWithCarryOver(cfg), '3440': { [y]: '200000.00' } };
    const r = recommend(cfg, stateOf(cfg, { measures: ms, lists: [adopted], frames: lowered }));
    // Øyer's 200 000.00 carries two measures' 100 000.00 each: IPR's first two, not the first two submitted.
    expect(r.items.map((i) => [i.measureId, i.rank, i.grants[y]])).toEqual([
      ['m0003', 1, '900000.00'],
      ['m0001', 2, '900000.00'],
    ]);
  });
});

describe('year-end', () => {
  // A fixed key 7:3:1 with a county fraction of 1/2: largest remainder is not monotone here
  // (a municipal part of 0.05 splits 0.03/0.01/0.01, one of 0.06 splits 0.04/0.02/0.00).
  const partnership = {
    ...lillehammer(),
    sharing: {
      countyFraction: { type: 'fixed' as const, numerator: 1, denominator: 2 },
      key: { type: 'fixed' as const, weights: { '3405': 7, '3440': 3, '3441': 1 } },
    },
  };
  const cfg = config({ partnership, frames: frames(partnership, Y, '999999.00', '999999.00') });
  const funders = ['county', '3405', '3440', '3441'];
  const ore = (s: string) => BigInt(s.replace('.', ''));

  // [grant, spent] in øre, small, where rounding decides
  const grantAndSpent = fc
    .integer({ min: 1, max: 300 })
    .chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 0, max: g })));
  const measures = fc.array(grantAndSpent, { minLength: 1, maxLength: 4 });
  const money = (cents: number) => (cents / 100).toFixed(2);

  it('never leaves a funder spending more than it was allocated, and splits exactly what was spent', () => {
    fc.assert(
      fc.property(measures, (ms) => {
        const items = ms.map(([grant], i) => ({ measureId: `m${i}`, rank: i + 1, grants: { [y]: money(grant) } }));
        const spent = Object.fromEntries(ms.map(([, sp], i) => [`m${i}`, { [y]: money(sp) }]));
        const list: m.PriorityListState = {
          version: 1,
          items,
          meeting: { date: '2026-11-01', caseNumber: '1' },
          votes: { approve: 5, reject: 0 },
          voters: {},
          status: 'adopted',
        };
        const s = stateOf(cfg, { lists: [list], adoptedListVersion: 1, spent });
        const rows = yearEndFor(cfg, s, true);
        expect(rows.map((r) => r.funderId)).toEqual(funders);
        const shares = shareList(cfg, s, items);
        for (const r of rows) {
          const allocated = items.reduce((t, i) => t + ore(shares[i.measureId]![r.funderId]![y]!), 0n);
          expect(ore(r.allocated)).toBe(allocated);
          expect(ore(r.spent) >= 0n && ore(r.grantedUnspent) >= 0n).toBe(true);
          expect(ore(r.spent) + ore(r.grantedUnspent)).toBe(allocated);
          expect(ore(r.neverAllocated) + ore(r.allocated)).toBe(ore(s.frames[r.funderId]![y]!));
          expect(ore(r.unspent)).toBe(ore(r.neverAllocated) + ore(r.grantedUnspent));
        }
        const totalSpent = Object.values(spent).reduce((t, byYear) => t + ore(byYear[y]!), 0n);
        expect(rows.reduce((t, r) => t + ore(r.spent), 0n)).toBe(totalSpent);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps unspent money at or above zero where splitting the spent sum by the rule would not', () => {
    // 0.12 splits 0.06 | 0.04/0.02/0.00 and 0.10 splits 0.05 | 0.03/0.01/0.01: split by the rule, 3441
    // would have spent 0.01 of the 0.00 it was allocated.
    const items = [{ measureId: 'a', rank: 1, grants: { [y]: '0.12' } }];
    const list: m.PriorityListState = {
      version: 1,
      items,
      meeting: { date: '2026-11-01', caseNumber: '1' },
      votes: { approve: 5, reject: 0 },
      voters: {},
      status: 'adopted',
    };
    const rows = yearEndFor(
      cfg,
      stateOf(cfg, { lists: [list], adoptedListVersion: 1, spent: { a: { [y]: '0.10' } } }),
      true,
    );
    expect(rows.map((r) => [r.funderId, r.allocated, r.spent, r.grantedUnspent])).toEqual([
      ['county', '0.06', '0.05', '0.01'],
      ['3405', '0.04', '0.03', '0.01'],
      ['3440', '0.02', '0.02', '0.00'],
      ['3441', '0.00', '0.00', '0.00'],
    ]);
  });

  it("bears a measure's spending as its funders paid for it (docs/domain.md's 200 000.00, a quarter spent)", () => {
    const ref = config();
    const items = [{ measureId: 'm0001', rank: 1, grants: { [y]: '200000.00' } }];
    const list: m.PriorityListState = {
      version: 1,
      items,
      meeting: { date: '2026-11-01', caseNumber: '1' },
      votes: { approve: 5, reject: 0 },
      voters: {},
      status: 'adopted',
    };
    const rows = yearEndFor(
      ref,
      stateOf(ref, { lists: [list], adoptedListVersion: 1, spent: { m0001: { [y]: '50000.00' } } }),
      false,
    );
    // 133 333.33 / 22 222.23 / 22 222.22 / 22 222.22, a quarter each: 33 333.33 / 5 555.56 / 5 555.56 / 5 555.55
    expect(rows.map((r) => [r.funderId, r.allocated, r.spent, r.grantedUnspent, r.disposition, r.carriedOver])).toEqual(
      [
        ['county', '133333.33', '33333.33', '100000.00', 'released', '0.00'],
        ['3405', '22222.23', '5555.56', '16666.67', 'released', '0.00'],
        ['3440', '22222.22', '5555.56', '16666.66', 'released', '0.00'],
        ['3441', '22222.22', '5555.55', '16666.67', 'released', '0.00'],
      ],
    );
  });

  it('reports the unspent money in two parts, and carries over both for the county, the granted-but-unspent part for a municipality', () => {
    // Frames 2 000 000.00 (county, with 150 000.00 carried in: 2 150 000.00) and 400 000.00 each; 200 000.00 granted, a quarter spent.
    const ref = config({ carryOver: { county: '150000.00' } });
    const items = [{ measureId: 'm0001', rank: 1, grants: { [y]: '200000.00' } }];
    const list: m.PriorityListState = {
      version: 1,
      items,
      meeting: { date: '2026-11-01', caseNumber: '1' },
      votes: { approve: 5, reject: 0 },
      voters: {},
      status: 'adopted',
    };
    const s = stateOf(ref, { lists: [list], adoptedListVersion: 1, spent: { m0001: { [y]: '50000.00' } } });
    const row = (r: ReturnType<typeof yearEndFor>[number]) => [
      r.funderId,
      r.frame,
      r.allocated,
      r.spent,
      r.neverAllocated,
      r.grantedUnspent,
      r.unspent,
      r.carriedOver,
    ];
    expect(yearEndFor(ref, s, true).map(row)).toEqual([
      ['county', '2150000.00', '133333.33', '33333.33', '2016666.67', '100000.00', '2116666.67', '2116666.67'],
      ['3405', '400000.00', '22222.23', '5555.56', '377777.77', '16666.67', '394444.44', '16666.67'],
      ['3440', '400000.00', '22222.22', '5555.56', '377777.78', '16666.66', '394444.44', '16666.66'],
      ['3441', '400000.00', '22222.22', '5555.55', '377777.78', '16666.67', '394444.45', '16666.67'],
    ]);
    // Closed with carryOver=false, everything is released.
    expect(yearEndFor(ref, s, false).map((r) => [r.disposition, r.carriedOver])).toEqual(
      Array(4).fill(['released', '0.00']),
    );
    // What carries over follows what each funder is configured to pay in.
    const p = lillehammer();
    const configured = config({
      carryOver: { county: '150000.00' },
      partnership: {
        ...p,
        county: { ...p.county, paysIn: 'adopted-share' },
        municipalities: p.municipalities.map((mu) => (mu.id === '3441' ? { ...mu, paysIn: 'frame' as const } : mu)),
      },
    });
    expect(
      yearEndFor(configured, stateOf(configured, { lists: [list], adoptedListVersion: 1, spent: s.spent }), true).map(
        (r) => [r.funderId, r.carriedOver],
      ),
    ).toEqual([
      ['county', '100000.00'],
      ['3405', '16666.67'],
      ['3440', '16666.66'],
      ['3441', '394444.45'],
    ]);
  });
});

describe("a council's lower amount", () => {
  const cfg = config();
  const [y1, y2, y3] = [Y + 1, Y + 2, Y + 3].map(String) as [string, string, string];
  const frame = { [y]: '400000.00', [y1]: '400000.00', [y2]: '400000.00', [y3]: '400000.00' };
  // Øyer was asked for four years and lowered 2027 only; recordAdoption completes the years it left out with the request.
  const requested = { [y]: '333333.33', [y1]: '100000.00', [y2]: '100000.00', [y3]: '0.00' };
  const adopted = { ...requested, [y]: '300000.00' };

  it('caps its frame only in the years the decision names', () => {
    expect(lowerFrame(cfg, frame, requested, { decision: 'reduced', amounts: adopted })).toEqual({
      ...frame,
      [y]: '300000.00',
    });
  });

  it('caps every year it names lower, and never raises a frame', () => {
    const both = { ...adopted, [y2]: '50000.00' };
    expect(lowerFrame(cfg, { ...frame, [y2]: '20000.00' }, requested, { decision: 'reduced', amounts: both })).toEqual({
      ...frame,
      [y]: '300000.00',
      [y2]: '20000.00',
    });
  });

  it('leaves the frame of a council that adopted as it was', () => {
    expect(lowerFrame(cfg, frame, requested, { decision: 'adopted', amounts: requested })).toEqual(frame);
  });
});

describe('a council that rejects', () => {
  const cfg = config();
  const years4 = [Y, Y + 1, Y + 2, Y + 3].map(String);
  const rejected = {
    '3440': {
      decision: 'rejected' as const,
      amounts: { [y]: '0.00' },
      round: 1,
      caseNumber: 'K 1',
      decidedOn: '2026-12-01',
    },
  };
  const items = [{ measureId: 'm0001', rank: 1, grants: { [y]: '900000.00', [String(Y + 1)]: '300000.00' } }];

  it('takes no part in the split of any year of the cycle, and its frame is 0.00', () => {
    expect(outOfSplit(cfg, { standing: rejected })).toEqual(Object.fromEntries(years4.map((yr) => [yr, ['3440']])));
    expect(outOfSplit(cfg, { standing: {} })).toEqual({});
    expect(
      lowerFrame(
        cfg,
        frames(cfg.partnership, Y, '1.00', '400000.00')['3440']!,
        { [y]: '100000.00' },
        { decision: 'rejected', amounts: { [y]: '0.00' } },
      ),
    ).toEqual(Object.fromEntries(years4.map((yr) => [yr, '0.00'])));
  });

  it('leaves the municipal part to the others by the key renormalised, and their share rises so they adopt again', () => {
    const s = stateOf(cfg, { standing: rejected });
    s.frames['3440'] = Object.fromEntries(years4.map((yr) => [yr, '0.00']));
    const before = municipalRequests(cfg, stateOf(cfg), items);
    const after = municipalRequests(cfg, s, items);
    expect(before['3405']).toEqual({ [y]: '100000.00', [String(Y + 1)]: '33333.34' });
    expect(after).toEqual({
      '3405': { [y]: '150000.00', [String(Y + 1)]: '50000.00' },
      '3440': { [y]: '0.00', [String(Y + 1)]: '0.00' },
      '3441': { [y]: '150000.00', [String(Y + 1)]: '50000.00' },
    });
    expect(risesAbove(after['3405']!, before['3405'])).toBe(true);
    expect(risesAbove(after['3440']!, rejected['3440'].amounts)).toBe(false);
    expect(shareList(cfg, s, items).m0001!.county).toEqual({ [y]: '600000.00', [String(Y + 1)]: '200000.00' });
  });

  it('is left out of the recommendation, which the others can then carry (an equal key no longer leaves nothing grantable)', () => {
    const s = stateOf(cfg, {
      standing: rejected,
      measures: [
        { id: 'm0001', proposedBy: 'p', amounts: { [y]: '900000.00' }, strategies: ['2.1'], status: 'proposed' },
      ],
    });
    s.frames['3440'] = Object.fromEntries(years4.map((yr) => [yr, '0.00']));
    expect(recommend(cfg, s).items).toEqual([
      {
        measureId: 'm0001',
        rank: 1,
        grants: { [y]: '900000.00', [String(Y + 1)]: '0.00', [String(Y + 2)]: '0.00', [String(Y + 3)]: '0.00' },
      },
    ]);
  });
});

describe("the recommendation's partial grants", () => {
  it("are whole units of the partnership's grantUnit, 1 000.00 unless configured", () => {
    const measures: m.MeasureState[] = [
      { id: 'm0001', proposedBy: 'p', amounts: { [y]: '1300000.00' }, strategies: ['2.1'], status: 'proposed' },
    ];
    // Øyer's 133 333.33 carries at most 9 × 133 333.33 = 1 199 999.97, exactly to the øre
    const lowered = (cfg: CycleConfig) => ({ ...framesWithCarryOver(cfg), '3440': { [y]: '133333.33' } });
    const grant = (cfg: CycleConfig) =>
      recommend(cfg, stateOf(cfg, { measures, frames: lowered(cfg) })).items[0]!.grants[y];
    expect(grant(config())).toBe('1199000.00');
    expect(grant(config({ partnership: { ...lillehammer(), grantUnit: '50000.00' } }))).toBe('1150000.00');
    expect(grant(config({ partnership: { ...lillehammer(), grantUnit: '0.01' } }))).toBe('1199999.97');
  });
});
