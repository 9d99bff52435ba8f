/**
 * Reminders of pending actions: who is pending on which deadline (openDeadlines), when their
 * reminders are due (reminderPlan), and a reminder as the cycle workflow hands it to the activity
 * that sends it (workflows/cycle/reminders.ts runs the plan on timers, activities/reminders.ts
 * sends): plain data, so it crosses from the workflow to the activity as JSON. The rule itself is
 * told in workflows/cycle/reminders.ts's header.
 */
import { type CycleConfig, type CycleState, listUnderVote, votingMembers, yearEndDueAt } from './cycle-state.js';

/** Days before a deadline (e.g. 3) and at the deadline itself, once it has passed unmet. */
export type ReminderOccasion = 'before' | 'overdue';

/** What the person is asked to do; the mail's words and its link are made from it. */
export type ReminderTask =
  | { kind: 'close-proposals' }
  | { kind: 'propose-list' }
  | { kind: 'vote'; version: number }
  | { kind: 'adopt'; municipality: string; municipalityName: string; round: number }
  | { kind: 'close-year' };

export interface ReminderRecipient {
  /** who, as the cycle names the pending action's actor: 'admin', a roster id, 'municipality:3405' */
  person: string;
  name: string;
  email: string;
}

export interface ReminderSend {
  cycleId: string;
  partnershipName: string;
  year: number;
  /** the deadline in its round: 'proposals', 'ipr:1', 'adoption:1:3405', 'year-end' */
  deadline: string;
  /** the deadline's instant (ISO); a moved deadline is a new one, with reminders of its own */
  dueAt: string;
  occasion: ReminderOccasion;
  task: ReminderTask;
  recipients: ReminderRecipient[];
}

export interface ReminderActivities {
  /** Sends each recipient's mail once; returns the persons sent to now (not those sent to before). */
  sendReminders(input: ReminderSend): Promise<{ sent: string[] }>;
}

// ── the schedule, a pure function of the cycle (workflows/cycle/reminders.ts runs it on timers) ──

const DAY_MS = 86_400_000;

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
