/**
 * The public view of a decided cycle as files: JSON (the view as it is) and CSV for Norwegian
 * Excel (UTF-8 with a byte-order mark, ";" between cells, decimal comma, CRLF). The CSV is one
 * flat table, a row per measure, year and funder, so it filters and pivots in Excel; each row
 * names the decisions its share rests on (the IPR's case, and the council's for a municipality).
 */
import { csvCell } from './core.js';
import { latestCouncilDecisions, type PublicCycle } from './public-data.js';

const BOM = '\uFEFF';
const EOL = '\r\n';

export function publicJson(view: PublicCycle): string {
  return JSON.stringify(view);
}

export function publicCsv(view: PublicCycle): string {
  const councils = latestCouncilDecisions(view);
  const header = [
    'Partnerskap',
    'År',
    'Tiltak',
    'Ansvarlig',
    'Strategier',
    'Budsjettår',
    'Finansiør',
    'Andel (kr)',
    'Tilskudd til tiltaket i året (kr)',
    'IPR-sak',
    'IPR-møte',
    'Kommunestyrets sak',
    'Kommunestyrets vedtaksdato',
  ].map((h) => csvCell(h, 'text'));
  const lines = [header.join(';')];
  for (const m of view.measures) {
    for (const year of view.years.map(String)) {
      const grant = m.grants[year] ?? '0.00';
      if (grant === '0.00') continue;
      for (const f of view.funders) {
        const council = councils.get(f.id);
        lines.push(
          [
            csvCell(view.partnership.name, 'text'),
            csvCell(view.year, 'integer'),
            csvCell(m.title, 'text'),
            csvCell(m.responsible, 'text'),
            csvCell(m.strategies.join(', '), 'code'),
            csvCell(Number(year), 'integer'),
            csvCell(f.name, 'text'),
            csvCell(m.shares[f.id]?.[year] ?? '0.00', 'money'),
            csvCell(grant, 'money'),
            csvCell(view.ipr?.caseNumber ?? null, 'text'),
            csvCell(view.ipr?.meetingDate ?? null, 'text'),
            csvCell(council?.caseNumber ?? null, 'text'),
            csvCell(council?.decidedOn ?? null, 'text'),
          ].join(';'),
        );
      }
    }
  }
  return BOM + lines.join(EOL) + EOL;
}
