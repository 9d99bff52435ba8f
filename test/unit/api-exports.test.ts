/** CSV for Norwegian Excel and the XLSX workbook, rendered from one allocations object. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Allocations } from '../../schema/allocations.js';
import { allocationsCsv, csvCell } from '../../services/api/export-csv.js';
import { allocationsXlsx, MONEY_FORMAT } from '../../services/api/export-xlsx.js';

const allocations: Allocations = {
  cycle: 'lillehammer-regionen-2027',
  phase: 'adopted',
  basis: { priorityListVersion: 2, status: 'adopted' },
  years: [2027, 2028],
  funders: [
    { id: 'county', name: 'Innlandet fylkeskommune', frame: { 2027: '999999999999.99', 2028: '0.00' }, allocated: { 2027: '0.01', 2028: '0.00' }, remaining: { 2027: '999999999999.98', 2028: '-5.00' } },
  ],
  measures: [
    { id: 'm0001', title: '=HYPERLINK("http://evil")', strategies: ['4.2.1', '5.1'], rank: 1, grants: { 2027: '1250000.00', 2028: '0.10' }, shares: { county: { 2027: '1250000.00', 2028: '0.10' } } },
    { id: 'm0002', title: 'Messe; "Lillehammer" i\nnord', strategies: ['2.1'], rank: null, grants: {}, shares: {} },
  ],
  goals: [{ goal: '4', title: '@SUM(A1)', granted: { 2027: '1250000.00', 2028: '0.10' } }],
  strategies: [{ strategy: '4.2.1', title: '-1+1', granted: { 2027: '1250000.00', 2028: '0.10' } }],
  totals: { granted: { 2027: '1250000.00', 2028: '0.10' }, allocated: '1250000.10' },
};

describe('CSV for Norwegian Excel', () => {
  const csv = allocationsCsv(allocations);
  const lines = csv.slice(1).split('\r\n');

  it('is UTF-8 with a BOM, ";" separated, CRLF, with a blank line between the tables', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.replace(/\r\n/g, '').includes('\r')).toBe(false);
    expect(lines[0]).toBe('Tiltak;Tittel;Strategier;Rang;År;Tilskudd;Innlandet fylkeskommune (county)');
    expect(lines.filter((l) => l === '')).toHaveLength(4); // three separators and the final CRLF
  });

  it('writes money with a decimal comma and an ASCII minus, no thousands separator', () => {
    expect(lines).toContain('county;Innlandet fylkeskommune;2027;999999999999,99;0,01;999999999999,98');
    expect(lines).toContain('county;Innlandet fylkeskommune;2028;0,00;0,00;-5,00');
  });

  it('guards text a spreadsheet would run as a formula, and quotes what needs quoting', () => {
    expect(lines[1]).toBe(`m0001;"'=HYPERLINK(""http://evil"")";"=""4.2.1, 5.1""";1;2027;1250000,00;1250000,00`);
    expect(csv).toContain(`4;'@SUM(A1)`);
    expect(csv).toContain(`"=""4.2.1""";'-1+1;2027`);
    expect(csv).toContain(`m0002;"Messe; ""Lillehammer"" i` + '\n' + `nord";"=""2.1""";;2027;0,00;0,00`);
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}x`, 'text')).toMatch(/^"?'/);
    expect(csvCell('Plain text', 'text')).toBe('Plain text');
    expect(csvCell('-5.00', 'money')).toBe('-5,00');
  });
});

describe('the XLSX workbook', () => {
  it('has a sheet per table with money as numbers in NOK format that survive the round trip to the øre', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await allocationsXlsx(allocations)) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Tiltak', 'Finansiører', 'Delmål', 'Strategier']);
    const funders = workbook.getWorksheet('Finansiører')!;
    expect(funders.getRow(1).values).toEqual([undefined, 'Finansiør', 'Navn', 'År', 'Ramme', 'Tildelt', 'Gjenstår']);
    const amounts = [2, 3].flatMap((r) => [4, 5, 6].map((c) => funders.getRow(r).getCell(c)));
    expect(amounts.map((cell) => (cell.value as number).toFixed(2))).toEqual(['999999999999.99', '0.01', '999999999999.98', '0.00', '0.00', '-5.00']);
    expect(amounts.every((cell) => cell.numFmt === MONEY_FORMAT)).toBe(true);
    const measures = workbook.getWorksheet('Tiltak')!;
    expect(measures.getRow(2).values).toEqual([undefined, 'm0001', '=HYPERLINK("http://evil")', '4.2.1, 5.1', 1, 2027, 1250000, 1250000]);
    expect(measures.getCell('B2').type).toBe(ExcelJS.ValueType.String);
  });

  it('stores every øre amount up to 1e12 exactly', () => {
    for (const amount of ['999999999999.99', '123456789012.35', '0.10', '0.29', '1.15', '100000000000.01', '765432109876.54']) {
      expect(Number(amount).toFixed(2)).toBe(amount);
    }
  });
});
