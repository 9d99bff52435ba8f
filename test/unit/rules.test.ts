/**
 * The cycle's Update validators (domain/rules/) as pure functions of configuration, state and
 * input: what is refused before anything is recorded. The money rules: test/unit/ledger.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { isCalendarDate, unstorableText } from '../../domain/text.js';
import * as m from '../../workflows/messages.js';
import * as rules from '../../domain/rules/index.js';
import { admin, clerk, proposer, voters } from '../support/cycles.js';
import { config, hours, NOW, stateOf, Y, y } from '../support/rule-fixtures.js';

/** The failure type a validator throws, or 'accepted'. */
function verdict(check: () => void): string {
  try {
    check();
    return 'accepted';
  } catch (e) {
    return (e as { type?: string }).type ?? String(e);
  }
}

const fieldErrors = (check: () => void): { path: string; message: string }[] => {
  try {
    check();
  } catch (e) {
    return ((e as { details?: unknown[] }).details?.[0] as { path: string; message: string }[]) ?? [];
  }
  return [];
};

const measure = (over: Partial<m.MeasureInput> = {}): m.MeasureInput => ({
  title: 'Tiltak',
  description: 'Beskrivelse',
  strategies: ['2.1'],
  responsible: 'LRV',
  amounts: { [y]: '100.00' },
  cofunding: [],
  ...over,
});

describe('text and dates Postgres can store', () => {
  it('refuses control characters and lone surrogates, takes tabs, line breaks and surrogate pairs', () => {
    expect(unstorableText('a\u0000b')).toMatch(/control/);
    expect(unstorableText('a\u007fb')).toMatch(/control/);
    expect(unstorableText('\ud800')).toMatch(/surrogate/);
    expect(unstorableText('x\udc00')).toMatch(/surrogate/);
    expect(unstorableText('Tiltak\tfor\nbolyst\r\n🏔️ Øyer')).toBeNull();
  });

  it('takes only dates that exist', () => {
    expect(['2027-02-28', '2028-02-29', '1900-01-01'].filter(isCalendarDate)).toHaveLength(3);
    expect(
      ['2027-02-29', '2027-02-30', '2027-13-01', '0000-01-01', '1899-12-31', '2027-1-1', '2027-01-01T00:00:00Z'].filter(
        isCalendarDate,
      ),
    ).toEqual([]);
  });
});

describe('proposals', () => {
  const cfg = config();
  it('are refused once the deadline has passed, even before the workflow acts on its timer', () => {
    expect(verdict(() => rules.validateSubmit(cfg, stateOf(cfg), proposer(), measure(), NOW))).toBe('accepted');
    expect(verdict(() => rules.validateSubmit(cfg, stateOf(cfg), proposer(), measure(), Date.parse(hours(1))))).toBe(
      m.RejectionType.phase,
    );
  });

  it('refuse text Postgres cannot store, naming the field', () => {
    const errors = fieldErrors(() =>
      rules.validateSubmit(
        cfg,
        stateOf(cfg),
        proposer(),
        measure({ title: 'a\ud800', cofunding: [{ source: 'x\u0000', amount: '1.00' }] }),
        NOW,
      ),
    );
    expect(errors.map((e) => e.path)).toEqual(['title', 'cofunding.0.source']);
  });
});

