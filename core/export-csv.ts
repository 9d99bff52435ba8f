/**
 * CSV that Norwegian Excel opens right: UTF-8 with a byte-order mark, ";" between cells, decimal
 * comma (1250000,00) with an ASCII minus, CRLF line ends, and the tables one after another with a
 * blank line between. Text that a spreadsheet would run as a formula (= + - @ TAB CR first) is
 * prefixed with an apostrophe; strategy codes such as "4.2.1", which Excel would turn into dates,
 * are written as the text formula ="4.2.1" (codes are validated digits and dots, never user text).
 */
import type { Allocations } from '../schema/allocations.js';
import { allocationTables, type Cell, type ColumnKind, type Table } from './allocation-tables.js';

const BOM = '\uFEFF';
const SEPARATOR = ';';
const EOL = '\r\n';

/** Text a spreadsheet would take for a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Codes with a dot, such as "2.1" or "4.2.1, 5.1"; a bare goal number such as "4" is just a number. */
const DATE_LIKE_CODE = /^(?=.*\.)\d+(\.\d+)*(, \d+(\.\d+)*)*$/;

/** "1250000.00" -> "1250000,00"; "-5.00" -> "-5,00". */
const decimalComma = (money: string) => money.replace('.', ',');

function quote(s: string): string {
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvCell(value: Cell, kind: ColumnKind): string {
  if (value === null) return '';
  if (kind === 'money') return decimalComma(String(value));
  if (kind === 'integer') return String(value);
  const s = String(value);
  if (kind === 'code' && DATE_LIKE_CODE.test(s)) return quote(`="${s}"`);
  return quote(FORMULA_START.test(s) ? `'${s}` : s);
}

function tableLines(table: Table): string[] {
  return [
    table.columns.map((c) => csvCell(c.header, 'text')).join(SEPARATOR),
    ...table.rows.map((row) => row.map((v, i) => csvCell(v, table.columns[i]!.kind)).join(SEPARATOR)),
  ];
}

/** Tables as one CSV file, one after another with a blank line between (one table: a flat file). */
export function csvFile(tables: Table[]): string {
  const blocks = tables.map((t) => tableLines(t).join(EOL));
  return BOM + blocks.join(EOL + EOL) + EOL;
}

export function allocationsCsv(a: Allocations): string {
  return csvFile(allocationTables(a));
}
