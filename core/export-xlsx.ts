/**
 * The allocations as an Excel workbook: one sheet per table (measures, funders, goals,
 * strategies). Money cells are numbers with the format '#,##0.00', which Norwegian Excel shows
 * as 1 250 000,00. The decimal strings become numbers only here, because xlsx stores doubles; any
 * amount up to 1e12 with two decimals survives that exactly (test/unit/api-exports.test.ts).
 *
 * Written in a workbook thread (core/workbook-threads.ts), which imports this module: it imports
 * little beyond exceljs, so a thread starts fast.
 */
import ExcelJS from 'exceljs';
import type { Allocations } from '../schema/allocations.js';
import { allocationTables } from './allocation-tables.js';
import { inWorkbookThread } from './workbook-threads.js';

export const MONEY_FORMAT = '#,##0.00';

/** The workbook, written off the event loop. */
export const allocationsXlsx = (a: Allocations): Promise<Buffer> =>
  inWorkbookThread(import.meta.url, writeAllocationsXlsx, [a]);

/** The workbook, written on the calling thread (a workbook thread's work). */
export async function writeAllocationsXlsx(a: Allocations): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'HØP';
  workbook.title = `Tildelinger ${a.cycle}`;
  for (const table of allocationTables(a)) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({
      header: c.header,
      width: c.kind === 'money' ? 18 : c.kind === 'text' ? 30 : 10,
      ...(c.kind === 'money' ? { style: { numFmt: MONEY_FORMAT } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      sheet.addRow(row.map((v, i) => (table.columns[i]!.kind === 'money' && v !== null ? Number(v) : v)));
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
