/**
 * The finance officer's fordeling.xlsx as exceljs writes it (web/allocation-export.ts says what it
 * holds): each sheet under its header block, money as numbers in a kr format, and the totals rows'
 * SUM/SUMIFS formulas with their results computed here in whole øre.
 *
 * Written in a workbook thread (core/workbook-threads.ts), which imports this module: so it imports
 * exceljs and the øre sums alone (web/core.ts would bring the whole engine into the thread).
 */
import ExcelJS from 'exceljs';
import { sumAmounts } from './charts/allocation-charts.js';
import type { Table } from './core.js';

/** This module, for the workbook thread to import. */
export const WORKBOOK_MODULE = import.meta.url;

/** Norwegian Excel shows 1250000.5 as "1 250 000,50 kr". */
export const KR_FORMAT = '#,##0.00 "kr"';

/** A totals row: its label, the values it filters on (column index -> value), and the columns it sums. */
export interface Total {
  label: string;
  where?: Record<number, string | number>;
  sums: number[];
}

export interface Sheet {
  table: Table;
  totals: Total[];
}

/** The exact sum of a money column over the rows a total filters on. */
export function totalOf(table: Table, total: Total, column: number): string {
  const matching = table.rows.filter((row) =>
    Object.entries(total.where ?? {}).every(([i, v]) => row[Number(i)] === v),
  );
  return sumAmounts(matching.flatMap((row) => (typeof row[column] === 'string' ? [row[column]] : [])));
}

/** The workbook: its title, when it was made, the header block's lines (label, value) and its sheets. */
export interface Workbook {
  title: string;
  madeAt: Date;
  header: [string, string][];
  sheets: Sheet[];
}

const column = (i: number) => String.fromCharCode(65 + i);
const criterion = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);

/** The workbook, written on the calling thread (a workbook thread's work). */
export async function writeAllocationWorkbook({ title, madeAt, header, sheets }: Workbook): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'HØP';
  workbook.title = `Tildelinger ${title}`;
  workbook.created = madeAt;
  for (const { table, totals } of sheets) {
    const headRow = header.length + 3;
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: headRow }] });
    sheet.getCell('A1').value = `Tildelinger – ${title}`;
    sheet.getCell('A1').font = { bold: true, size: 14 };
    header.forEach(([label, value], i) => {
      sheet.getCell(`A${i + 2}`).value = label;
      sheet.getCell(`A${i + 2}`).font = { bold: true };
      sheet.getCell(`B${i + 2}`).value = value;
    });
    table.columns.forEach((c, i) => {
      sheet.getColumn(i + 1).width = c.kind === 'money' ? 20 : c.kind === 'text' ? 28 : 10;
    });
    // The format on each money cell rather than the column: exceljs copies a column's style into
    // every cell of it, which takes twice as long for a 500-measure cycle's 8 000 rows.
    const moneyColumns = table.columns.flatMap((c, i) => (c.kind === 'money' ? [i + 1] : []));
    const head = sheet.getRow(headRow);
    head.values = table.columns.map((c) => c.header);
    head.font = { bold: true };
    table.rows.forEach((row, r) => {
      const line = sheet.getRow(headRow + 1 + r);
      line.values = row.map((v, i) => (table.columns[i]!.kind === 'money' && typeof v === 'string' ? Number(v) : v));
      for (const i of moneyColumns) line.getCell(i).numFmt = KR_FORMAT;
    });
    const first = headRow + 1;
    const last = headRow + Math.max(table.rows.length, 1);
    totals.forEach((t, k) => {
      const row = sheet.getRow(last + 2 + k);
      row.font = { bold: true };
      row.getCell(1).value = t.label;
      for (const [i, v] of Object.entries(t.where ?? {})) if (Number(i) !== 0) row.getCell(Number(i) + 1).value = v;
      for (const i of t.sums) {
        const range = `${column(i)}${first}:${column(i)}${last}`;
        const conditions = Object.entries(t.where ?? {}).map(
          ([c, v]) => `${column(Number(c))}${first}:${column(Number(c))}${last},${criterion(v)}`,
        );
        const cell = row.getCell(i + 1);
        cell.value = {
          formula: conditions.length ? `SUMIFS(${range},${conditions.join(',')})` : `SUM(${range})`,
          result: Number(totalOf(table, t, i)),
        };
        cell.numFmt = KR_FORMAT;
      }
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
