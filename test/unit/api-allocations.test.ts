/** The allocation view computed from a cycle's records; expected figures worked out by hand (docs/domain.md's rule). */
import { describe, expect, it } from 'vitest';
import { referencePartnership, referencePlan } from '../../schema/reference/load.js';
import { computeAllocations, type AllocationSources } from '../../core/allocations.js';
import type { CycleRecord, MeasureRecord, PriorityListRecord } from '../../core/records.js';

const PID = 'lillehammer-regionen';
const year = (amount: string) => ({ 2027: amount, 2028: '0.00', 2029: '0.00', 2030: '0.00' });
const cycle: CycleRecord = {
  id: `${PID}-2027`,
  partnership: PID,
  year: 2027,
  phase: 'prioritisation',
  config: referencePartnership(PID),
  frames: { county: year('1000000.00'), 3405: year('150000.00'), 3440: year('150000.00'), 3441: year('150000.00') },
  deadlines: { proposals: '2027-01-01T00:00:00Z', ipr: '2027-02-01T00:00:00Z', adoption: '2027-03-01T00:00:00Z' },
  carryOver: {},
  startedAt: '2026-11-01T00:00:00Z',
  closedAt: null,
};
const measure = (
  id: string,
  strategies: string[],
  amount: string,
  status: MeasureRecord['status'] = 'proposed',
): MeasureRecord => ({
  id,
  title: `Tiltak ${id}`,
  description: '',
  strategies,
  responsible: 'LRV',
  amounts: { 2027: amount },
  cofunding: [],
  status,
  proposedBy: 'kari',
  proposedAt: '2026-11-02T00:00:00Z',
  updatedAt: '2026-11-02T00:00:00Z',
});
const measures = [
  measure('mA', ['4.2.1', '2.1'], '600000.00'),
  measure('mB', ['2.1'], '300000.00'),
  measure('mC', ['1.1'], '50000.00', 'withdrawn'),
  measure('mD', ['5.4'], '70000.00'),
];
const list = (status: PriorityListRecord['status']): PriorityListRecord => ({
  version: 1,
  items: [
    { measureId: 'mB', rank: 1, grants: { 2027: '300000.00' } },
    { measureId: 'mA', rank: 2, grants: { 2027: '200000.00' } },
  ],
  meeting: { date: '2027-01-20', caseNumber: 'IPR 1/27' },
  votes: { approve: 0, reject: 0 },
  voters: {},
  status,
});
const sources = (patch: Partial<AllocationSources>): AllocationSources => ({
  cycle,
  plan: referencePlan(PID),
  measures,
  lists: [],
  rows: [],
  ...patch,
});
const in2027 = (byFunder: Record<string, Record<string, string>>) =>
  Object.fromEntries(Object.entries(byFunder).map(([id, y]) => [id, y['2027']]));

describe('allocations after a council rejected', () => {
  it('leave it out of the split, as the workflow does: the others share the municipal part', () => {
    const out = { 2027: ['3440'], 2028: ['3440'], 2029: ['3440'], 2030: ['3440'] };
    const a = computeAllocations(sources({ lists: [list('voting')], outOfSplit: out }));
    // 300 000.00: 200 000.00 county, 100 000.00 / 2 = 50 000.00 / 0.00 / 50 000.00
    expect(in2027(a.measures[0]!.shares)).toEqual({
      county: '200000.00',
      3405: '50000.00',
      3440: '0.00',
      3441: '50000.00',
    });
    // 200 000.00: 133 333.33 county, 66 666.67 = 33 333.34 / 33 333.33, the odd øre to the first listed that takes part
    expect(in2027(a.measures[1]!.shares)).toEqual({
      county: '133333.33',
      3405: '33333.34',
      3440: '0.00',
      3441: '33333.33',
    });
  });
});

describe('allocations from the list under vote', () => {
  const a = computeAllocations(sources({ lists: [list('voting')] }));

  it('splits each grant by the frozen rule, county first, ties to the first municipality', () => {
    expect(a.basis).toEqual({ priorityListVersion: 1, status: 'voting' });
    const [mB, mA, mD] = a.measures;
    // 300 000.00: 200 000.00 county, 100 000.00 / 3 = 33 333.34 / 33 333.33 / 33 333.33
    expect(in2027(mB!.shares)).toEqual({ county: '200000.00', 3405: '33333.34', 3440: '33333.33', 3441: '33333.33' });
    // 200 000.00: 133 333.33 county, 22 222.23 / 22 222.22 / 22 222.22 (docs/domain.md's example)
    expect(in2027(mA!.shares)).toEqual({ county: '133333.33', 3405: '22222.23', 3440: '22222.22', 3441: '22222.22' });
    expect(mD).toMatchObject({ id: 'mD', rank: null, grants: year('0.00') });
    expect(a.measures.map((m) => m.id)).toEqual(['mB', 'mA', 'mD']);
  });

  it('sums the rounded shares per funder and sets them against the frames', () => {
    expect(a.funders.map((f) => [f.id, f.name, f.allocated['2027'], f.remaining['2027']])).toEqual([
      ['county', 'Innlandet fylkeskommune', '333333.33', '666666.67'],
      ['3405', 'Lillehammer', '55555.57', '94444.43'],
      ['3440', 'Øyer', '55555.55', '94444.45'],
      ['3441', 'Gausdal', '55555.55', '94444.45'],
    ]);
    expect(a.totals).toEqual({ granted: year('500000.00'), allocated: '500000.00' });
  });

  it('counts a measure towards the goal and strategy of its first strategy only', () => {
    expect(a.goals.map((g) => [g.goal, g.granted['2027']])).toEqual([
      ['1', '0.00'],
      ['2', '300000.00'],
      ['3', '0.00'],
      ['4', '200000.00'],
      ['5', '0.00'],
    ]);
    const byStrategy = Object.fromEntries(a.strategies.map((s) => [s.strategy, s.granted['2027']]));
    expect([byStrategy['2.1'], byStrategy['4.2'], byStrategy['4.2.1']]).toEqual(['300000.00', '0.00', '200000.00']);
    expect(a.strategies.find((s) => s.strategy === '4.2.1')!.title).not.toBe('');
  });
});

