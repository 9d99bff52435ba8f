/**
 * One municipal council's adoption of its contribution in one round: waits for the decision the
 * parent cycle has validated, flags the parent when the deadline passes (the council may still
 * decide later), and records the decision before it returns.
 */
import { condition, getExternalWorkflowHandle, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import * as m from './messages.js';

const record = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '10s' },
});

export interface AdoptionRequest {
  cycleId: string;
  municipality: string;
  round: number;
  requested: m.YearMap;
  dueAt: string;
  recordSeqBase: string;
}

export interface AdoptionOutcome {
  municipality: string;
  decision: m.AdoptionDecision;
  amounts: m.YearMap; // what the council adopted: requested, reduced, or zero when rejected
  caseNumber: string;
  decidedOn: string;
}

export async function adoptionWorkflow(req: AdoptionRequest): Promise<AdoptionOutcome> {
  let decision: (m.AdoptionInput & { recordedBy: string }) | undefined;
  let dueAt = req.dueAt;
  let overdueReported = false;
  setHandler(m.adoptionDecided, (d) => {
    decision ??= d;
  });
  setHandler(m.adoptionDeadlineMoved, ({ dueAt: to }) => {
    dueAt = to;
    overdueReported = false;
  });

  while (decision === undefined) {
    const seen = dueAt;
    const ms = Date.parse(dueAt) - Date.now();
    if (ms > 0) {
      await condition(() => decision !== undefined || dueAt !== seen, ms);
      continue;
    }
    if (!overdueReported) {
      overdueReported = true;
      const parent = workflowInfo().parent;
      if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(m.adoptionOverdue, { municipality: req.municipality, round: req.round });
    }
    await condition(() => decision !== undefined || dueAt !== seen);
  }

  const d = decision;
  const amounts = d.decision === 'adopted' ? req.requested
    : d.decision === 'reduced' ? (d.amounts ?? {})
    : Object.fromEntries(Object.keys(req.requested).map((y) => [y, '0.00']));
  const outcome: AdoptionOutcome = { municipality: req.municipality, decision: d.decision, amounts, caseNumber: d.caseNumber, decidedOn: d.decidedOn };
  await record.recordAdoption({
    cycleId: req.cycleId, round: req.round, municipality: req.municipality, decision: d.decision, requested: req.requested,
    amounts, caseNumber: d.caseNumber, decidedOn: d.decidedOn, recordedBy: d.recordedBy,
    audit: { key: `${req.recordSeqBase}#decision`, at: new Date(Date.now()).toISOString(), cycleId: req.cycleId, actor: d.recordedBy, action: `adoption:${d.decision}`, ref: d.caseNumber, detail: { municipality: req.municipality, round: req.round, amounts } },
  });
  return outcome;
}
