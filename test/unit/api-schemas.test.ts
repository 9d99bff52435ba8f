/**
 * The request schemas of the contract, the field errors they produce, and the checks of a cycle start.
 * Over 300 lines: a table of cases per request schema, read best side by side.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import {
  AdoptionRequest,
  CancelCycleRequest,
  IndicatorsRequest,
  MeasureInput,
  MeasurePatch,
  Money,
  MoveDeadlineRequest,
  PriorityListRequest,
  ProgressReportRequest,
  StartCycleRequest,
  endpoints,
} from '../../schema/api.js';
import { referencePartnership } from '../../schema/reference/load.js';
import { carryOverErrors, deadlineErrors, frameErrors } from '../../core/cycle-start.js';
import { fieldErrors } from '../../services/api/endpoint.js';
import { openApiDocument } from '../../services/api/openapi.js';

describe('money', () => {
  it.each(['0.00', '1250000.00', '999999999999.99'])('accepts %s', (m) =>
    expect(Money.safeParse(m).success).toBe(true),
  );
  it.each([
    ['a JSON number', 1250000],
    ['three decimals', '1.000'],
    ['one decimal', '1.5'],
    ['no decimals', '100'],
    ['a negative amount', '-1.00'],
    ['a plus sign', '+1.00'],
    ['an exponent', '1e5'],
    ['an empty string', ''],
    ['spaces', ' 1.00'],
    ['a decimal comma', '1,00'],
    ['thirteen digits', '1000000000000.00'],
    ['null', null],
  ])('refuses %s', (_what, m) => expect(Money.safeParse(m).success).toBe(false));
});

describe('request bodies', () => {
  const measure = {
    title: 'Tech Valley',
    description: 'd',
    strategies: ['2.1'],
    responsible: 'LRV',
    amounts: { 2027: '1.00' },
  };

  it('name each bad field with a dotted path, and unknown fields by name', () => {
    const parsed = MeasureInput.safeParse({ ...measure, amounts: { 2027: 5, 27: '1.00' }, colour: 'red' });
    expect(
      fieldErrors(parsed.error!)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['amounts.2027', 'amounts.27', 'colour']);
  });

  it('default the co-funding of a new measure, but never add it to an edit', () => {
    expect(MeasureInput.parse(measure).cofunding).toEqual([]);
    expect(MeasurePatch.parse({ title: ' New ' })).toEqual({ title: 'New' });
    expect(MeasurePatch.safeParse({}).success).toBe(false);
  });

  it('refuse control characters in text, which Postgres cannot store', () => {
    expect(
      fieldErrors(
        MeasureInput.safeParse({ ...measure, title: 'Tech\u0000Valley', responsible: 'a\u0007b' }).error!,
      ).map((e) => e.path),
    ).toEqual(['title', 'responsible']);
    expect(MeasureInput.safeParse({ ...measure, description: 'Linje 1\nLinje 2\tmed tab' }).success).toBe(true);
  });

  /** Every text field of every request body, each with a valid body around it. */
  const textFields: [string, z.ZodType, (text: string) => unknown, string][] = [
    ['title', MeasureInput, (t) => ({ ...measure, title: t }), 'title'],
    ['description', MeasureInput, (t) => ({ ...measure, description: t }), 'description'],
    ['responsible', MeasureInput, (t) => ({ ...measure, responsible: t }), 'responsible'],
    ['a strategy code', MeasureInput, (t) => ({ ...measure, strategies: ['2.1', t] }), 'strategies.1'],
    [
      'a co-funding source',
      MeasureInput,
      (t) => ({ ...measure, cofunding: [{ source: t, amount: '1.00' }] }),
      'cofunding.0.source',
    ],
    ['an edited title', MeasurePatch, (t) => ({ title: t }), 'title'],
    [
      'an edited co-funding source',
      MeasurePatch,
      (t) => ({ cofunding: [{ source: t, amount: '1.00' }] }),
      'cofunding.0.source',
    ],
    ['a cancel reason', CancelCycleRequest, (t) => ({ reason: t }), 'reason'],
    [
      'a meeting case number',
      PriorityListRequest,
      (t) => ({ items: [], meeting: { date: '2027-02-01', caseNumber: t } }),
      'meeting.caseNumber',
    ],
    [
      'an adoption case number',
      AdoptionRequest,
      (t) => ({ decision: 'adopted', caseNumber: t, decidedOn: '2026-11-01' }),
      'caseNumber',
    ],
    ['a progress report', ProgressReportRequest, (t) => ({ progress: t, spent: {} }), 'progress'],
    [
      'an indicator note',
      IndicatorsRequest,
      (t) => ({ year: 2027, values: [{ indicator: '4', value: '1.5', note: t }] }),
      'values.0.note',
    ],
  ];

  describe.each(textFields)('%s', (_what, schema, body, path) => {
    it('takes any Unicode text, emoji and Norwegian letters included', () => {
      expect(schema.safeParse(body('Tiltak 😀 æøå\tmed tab')).error).toBeUndefined();
    });
    it.each([
      ['a lone high surrogate', 'Tiltak \ud800'],
      ['a lone low surrogate', '\udc00 Tiltak'],
      ['a surrogate pair the wrong way round', 'x\ude00\ud83d'],
      ['NUL', 'Tiltak\u0000'],
      ['a bell', 'a\u0007b'],
      ['an escape', '\u001b[31m'],
      ['DEL', 'a\u007fb'],
    ])('refuses %s, naming the field', (_kind, text) => {
      const parsed = schema.safeParse(body(text));
      expect(parsed.success).toBe(false);
      expect(fieldErrors(parsed.error!).map((e) => e.path)).toContain(path);
    });
  });

  it.each([
    [
      'the meeting date',
      PriorityListRequest,
      (d: string) => ({ items: [], meeting: { date: d, caseNumber: 'IPR 1/27' } }),
      'meeting.date',
    ],
    [
      'the adoption date',
      AdoptionRequest,
      (d: string) => ({ decision: 'adopted', caseNumber: 'K 1', decidedOn: d }),
      'decidedOn',
    ],
  ] as const)(
    'refuse %s in the year 0000, which Postgres cannot store, and take real dates',
    (_what, schema, body, path) => {
      for (const date of ['0000-01-01', '0000-02-29', '1899-12-31', '2027-02-30']) {
        const parsed = schema.safeParse(body(date));
        expect(parsed.success, date).toBe(false);
        expect(
          fieldErrors(parsed.error!).map((e) => e.path),
          date,
        ).toEqual([path]);
      }
      for (const date of ['1900-01-01', '2024-02-29', '2026-11-30'])
        expect(schema.safeParse(body(date)).error, date).toBeUndefined();
    },
  );

  describe('a council decision', () => {
    afterEach(() => vi.useRealTimers());
    const adoption = (decidedOn: string) =>
      AdoptionRequest.safeParse({ decision: 'adopted', caseNumber: 'K 1', decidedOn });

    it('is refused when dated after today in Norway, with the reason, and taken up to today', () => {
      // 23:30 UTC on 1 December is 00:30 on 2 December in Oslo: the 2nd is today there, the 3rd is not.
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T23:30:00Z') });
      expect(adoption('2026-12-02').error).toBeUndefined();
      expect(fieldErrors(adoption('2026-12-03').error!)).toEqual([
        { path: 'decidedOn', message: expect.stringMatching(/future/) },
      ]);
      expect(fieldErrors(adoption('9999-12-31').error!).map((e) => e.path)).toEqual(['decidedOn']);
      vi.setSystemTime(new Date('2026-12-01T22:30:00Z')); // 23:30 on the 1st in Oslo
      expect(fieldErrors(adoption('2026-12-02').error!).map((e) => e.path)).toEqual(['decidedOn']);
    });

    it('may be dated in the future for a meeting (an IPR meeting is planned ahead)', () => {
      expect(
        PriorityListRequest.safeParse({ items: [], meeting: { date: '2099-02-01', caseNumber: 'IPR 1/99' } }).error,
      ).toBeUndefined();
    });
  });

  it('default carryOver to false when a cycle starts', () => {
    const start = {
      year: 2027,
      frames: {},
      deadlines: {
        proposals: '2027-01-01T00:00:00Z',
        ipr: '2027-02-01T00:00:00+01:00',
        adoption: '2027-03-01T00:00:00Z',
      },
    };
    expect(StartCycleRequest.parse(start).carryOver).toBe(false);
    expect(
      fieldErrors(
        StartCycleRequest.safeParse({ ...start, deadlines: { ...start.deadlines, ipr: '2027-02-01' } }).error!,
      ),
    ).toEqual([{ path: 'deadlines.ipr', message: expect.stringContaining('ISO 8601') }]);
  });

  it('refuse a rank or a measure listed twice in a priority list', () => {
    const list = {
      items: [
        { measureId: 'm1', rank: 1, grants: {} },
        { measureId: 'm1', rank: 1, grants: {} },
      ],
      meeting: { date: '2027-02-01', caseNumber: 'IPR 1/27' },
    };
    expect(fieldErrors(PriorityListRequest.safeParse(list).error!).map((e) => e.path)).toEqual([
      'items.1.rank',
      'items.1.measureId',
    ]);
  });

  it('take amounts on an adoption only when it is reduced', () => {
    const base = { caseNumber: 'K 1', decidedOn: '2026-11-01' };
    expect(AdoptionRequest.safeParse({ ...base, decision: 'adopted' }).success).toBe(true);
    expect(AdoptionRequest.safeParse({ ...base, decision: 'reduced', amounts: { 2027: '1.00' } }).success).toBe(true);
    expect(fieldErrors(AdoptionRequest.safeParse({ ...base, decision: 'reduced' }).error!)).toEqual([
      { path: 'amounts', message: expect.any(String) },
    ]);
    expect(fieldErrors(AdoptionRequest.safeParse({ ...base, decision: 'rejected', amounts: {} }).error!)).toEqual([
      { path: 'amounts', message: expect.any(String) },
    ]);
  });

  it('name a deadline by its name or a municipality', () => {
    const to = '2027-05-01T00:00:00Z';
    for (const deadline of ['proposals', 'ipr', 'adoption', 'adoption:3405'])
      expect(MoveDeadlineRequest.safeParse({ deadline, to }).success).toBe(true);
    for (const deadline of ['lunch', 'adoption:', 'adoption:34', 'ipr '])
      expect(MoveDeadlineRequest.safeParse({ deadline, to }).success).toBe(false);
  });
});

