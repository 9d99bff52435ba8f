/**
 * Starting a cycle: the checks only the API can make (the partnership's funders and years, the
 * deadlines against the clock, the carry-over from year Y-1), then the cycle workflow itself,
 * awaited until its row is in Postgres. A year can be started once, ever: the workflow id is the
 * cycle id with REJECT_DUPLICATE, and the cycles table has the year too.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { formatMoney, isMoney, parseMoney } from '../domain/money.js';
import type { StartCycleRequest } from '../schema/api.js';
import { COUNTY_ID, strategyCodes, type PartnershipConfig } from '../schema/partnership.js';
import type { cycleWorkflow } from '../workflows/cycle.js';
import { cycleRecorded, type CycleInput, type CycleStatus, type Deadlines } from '../workflows/messages.js';
import { actorOf, type Principal } from '../services/api/auth.js';
import type { Core } from './context.js';
import { Problem, problemFromTemporal, type FieldError } from './problem.js';
import * as records from './records.js';

type StartRequest = z.output<typeof StartCycleRequest>;

export const cycleIdOf = (partnershipId: string, year: number) => `${partnershipId}-${year}`;

/** Every funder of the partnership, with exactly the years Y..Y+3. */
export function frameErrors(config: PartnershipConfig, year: number, frames: StartRequest['frames']): FieldError[] {
  const funders = [COUNTY_ID, ...config.municipalities.map((m) => m.id)];
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const errors: FieldError[] = [];
  for (const id of Object.keys(frames)) {
    if (!funders.includes(id))
      errors.push({ path: `frames.${id}`, message: `not a funder of ${config.id} (funders: ${funders.join(', ')})` });
  }
  for (const id of funders) {
    const byYear = frames[id];
    if (!byYear) {
      errors.push({ path: `frames.${id}`, message: `the frame of ${id} is missing` });
      continue;
    }
    years
      .filter((y) => byYear[y] === undefined)
      .forEach((y) => errors.push({ path: `frames.${id}.${y}`, message: 'missing: frames cover the years Y..Y+3' }));
    Object.keys(byYear)
      .filter((y) => !years.includes(y))
      .forEach((y) =>
        errors.push({ path: `frames.${id}.${y}`, message: `outside the years ${years[0]}..${years[3]}` }),
      );
  }
  return errors;
}

/** Year Y's frame plus what Y-1 carries over must still be an amount the engine holds (12 digits). */
export function carryOverErrors(
  year: number,
  frames: StartRequest['frames'],
  carryOver: Record<string, string>,
): FieldError[] {
  const y = String(year);
  return Object.entries(carryOver)
    .filter(([id, carried]) => !isMoney(formatMoney(parseMoney(frames[id]?.[y] ?? '0.00').plus(parseMoney(carried)))))
    .map(([id, carried]) => ({
      path: `frames.${id}.${y}`,
      message: `with ${carried} carried over from ${year - 1} the frame would exceed 999999999999.99`,
    }));
}

/** In the future, and proposals ≤ ipr ≤ adoption. */
export function deadlineErrors(deadlines: Deadlines, now: number): FieldError[] {
  const order = ['proposals', 'ipr', 'adoption'] as const;
  const errors: FieldError[] = [];
  for (const name of order) {
    if (Date.parse(deadlines[name]) <= now)
      errors.push({ path: `deadlines.${name}`, message: 'must be in the future' });
  }
  for (let i = 1; i < order.length; i++) {
    const [before, after] = [order[i - 1]!, order[i]!];
    if (Date.parse(deadlines[after]) < Date.parse(deadlines[before]))
      errors.push({ path: `deadlines.${after}`, message: `must not be before deadlines.${before}` });
  }
  return errors;
}

/** The memo field that names the request (its Idempotency-Key's operation id) that started a cycle. */
const STARTED_BY_REQUEST = 'startedByRequest';

/**
 * The status of the cycle `cycleId` when the request `operationId` started it (a retry of a start
 * whose answer was lost), else null. The workflow's memo keeps the id for as long as Temporal
 * keeps the workflow.
 */
async function startedBy(ctx: Core, cycleId: string, operationId: string | undefined): Promise<CycleStatus | null> {
  if (operationId === undefined) return null;
  const handle = ctx.temporal.workflow.getHandle<typeof cycleWorkflow>(cycleId);
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  });
  if (description?.memo?.[STARTED_BY_REQUEST] !== operationId) return null;
  return handle.executeUpdate(cycleRecorded);
}

/**
 * Starts the cycle. With `operationId` (from an Idempotency-Key) a retry of the same request after
 * the workflow started, whatever became of the first answer, answers the cycle as started, not 409.
 */
export async function startCycle(
  ctx: Core,
  actor: Principal,
  partnershipId: string,
  req: StartRequest,
  operationId?: string,
): Promise<CycleStatus> {
  const partnership = await records.partnership(ctx.sql, partnershipId);
  if (!partnership) throw new Problem('notFound', `no partnership ${partnershipId}`);
  if (!partnership.plan) throw new Problem('conflict', `partnership ${partnershipId} has no strategic plan loaded`);

  const errors = [
    ...frameErrors(partnership.config, req.year, req.frames),
    ...deadlineErrors(req.deadlines, Date.now()),
  ];
  if (errors.length)
    throw new Problem('invalidInput', 'the cycle cannot start with these frames and deadlines', errors);

  const cycleId = cycleIdOf(partnershipId, req.year);
  const exists = () => new Problem('conflict', `the cycle for ${req.year} exists already (${cycleId})`);
  if (await records.cycle(ctx.sql, cycleId))
    return (await startedBy(ctx, cycleId, operationId)) ?? Promise.reject(exists());

  let carryOver: Record<string, string> = {};
  if (req.carryOver) {
    const previous = cycleIdOf(partnershipId, req.year - 1);
    const carried = await records.carriedOver(ctx.sql, previous);
    if (carried === null)
      throw new Problem(
        'conflict',
        `carryOver asks for the unspent money of ${previous}, but that year has not been closed`,
      );
    carryOver = carried;
    const overflow = carryOverErrors(req.year, req.frames, carryOver);
    if (overflow.length)
      throw new Problem('invalidInput', 'the carried-over money does not fit on top of these frames', overflow);
  }

  const input: CycleInput = {
    cycleId,
    partnership: partnership.config,
    strategyCodes: strategyCodes(partnership.plan),
    indicatorIds: partnership.plan.indicators.map((i) => String(i.id)),
    year: req.year,
    frames: req.frames,
    deadlines: req.deadlines,
    carryOver,
    startedBy: actorOf(actor),
    reminders: { daysBefore: ctx.config.REMINDER_DAYS_BEFORE },
  };
  try {
    const handle = await ctx.temporal.workflow.start<typeof cycleWorkflow>('cycleWorkflow', {
      workflowId: cycleId,
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      ...(operationId === undefined ? {} : { memo: { [STARTED_BY_REQUEST]: operationId } }),
    });
    return await handle.executeUpdate(cycleRecorded);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const status = await startedBy(ctx, cycleId, operationId);
      if (status) return status;
    }
    throw problemFromTemporal(err) ?? err;
  }
}
