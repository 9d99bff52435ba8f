/**
 * The reminder schedule (domain/reminders.ts) as a pure function of the cycle's
 * configuration and state: which reminders are due when, to whom, and what a moved deadline or a
 * person who acted changes. And the mail a person gets (activities/reminder-mail.ts).
 */
import { describe, expect, it } from 'vitest';
import { reminderMail } from '../../activities/reminder-mail.js';
import type { ReminderSend } from '../../domain/reminders.js';
import { initialState, type CycleConfig, type CycleState } from '../../domain/cycle-state.js';
import { outOfDate, reminderKey, reminderPlan } from '../../domain/reminders.js';
import { framesWithCarryOver } from '../../domain/ledger.js';
import type * as m from '../../workflows/messages.js';
import { admin, frames, lillehammer } from '../support/cycles.js';

const Y = 2027;
const IPR = '2027-03-15T11:00:00.000Z';
const DAY = 86_400_000;
const p = lillehammer();

const cfg: CycleConfig = {
  cycleId: `${p.id}-${Y}`,
  partnership: p,
  strategyCodes: ['2.1'],
  indicatorIds: ['1'],
  year: Y,
  frames: frames(p, Y, '2000000.00', '400000.00'),
  deadlines: { proposals: '2027-02-01T11:00:00.000Z', ipr: IPR, adoption: '2027-05-01T10:00:00.000Z' },
  carryOver: {},
  startedBy: admin,
  reminders: { daysBefore: 3 },
};

const stateOf = (over: Partial<CycleState> = {}): CycleState => ({
  ...initialState(cfg, framesWithCarryOver(cfg)),
  ...over,
});

const list = (voters: Record<string, 'approve' | 'reject'> = {}): m.PriorityListState => ({
  version: 2,
  items: [],
  meeting: { date: '2027-03-10', caseNumber: '12/27' },
  votes: { approve: Object.keys(voters).length, reject: 0 },
  voters,
  status: 'voting',
});

const adoption = (municipality: string, over: Partial<m.AdoptionState> = {}): m.AdoptionState => ({
  round: 1,
  municipality,
  requested: { [Y]: '100000.00' },
  decision: null,
  amounts: null,
  caseNumber: null,
  decidedOn: null,
  dueAt: '2027-05-01T10:00:00.000Z',
  overdue: false,
  ...over,
});

/** The plan as [deadline, occasion, when, people], the shape a person would check it by. */
const planOf = (state: CycleState, daysBefore = 3) =>
  reminderPlan(cfg, state, daysBefore).map((r) => [
    r.deadline.deadline,
    r.occasion,
    new Date(r.at).toISOString(),
    r.recipients.map((x) => x.person),
  ]);

const votingIds = p.ipr.roster.filter((r) => r.votes).map((r) => r.id);

