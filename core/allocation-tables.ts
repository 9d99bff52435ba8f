/**
 * The allocations as four plain tables (per measure, per funder, per goal, per strategy), one row
 * per item and year, and a fifth with the grants the rule could not split when there are any. The
 * CSV and XLSX exports both render these tables, so the files carry exactly the figures of the JSON.
 * Headers are Norwegian: the files are for the partnership's own staff.
 */
import type { Allocations } from '../schema/allocations.js';

/** text: free text; code: a strategy code list such as "4.2.1" (spreadsheets must not read it as a date). */
export type ColumnKind = 'text' | 'code' | 'integer' | 'money';

export interface Column {
  header: string;
  kind: ColumnKind;
}

/** Money stays a decimal string here; each renderer formats it. */
export type Cell = string | number | null;

export interface Table {
  name: string;
  columns: Column[];
  rows: Cell[][];
}

const text = (header: string): Column => ({ header, kind: 'text' });
const money = (header: string): Column => ({ header, kind: 'money' });

/** The header of a funder's share column: name and id, e.g. "Lillehammer (3405)". */
const shareHeader = (f: { id: string; name: string }) => `${f.name} (${f.id})`;

export function allocationTables(a: Allocations): Table[] {
  const years = a.years.map(String);
  const year: Column = { header: 'År', kind: 'integer' };
  const zero = '0.00';
  // Only when there are any, so the usual files keep their four tables.
  const unsplit: Table[] =
    a.unsplit.length === 0
      ? []
      : [
          {
            name: 'Ikke fordelt',
            columns: [text('Tiltak'), year, money('Tilskudd'), text('Årsak')],
            rows: a.unsplit.map((u) => [u.measureId, u.year, u.grant, u.reason]),
          },
        ];
  return [
    {
      name: 'Tiltak',
      columns: [
        text('Tiltak'),
        text('Tittel'),
        { header: 'Strategier', kind: 'code' },
        { header: 'Rang', kind: 'integer' },
        year,
        money('Tilskudd'),
        ...a.funders.map((f) => money(shareHeader(f))),
      ],
      rows: a.measures.flatMap((m) =>
        years.map((y) => [
          m.id,
          m.title,
          m.strategies.join(', '),
          m.rank,
          Number(y),
          m.grants[y] ?? zero,
          ...a.funders.map((f) => m.shares[f.id]?.[y] ?? zero),
        ]),
      ),
    },
    {
      name: 'Finansiører',
      columns: [text('Finansiør'), text('Navn'), year, money('Ramme'), money('Tildelt'), money('Gjenstår')],
      rows: a.funders.flatMap((f) =>
        years.map((y) => [f.id, f.name, Number(y), f.frame[y] ?? zero, f.allocated[y] ?? zero, f.remaining[y] ?? zero]),
      ),
    },
    {
      name: 'Delmål',
      columns: [{ header: 'Delmål', kind: 'code' }, text('Tittel'), year, money('Tildelt')],
      rows: a.goals.flatMap((g) => years.map((y) => [g.goal, g.title, Number(y), g.granted[y] ?? zero])),
    },
    {
      name: 'Strategier',
      columns: [{ header: 'Strategi', kind: 'code' }, text('Tittel'), year, money('Tildelt')],
      rows: a.strategies.flatMap((s) => years.map((y) => [s.strategy, s.title, Number(y), s.granted[y] ?? zero])),
    },
    ...unsplit,
  ];
}

export const exportFileName = (cycleId: string, extension: 'csv' | 'xlsx') => `tildelinger-${cycleId}.${extension}`;
