/** The finance officer's downloads: one flat CSV table, and the workbook with its header block and totals rows. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { forMunicipality } from '../../core/allocations.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import {
  allocationCsv,
  allocationXlsx,
  flatTable,
  KR_FORMAT,
  TYPE_COFUNDING,
  TYPE_SHARE,
} from '../../web/allocation-export.js';
import type { AllocationView } from '../../web/allocation-view.js';
import { allocations } from '../support/finance-fixture.js';

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;

const view: AllocationView = {
  key: 'v1:all',
  cycleId: 'lillehammer-regionen-2027',
  title: 'Lillehammer-regionen 2027',
  config,
  scope: 'all',
  allocations: {
    ...allocations,
    measures: [
      ...allocations.measures,
      { id: 'm0002', title: '=HYPERLINK("x")', strategies: ['4.2.1'], rank: null, grants: {}, shares: {} },
    ],
  },
  basis: { version: 2, status: 'adopted', binding: true, meetingDate: '2026-11-20', caseNumber: '12/27' },
  cofunding: [
    { measureId: 'm0001', title: 'Reiselivsklynge', source: 'Sparebankstiftelsen', amount: '50000.50' },
    { measureId: 'm0001', title: 'Reiselivsklynge', source: 'Innovasjon Norge', amount: '0.29' },
  ],
  goals: new Map([
    ['m0001', '1'],
    ['m0002', '4'],
  ]),
};

describe('the flat CSV', () => {
  const csv = allocationCsv(view);
  const lines = csv.slice(1).split('\r\n');

  it('is one table for Norwegian Excel: BOM, ";", CRLF, decimal comma, a row per measure, funder and year', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(lines.filter((l) => l === '')).toEqual(['']); // only the end: no second table
    expect(lines[0]).toBe(
      'Type;Rang;Tiltak-id;Tiltak;Delmål;Strategier;År;Finansiør eller kilde;Tilskudd til tiltaket;Beløp',
    );
    expect(lines.filter((l) => l.startsWith(`${TYPE_SHARE};`))).toHaveLength(2 * 2 * 2);
    expect(lines).toContain(
      'Andel;1;m0001;Reiselivsklynge;1;"=""1.2""";2027;Innlandet fylkeskommune;2000000,00;1333333,34',
    );
    expect(lines).toContain('Andel;1;m0001;Reiselivsklynge;1;"=""1.2""";2028;Gausdal kommune;105,00;0,00');
  });

  it("has each measure's co-funding as rows of its own, after its shares, with no year", () => {
    const m1 = lines.filter((l) => l.includes(';m0001;'));
    expect(m1.slice(-2)).toEqual([
      'Medfinansiering;1;m0001;Reiselivsklynge;1;"=""1.2""";;Sparebankstiftelsen;;50000,50',
      'Medfinansiering;1;m0001;Reiselivsklynge;1;"=""1.2""";;Innovasjon Norge;;0,29',
    ]);
  });

  it('writes text a spreadsheet would run as a formula as text', () => {
    expect(lines).toContain(`Andel;;m0002;"'=HYPERLINK(""x"")";4;"=""4.2.1""";2027;Innlandet fylkeskommune;0,00;0,00`);
  });

  it("holds only the clerk's own municipality in a clerk's view", () => {
    const clerk = { ...view, scope: '3441', allocations: forMunicipality(view.allocations, '3441') };
    const shares = flatTable(clerk).rows.filter((r) => r[0] === TYPE_SHARE);
    expect(shares.map((r) => r[7])).toEqual(Array(4).fill('Gausdal kommune'));
  });
});

describe('the workbook', () => {
  const madeAt = new Date('2026-12-01T12:05:00Z');

  async function read(): Promise<ExcelJS.Workbook> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await allocationXlsx(view, madeAt)) as unknown as ExcelJS.Buffer);
    return wb;
  }

  it('heads every sheet with the cycle, the list with its meeting and case number, and when it was made in Oslo time', async () => {
    const wb = await read();
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Fordeling', 'Finansiører', 'Delmål', 'Strategier']);
    for (const sheet of wb.worksheets) {
      expect(sheet.getCell('A1').value).toBe('Tildelinger – Lillehammer-regionen 2027');
      expect(sheet.getCell('B2').value).toBe('Lillehammer-regionen 2027 (lillehammer-regionen-2027)');
      expect(sheet.getCell('B3').value).toBe(
        'Prioriteringsliste 2, vedtatt av IPR (møte 20. november 2026, sak 12/27) og av kommunestyrene: bindende.',
      );
      expect(sheet.getCell('B5').value).toBe('1. desember 2026 kl. 13:05 (norsk tid)');
    }
  });

  it('holds the flat table with money in kr, and totals rows that equal the sums of the rows, to the øre', async () => {
    const sheet = (await read()).getWorksheet('Fordeling')!;
    const rows: ExcelJS.CellValue[][] = [];
    sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    const head = rows.findIndex((r) => r[0] === 'Type');
    const data = rows.slice(head + 1).filter((r) => r[0] === TYPE_SHARE || r[0] === TYPE_COFUNDING);
    expect(data).toHaveLength(flatTable(view).rows.length);
    let firstShare = 0;
    sheet.eachRow((row, n) => {
      if (!firstShare && row.getCell(1).value === TYPE_SHARE) firstShare = n;
    });
    expect(sheet.getCell(`J${firstShare}`).numFmt).toBe(KR_FORMAT);
    expect(sheet.getCell(`I${firstShare}`).numFmt).toBe(KR_FORMAT);
    const ore = (v: ExcelJS.CellValue) => Math.round(Number(v) * 100);
    const totals = new Map(
      rows
        .filter((r) => String(r[0]).startsWith('Sum'))
        .map((r) => [r[0], r[9] as { formula: string; result: number }]),
    );
    const sum = (pick: (r: ExcelJS.CellValue[]) => boolean) => data.filter(pick).reduce((s, r) => s + ore(r[9]), 0);
    expect(ore(totals.get('Sum andeler 2027')!.result)).toBe(sum((r) => r[0] === TYPE_SHARE && r[6] === 2027));
    expect(ore(totals.get('Sum andeler 2027')!.result)).toBe(200000000);
    expect(totals.get('Sum andeler 2027')!.formula).toMatch(/^SUMIFS\(J\d+:J\d+,A\d+:A\d+,"Andel",G\d+:G\d+,2027\)$/);
    expect(ore(totals.get('Sum andeler i alt')!.result)).toBe(200010500);
    expect(ore(totals.get('Sum medfinansiering')!.result)).toBe(5000079);
  });

  it('sums frames, allocations and remaining per year, a negative remaining included', async () => {
    const sheet = (await read()).getWorksheet('Finansiører')!;
    const rows: ExcelJS.CellValue[][] = [];
    sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
    const sum2028 = rows.find((r) => r[0] === 'Sum 2028')!;
    expect(sum2028.slice(2).map((v) => (v as { result: number }).result)).toEqual([100, 105, -5]);
  });
});