describe('the checks of a cycle start', () => {
  const config = referencePartnership('lillehammer-regionen');
  const years = { 2027: '1.00', 2028: '1.00', 2029: '1.00', 2030: '1.00' };
  const frames = { county: years, 3405: years, 3440: years, 3441: years };

  it('want every funder with exactly the years Y..Y+3', () => {
    expect(frameErrors(config, 2027, frames)).toEqual([]);
    const { 3441: _gone, ...missing } = frames;
    expect(
      frameErrors(config, 2027, {
        ...missing,
        3403: years,
        county: { 2027: '1.00', 2028: '1.00', 2029: '1.00', 2031: '1.00' },
      }).map((e) => e.path),
    ).toEqual(['frames.3403', 'frames.county.2030', 'frames.county.2031', 'frames.3441']);
  });

  it("want the carried-over money to fit on top of year Y's frame", () => {
    const big = { ...frames, county: { ...years, 2027: '999999999000.00' } };
    expect(carryOverErrors(2027, big, { county: '999.99', 3405: '5.00' })).toEqual([]);
    expect(carryOverErrors(2027, big, { county: '1000.00', 3405: '5.00' }).map((e) => e.path)).toEqual([
      'frames.county.2027',
    ]);
  });

  it('want deadlines in the future and in order', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    expect(
      deadlineErrors(
        { proposals: '2027-02-01T00:00:00Z', ipr: '2027-02-01T00:00:00Z', adoption: '2027-03-01T00:00:00Z' },
        now,
      ),
    ).toEqual([]);
    expect(
      deadlineErrors(
        { proposals: '2026-12-31T23:59:59Z', ipr: '2027-03-01T00:00:00Z', adoption: '2027-02-01T00:00:00Z' },
        now,
      ).map((e) => e.path),
    ).toEqual(['deadlines.proposals', 'deadlines.adoption']);
  });
});

describe('the OpenAPI document', () => {
  it('resolves every reference to a component built from the same schemas', () => {
    const doc = openApiDocument();
    const text = JSON.stringify(doc);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!));
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
    expect(doc.components.schemas.StartCycleRequest).toMatchObject({
      required: ['year', 'frames', 'deadlines'],
      additionalProperties: false,
    });
    expect(doc.components.schemas.Allocations!.description).toMatch(/FIRST listed strategy/);
    // Every endpoint can find Temporal, its worker or Postgres unable to answer; every action takes an Idempotency-Key.
    type Operation = { responses: Record<string, { headers?: object }>; parameters: { name: string; in: string }[] };
    const operation = (method: string, path: string) =>
      (doc.paths[`/api/v1${path}`] as Record<string, Operation>)[method]!;
    for (const [name, spec] of Object.entries(endpoints)) {
      const op = operation(spec.method, spec.path);
      expect(op.responses['503']?.headers, name).toHaveProperty('Retry-After');
      expect(
        op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        name,
      ).toBe(spec.method !== 'get');
    }
  });
});
