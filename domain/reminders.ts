/**
 * A reminder as the cycle workflow hands it to the activity that sends it
 * (workflows/cycle/reminders.ts plans them, activities/reminders.ts sends them): plain data, so it
 * crosses from the workflow to the activity as JSON.
 */

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