describe('priority lists and votes', () => {
  const cfg = config();
  const list = (version: number, status: m.PriorityListState['status']): m.PriorityListState => ({
    version,
    items: [{ measureId: 'm0001', rank: 1, grants: { [y]: '100.00' } }],
    meeting: { date: '2026-11-01', caseNumber: '1/26' },
    votes: { approve: 5, reject: 0 },
    voters: {},
    status,
  });
  const measures: m.MeasureState[] = [
    { id: 'm0001', proposedBy: 'lrv-proposer', amounts: { [y]: '100.00' }, strategies: ['2.1'], status: 'proposed' },
  ];
  const meeting = { date: '2026-11-02', caseNumber: '2/26' };
  const items = [{ measureId: 'm0001', rank: 1, grants: { [y]: '50.00' } }];

  it('refuse a new list while an adopted one waits to go to the councils', () => {
    const s = stateOf(cfg, { phase: 'prioritisation', measures, lists: [list(1, 'adopted')], listInAdoption: 0 });
    expect(verdict(() => rules.validatePriorityList(cfg, s, admin, items, meeting))).toBe(m.RejectionType.phase);
    // After the councils' round (listInAdoption = 1), a loop-back takes a new list.
    expect(verdict(() => rules.validatePriorityList(cfg, { ...s, listInAdoption: 1 }, admin, items, meeting))).toBe(
      'accepted',
    );
  });

  it('refuse meeting dates that do not exist', () => {
    const s = stateOf(cfg, { phase: 'prioritisation', measures });
    expect(
      fieldErrors(() =>
        rules.validatePriorityList(cfg, s, admin, items, { date: '2026-02-30', caseNumber: '2/26' }),
      ).map((e) => e.path),
    ).toEqual(['meeting.date']);
  });

  it('refuse a vote that is neither approve nor reject', () => {
    const s = stateOf(cfg, { phase: 'prioritisation', measures, lists: [list(1, 'voting')] });
    const member = voters(cfg.partnership)[0]!;
    expect(verdict(() => rules.validateVote(cfg, s, member, 1, 'approve'))).toBe('accepted');
    expect(verdict(() => rules.validateVote(cfg, s, member, 1, 'abstain'))).toBe(m.RejectionType.invalid);
  });
});

describe('adoption', () => {
  const cfg = config();
  const pending: m.AdoptionState = {
    round: 1,
    municipality: '3405',
    requested: { [y]: '100.00' },
    decision: null,
    amounts: null,
    caseNumber: null,
    decidedOn: null,
    dueAt: hours(3),
    overdue: false,
  };
  const decision: m.AdoptionInput = {
    municipality: '3405',
    decision: 'adopted',
    caseNumber: '7/26',
    decidedOn: '2026-11-10',
  };

  it('refuses a second decision in the same round', () => {
    const s = stateOf(cfg, { phase: 'adoption', round: 1, adoptions: [pending] });
    expect(verdict(() => rules.validateAdoption(cfg, s, clerk('3405'), decision, Date.now()))).toBe('accepted');
    const decided = stateOf(cfg, {
      phase: 'adoption',
      round: 1,
      adoptions: [
        { ...pending, decision: 'adopted', amounts: pending.requested, caseNumber: '7/26', decidedOn: '2026-12-10' },
      ],
    });
    expect(verdict(() => rules.validateAdoption(cfg, decided, clerk('3405'), decision, Date.now()))).toBe(
      m.RejectionType.conflict,
    );
  });

  it('refuses a decision date that does not exist', () => {
    const s = stateOf(cfg, { phase: 'adoption', round: 1, adoptions: [pending] });
    expect(
      fieldErrors(() =>
        rules.validateAdoption(cfg, s, clerk('3405'), { ...decision, decidedOn: '0000-01-01' }, Date.now()),
      ).map((e) => e.path),
    ).toEqual(['decidedOn']);
  });

  it("refuses a decision dated after today in Norway (the workflow's clock)", () => {
    const s = stateOf(cfg, { phase: 'adoption', round: 1, adoptions: [pending] });
    const tomorrow = new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10);
    expect(
      fieldErrors(() =>
        rules.validateAdoption(cfg, s, clerk('3405'), { ...decision, decidedOn: tomorrow }, Date.now()),
      ),
    ).toEqual([{ path: 'decidedOn', message: expect.stringMatching(/future/) }]);
  });
});

