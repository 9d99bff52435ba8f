/**
 * Where an Update's time goes, read from its workflow's history: for every Update of one name,
 * the medians of the steps the server time-stamps (the workflow task that accepts it, the record
 * activity's dispatch and run, the workflow task that completes it). scripts/bench-api.ts prints
 * them for the submission and its no-op floor, so that the gap between the two can be told apart.
 */
import type { WorkflowHandle } from '@temporalio/client';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

const ms = (e: HistoryEvent | undefined): number => {
  const t = e?.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : NaN;
};

const median = (xs: number[]): number => {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10 : NaN;
};

/**
 * Steps of each Update named `name`, in milliseconds: `taskQueued`/`taskRun` the accepting workflow
 * task (scheduled to started, to completed), `activityQueued`/`activityRun` the first activity it schedules (to started, to
 * completed), `resumeQueued`/`resumeTask` the workflow task that follows the activity, and `total`
 * from the accepting task's schedule to the Update's completion.
 */
export function updateTimeline(history: History, name: string): Record<string, number> {
  const events = history.events ?? [];
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const steps: Record<string, number[]> = {};
  const add = (step: string, value: number) => (steps[step] ??= []).push(value);
  events.forEach((accepted, i) => {
    const attrs = accepted.workflowExecutionUpdateAcceptedEventAttributes;
    if (attrs?.acceptedRequest?.input?.name !== name) return;
    // The accepting task: the WorkflowTaskCompleted before the acceptance, and its Scheduled.
    const completed = events
      .slice(0, i)
      .reverse()
      .find((e) => e.workflowTaskCompletedEventAttributes);
    const scheduled = byId.get(Number(completed?.workflowTaskCompletedEventAttributes?.scheduledEventId));
    const done = events
      .slice(i)
      .find(
        (e) => Number(e.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId) === Number(accepted.eventId),
      );
    const activity = events.slice(i, i + 3).find((e) => e.activityTaskScheduledEventAttributes);
    const taskStarted = byId.get(Number(completed?.workflowTaskCompletedEventAttributes?.startedEventId));
    add('taskQueued', ms(taskStarted) - ms(scheduled));
    add('taskRun', ms(completed) - ms(taskStarted));
    add('total', ms(done) - ms(scheduled));
    if (!activity) return;
    const started = events.find(
      (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(activity.eventId),
    );
    const closed = events.find(
      (e) => Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(activity.eventId),
    );
    const k = events.indexOf(closed!);
    const resumed = events.slice(k).find((e) => e.workflowTaskStartedEventAttributes);
    const resumedDone = events.slice(k).find((e) => e.workflowTaskCompletedEventAttributes);
    add('activityQueued', ms(started) - ms(activity));
    add('activityRun', ms(closed) - ms(started));
    add('resumeQueued', ms(resumed) - ms(closed));
    add('resumeTask', ms(resumedDone) - ms(resumed));
  });
  return Object.fromEntries(Object.entries(steps).map(([step, values]) => [step, median(values)]));
}
