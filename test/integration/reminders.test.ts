/**
 * Reminders through the real stack: the Temporal dev server, Postgres, the worker as an OS process
 * of its own (test/support/worker-process.ts) sending by SMTP to the real local mail catcher on a
 * free port. Each reminder reaches each pending person once; a moved deadline gets reminders of its
 * own, and a person who acted gets none of them; a worker killed after a reminder is sent and
 * recorded, before it reports back, and a fresh one started, still gives exactly one mail of each.
 * Killed between the send and the record, it sends the mail again (activities/reminders.ts says
 * why that side): two copies with one Message-ID, one record.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../services/mail-catcher/catcher.js';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';
import { admin, frames, inSeconds, lillehammer, measure, proposer, startCycle, voters } from '../support/cycles.js';
import { poll } from '../support/poll.js';
import { connectClient, freshYear, sql, workerProcess as workerProcessOnStack } from '../support/stack.js';
import type { Pause, WorkerProcess } from '../support/worker-process.js';

type Cycle = WorkflowHandle<typeof cycleWorkflow>;
const p = lillehammer();
const voting = voters(p);
const email = (person: string) =>
  person === 'admin' ? p.administration!.email : p.ipr.roster.find((r) => r.id === person)!.email!;

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
});
afterAll(() => catcher.close());

/** The worker sends by SMTP to the catcher; its mails link to a web app at http://hoep.test. */
const workerProcess = (taskQueue: string, pause?: Pause): WorkerProcess =>
  workerProcessOnStack(taskQueue, {
    pause,
    env: { SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}`, WEB_BASE_URL: 'http://hoep.test' },
  });

/** A cycle's mails in the catcher, as "<deadline> <due at> <occasion> <person>". */
const mailsOf = (cycleId: string): string[] =>
  catcher
    .mails()
    .filter((mail) => mail.reminder?.startsWith(`${cycleId} `))
    .map((mail) => mail.reminder!.slice(cycleId.length + 1))
    .sort();

const mailsFor = (cycleId: string, reminder: string): CaughtMail[] =>
  catcher.mails().filter((mail) => mail.reminder === `${cycleId} ${reminder}`);

const untilMails = (cycleId: string, expected: string[], what: string, timeoutMs = 60_000) =>
  poll(
    async () => mailsOf(cycleId),
    (seen) => expected.every((e) => seen.includes(e)),
    what,
    timeoutMs,
  );

/** What reminders_sent holds for the cycle, in the catcher's shape. */
const recorded = async (cycleId: string) =>
  (
    await sql()<{ r: string }[]>`
      select concat_ws(' ', deadline, to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), occasion, person) as r
      from reminders_sent where cycle_id = ${cycleId} order by 1`
  )
    .map((row) => row.r)
    .sort();

async function startWithReminders(taskQueue: string, deadlines: Partial<m.Deadlines>): Promise<Cycle> {
  const year = await freshYear();
  return startCycle(await connectClient(), taskQueue, {
    year,
    frames: frames(p, year, '1500000.00', '400000.00'),
    deadlines,
    reminders: { daysBefore: 3 },
  });
}

async function toPrioritisation(cycle: Cycle): Promise<void> {
  const { year } = await cycle.query(m.getStatus);
  await cycle.executeUpdate(m.submitMeasure, { args: [{ actor: proposer(), measure: measure(year, '300000.00') }] });
  await cycle.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
}

describe('e-mail reminders', () => {
  it(
    'reach each pending person once before the deadline and once when it is overdue; a moved deadline is planned anew',
    { timeout: 150_000 },
    async () => {
      const taskQueue = `reminders-${randomUUID()}`;
      const worker = workerProcess(taskQueue);
      try {
        await worker.next('ready');
        // The proposal and IPR deadlines are within three days: their "before" reminders go at once.
        const cycle = await startWithReminders(taskQueue, { proposals: inSeconds(3600), ipr: inSeconds(7200) });
        const id = cycle.workflowId;
        const { deadlines } = await cycle.query(m.getStatus);
        await untilMails(id, [`proposals ${deadlines.proposals} before admin`], 'the proposal reminder');

        await toPrioritisation(cycle);
        // No list under vote yet: the secretariat is reminded to put one to the vote.
        await untilMails(id, [`ipr:1 ${deadlines.ipr} before admin`], "the secretariat's IPR reminder");
        const recommendation = await cycle.query(m.getRecommendation);
        const list = await cycle.executeUpdate(m.proposePriorityList, {
          args: [{ actor: admin, items: recommendation!.items, meeting: { date: '2026-11-01', caseNumber: '12/26' } }],
        });
        const firstRound = voting.map((v) => `ipr:1 ${deadlines.ipr} before ${v.sub}`);
        await untilMails(id, firstRound, "every voting member's reminder");

        // One member votes; then the meeting is moved a few seconds ahead.
        const [voter, ...others] = voting;
        await cycle.executeUpdate(m.castVote, { args: [{ actor: voter!, version: list.version, vote: 'approve' }] });
        const moved = (
          await cycle.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'ipr', to: inSeconds(6) }] })
        ).ipr;
        const secondRound = others.flatMap((v) => [
          `ipr:1 ${moved} before ${v.sub}`,
          `ipr:1 ${moved} overdue ${v.sub}`,
        ]);
        await untilMails(id, secondRound, 'the moved deadline’s reminders, then the overdue ones');
        await poll(
          () => cycle.query(m.getStatus),
          (s) => s.overdue.includes('ipr'),
          'the IPR step flagged overdue',
        );

        const expected = [
          `proposals ${deadlines.proposals} before admin`,
          `ipr:1 ${deadlines.ipr} before admin`,
          ...firstRound,
          ...secondRound,
        ].sort();
        // Every mail once, and nothing to the member who voted, nor to the secretariat, about the moved deadline.
        await poll(
          () => recorded(id),
          (rows) => rows.length === expected.length,
          'every mail recorded',
        );
        expect(mailsOf(id)).toEqual(expected);
        expect(await recorded(id)).toEqual(expected);

        // The mail itself: to the member's address, in Norwegian, with the link to the vote.
        const [mail] = mailsFor(id, `ipr:1 ${moved} overdue ${others[0]!.sub}`);
        expect(mail!.envelope.to).toEqual([email(others[0]!.sub)]);
        expect(mail!.subject).toBe(`Fristen har gått ut: Stem over prioriteringsliste ${list.version}`);
        expect(mail!.text).toContain(`http://hoep.test/sykluser/${id}/avstemning`);
      } finally {
        await worker.stop();
      }
    },
  );

  it(
    'a worker killed after sending, before it reports back, and started again sends each reminder exactly once',
    { timeout: 240_000 },
    async () => {
      const taskQueue = `reminders-crash-${randomUUID()}`;
      // Call 1 is the proposal reminder at the start; call 2 the IPR reminder once proposals close.
      const pauseSecond: Pause = { activity: 'sendReminders', at: 'after-commit', call: 2 };
      const first = workerProcess(taskQueue, pauseSecond);
      let second: WorkerProcess | undefined;
      let third: WorkerProcess | undefined;
      try {
        await first.next('ready');
        const cycle = await startWithReminders(taskQueue, { proposals: inSeconds(3600), ipr: inSeconds(45) });
        const id = cycle.workflowId;
        await toPrioritisation(cycle);
        await first.next('paused');
        const { deadlines } = await cycle.query(m.getStatus);
        const before = `ipr:1 ${deadlines.ipr} before admin`;
        expect(mailsFor(id, before)).toHaveLength(1);
        await first.kill();

        // The next worker's first call is the retry (it finds the mail recorded), its second the
        // overdue reminder, which it sends and records and then dies before reporting.
        second = workerProcess(taskQueue, pauseSecond);
        await second.next('ready');
        await second.next('paused', 150_000);
        await second.kill();
        third = workerProcess(taskQueue);
        await third.next('ready');

        const expected = [
          `proposals ${deadlines.proposals} before admin`,
          before,
          `ipr:1 ${deadlines.ipr} overdue admin`,
        ];
        await untilRetriesDone(cycle, 3);
        expect(mailsOf(id)).toEqual(expected.sort());
        expect(await recorded(id)).toEqual(expected);
      } finally {
        await Promise.all([first.stop(), second?.stop(), third?.stop()]);
      }
    },
  );

  it(
    'a worker killed between the send and its record errs on the side of a second copy, never of none',
    { timeout: 180_000 },
    async () => {
      const taskQueue = `reminders-crash-${randomUUID()}`;
      // Call 1, the proposal reminder at the start: sent, then the worker dies before the row commits.
      const first = workerProcess(taskQueue, { activity: 'sendReminders', at: 'before-commit', call: 1 });
      let second: WorkerProcess | undefined;
      try {
        await first.next('ready');
        const cycle = await startWithReminders(taskQueue, { proposals: inSeconds(3600), ipr: inSeconds(7200) });
        const id = cycle.workflowId;
        await first.next('paused');
        const { deadlines } = await cycle.query(m.getStatus);
        const reminder = `proposals ${deadlines.proposals} before admin`;
        expect(mailsFor(id, reminder)).toHaveLength(1);
        await first.kill();
        expect(await recorded(id)).toEqual([]); // rolled back with the dead worker's transaction

        second = workerProcess(taskQueue);
        await second.next('ready');
        await untilRetriesDone(cycle, 1);
        const copies = mailsFor(id, reminder);
        expect(copies).toHaveLength(2);
        expect(new Set(copies.map((c) => c.messageId)).size).toBe(1); // a mail client can drop the second
        expect(await recorded(id)).toEqual([reminder]);
      } finally {
        await Promise.all([first.stop(), second?.stop()]);
      }
    },
  );
});

/**
 * At least `reminders` sendReminders scheduled and every activity of the cycle completed, the
 * retries after the kills included: nothing is under way that could still send.
 */
async function untilRetriesDone(cycle: Cycle, reminders: number): Promise<void> {
  await poll(
    async () => {
      const events = (await cycle.fetchHistory()).events ?? [];
      return {
        reminders: events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendReminders')
          .length,
        scheduled: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
        completed: events.filter((e) => e.activityTaskCompletedEventAttributes).length,
      };
    },
    (n) => n.reminders >= reminders && n.completed === n.scheduled,
    'every reminder activity completed',
    150_000,
  );
}
