/**
 * "Mine oppgaver": what waits for one person across their partnership's cycles, as Norwegian
 * sentences made from the cycles' structured status (never from the workflow's English action
 * texts), each with its due date and whether it is overdue. A pure function of its input, so
 * the front page and its tests agree on what a person must do.
 *
 * - a municipal clerk: their council's decision on its share, while it is not recorded;
 * - an IPR member with a vote: the list under vote, until they have voted on it; any IPR member,
 *   while no list is under vote: making the list from the administration's recommendation;
 * - an administrator: closing the proposals, putting a list to the vote, following up councils
 *   and votes still open before their deadlines, the year-end close; starting the next year once
 *   no cycle is before its adoption;
 * - a proposer: their measures (open for edits until the proposal deadline; progress reports
 *   once the plan is adopted).
 *
 * Each task links to the page where it is done (the paths of /work/brief/paths.md).
 */
import type { PartnershipConfig } from '../schema/partnership.js';
import type { CycleStatus, Phase } from '../workflows/messages.js';
import { yearEndOf } from '../domain/cycle-state.js';
import type { Person } from './env.js';
import { formatDate, inOslo, municipalityName } from './format.js';

export interface TaskMeasure {
  id: string;
  title: string;
  proposedBy: string;
  status: string;
}

export interface TaskCycle {
  status: Pick<
    CycleStatus,
    'id' | 'year' | 'phase' | 'deadlines' | 'overdue' | 'priorityLists' | 'adoptions' | 'measures'
  >;
  /** the cycle's measures with their titles (records); without them, a proposer's tasks name none */
  measures?: TaskMeasure[];
}

export interface Task {
  cycleId: string;
  year: number;
  /** what to do, in Norwegian */
  text: string;
  /** ISO instant, or null when nothing says by when */
  dueAt: string | null;
  overdue: boolean;
  /** where to do it or read more */
  href: string;
}

export interface TasksInput {
  person: Person;
  partnership: PartnershipConfig;
  cycles: TaskCycle[];
  /** ms since the epoch: what "overdue" is measured against */
  now: number;
  /**
   * Every cycle the partnership ever started (the records: year and phase, ended ones too), for the
   * administrator's "start the next year"; without it that task is not given (a cycle's own page).
   */
  started?: { year: number; phase: Phase }[];
}

const ACTIVE: ReadonlySet<Phase> = new Set(['proposals', 'prioritisation', 'adoption', 'adopted']);
const BEFORE_ADOPTED: ReadonlySet<Phase> = new Set(['proposals', 'prioritisation', 'adoption']);

