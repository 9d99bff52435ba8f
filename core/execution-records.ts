/**
 * What the execution pages read from the system of record: a cycle's progress reports (each with
 * the money spent in it, per year) and a partnership's indicator values across its cycles, so an
 * indicator's values can be shown year by year. The workflow's activities write these tables
 * (activities/records.ts); this module only reads them. numeric arrives as a string (services/db.ts).
 */
import type postgres from 'postgres';
import type { YearMap } from '../workflows/messages.js';

type Sql = postgres.Sql;

export interface ProgressReportRecord {
  id: string;
  measureId: string;
  progress: string;
  /** money spent in this report, per year (not the running total) */
  spent: YearMap;
  reportedBy: string;
  reportedAt: string;
}

/** A cycle's progress reports, oldest first. */
export async function progressReports(sql: Sql, cycleId: string): Promise<ProgressReportRecord[]> {
  const rows = await sql<(Omit<ProgressReportRecord, 'reportedAt'> & { reportedAt: Date })[]>`
    select id, measure_id as "measureId", progress, spent, reported_by as "reportedBy", reported_at as "reportedAt"
    from progress_reports where cycle_id = ${cycleId} order by reported_at, id`;
  return rows.map(({ reportedAt, ...r }) => ({ ...r, reportedAt: reportedAt.toISOString() }));
}

export interface IndicatorValueRecord {
  indicator: string;
  year: number;
  /** a decimal string such as "88.4" */
  value: string;
  note: string | null;
  /** the cycle whose administrator reported it */
  cycleId: string;
}

/**
 * Every indicator value of the partnership's cycles, one per indicator and year: where two cycles
 * reported the same year (a later cycle correcting an earlier one's figure), the one reported last.
 */
export async function indicatorValues(sql: Sql, partnershipId: string): Promise<IndicatorValueRecord[]> {
  const rows = await sql<IndicatorValueRecord[]>`
    select distinct on (v.indicator, v.year) v.indicator, v.year, v.value::text as value, v.note, v.cycle_id as "cycleId"
    from indicator_values v join cycles c on c.id = v.cycle_id
    where c.partnership_id = ${partnershipId}
    order by v.indicator, v.year, v.reported_at desc`;
  return [...rows];
}
