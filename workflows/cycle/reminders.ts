/**
 * Reminders, as the business rule reads: whoever has a pending action with a deadline gets an
 * e-mail `daysBefore` days before the deadline, and one more at the deadline if it passes unmet.
 * When a deadline is set or moved, its reminders are due at deadline − daysBefore and at the
 * deadline; a moved deadline is a new one, with reminders of its own. Whoever has acted meanwhile
 * is no longer pending and gets none. A "before" that is due already when the deadline is set (less
 * than daysBefore away) goes at once; one whose deadline has passed goes not at all: the overdue
 * one says it.
 *
 * Who is pending (domain/reminders.ts openDeadlines: deterministic, from the cycle's state and its
 * configuration as frozen at start):
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
import {
  outOfDate,
  reminderKey,
  reminderPlan,
  type PlannedReminder,
  type ReminderActivities,
} from '../../domain/reminders.js';
import { cancelled, type Cycle, ended, now } from './context.js';

/** A mail server that is down is tried again, up to every five minutes, until it answers. */
const mail = proxyActivities<ReminderActivities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '5s', maximumInterval: '5m', backoffCoefficient: 2 },
});

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
