/**
 * The adopted plan and its year: the allocations locked as the binding plan, progress and money
 * spent reported per measure, indicators reported, and the year closed with its balance.
 */
import { condition } from '@temporalio/workflow';
import { statusOf } from '../../domain/cycle-state.js';
import { addMoney, measureStatuses, normalize, shareList, yearEndFor } from '../../domain/ledger.js';
import type * as m from '../messages.js';
import { audit, type Cycle, setPhase } from './context.js';
import { RECORD, write, writeBulk } from './records.js';
import { continueAsNewIfSuggested, continueAsNewSuggested } from './run-control.js';

/** Every council adopted: the list's shares become the binding plan, each row pointing at its decisions. */
export async function lockAllocations(cycle: Cycle, list: m.PriorityListState): Promise<void> {
  const { cfg, state } = cycle;
  state.adoptedListVersion = list.version;
  const statuses = measureStatuses(state.measures, list.items);
  for (const measure of state.measures) measure.status = statuses[measure.id] ?? measure.status;
  const refs = Object.entries(state.standing).map(([municipality, a]) => ({
    municipality,
    round: a.round,
    decision: a.decision,
    caseNumber: a.caseNumber,
    decidedOn: a.decidedOn,
  }));
  const entry = audit(cycle, 'system', 'allocations:lock', `v${list.version}`, {
    caseNumber: list.meeting.caseNumber,
    adoptions: refs,
  });
  const shares = shareList(cfg, state, list.items);
  await cycle.records.write([RECORD.allocations], () =>
    writeBulk.recordAllocations({
      cycleId: cfg.cycleId,
      version: list.version,
      shares,
      statuses,
      adoptionRefs: refs,
      audit: entry,
    }),
  );
  await setPhase(cycle, 'adopted', 'system', `all councils adopted; priority list ${list.version} is the binding plan`);
}

type Progress = { actor: m.Actor; report: m.ProgressReportInput };

export async function reportProgress(cycle: Cycle, { actor, report }: Progress): Promise<{ id: string }> {
  const { cfg, state } = cycle;
  state.reportSeq += 1;
  const id = `r${String(state.reportSeq).padStart(5, '0')}`;
  const spent = (state.spent[report.measureId] ??= {});
  const reported = normalize(report.spent);
  for (const [year, amount] of Object.entries(reported)) spent[year] = addMoney(spent[year], amount);
  const entry = audit(cycle, actor.sub, 'measure:report', report.measureId, { id });
  await cycle.records.write([RECORD.progress(id)], () =>
    write.recordProgress({ cycleId: cfg.cycleId, id, ...report, spent: reported, reportedBy: actor.sub, audit: entry }),
  );
  return { id };
}

export async function reportIndicators(
  cycle: Cycle,
  { actor, indicators }: { actor: m.Actor; indicators: m.IndicatorInput },
): Promise<{ count: number }> {
  const entry = audit(cycle, actor.sub, 'indicators:report', String(indicators.year));
  await cycle.records.write([RECORD.indicators], () =>
    write.recordIndicators({ cycleId: cycle.cfg.cycleId, ...indicators, reportedBy: actor.sub, audit: entry }),
  );
  return { count: indicators.values.length };
}

/** The year's balance per funder, carried over or released, then the cycle closed. */
export async function closeYear(
  cycle: Cycle,
  { actor, carryOver }: { actor: m.Actor; carryOver: boolean },
): Promise<m.CycleStatus> {
  const { cfg, state } = cycle;
  state.yearEnd = yearEndFor(cfg, state, carryOver);
  const rows = state.yearEnd;
  const entry = audit(cycle, actor.sub, 'year:close', null, { carryOver });
  await cycle.records.write([RECORD.yearEnd], () => write.recordYearEnd({ cycleId: cfg.cycleId, rows, audit: entry }));
  await setPhase(
    cycle,
    'closed',
    actor.sub,
    carryOver ? 'year closed; unspent money carried over to the next year' : 'year closed; unspent money released',
  );
  return statusOf(cfg, state);
}

/** The year runs: progress reports and indicators until the close; a long year continues as new. */
export async function execution(cycle: Cycle): Promise<void> {
  const { state } = cycle;
  while (state.phase === 'adopted') {
    await condition(() => state.phase !== 'adopted' || continueAsNewSuggested());
    if (state.phase === 'adopted') await continueAsNewIfSuggested(cycle);
  }
}
