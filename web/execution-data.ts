/**
 * What the execution pages show of a cycle: each granted measure's grant per year (the adopted
 * list's, from the allocation snapshot), the money spent so far (the sum of its progress reports)
 * and what remains, with the reports themselves. Sums are of decimal strings, to the øre.
 */
import { formatMoney, parseMoney, sumMoney } from '../domain/money.js';
import {
  executionRecords,
  records,
  type CycleRecord,
  type MeasureRecord,
  type ProgressReportRecord,
  type WebContext,
} from './core.js';

export interface MeasureProgress {
  measure: MeasureRecord;
  /** granted per year, the years with a grant only */
  grants: Record<string, string>;
  /** spent so far per year, for the same years */
  spent: Record<string, string>;
  remaining: Record<string, string>;
  reports: ProgressReportRecord[];
}

/** Money per year summed over the reports' `spent`. */
export function spentSoFar(reports: Pick<ProgressReportRecord, 'spent'>[]): Record<string, string> {
  const years = new Set(reports.flatMap((r) => Object.keys(r.spent)));
  return Object.fromEntries(
    [...years].map((y) => [y, formatMoney(sumMoney(reports.map((r) => parseMoney(r.spent[y] ?? '0.00'))))]),
  );
}

/** The measures with a grant in the cycle's adopted list, in the list's order, with their spending. */
export async function measureProgress(ctx: WebContext, cycle: CycleRecord): Promise<MeasureProgress[]> {
  const [snapshot, measures, reports] = await Promise.all([
    ctx.allocations.get(cycle.id),
    records.measures(ctx.sql, cycle.id),
    executionRecords.progressReports(ctx.sql, cycle.id),
  ]);
  // Before the year is adopted the snapshot's figures rest on no adopted list: nothing is granted yet.
  if (!snapshot || snapshot.allocations.basis.status !== 'adopted') return [];
  const byId = new Map(measures.map((m) => [m.id, m]));
  const reportsOf = new Map<string, ProgressReportRecord[]>();
  for (const r of reports) reportsOf.set(r.measureId, [...(reportsOf.get(r.measureId) ?? []), r]);
  return snapshot.allocations.measures.flatMap((a) => {
    const measure = byId.get(a.id);
    const grants = Object.fromEntries(Object.entries(a.grants).filter(([, g]) => !parseMoney(g).isZero()));
    if (!measure || Object.keys(grants).length === 0) return [];
    const own = reportsOf.get(a.id) ?? [];
    const sums = spentSoFar(own);
    const spent = Object.fromEntries(Object.keys(grants).map((y) => [y, sums[y] ?? '0.00']));
    const remaining = Object.fromEntries(
      Object.entries(grants).map(([y, g]) => [y, formatMoney(parseMoney(g).minus(parseMoney(spent[y] ?? '0.00')))]),
    );
    return [{ measure, grants, spent, remaining, reports: own }];
  });
}

/** Whether the person may report on the measure: its proposer or an administrator (docs/api.md). */
export const mayReport = (person: { sub: string; roles: readonly string[] }, m: Pick<MeasureRecord, 'proposedBy'>) =>
  person.roles.includes('admin') || m.proposedBy === person.sub;
