/**
 * The finance officer's downloads of what /sykluser/{cid}/fordeling shows (web/allocation-view.ts):
 *
 * - fordeling.csv: ONE flat table for Norwegian Excel (core/export-csv.ts: BOM, ";", decimal
 *   comma, CRLF, formula-safe), so it filters and pivots: a row per measure, funder and year
 *   (type "Andel", with the measure's grant that year beside the share), and each measure's other
 *   co-funding as rows of its own (type "Medfinansiering": the source in the funder column, no
 *   year, since co-funding lines carry none), right after that measure's shares. No totals rows:
 *   a filter or a pivot over a file with sums in it would count them twice.
 * - fordeling.xlsx: the same flat table, and the page's tables per funder, goal and strategy, each
 *   sheet under a header block (cycle, the list it rests on with version, meeting date and case
 *   number, whose figures, when the file was made in Oslo time), money as numbers in a kr format,
 *   and totals rows: SUM/SUMIFS formulas that carry their result, computed here in whole øre, so a
 *   reader that does not calculate (or Excel before it does) shows the exact total. What the
 *   workbook holds is made here; web/allocation-workbook.ts writes it, in a workbook thread.
 */
import { sumAmounts } from './charts/allocation-charts.js';
import { WORKBOOK_MODULE, writeAllocationWorkbook, type Sheet, type Workbook } from './allocation-workbook.js';
import { basisText, scopeText, type AllocationView } from './allocation-view.js';
import { csvFile, inWorkbookThread, type Cell, type Column, type Table } from './core.js';
import { formatDateTime } from './format.js';
import { funderName } from './names.js';

export { KR_FORMAT, totalOf, type Total } from './allocation-workbook.js';

export const TYPE_SHARE = 'Andel';
export const TYPE_COFUNDING = 'Medfinansiering';

const text = (header: string): Column => ({ header, kind: 'text' });
const money = (header: string): Column => ({ header, kind: 'money' });
const integer = (header: string): Column => ({ header, kind: 'integer' });
const code = (header: string): Column => ({ header, kind: 'code' });

/** The flat table's columns, by index, for the totals' formulas. */
export const FLAT = { type: 0, year: 6, funder: 7, grant: 8, amount: 9 } as const;

export function flatTable(view: AllocationView): Table {
  const a = view.allocations;
  const years = a.years.map(String);
  const names = a.funders.map((f) => funderName(view.config, f.id));
  const cofunding = new Map<string, AllocationView['cofunding']>();
  for (const c of view.cofunding) cofunding.set(c.measureId, [...(cofunding.get(c.measureId) ?? []), c]);
  return {
    name: 'Fordeling',
    columns: [
      text('Type'),
      integer('Rang'),
      text('Tiltak-id'),
      text('Tiltak'),
      code('Delmål'),
      code('Strategier'),
      integer('År'),
      text('Finansiør eller kilde'),
      money('Tilskudd til tiltaket'),
      money('Beløp'),
    ],
    rows: a.measures.flatMap((m) => {
      const about = [m.rank, m.id, m.title, view.goals.get(m.id) ?? null, m.strategies.join(', ')];
      return [
        ...a.funders.flatMap((f, i) =>
          years.map((y): Cell[] => [
            TYPE_SHARE,
            ...about,
            Number(y),
            names[i]!,
            m.grants[y] ?? '0.00',
            m.shares[f.id]?.[y] ?? '0.00',
          ]),
        ),
        ...(cofunding.get(m.id) ?? []).map((c): Cell[] => [TYPE_COFUNDING, ...about, null, c.source, null, c.amount]),
      ];
    }),
  };
}

export function allocationCsv(view: AllocationView): string {
  return csvFile([flatTable(view)]);
}

function sheets(view: AllocationView): Sheet[] {
  const a = view.allocations;
  const years = a.years.map(String);
  const flat = flatTable(view);
  const funders: Table = {
    name: 'Finansiører',
    columns: [text('Finansiør'), integer('År'), money('Ramme'), money('Tildelt'), money('Igjen')],
    rows: a.funders.flatMap((f) =>
      years.map((y) => [
        funderName(view.config, f.id),
        Number(y),
        f.frame[y] ?? '0.00',
        f.allocated[y] ?? '0.00',
        f.remaining[y] ?? '0.00',
      ]),
    ),
  };
  const byYear = (
    name: string,
    head: Column,
    items: { code: string; title: string; granted: Record<string, string> }[],
  ) => ({
    name,
    columns: [head, text('Tittel'), ...years.map((y) => money(y)), money('Sum')],
    rows: items.map((g) => [
      g.code,
      g.title,
      ...years.map((y) => g.granted[y] ?? '0.00'),
      sumAmounts(years.map((y) => g.granted[y] ?? '0.00')),
    ]),
  });
  const goals = byYear(
    'Delmål',
    code('Delmål'),
    a.goals.map((g) => ({ code: g.goal, title: g.title, granted: g.granted })),
  );
  const strategies = byYear(
    'Strategier',
    code('Strategi'),
    a.strategies.map((s) => ({ code: s.strategy, title: s.title, granted: s.granted })),
  );
  const yearSums = [2, ...years.map((_, i) => 3 + i)];
  return [
    {
      table: flat,
      totals: [
        ...years.map((y) => ({
          label: `Sum andeler ${y}`,
          where: { [FLAT.type]: TYPE_SHARE, [FLAT.year]: Number(y) },
          sums: [FLAT.amount],
        })),
        { label: 'Sum andeler i alt', where: { [FLAT.type]: TYPE_SHARE }, sums: [FLAT.amount] },
        { label: 'Sum medfinansiering', where: { [FLAT.type]: TYPE_COFUNDING }, sums: [FLAT.amount] },
      ],
    },
    {
      table: funders,
      totals: years.map((y) => ({ label: `Sum ${y}`, where: { 1: Number(y) }, sums: [2, 3, 4] })),
    },
    { table: goals, totals: [{ label: 'Sum', sums: yearSums }] },
    { table: strategies, totals: [{ label: 'Sum', sums: yearSums }] },
  ];
}

/** The header block's lines, on every sheet: what the figures are, and when the file was made. */
export function headerLines(view: AllocationView, madeAt: Date): [string, string][] {
  return [
    ['Syklus', `${view.title} (${view.cycleId})`],
    ['Grunnlag', basisText(view)],
    ['Viser', scopeText(view)],
    ['Laget', `${formatDateTime(madeAt.toISOString())} (norsk tid)`],
  ];
}

/** What the workbook holds: its sheets under the header block; cheap to make, on the event loop. */
export function allocationWorkbook(view: AllocationView, madeAt: Date): Workbook {
  return { title: view.title, madeAt, header: headerLines(view, madeAt), sheets: sheets(view) };
}

/** The workbook, written off the event loop (core/workbook-threads.ts). */
export const allocationXlsx = (view: AllocationView, madeAt: Date): Promise<Buffer> =>
  inWorkbookThread(WORKBOOK_MODULE, writeAllocationWorkbook, [allocationWorkbook(view, madeAt)]);
