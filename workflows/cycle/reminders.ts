/**
 * Reminders, as the business rule reads: whoever has a pending action with a deadline gets an
 * e-mail `daysBefore` days before the deadline, and one more at the deadline if it passes unmet.
 * When a deadline is set or moved, its reminders are due at deadline − daysBefore and at the
 * deadline; a moved deadline is a new one, with reminders of its own. Whoever has acted meanwhile
 * is no longer pending and gets none. A "before" that is due already when the deadline is set (less
 * than daysBefore away) goes at once; one whose deadline has passed goes not at all: the overdue
 * one says it.
 *
 * Who is pending (deterministic, from the cycle's state and its configuration as frozen at start):
 * - proposals: the secretariat, before the proposal deadline (which closes the round by itself, so
 *   nothing is overdue there);
 * - prioritisation: each voting IPR member who has not voted on the list under vote, or, while no
 *   list is under vote, the secretariat, to put one to the vote;
 * - adoption: the clerk of each council that has not decided, by that council's deadline;
 * - adopted: the secretariat, to close the year.
 * Proposers get none: a measure's proposer is known by id only, and the proposal deadline is the
 * secretariat's to move.
 *
 * Durable: the waits are workflow timers, and state.reminded keeps who was reminded of what,
 * across continue-as-new. The mail is sent by an ordinary activity that records each mail in
 * Postgres before it reports back (activities/reminders.ts), so a retried activity, or a reminder
 * sent again by a new run whose old one did not see the activity finish, sends nothing twice.
 */
import { condition, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ReminderActivities, ReminderOccasion, ReminderRecipient, ReminderTask } from '../../domain/reminders.js';
import {
  type CycleConfig,
  type CycleState,
  listUnderVote,
  votingMembers,
  yearEndDueAt,
} from '../../domain/cycle-state.js';
import { cancelled, type Cycle, ended, now } from './context.js';

const DAY_MS = 86_400_000;

/** A mail server that is down is tried again, up to every five minutes, until it answers. */
const mail = proxyActivities<ReminderActivities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '5s', maximumInterval: '5m', backoffCoefficient: 2 },
});

/** A deadline that someone still has to act on, and who (with an address; people without one get no mail). */
export interface OpenDeadline {
  /** the deadline in its round: 'proposals', 'ipr:1', 'adoption:1:3405', 'year-end' */
  deadline: string;
  dueAt: string;
  task: ReminderTask;
  recipients: ReminderRecipient[];
  /** whether a reminder goes when it passes unmet */
  overdue: boolean;
}

export function openDeadlines(cfg: CycleConfig, state: CycleState): OpenDeadline[] {
  const p = cfg.partnership;
  const secretariat: ReminderRecipient[] = p.administration ? [{ person: 'admin', ...p.administration }] : [];
  switch (state.phase) {
    case 'proposals':
      return [
        {
          deadline: 'proposals',
          dueAt: state.deadlines.proposals,
          task: { kind: 'close-proposals' },
          recipients: secretariat,
          overdue: false,
        },
      ];
    case 'prioritisation': {
      // The IPR deadline of the round after `state.round` councils' rounds (a loop-back starts another).
      const ipr = { deadline: `ipr:${state.round + 1}`, dueAt: state.deadlines.ipr, overdue: true };
      const list = listUnderVote(state);
      if (!list) return [{ ...ipr, task: { kind: 'propose-list' }, recipients: secretariat }];
      const recipients = votingMembers(cfg).flatMap((member) =>
        !list.voters[member.id] && member.email ? [{ person: member.id, name: member.name, email: member.email }] : [],
      );
      return [{ ...ipr, task: { kind: 'vote', version: list.version }, recipients }];
    }
    case 'adoption':
      return state.adoptions.flatMap((a) => {
        const municipality = p.municipalities.find((mu) => mu.id === a.municipality);
        if (a.decision !== null || !municipality) return [];
        const { clerk } = municipality;
        return [
          {
            deadline: `adoption:${a.round}:${a.municipality}`,
            dueAt: a.dueAt,
            task: { kind: 'adopt', municipality: a.municipality, municipalityName: municipality.name, round: a.round },
            recipients: clerk ? [{ person: `municipality:${a.municipality}`, ...clerk }] : [],
            overdue: true,
          },
        ];
      });
    case 'adopted':
      return [
        {
          deadline: 'year-end',
          dueAt: yearEndDueAt(cfg),
          task: { kind: 'close-year' },
          recipients: secretariat,
          overdue: true,
        },
      ];
    default:
      return [];
  }
}