export function tasksFor({ person, partnership, cycles, now, started }: TasksInput): Task[] {
  const has = (role: Person['roles'][number]) => person.roles.includes(role);
  const municipalities = new Map(partnership.municipalities.map((m) => [m.id, municipalityName(m.name)]));
  const voters = partnership.ipr.roster.filter((r) => r.votes);
  const isVoter = has('ipr_member') && voters.some((r) => r.id === person.sub);
  const tasks: Task[] = [];

  for (const { status: s, measures = [] } of cycles) {
    if (!ACTIVE.has(s.phase)) continue;
    const base = `/sykluser/${encodeURIComponent(s.id)}`;
    // Each task links to the page where it is done (/work/brief/paths.md); `page` is under the cycle's path.
    const add = (text: string, dueAt: string | null, flagged = false, page = '') =>
      tasks.push({
        cycleId: s.id,
        year: s.year,
        text,
        dueAt,
        overdue: flagged || (dueAt !== null && Date.parse(dueAt) < now),
        href: `${base}${page}`,
      });
    const underVote = s.phase === 'prioritisation' ? s.priorityLists.find((l) => l.status === 'voting') : undefined;
    const undecided = s.phase === 'adoption' ? s.adoptions.filter((a) => a.decision === null) : [];
    const councilName = (id: string) => municipalities.get(id) ?? `kommune ${id}`;
    const roundText = (round: number) => (round > 1 ? ` (runde ${round})` : '');

    if (has('municipal_clerk') && person.municipality) {
      for (const a of undecided.filter((a) => a.municipality === person.municipality)) {
        add(
          `Registrer kommunestyrets vedtak om ${councilName(a.municipality)}s andel av handlings- og økonomiplanen for ${s.year}${roundText(a.round)}`,
          a.dueAt,
          a.overdue || s.overdue.includes(`adoption:${a.municipality}`),
          '/vedtak',
        );
      }
    }

    if (isVoter && underVote && !underVote.voters[person.sub]) {
      add(
        `Stem over prioriteringslisten for ${s.year} (versjon ${underVote.version}, sak ${underVote.meeting.caseNumber})`,
        s.deadlines.ipr,
        s.overdue.includes('ipr'),
        '/avstemning',
      );
    }

    // An IPR member (not also the administrator, who has the same task below) makes the list from the recommendation.
    if (has('ipr_member') && !has('admin') && s.phase === 'prioritisation' && !underVote) {
      add(
        `Lag prioriteringslisten for ${s.year} fra administrasjonens innstilling og legg den fram til avstemning`,
        s.deadlines.ipr,
        s.overdue.includes('ipr'),
        '/prioritering',
      );
    }

    if (has('admin')) {
      switch (s.phase) {
        case 'proposals': {
          const open = s.measures.filter((m) => m.status === 'proposed').length;
          add(
            `Lukk forslagsrunden for ${s.year} eller flytt fristen (${open} tiltak er sendt inn; runden lukkes av seg selv ved fristen ${formatDate(s.deadlines.proposals)})`,
            s.deadlines.proposals,
            false,
            '/lukk-forslag',
          );
          break;
        }
        case 'prioritisation':
          if (!underVote)
            add(
              `Legg fram en prioriteringsliste for ${s.year} til avstemning i IPR`,
              s.deadlines.ipr,
              s.overdue.includes('ipr'),
              '/prioritering',
            );
          else {
            const cast = voters.filter((r) => underVote.voters[r.id]).length;
            add(
              `Følg med på avstemningen i IPR om prioriteringslisten for ${s.year}: ${cast} av ${voters.length} stemmeberettigede har stemt`,
              s.deadlines.ipr,
              s.overdue.includes('ipr'),
              '/avstemning',
            );
          }
          break;
        case 'adoption':
          for (const a of undecided) {
            add(
              `Følg opp vedtaket i kommunestyret i ${councilName(a.municipality)} om andelen for ${s.year}${roundText(a.round)}`,
              a.dueAt,
              a.overdue || s.overdue.includes(`adoption:${a.municipality}`),
            );
          }
          break;
        case 'adopted':
          add(`Rapporter indikatorene og avslutt året ${s.year}`, yearEndOf(s.year), false, '/arsavslutning');
          break;
      }
    }

    if (has('proposer')) {
      const mine = measures.filter((m) => m.proposedBy === person.sub);
      if (s.phase === 'proposals') {
        if (mine.every((m) => m.status === 'withdrawn'))
          add(
            `Send inn tiltak til handlings- og økonomiplanen for ${s.year}`,
            s.deadlines.proposals,
            false,
            '/tiltak/nytt',
          );
        for (const m of mine.filter((m) => m.status === 'proposed')) {
          add(
            `Tiltaket «${m.title}» er sendt inn for ${s.year}; du kan endre eller trekke det til forslagsfristen`,
            s.deadlines.proposals,
            false,
            `/tiltak/${encodeURIComponent(m.id)}/endre`,
          );
        }
      }
      if (s.phase === 'adopted') {
        for (const m of mine.filter((m) => m.status === 'granted' || m.status === 'partly_granted')) {
          add(
            `Rapporter framdrift og forbruk for tiltaket «${m.title}» (${s.year})`,
            yearEndOf(s.year),
            false,
            `/tiltak/${encodeURIComponent(m.id)}/rapport`,
          );
        }
      }
    }
  }

  // The next year, once no cycle is before its adoption: the administrator starts it (/sykluser/ny).
  if (has('admin') && started && !started.some((c) => BEFORE_ADOPTED.has(c.phase))) {
    const next = Math.max(inOslo(now).year, ...started.map((c) => c.year)) + 1;
    tasks.push({
      cycleId: `${partnership.id}-${next}`,
      year: next,
      text: `Start syklusen for ${next}`,
      dueAt: null,
      overdue: false,
      href: '/sykluser/ny',
    });
  }

  const due = (t: Task) => (t.dueAt === null ? Infinity : Date.parse(t.dueAt));
  return tasks.sort((a, b) => Number(b.overdue) - Number(a.overdue) || due(a) - due(b) || a.year - b.year);
}
