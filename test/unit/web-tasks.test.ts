import { describe, expect, it } from 'vitest';
import { referencePartnership } from '../../schema/reference/load.js';
import type { AdoptionState, Phase, PriorityListState } from '../../workflows/messages.js';
import type { Person } from '../../web/env.js';
import { tasksFor, type TaskCycle } from '../../web/tasks.js';

const partnership = referencePartnership('lillehammer-regionen');
const NOW = Date.parse('2027-03-10T12:00:00Z');
const deadlines = {
  proposals: '2027-03-01T22:59:00.000Z',
  ipr: '2027-04-01T21:59:00.000Z',
  adoption: '2027-05-01T21:59:00.000Z',
};

const person = (p: Partial<Person> & Pick<Person, 'sub' | 'roles'>): Person => ({
  name: p.sub,
  partnership: partnership.id,
  ...p,
});
const mayor = person({ sub: 'mayor-3405', name: 'Ordfører i Lillehammer', roles: ['ipr_member'] });
const chiefExecutive = person({ sub: 'chief-executive-3405', roles: ['ipr_member'] });
const clerk = (municipality: string) =>
  person({ sub: `clerk-${municipality}`, roles: ['municipal_clerk'], municipality });
const admin = person({ sub: 'lrv-admin', roles: ['admin'] });
const proposer = person({ sub: 'kari', roles: ['proposer'] });
const finance = person({ sub: 'okonomi', roles: ['finance'] });

const list = (
  voters: PriorityListState['voters'],
  status: PriorityListState['status'] = 'voting',
): PriorityListState => ({
  version: 2,
  items: [],
  meeting: { date: '2027-03-20', caseNumber: '12/27' },
  votes: { approve: 0, reject: 0 },
  voters,
  status,
});
const adoption = (
  municipality: string,
  decision: AdoptionState['decision'],
  dueAt = deadlines.adoption,
): AdoptionState => ({
  round: 1,
  municipality,
  requested: {},
  decision,
  amounts: null,
  caseNumber: decision ? '45/27' : null,
  decidedOn: decision ? '2027-04-20' : null,
  dueAt,
  overdue: false,
});

function cycle(over: Partial<TaskCycle['status']> = {}, measures: TaskCycle['measures'] = []): TaskCycle {
  return {
    status: {
      id: 'lillehammer-regionen-2027',
      year: 2027,
      phase: 'proposals',
      deadlines,
      overdue: [],
      priorityLists: [],
      adoptions: [],
      measures: [],
      ...over,
    },
    measures,
  };
}

const texts = (p: Person, cycles: TaskCycle[], now = NOW) =>
  tasksFor({ person: p, partnership, cycles, now }).map((t) => t.text);

