/** CSV for Norwegian Excel and the XLSX workbook, rendered from one allocations object. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Allocations } from '../../schema/allocations.js';
import { allocationsCsv, csvCell } from '../../core/export-csv.js';
import { allocationsXlsx, MONEY_FORMAT } from '../../core/export-xlsx.js';

const allocations: Allocations = {
  cycle: 'lillehammer-regionen-2027',
  phase: 'adopted',
  basis: { priorityListVersion: 2, status: 'adopted' },
  years: [2027, 2028],
  funders: [
    {
      id: 'county',
      name: 'Innlandet fylkeskommune',
      frame: { 2027: '999999999999.99', 2028: '0.00' },
      allocated: { 2027: '0.01', 2028: '0.00' },
      remaining: { 2027: '999999999999.98', 2028: '-5.00' },
    },
  ],
  measures: [
    {
      id: 'm0001',
      title: '=HYPERLINK("http://evil")',
      strategies: ['4.2.1', '5.1'],
      rank: 1,
      grants: { 2027: '1250000.00', 2028: '0.10' },
      shares: { county: { 2027: '1250000.00', 2028: '0.10' } },
    },
    { id: 'm0002', title: 'Messe; "Lillehammer" i\nnord', strategies: ['2.1'], rank: null, grants: {}, shares: {} },
  ],
  goals: [{ goal: '4', title: '@SUM(A1)', granted: { 2027: '1250000.00', 2028: '0.10' } }],
  strategies: [{ strategy: '4.2.1', title: '-1+1', granted: { 2027: '1250000.00', 2028: '0.10' } }],
  totals: { granted: { 2027: '1250000.00', 2028: '0.10' }, allocated: '1250000.10' },
  unsplit: [],
};

/**
 * Amounts a double does not hold exactly (0.29, 1.15, ...) and the largest the API takes, in every
 * money column, for the round trip through the workbook.
 */
const awkward: Allocations = {
  ...allocations,
  funders: [
    allocations.funders[0]!,
    {
      id: '3405',
      name: 'Lillehammer',
      frame: { 2027: '765432109876.54', 2028: '0.29' },
      allocated: { 2027: '123456789012.35', 2028: '1.15' },
      remaining: { 2027: '641975320864.19', 2028: '-0.86' },
    },
  ],
  measures: [
    {
      ...allocations.measures[0]!,
      grants: { 2027: '100000000000.01', 2028: '0.07' },
      shares: { county: { 2027: '66666666666.67', 2028: '0.05' }, 3405: { 2027: '33333333333.34', 2028: '0.02' } },
    },
    {
      ...allocations.measures[1]!,
      grants: { 2027: '0.57', 2028: '4.35' },
      shares: { county: { 2027: '0.38', 2028: '2.90' }, 3405: { 2027: '0.19', 2028: '1.45' } },
    },
  ],
  goals: [{ goal: '4', title: 'Arbeidskraft', granted: { 2027: '999999999999.99', 2028: '8.20' } }],
  strategies: [{ strategy: '4.2.1', title: 'Utdanning', granted: { 2027: '0.01', 2028: '9007199254.99' } }],
  unsplit: [
    {
      measureId: 'm0002',
      year: 2028,
      grant: '1234.56',
      reason: 'pro-rata split impossible: the county and municipal frames are all zero',
    },
  ],
};

/** Each sheet's rows below the header, as arrays of cell values (ExcelJS rows are 1-based). */
async function readWorkbook(a: Allocations): Promise<Map<string, unknown[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await allocationsXlsx(a)) as unknown as ExcelJS.Buffer);
  const sheets = new Map<string, unknown[][]>();
  for (const sheet of workbook.worksheets) {
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push((row.values as unknown[]).slice(1));
    });
    sheets.set(sheet.name, rows);
  }
  return sheets;
}

/** A money cell back to the JSON's decimal string; fails on anything but a number. */
function ore(value: unknown): string {
  expect(typeof value).toBe('number');
  return (value as number).toFixed(2);
}

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
    expect(amounts.map((cell) => (cell.value as number).toFixed(2))).toEqual([
      '999999999999.99',
      '0.01',
      '999999999999.98',
      '0.00',
      '0.00',
      '-5.00',
    ]);
    expect(amounts.every((cell) => cell.numFmt === MONEY_FORMAT)).toBe(true);
    const measures = workbook.getWorksheet('Tiltak')!;
    expect(measures.getRow(2).values).toEqual([
      undefined,
      'm0001',
      '=HYPERLINK("http://evil")',
      '4.2.1, 5.1',
      1,
      2027,
      1250000,
      1250000,
    ]);
    expect(measures.getCell('B2').type).toBe(ExcelJS.ValueType.String);
  });

  it.each([
    ['the usual figures', allocations],
    ['amounts a double does not hold exactly, up to 1e12', awkward],
  ])('carries every amount of the JSON to the øre: %s', async (_what, a) => {
    const sheets = await readWorkbook(a);
    const years = a.years.map(String);
    const zero = '0.00';
    const expected = {
      Tiltak: a.measures.flatMap((m) =>
        years.map((y) => [m.id, y, m.grants[y] ?? zero, ...a.funders.map((f) => m.shares[f.id]?.[y] ?? zero)]),
      ),
      Finansiører: a.funders.flatMap((f) => years.map((y) => [f.id, y, f.frame[y], f.allocated[y], f.remaining[y]])),
      Delmål: a.goals.flatMap((g) => years.map((y) => [g.goal, y, g.granted[y]])),
      Strategier: a.strategies.flatMap((s) => years.map((y) => [s.strategy, y, s.granted[y]])),
      ...(a.unsplit.length ? { 'Ikke fordelt': a.unsplit.map((u) => [u.measureId, String(u.year), u.grant]) } : {}),
    };
    const found = {
      Tiltak: sheets
        .get('Tiltak')!
        .map((r) => [r[0], String(r[4]), ore(r[5]), ...a.funders.map((_, i) => ore(r[6 + i]))]),
      Finansiører: sheets.get('Finansiører')!.map((r) => [r[0], String(r[2]), ore(r[3]), ore(r[4]), ore(r[5])]),
      Delmål: sheets.get('Delmål')!.map((r) => [r[0], String(r[2]), ore(r[3])]),
      Strategier: sheets.get('Strategier')!.map((r) => [r[0], String(r[2]), ore(r[3])]),
      ...(a.unsplit.length
        ? { 'Ikke fordelt': sheets.get('Ikke fordelt')!.map((r) => [r[0], String(r[1]), ore(r[2])]) }
        : {}),
    };
    expect([...sheets.keys()]).toEqual(Object.keys(expected));
    expect(found).toEqual(expected);
  });

  it('lists the grants that cannot be split in a sheet and a table of their own, only when there are any', async () => {
    expect([...(await readWorkbook(allocations)).keys()]).not.toContain('Ikke fordelt');
    expect((await readWorkbook(awkward)).get('Ikke fordelt')).toEqual([
      ['m0002', 2028, 1234.56, awkward.unsplit[0]!.reason],
    ]);
    const csv = allocationsCsv(awkward);
    expect(csv).toContain('\r\n\r\nTiltak;År;Tilskudd;Årsak\r\nm0002;2028;1234,56;pro-rata split impossible');
    expect(allocationsCsv(allocations)).not.toContain('Årsak');
  });
});