describe('the reminder schedule', () => {
  it('reminds every voting member who has not voted, three days before the IPR deadline and at it', () => {
    const state = stateOf({ phase: 'prioritisation', lists: [list({ 'mayor-3405': 'approve' })] });
    const pending = votingIds.filter((id) => id !== 'mayor-3405');
    expect(planOf(state)).toEqual([
      ['ipr:1', 'before', '2027-03-12T11:00:00.000Z', pending],
      ['ipr:1', 'overdue', IPR, pending],
    ]);
    // non-voting members (chief executives, the county adviser) get none
    expect(pending).not.toContain('chief-executive-3405');
    expect(pending).toHaveLength(7);
  });

  it('takes the number of days from the cycle, and reminds the secretariat while no list is under vote', () => {
    const state = stateOf({ phase: 'prioritisation' });
    expect(planOf(state, 1.5)).toEqual([
      ['ipr:1', 'before', '2027-03-13T23:00:00.000Z', ['admin']],
      ['ipr:1', 'overdue', IPR, ['admin']],
    ]);
    const [first] = reminderPlan(cfg, state, 3);
    expect(first!.recipients).toEqual([{ person: 'admin', ...p.administration! }]);
  });

  it('plans a moved deadline anew: reminders for the new time, also to those reminded of the old one', () => {
    const before = stateOf({ phase: 'prioritisation', lists: [list()] });
    before.reminded = votingIds.map((id) => reminderKey({ deadline: 'ipr:1', dueAt: IPR }, 'before', id));
    expect(planOf(before).map(([, occasion]) => occasion)).toEqual(['overdue']);

    const moved = { ...before, deadlines: { ...before.deadlines, ipr: '2027-04-01T10:00:00.000Z' } };
    expect(planOf(moved)).toEqual([
      ['ipr:1', 'before', '2027-03-29T10:00:00.000Z', votingIds],
      ['ipr:1', 'overdue', '2027-04-01T10:00:00.000Z', votingIds],
    ]);
  });

  it('reminds the clerk of each council that has not decided, by its own deadline', () => {
    const state = stateOf({
      phase: 'adoption',
      round: 1,
      adoptions: [
        adoption('3405', { decision: 'adopted' }),
        adoption('3440', { dueAt: '2027-05-10T10:00:00.000Z' }),
        adoption('3441'),
      ],
    });
    expect(planOf(state)).toEqual([
      ['adoption:1:3441', 'before', '2027-04-28T10:00:00.000Z', ['municipality:3441']],
      ['adoption:1:3441', 'overdue', '2027-05-01T10:00:00.000Z', ['municipality:3441']],
      ['adoption:1:3440', 'before', '2027-05-07T10:00:00.000Z', ['municipality:3440']],
      ['adoption:1:3440', 'overdue', '2027-05-10T10:00:00.000Z', ['municipality:3440']],
    ]);
    const [first] = reminderPlan(cfg, state, 3);
    expect(first!.recipients[0]).toMatchObject({ name: 'Utvalgssekretær i Gausdal kommune' });
  });

  it('reminds the secretariat before the proposal deadline only (the deadline closes the round itself)', () => {
    expect(planOf(stateOf())).toEqual([['proposals', 'before', '2027-01-29T11:00:00.000Z', ['admin']]]);
  });

  it('a "before" whose deadline has passed is not sent; the overdue one is', () => {
    const [before, overdue] = reminderPlan(cfg, stateOf({ phase: 'prioritisation' }), 3);
    expect(outOfDate(before!, Date.parse(IPR) - DAY)).toBe(false);
    expect(outOfDate(before!, Date.parse(IPR) + 1)).toBe(true);
    expect(outOfDate(overdue!, Date.parse(IPR) + 1)).toBe(false);
  });

  it('sends nothing once the cycle is closed or cancelled, nor to people without an address', () => {
    expect(planOf(stateOf({ phase: 'closed' }))).toEqual([]);
    expect(planOf(stateOf({ phase: 'cancelled' }))).toEqual([]);
    const unaddressed = { ...cfg, partnership: { ...p, administration: undefined } };
    expect(reminderPlan(unaddressed, stateOf({ phase: 'prioritisation' }), 3)).toEqual([]);
  });
});

describe('the reminder mail', () => {
  const send: ReminderSend = {
    cycleId: cfg.cycleId,
    partnershipName: p.name,
    year: Y,
    deadline: 'adoption:1:3440',
    dueAt: '2027-12-31T22:59:00.000Z',
    occasion: 'before',
    task: { kind: 'adopt', municipality: '3440', municipalityName: 'Øyer', round: 1 },
    recipients: [],
  };
  const to = { person: 'municipality:3440', name: 'Utvalgssekretær i Øyer kommune', email: 'x@y.example' };

  it('says in Norwegian what to do, by when in Oslo time, and links to the page', () => {
    const mail = reminderMail(send, to, 'https://hoep.example/');
    expect(mail.subject).toBe(
      'Påminnelse: Registrer kommunestyrets vedtak for Øyer kommune innen 31. desember 2027 kl. 23.59',
    );
    expect(mail.text).toContain('Hei, Utvalgssekretær i Øyer kommune.');
    expect(mail.text).toContain('Fristen er 31. desember 2027 kl. 23.59.');
    expect(mail.text).toContain('https://hoep.example/sykluser/lillehammer-regionen-2027/vedtak');
  });

  it('tells the secretariat when the proposals close', () => {
    const mail = reminderMail({ ...send, deadline: 'proposals', task: { kind: 'close-proposals' } }, to, 'http://h');
    expect(mail.subject).toBe('Påminnelse: Innsendingen av tiltak lukkes 31. desember 2027 kl. 23.59');
    expect(mail.text).toContain(
      'Lukk innsendingen av tiltak eller flytt fristen: http://h/sykluser/lillehammer-regionen-2027',
    );
  });

  it('says when it is overdue, and sends a member to the vote', () => {
    const mail = reminderMail(
      { ...send, occasion: 'overdue', deadline: 'ipr:1', task: { kind: 'vote', version: 2 }, dueAt: IPR },
      to,
      'http://127.0.0.1:3000',
    );
    expect(mail.subject).toBe('Fristen har gått ut: Stem over prioriteringsliste 2');
    expect(mail.text).toContain('Fristen gikk ut 15. mars 2027 kl. 12.00.');
    expect(mail.text).toContain('http://127.0.0.1:3000/sykluser/lillehammer-regionen-2027/avstemning');
  });
});