describe('allocations once adopted', () => {
  it('come from the binding rows, not from a new split', () => {
    const rows = [
      { measureId: 'mB', year: 2027, funderId: 'county', amount: '10.00', version: 1 },
      { measureId: 'mB', year: 2027, funderId: '3405', amount: '2.01', version: 1 },
      { measureId: 'mB', year: 2028, funderId: '3440', amount: '0.99', version: 1 },
    ];
    const a = computeAllocations(sources({ cycle: { ...cycle, phase: 'adopted' }, lists: [list('adopted')], rows }));
    expect(a.basis).toEqual({ priorityListVersion: 1, status: 'adopted' });
    expect(a.measures[0]).toMatchObject({
      id: 'mB',
      rank: 1,
      grants: { 2027: '12.01', 2028: '0.99', 2029: '0.00', 2030: '0.00' },
    });
    expect(a.measures[0]!.shares['3441']).toEqual(year('0.00'));
    expect(a.totals.allocated).toBe('13.00');
  });
});

describe('allocations without a list', () => {
  it('show every measure with full maps of 0.00 and the frames untouched', () => {
    const a = computeAllocations(sources({ lists: [list('rejected')] }));
    expect(a.basis).toEqual({ priorityListVersion: null, status: 'none' });
    const funders = ['county', '3405', '3440', '3441'];
    for (const m of a.measures) {
      expect(m.grants, m.id).toEqual(year('0.00'));
      expect(m.shares, m.id).toEqual(Object.fromEntries(funders.map((id) => [id, year('0.00')])));
    }
    expect(a.measures.map((m) => m.id)).toEqual(['mA', 'mB', 'mD']);
    expect(a.funders.map((f) => f.remaining['2027'])).toEqual(['1000000.00', '150000.00', '150000.00', '150000.00']);
    expect(a.totals.allocated).toBe('0.00');
    expect(a.unsplit).toEqual([]);
  });
});

describe('allocations of a pro-rata partnership with every frame of a year at zero', () => {
  // hamarregionen (schema/reference/) splits pro rata of the year's frames; 2028 has none at all.
  const HAMAR = 'hamarregionen';
  const frames = {
    county: { ...year('600000.00') },
    3403: year('200000.00'),
    3412: year('100000.00'),
    3413: year('100000.00'),
  };
  const hamar: CycleRecord = {
    ...cycle,
    id: `${HAMAR}-2027`,
    partnership: HAMAR,
    config: referencePartnership(HAMAR),
    frames,
  };
  const items = [
    { measureId: 'mB', rank: 1, grants: { 2027: '300000.00', 2028: '50000.00' } },
    { measureId: 'mA', rank: 2, grants: { 2027: '100000.00', 2028: '0.00' } },
  ];
  const a = computeAllocations({
    cycle: hamar,
    plan: referencePlan(HAMAR),
    measures,
    lists: [{ ...list('voting'), items }],
    rows: [],
  });

  it('answers instead of throwing, and names the grant that cannot be split', () => {
    expect(a.unsplit).toEqual([
      { measureId: 'mB', year: 2028, grant: '50000.00', reason: expect.stringMatching(/pro-rata.*zero/) },
    ]);
  });

  it('gives that grant no funder, splits the rest, and totals only what is split', () => {
    const mB = a.measures.find((m) => m.id === 'mB')!;
    expect(mB.grants).toEqual({ 2027: '300000.00', 2028: '50000.00', 2029: '0.00', 2030: '0.00' });
    // 2027: 300 000.00 at 600 000 : 400 000 -> 180 000.00 county, 120 000.00 by population 32000 : 7700 : 21500.
    expect(in2027(mB.shares)).toEqual({ county: '180000.00', 3403: '62745.10', 3412: '15098.04', 3413: '42156.86' });
    expect(Object.values(mB.shares).map((byYear) => byYear['2028'])).toEqual(['0.00', '0.00', '0.00', '0.00']);
    expect(a.totals.granted['2028']).toBe('50000.00');
    expect(a.totals.allocated).toBe('400000.00');
    expect(a.funders.map((f) => f.allocated['2028'])).toEqual(['0.00', '0.00', '0.00', '0.00']);
  });
});
