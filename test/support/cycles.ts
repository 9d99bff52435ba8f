/**
 * Helpers for tests that drive a cycle through the workflow: reference partnership, actors,
 * frames and deadlines built the way an administrator would give them.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/client';
import { randomInt } from 'node:crypto';
import { referencePartnership, referencePlan } from '../../schema/reference/load.js';
import { strategyCodes, type PartnershipConfig } from '../../schema/partnership.js';
import type { cycleWorkflow } from '../../workflows/cycle.js';
import * as m from '../../workflows/messages.js';

export const lillehammer = (): PartnershipConfig => referencePartnership('lillehammer-regionen');

export const admin: m.Actor = { sub: 'lrv-admin', name: 'Sekretariatet', roles: ['admin'] };
export const proposer = (sub = 'lrv-proposer'): m.Actor => ({ sub, name: sub, roles: ['proposer'] });
export const clerk = (municipality: string): m.Actor => ({
  sub: `clerk-${municipality}`,
  name: `Clerk ${municipality}`,
  roles: ['municipal_clerk'],
  municipality,
});
export const voters = (p: PartnershipConfig): m.Actor[] =>
  p.ipr.roster.filter((r) => r.votes).map((r) => ({ sub: r.id, name: r.name, roles: ['ipr_member'] }));

/** Whether the Temporal server has ever run a workflow with this id (a cycle's id is never reused). */
export async function workflowExists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

/**
 * A random year Y from 2100 such that the partnership's cycles Y..Y+span were never started on
 * this Temporal server, for scripts that run against a server that keeps earlier runs' cycles.
 */
export async function unusedYear(client: Client, partnershipId: string, span = 1): Promise<number> {
  for (;;) {
    const year = 2100 + randomInt(90 - span);
    const years = Array.from({ length: span + 1 }, (_, i) => year + i);
    if (!(await Promise.all(years.map((y) => workflowExists(client, `${partnershipId}-${y}`)))).some(Boolean))
      return year;
  }
}

/** The same frame for every year Y..Y+3: county amount, and each municipality's amount. */
export function frames(p: PartnershipConfig, year: number, county: string, municipality: string): m.FunderYearMap {
  const byYear = (amount: string) => Object.fromEntries([0, 1, 2, 3].map((i) => [String(year + i), amount]));
  return { county: byYear(county), ...Object.fromEntries(p.municipalities.map((mu) => [mu.id, byYear(municipality)])) };
}

export const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();

export interface StartOptions {
  partnership?: PartnershipConfig;
  year: number;
  frames: m.FunderYearMap;
  deadlines?: Partial<m.Deadlines>;
  carryOver?: Record<string, string>;
  /** e-mail reminders (workflows/cycle/reminders.ts); off unless given */
  reminders?: m.CycleInput['reminders'];
}

export async function startCycle(
  client: Client,
  taskQueue: string,
  o: StartOptions,
): Promise<WorkflowHandle<typeof cycleWorkflow>> {
  const p = o.partnership ?? lillehammer();
  const cycleId = `${p.id}-${o.year}`;
  const input: m.CycleInput = {
    cycleId,
    partnership: p,
    strategyCodes: strategyCodes(referencePlan(lillehammer().id)),
    indicatorIds: referencePlan(lillehammer().id).indicators.map((i) => String(i.id)),
    year: o.year,
    frames: o.frames,
    deadlines: { proposals: inSeconds(3600), ipr: inSeconds(7200), adoption: inSeconds(10800), ...o.deadlines },
    carryOver: o.carryOver ?? {},
    startedBy: admin,
    ...(o.reminders ? { reminders: o.reminders } : {}),
  };
  const handle = await client.workflow.start<typeof cycleWorkflow>('cycleWorkflow', {
    workflowId: cycleId,
    taskQueue,
    args: [input],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  await handle.executeUpdate(m.cycleRecorded);
  return handle;
}

export const measure = (year: number, amount: string, strategies = ['2.1']): m.MeasureInput => ({
  title: `Tiltak ${amount}`,
  description: 'Beskrivelse',
  strategies,
  responsible: 'LRV',
  amounts: { [String(year)]: amount },
  cofunding: [],
});

/** The ApplicationFailure type a rejected Update carried. */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { cause?: { type?: string } }).cause?.type ?? String(e);
  }
  throw new Error('expected the update to be rejected');
}

/** The council's clerk records its decision through the cycle's Update; the amounts only when reduced. */
export const decide = (
  h: WorkflowHandle<typeof cycleWorkflow>,
  municipality: string,
  decision: m.AdoptionDecision,
  caseNumber: string,
  decidedOn: string,
  amounts?: m.YearMap,
) =>
  h.executeUpdate(m.recordAdoption, {
    args: [
      {
        actor: clerk(municipality),
        adoption: { municipality, decision, caseNumber, decidedOn, ...(amounts ? { amounts } : {}) },
      },
    ],
  });