/** One reminder of one deadline: when it is due, and to whom it has not gone yet. */
export interface PlannedReminder {
  deadline: OpenDeadline;
  occasion: ReminderOccasion;
  at: number;
  recipients: ReminderRecipient[];
}

/** What state.reminded holds for a person reminded of a deadline on an occasion. */
export const reminderKey = (d: Pick<OpenDeadline, 'deadline' | 'dueAt'>, occasion: ReminderOccasion, person: string) =>
  `${d.deadline}@${d.dueAt}:${occasion}:${person}`;

/** The reminders still to send for the open deadlines, earliest first. */
export function reminderPlan(cfg: CycleConfig, state: CycleState, daysBefore: number): PlannedReminder[] {
  const done = new Set(state.reminded);
  return openDeadlines(cfg, state)
    .flatMap((d) => {
      const due = Date.parse(d.dueAt);
      const times: [ReminderOccasion, number][] = [['before', due - daysBefore * DAY_MS]];
      if (d.overdue) times.push(['overdue', due]);
      return times.map(([occasion, at]) => ({
        deadline: d,
        occasion,
        at,
        recipients: d.recipients.filter((r) => !done.has(reminderKey(d, occasion, r.person))),
      }));
    })
    .filter((r) => r.recipients.length > 0)
    .sort((a, b) => a.at - b.at);
}

/** A "before" whose deadline has passed is not sent (the overdue reminder, if any, is). */
export const outOfDate = (r: PlannedReminder, at: number) =>
  r.occasion === 'before' && Date.parse(r.deadline.dueAt) <= at;

const shape = (plan: PlannedReminder[]) =>
  JSON.stringify(
    plan.map((r) => [r.deadline.deadline, r.deadline.dueAt, r.occasion, r.recipients.map((x) => x.person)]),
  );

/**
 * The reminders of a cycle, from its start to its end, beside its phases: waits for the next
 * reminder's time, or for the plan to change (a deadline moved, a phase begun, someone acted),
 * whichever comes first. Off for a cycle started without `reminders`.
 */
export async function remind(cycle: Cycle): Promise<void> {
  const { cfg, state } = cycle;
  const daysBefore = cfg.reminders?.daysBefore;
  if (daysBefore === undefined) return;
  const plan = () => reminderPlan(cfg, state, daysBefore);
  const over = () => ended(cycle) || cancelled(cycle);
  try {
    await condition(() => state.recorded || over());
    while (!over()) {
      const [next] = plan();
      if (next && next.at <= now()) {
        if (!outOfDate(next, now())) {
          const { deadline, dueAt, task } = next.deadline;
          await mail.sendReminders({
            cycleId: cfg.cycleId,
            partnershipName: cfg.partnership.name,
            year: cfg.year,
            deadline,
            dueAt,
            occasion: next.occasion,
            task,
            recipients: next.recipients,
          });
        }
        state.reminded.push(...next.recipients.map((r) => reminderKey(next.deadline, next.occasion, r.person)));
        continue;
      }
      const planned = shape(plan());
      const changed = () => over() || shape(plan()) !== planned;
      if (next) await condition(changed, next.at - now());
      else await condition(changed);
    }
  } catch (e) {
    // Cancelled in Temporal by an operator: the cycle records that itself (workflows/cycle.ts).
    if (!isCancellation(e)) throw e;
  }
}
