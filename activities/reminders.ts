/**
 * Sends a reminder's mails (workflows/cycle/reminders.ts decides who and when), each once.
 *
 * Per recipient, one transaction: the row in reminders_sent is inserted (the claim), the mail is
 * sent, and the transaction commits. A retry finds the committed row and sends nothing; two attempts
 * at once (a worker thought dead and its successor) queue on the row's key, and the second finds it.
 *
 * A crash between the send and the commit (the worker killed, Postgres lost at that moment): the row
 * is rolled back and the retry sends the mail a second time. That is the side this errs on: the
 * other order (record, commit, then send) would lose the mail for good on such a crash, and a missed
 * reminder costs a missed deadline while a second copy costs a glance. Both copies carry the same
 * Message-ID, so a mail client can drop the second. A mail the server refuses rolls back its row and
 * fails the activity, which Temporal retries.
 */
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import type { ReminderActivities, ReminderSend } from '../domain/reminders.js';
import type { Mailer } from '../services/mail.js';
import { reminderMail } from './reminder-mail.js';

/** One id per mail (cycle, deadline, its time, occasion, person), the same on every attempt. */
function messageId(r: ReminderSend, person: string): string {
  const key = [r.cycleId, r.deadline, r.dueAt, r.occasion, person].join('\n');
  return `<reminder.${createHash('sha256').update(key).digest('hex').slice(0, 32)}@hoep>`;
}

export function createReminders(sql: postgres.Sql, mailer: Mailer, webBaseUrl: string): ReminderActivities {
  return {
    async sendReminders(r) {
      const sent: string[] = [];
      for (const to of r.recipients) {
        const mail = reminderMail(r, to, webBaseUrl);
        const fresh = await sql.begin(async (tx) => {
          const claimed = await tx`
            INSERT INTO reminders_sent (cycle_id, deadline, due_at, occasion, person, email, transport)
            VALUES (${r.cycleId}, ${r.deadline}, ${r.dueAt}, ${r.occasion}, ${to.person}, ${to.email}, ${mailer.transport})
            ON CONFLICT DO NOTHING RETURNING person`;
          if (claimed.length === 0) return false;
          await mailer.send({
            to: { name: to.name, address: to.email },
            ...mail,
            messageId: messageId(r, to.person),
            // for whoever sorts or tests the mail: what it reminds of, in ASCII
            headers: { 'X-Hoep-Reminder': [r.cycleId, r.deadline, r.dueAt, r.occasion, to.person].join(' ') },
          });
          return true;
        });
        if (fresh) sent.push(to.person);
      }
      return { sent };
    },
  };
}
