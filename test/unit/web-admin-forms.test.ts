import { describe, expect, it } from 'vitest';
import { referencePartnership } from '../../schema/reference/load.js';
import { formatOsloDateTimeInput, parseOsloDateTime } from '../../web/input.js';
import { movableDeadlines } from '../../web/pages/cycle-deadlines.js';
import { frameField, startDefaults, startFromForm } from '../../web/pages/cycle-start-form.js';
import type { FormValues } from '../../web/forms.js';

const config = referencePartnership('lillehammer-regionen');
const NOW = Date.parse('2026-06-10T10:00:00Z');
const FUNDERS = ['county', ...config.municipalities.map((m) => m.id)];

describe('Oslo date and time in the forms', () => {
  it('writes an instant back as the minute on the clocks in Oslo, in winter and in summer', () => {
    expect(formatOsloDateTimeInput('2027-12-31T22:59:00.000Z')).toBe('31.12.2027 23:59');
    expect(formatOsloDateTimeInput('2027-07-01T10:00:00.000Z')).toBe('01.07.2027 12:00');
    expect(formatOsloDateTimeInput('2027-03-28T01:00:00.000Z'), 'the first minute of summer time').toBe(
      '28.03.2027 03:00',
    );
    expect(formatOsloDateTimeInput('not a time')).toBe('');
  });

  it('reads back what it writes: "31.12.2027 23:59" stays that minute, never 1 January 00:59', () => {
    for (const typed of ['31.12.2027 23:59', '01.07.2027 12:00', '15.10.2026 00:00', '27.03.2027 02:30']) {
      const parsed = parseOsloDateTime(typed);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(formatOsloDateTimeInput(parsed.value)).toBe(typed);
    }
  });
});

function filled(over: FormValues = {}): FormValues {
  const values: FormValues = {
    year: '2027',
    'deadline-proposals': '01.09.2026 12:00',
    'deadline-ipr': '15.10.2026 12:00',
    'deadline-adoption': '15.12.2026 23:59',
  };
  for (const f of FUNDERS)
    for (const i of [0, 1, 2, 3]) values[frameField(f, i)] = f === 'county' ? '2 000 000' : '400000';
  return { ...values, ...over };
}

describe('the start-a-cycle form', () => {
  it('reads frames as Norwegians type them and deadlines in Oslo time into the API request', () => {
    const read = startFromForm(filled({ [frameField('county', 1)]: '1 250 000,50', carryOver: 'ja' }), config, NOW);
    expect('draft' in read).toBe(true);
    if (!('draft' in read)) return;
    expect(read.draft.year).toBe(2027);
    expect(read.draft.frames.county).toEqual({
      '2027': '2000000.00',
      '2028': '1250000.50',
      '2029': '2000000.00',
      '2030': '2000000.00',
    });
    expect(Object.keys(read.draft.frames).sort()).toEqual([...FUNDERS].sort());
    expect(read.draft.deadlines).toEqual({
      proposals: '2026-09-01T10:00:00.000Z',
      ipr: '2026-10-15T10:00:00.000Z',
      adoption: '2026-12-15T22:59:00.000Z',
    });
    expect(read.draft.carryOver).toBe(true);
  });

  it('refuses money that is no amount and deadlines out of order, on their fields, in Norwegian', () => {
    const read = startFromForm(
      filled({ [frameField('3440', 2)]: 'abc', 'deadline-ipr': '01.08.2026 12:00' }),
      config,
      NOW,
    );
    expect('errors' in read).toBe(true);
    if (!('errors' in read)) return;
    expect(read.errors).toEqual([
      {
        field: frameField('3440', 2),
        message: expect.stringMatching(/^Øyer kommune, 2029: Beløpet kan bare ha sifre/),
      },
      {
        field: 'deadline-ipr',
        message: expect.stringMatching(/^Frist for IPRs vedtak kan ikke være før forslagsfrist\./),
      },
    ]);
  });

  it('refuses a deadline in the past, an empty frame and a year that is no year', () => {
    const past = startFromForm(filled({ 'deadline-proposals': '01.06.2026 12:00' }), config, NOW);
    expect(past).toEqual({
      errors: [{ field: 'deadline-proposals', message: 'Forslagsfrist: tidspunktet må være fram i tid.' }],
    });
    const empty = startFromForm(filled({ [frameField('county', 0)]: '' }), config, NOW);
    expect(empty).toEqual({
      errors: [{ field: frameField('county', 0), message: expect.stringContaining('Innlandet fylkeskommune, 2027') }],
    });
    const year = startFromForm(filled({ year: '27' }), config, NOW);
    expect('errors' in year && year.errors.map((e) => e.field)).toEqual(['year']);
  });

  it('starts a new form with the next year, the frames the year before planned, and deadlines ahead', () => {
    const prev = { year: 2026, frames: { county: { '2026': '1.00', '2027': '2000000.00', '2028': '2100000.00' } } };
    const values = startDefaults(config, [prev], NOW);
    expect(values.year).toBe('2027');
    expect(values[frameField('county', 0)]).toBe('2\u00a0000\u00a0000,00');
    expect(values[frameField('county', 1)]).toBe('2\u00a0100\u00a0000,00');
    expect(values[frameField('3440', 0)]).toBeUndefined();
    expect(values['deadline-proposals']).toBe('01.09.2026 12:00');
    // Late in the year the usual dates have passed: 30, 60 and 90 days on.
    const late = startDefaults(config, [], Date.parse('2026-11-20T10:00:00Z'));
    expect(late.year).toBe('2027');
    expect(late['deadline-proposals']).toBe('20.12.2026 12:00');
    expect(late['deadline-adoption']).toBe('18.02.2027 23:59');
  });
});

describe('the deadlines that may move', () => {
  const deadlines = {
    proposals: '2027-03-01T11:00:00.000Z',
    ipr: '2027-04-01T10:00:00.000Z',
    adoption: '2027-05-01T10:00:00.000Z',
  };
  const status = (phase: 'proposals' | 'prioritisation' | 'adoption' | 'adopted', adoptions: never[] = []) => ({
    phase,
    deadlines,
    adoptions,
    adoptionRound: 1,
  });
  const names = (s: ReturnType<typeof status>, now: number) =>
    movableDeadlines({ config }, s, now).map((m) => m.deadline);

  it('follows the API: a step open or ahead, the proposal deadline only before it passes, councils pending', () => {
    const early = Date.parse('2027-02-01T00:00:00Z');
    expect(names(status('proposals'), early)).toEqual(['proposals', 'ipr', 'adoption']);
    expect(names(status('proposals'), Date.parse('2027-03-02T00:00:00Z'))).toEqual(['ipr', 'adoption']);
    expect(names(status('prioritisation'), early)).toEqual(['ipr', 'adoption']);
    expect(names(status('adopted'), early)).toEqual([]);
    const pending = [
      { round: 1, municipality: '3441', decision: null, dueAt: deadlines.adoption },
      { round: 1, municipality: '3405', decision: 'adopted', dueAt: deadlines.adoption },
    ] as never[];
    const moves = movableDeadlines({ config }, status('adoption', pending), early);
    expect(moves.map((m) => [m.deadline, m.label])).toEqual([
      ['adoption', 'Frist for kommunestyrenes vedtak'],
      ['adoption:3441', 'Frist for vedtaket i Gausdal kommune'],
    ]);
  });
});