describe('deadlines', () => {
  const cfg = config();
  it('cannot move a deadline of a phase the cycle has left', () => {
    const s = stateOf(cfg, { phase: 'adoption' });
    expect(verdict(() => rules.validateMoveDeadline(s, admin, 'proposals', hours(5), NOW))).toBe(m.RejectionType.phase);
    expect(verdict(() => rules.validateMoveDeadline(s, admin, 'ipr', hours(5), NOW))).toBe(m.RejectionType.phase);
    expect(verdict(() => rules.validateMoveDeadline(s, admin, 'adoption', hours(5), NOW))).toBe('accepted');
  });

  it('moves a passed IPR or adoption deadline while its step is open or ahead, never a passed proposal deadline', () => {
    const passed = { proposals: hours(-3), ipr: hours(-2), adoption: hours(-1) };
    const late = {
      round: 2,
      municipality: '3405',
      requested: { [y]: '100.00' },
      decision: null,
      amounts: null,
      caseNumber: null,
      decidedOn: null,
      dueAt: hours(-1),
      overdue: true,
    };
    // After a loop-back: the councils' date first, then the IPR meeting's, each kept in order.
    const prioritising = stateOf(cfg, { phase: 'prioritisation', deadlines: passed, overdue: ['ipr'] });
    expect(verdict(() => rules.validateMoveDeadline(prioritising, admin, 'adoption', hours(9), NOW))).toBe('accepted');
    expect(
      fieldErrors(() => rules.validateMoveDeadline(prioritising, admin, 'ipr', hours(5), NOW)).map((e) => e.message),
    ).toEqual(['deadlines must stay in order: ipr before adoption']);
    const adoptionMoved = stateOf(cfg, {
      phase: 'prioritisation',
      deadlines: { ...passed, adoption: hours(9) },
      overdue: ['ipr'],
    });
    expect(verdict(() => rules.validateMoveDeadline(adoptionMoved, admin, 'ipr', hours(5), NOW))).toBe('accepted');
    const adopting = stateOf(cfg, { phase: 'adoption', round: 2, deadlines: passed, adoptions: [late] });
    expect(verdict(() => rules.validateMoveDeadline(adopting, admin, 'adoption:3405', hours(5), NOW))).toBe('accepted');
    const proposing = stateOf(cfg, { phase: 'proposals', deadlines: passed });
    expect(verdict(() => rules.validateMoveDeadline(proposing, admin, 'proposals', hours(5), NOW))).toBe(
      m.RejectionType.phase,
    );
  });

  it('keeps in order only the deadlines of steps still open or ahead', () => {
    const deadlines = { proposals: hours(3), ipr: hours(6), adoption: hours(9) };
    // Proposals closed early: the IPR meeting may come before the date they would have closed.
    const closedEarly = stateOf(cfg, { phase: 'prioritisation', deadlines });
    expect(verdict(() => rules.validateMoveDeadline(closedEarly, admin, 'ipr', hours(1), NOW))).toBe('accepted');
    const open = stateOf(cfg, { phase: 'proposals', deadlines });
    expect(
      fieldErrors(() => rules.validateMoveDeadline(open, admin, 'ipr', hours(1), NOW)).map((e) => e.message),
    ).toEqual(['deadlines must stay in order: proposals before ipr']);
  });
});

describe('indicators', () => {
  const cfg = config();
  const s = stateOf(cfg, { phase: 'adopted' });
  it("take values for the plan's indicators, for the cycle year or before", () => {
    expect(
      verdict(() => rules.validateIndicators(cfg, s, admin, { year: Y, values: [{ indicator: '6', value: '84.1' }] })),
    ).toBe('accepted');
    const errors = fieldErrors(() =>
      rules.validateIndicators(cfg, s, admin, {
        year: Y + 1,
        values: [
          { indicator: '99', value: '1' },
          { indicator: '6', value: '1', note: 'a\u0000' },
        ],
      }),
    );
    expect(errors.map((e) => e.path)).toEqual(['year', 'values.0.indicator', 'values.1.note']);
  });
});