describe('Mine oppgaver', () => {
  it('gives an IPR member with a vote the list under vote until they have voted', () => {
    const voting = cycle({ phase: 'prioritisation', priorityLists: [list({ 'mayor-3440': 'approve' })] });
    const [task, ...rest] = tasksFor({ person: mayor, partnership, cycles: [voting], now: NOW });
    expect(rest).toEqual([]);
    expect(task).toMatchObject({
      text: 'Stem over prioriteringslisten for 2027 (versjon 2, sak 12/27)',
      dueAt: deadlines.ipr,
      overdue: false,
      href: '/sykluser/lillehammer-regionen-2027/avstemning',
    });

    expect(
      texts(mayor, [cycle({ phase: 'prioritisation', priorityLists: [list({ 'mayor-3405': 'reject' })] })]),
    ).toEqual([]);
    expect(texts(chiefExecutive, [voting]), 'a member without a vote has nothing to vote on').toEqual([]);
    expect(
      texts(mayor, [cycle({ phase: 'prioritisation', priorityLists: [list({}, 'replaced')] })]).filter((t) =>
        t.startsWith('Stem over'),
      ),
      'a replaced list is voted on no more',
    ).toEqual([]);
  });

  it('marks a vote overdue after the IPR deadline', () => {
    const voting = cycle({ phase: 'prioritisation', priorityLists: [list({})], overdue: ['ipr'] });
    const [task] = tasksFor({ person: mayor, partnership, cycles: [voting], now: Date.parse('2027-04-02T08:00:00Z') });
    expect(task?.overdue).toBe(true);
  });

  it("gives a clerk their own council's decision only, by its own deadline, named and not numbered", () => {
    const moved = '2027-05-15T21:59:00.000Z';
    const adoptions = [adoption('3405', null), adoption('3440', null, moved), adoption('3441', 'adopted')];
    const c = cycle({ phase: 'adoption', adoptions });
    const [own, ...rest] = tasksFor({ person: clerk('3440'), partnership, cycles: [c], now: NOW });
    expect(rest).toEqual([]);
    expect(own).toMatchObject({
      text: 'Registrer kommunestyrets vedtak om Øyer kommunes andel av handlings- og økonomiplanen for 2027',
      dueAt: moved,
      overdue: false,
    });
    expect(texts(clerk('3441'), [c]), 'a council that has decided has nothing pending').toEqual([]);
    expect(own?.text).not.toMatch(/3440|municipality/);
  });

  it("marks a council's decision overdue when the workflow flagged it, and names the round after a loop-back", () => {
    const late = { ...adoption('3441', null), round: 2, overdue: true };
    const [task] = tasksFor({
      person: clerk('3441'),
      partnership,
      cycles: [cycle({ phase: 'adoption', adoptions: [late] })],
      now: NOW,
    });
    expect(task).toMatchObject({ overdue: true, text: expect.stringContaining('Gausdal kommunes andel') });
    expect(task?.text).toMatch(/\(runde 2\)$/);
  });

  it('gives an administrator the proposals to close, the list to put to the vote, the councils to follow up and the year-end', () => {
    expect(
      texts(admin, [
        cycle({ measures: [{ id: 'm1', proposedBy: 'kari', amounts: {}, strategies: [], status: 'proposed' }] }),
      ]),
    ).toEqual([
      'Lukk forslagsrunden for 2027 eller flytt fristen (1 tiltak er sendt inn; runden lukkes av seg selv ved fristen 1. mars 2027)',
    ]);
    expect(texts(admin, [cycle({ phase: 'prioritisation' })])).toEqual([
      'Legg fram en prioriteringsliste for 2027 til avstemning i IPR',
    ]);
    expect(
      texts(admin, [
        cycle({
          phase: 'prioritisation',
          priorityLists: [
            list({ 'mayor-3405': 'approve', 'county-politician-1': 'reject', 'chief-executive-3405': 'approve' }),
          ],
        }),
      ]),
    ).toEqual(['Følg med på avstemningen i IPR om prioriteringslisten for 2027: 2 av 8 stemmeberettigede har stemt']);
    expect(
      texts(admin, [cycle({ phase: 'adoption', adoptions: [adoption('3405', 'adopted'), adoption('3441', null)] })]),
    ).toEqual(['Følg opp vedtaket i kommunestyret i Gausdal kommune om andelen for 2027']);
    const [close] = tasksFor({ person: admin, partnership, cycles: [cycle({ phase: 'adopted' })], now: NOW });
    expect(close).toMatchObject({
      text: 'Rapporter indikatorene og avslutt året 2027',
      dueAt: '2027-12-31T22:59:59.000Z',
    });
  });

  it('marks the proposals overdue for an administrator once their deadline has passed and the cycle has not moved on', () => {
    const [task] = tasksFor({ person: admin, partnership, cycles: [cycle()], now: Date.parse('2027-03-02T00:00:00Z') });
    expect(task?.overdue).toBe(true);
  });

  it("gives a proposer their own measures, and nobody else's", () => {
    const measures = [
      { id: 'm1', title: 'Næringshage i Gausdal', proposedBy: 'kari', status: 'proposed' },
      { id: 'm2', title: 'Tech Valley', proposedBy: 'per', status: 'proposed' },
      { id: 'm3', title: 'Trukket tiltak', proposedBy: 'kari', status: 'withdrawn' },
    ];
    expect(texts(proposer, [cycle({}, measures)])).toEqual([
      'Tiltaket «Næringshage i Gausdal» er sendt inn for 2027; du kan endre eller trekke det til forslagsfristen',
    ]);
    expect(texts(proposer, [cycle({}, [measures[1]!])])).toEqual([
      'Send inn tiltak til handlings- og økonomiplanen for 2027',
    ]);
    const adopted = [
      { ...measures[0]!, status: 'partly_granted' },
      { ...measures[1]!, status: 'granted' },
      { id: 'm4', title: 'Ikke innvilget', proposedBy: 'kari', status: 'not_granted' },
    ];
    expect(texts(proposer, [cycle({ phase: 'adopted' }, adopted)])).toEqual([
      'Rapporter framdrift og forbruk for tiltaket «Næringshage i Gausdal» (2027)',
    ]);
  });

  it('gives nothing for cycles that are closed or cancelled, and nothing to a finance officer', () => {
    for (const phase of ['closed', 'cancelled'] as const) expect(texts(admin, [cycle({ phase })])).toEqual([]);
    expect(texts(finance, [cycle(), cycle({ phase: 'adoption', adoptions: [adoption('3405', null)] })])).toEqual([]);
  });

  it('puts the overdue first, then the soonest due, across cycles', () => {
    const late = cycle({ id: 'lillehammer-regionen-2026', year: 2026, phase: 'adopted' });
    const now = Date.parse('2027-01-05T00:00:00Z');
    const cycles = [cycle({ id: 'lillehammer-regionen-2028', year: 2028, phase: 'prioritisation' }), cycle(), late];
    const tasks = tasksFor({ person: admin, partnership, cycles, now });
    expect(tasks.map((t) => [t.year, t.overdue])).toEqual([
      [2026, true],
      [2027, false],
      [2028, false],
    ]);
  });

  it('gives a person with several roles the tasks of each', () => {
    const both = person({ sub: 'mayor-3405', roles: ['ipr_member', 'admin'] });
    expect(texts(both, [cycle({ phase: 'prioritisation', priorityLists: [list({})] })])).toHaveLength(2);
  });
  it('gives an administrator the next year to start once no cycle is before its adoption', () => {
    const startTexts = (p: Person, started: { year: number; phase: Phase }[], cycles: TaskCycle[] = []) =>
      tasksFor({ person: p, partnership, cycles, now: NOW, started }).map((t) => t.text);
    const [start] = tasksFor({ person: admin, partnership, cycles: [], now: NOW, started: [] });
    expect(start).toMatchObject({ text: 'Start syklusen for 2028', dueAt: null, href: '/sykluser/ny' });
    expect(startTexts(admin, [{ year: 2028, phase: 'closed' }]), 'a closed year is not started again').toEqual([
      'Start syklusen for 2029',
    ]);
    expect(startTexts(admin, [{ year: 2027, phase: 'adopted' }], [cycle({ phase: 'adopted' })])).toContain(
      'Start syklusen for 2028',
    );
    expect(
      startTexts(admin, [
        { year: 2027, phase: 'adopted' },
        { year: 2028, phase: 'proposals' },
      ]),
      'not while a year is before its adoption',
    ).toEqual([]);
    expect(startTexts(proposer, []), 'for the administrator only').toEqual([]);
    expect(texts(admin, []), "not on a cycle's own page, which gives no started years").toEqual([]);
  });

  it('links each task to the page where it is done', () => {
    const hrefs = (p: Person, cycles: TaskCycle[]) =>
      tasksFor({ person: p, partnership, cycles, now: NOW }).map((t) => t.href);
    const base = '/sykluser/lillehammer-regionen-2027';
    expect(hrefs(admin, [cycle()])).toEqual([`${base}/lukk-forslag`]);
    expect(hrefs(admin, [cycle({ phase: 'prioritisation' })])).toEqual([`${base}/prioritering`]);
    expect(hrefs(admin, [cycle({ phase: 'prioritisation', priorityLists: [list({})] })])).toEqual([
      `${base}/avstemning`,
    ]);
    expect(hrefs(admin, [cycle({ phase: 'adopted' })])).toEqual([`${base}/arsavslutning`]);
    expect(hrefs(clerk('3441'), [cycle({ phase: 'adoption', adoptions: [adoption('3441', null)] })])).toEqual([
      `${base}/vedtak`,
    ]);
    expect(hrefs(mayor, [cycle({ phase: 'prioritisation', priorityLists: [list({})] })])).toEqual([
      `${base}/avstemning`,
    ]);
    const mine = [{ id: 'm1', title: 'Næringshage i Gausdal', proposedBy: 'kari', status: 'proposed' }];
    expect(hrefs(proposer, [cycle({}, mine)])).toEqual([`${base}/tiltak/m1/endre`]);
    expect(hrefs(proposer, [cycle({}, [])])).toEqual([`${base}/tiltak/nytt`]);
    expect(hrefs(proposer, [cycle({ phase: 'adopted' }, [{ ...mine[0]!, status: 'granted' }])])).toEqual([
      `${base}/tiltak/m1/rapport`,
    ]);
  });

  it('gives an IPR member the list to make from the recommendation while none is under vote', () => {
    const [task, ...rest] = tasksFor({
      person: mayor,
      partnership,
      cycles: [cycle({ phase: 'prioritisation' })],
      now: NOW,
    });
    expect(rest).toEqual([]);
    expect(task).toMatchObject({
      text: 'Lag prioriteringslisten for 2027 fra administrasjonens innstilling og legg den fram til avstemning',
      dueAt: deadlines.ipr,
      href: '/sykluser/lillehammer-regionen-2027/prioritering',
    });
    expect(texts(chiefExecutive, [cycle({ phase: 'adoption' })]), 'nothing for IPR outside prioritisation').toEqual([]);
  });
});
