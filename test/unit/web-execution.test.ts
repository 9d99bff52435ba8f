/**
 * The execution pages' pure parts: indicator values typed the Norwegian way, the plan's baseline
 * and target read as levels, the progress report and indicator forms read as the API reads them,
 * spending summed to the øre, and the charts, whose text alternative and table must state the
 * figures of the data they draw.
 */
import { describe, expect, it } from 'vitest';
import { referencePlans } from '../../schema/reference/plans.js';
import { FILL, INK, TARGET } from '../../web/charts/chart-figure.js';
import { lineChart } from '../../web/charts/line.js';
import { spentChart } from '../../web/charts/spent.js';
import { formatDecimal, parseDecimalInput } from '../../web/decimal.js';
import { spentSoFar } from '../../web/execution-data.js';
import { planIndicator, planMark } from '../../web/indicator-plan.js';
import { indicatorsFromForm } from '../../web/pages/indicators.js';
import { reportFromForm } from '../../web/pages/progress-report.js';

const str = async (h: unknown) => String(await h).replace(/\u00a0/g, ' ');
const decimal = (typed: string) => {
  const r = parseDecimalInput(typed);
  return r.ok ? r.value : `refused: ${r.message}`;
};
/** The cells of a rendered table, row by row, tags stripped. */
const cells = (table: string) =>
  [...table.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => (c[1] ?? '').replace(/<[^>]+>/g, '')),
  );

describe('indicator values as Norwegians type them', () => {
  it.each([
    ['88,4', '88.4'],
    ['88,4 %', '88.4'],
    ['88,4%', '88.4'],
    ['86,20', '86.2'],
    ['352 674', '352674'],
    ['352\u00a0674,5', '352674.5'],
    ['-1,5', '-1.5'],
    ['\u22121,5', '-1.5'],
    ['-0', '0'],
    ['88.4', '88.4'],
    ['0,123456', '0.123456'],
    ['007', '7'],
  ])('%s → %s', (typed, expected) => {
    expect(decimal(typed)).toBe(expected);
  });

  it('an empty field is no value', () => {
    expect(parseDecimalInput('  ')).toEqual({ ok: true, value: null });
  });

  it.each([
    ['1.250', /tre sifre/],
    ['1,2,3', /ett komma/],
    ['1.250,5', /ett komma/],
    ['12 50', /Mellomrom/],
    ['åtti', /sifre/],
    ['1,1234567', /desimaler/],
    ['1234567890123', /for stort/],
    ['%', /Skriv et tall/],
  ])('%s is refused with a reason', (typed, reason) => {
    expect(decimal(typed)).toMatch(reason);
  });

  it('writes a value back with a decimal comma and spaces between thousands', () => {
    expect(formatDecimal('88.4')).toBe('88,4');
    expect(formatDecimal('352674')).toBe('352\u00a0674');
    expect(formatDecimal('2026')).toBe('2026');
    expect(formatDecimal('-1.5')).toBe('\u22121,5');
  });
});

describe("the plan's baseline and target as levels", () => {
  const plan = referencePlans.find((p) => p.partnership === 'lillehammer-regionen')!;
  const byId = (id: number) => planIndicator(plan.indicators.find((i) => i.id === id)!);

  it('inclusion: 83.6 % in 2023, over 88 % by 2030', () => {
    const i = byId(6);
    expect(i.unit).toBe('%');
    expect(i.baseline).toMatchObject({ value: '83.6', year: 2023, bound: null });
    expect(i.target).toMatchObject({ value: '88', year: 2030, bound: 'over' });
  });

  it('a change ("+15 % innen 2030") or words are no level, and say no unit', () => {
    const i = byId(4);
    expect([i.baseline, i.target, i.unit]).toEqual([null, null, '']);
    expect(i.targetText).toBe('+15 % innen 2030');
    expect(byId(8).baseline).toBeNull();
  });

  it('a count in a year', () => {
    expect(planMark('352 674 (2010)')).toMatchObject({ value: '352674', year: 2010, percent: false });
  });
});

describe('the progress report form', () => {
  const years = ['2027', '2028'];

  it('reads money as typed; an empty year is nothing spent', () => {
    expect(
      reportFromForm({ progress: ' Oppstartsmøte holdt. ', 'spent-2027': '125 000,50', 'spent-2028': '' }, years),
    ).toEqual({
      report: { progress: 'Oppstartsmøte holdt.', spent: { '2027': '125000.50' } },
    });
  });

  it('refuses a missing text and a mistyped amount, each on its field', () => {
    const read = reportFromForm({ progress: '  ', 'spent-2027': '1.250' }, years);
    expect('errors' in read && read.errors.map((e) => e.field)).toEqual(['progress', 'spent-2027']);
    expect('errors' in read && read.errors[1]?.message).toMatch(/^2027: Punktum med tre sifre/);
  });
});

describe('the indicator form', () => {
  const indicators = [{ id: '6' }, { id: '7' }];

  it('reads the year and the values with decimal comma; an empty value is not reported', () => {
    expect(indicatorsFromForm({ year: '2027', 'value-6': '86,2 %', 'value-7': '' }, indicators, 2027)).toEqual({
      report: { year: 2027, values: [{ indicator: '6', value: '86.2' }] },
    });
  });

  it('refuses a year after the cycle, a mistyped value, and a form with no value', () => {
    const late = indicatorsFromForm({ year: '2028', 'value-6': '86,2' }, indicators, 2027);
    expect('errors' in late && late.errors.map((e) => e.field)).toEqual(['year']);
    const typo = indicatorsFromForm({ year: '2027', 'value-6': '86,2,1' }, indicators, 2027);
    expect('errors' in typo && typo.errors[0]).toMatchObject({ field: 'value-6', message: /^Indikator 6: / });
    const none = indicatorsFromForm({ year: '2027' }, indicators, 2027);
    expect('errors' in none && none.errors[0]?.message).toBe('Skriv verdien for minst én indikator.');
  });
});

describe('money spent so far', () => {
  it('sums the reports per year to the øre', () => {
    expect(
      spentSoFar([{ spent: { '2027': '0.10' } }, { spent: { '2027': '0.20', '2028': '5.00' } }, { spent: {} }]),
    ).toEqual({ '2027': '0.30', '2028': '5.00' });
  });
});

describe('the chart of money spent against grants', () => {
  const rows = [
    { title: 'Næringshage i Gausdal', granted: '200000.00', spent: '125000.50' },
    { title: 'Tech Valley-programmet', granted: '1000000.00', spent: '0.00' },
  ];

  it('states each measure’s figures in its text alternative and its table, as the data has them', async () => {
    const chart = spentChart('brukt', 2027, rows);
    const svg = await str(chart.svg);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/aria-labelledby="brukt-tittel"/);
    expect(chart.alt.replace(/\u00a0/g, ' ')).toBe(
      'Stolpediagram over brukte midler mot tildelt i 2027, per tiltak: Næringshage i Gausdal: brukt 125 000,50 kr av 200 000,00 kr (63 %); Tech Valley-programmet: brukt 0,00 kr av 1 000 000,00 kr (0 %).',
    );
    expect(cells(await str(chart.table)).slice(1)).toEqual([
      ['Næringshage i Gausdal', '200 000,00 kr', '125 000,50 kr', '74 999,50 kr', '63 %'],
      ['Tech Valley-programmet', '1 000 000,00 kr', '0,00 kr', '1 000 000,00 kr', '0 %'],
    ]);
  });

  it('draws grants to one scale, with what was spent inside its grant', async () => {
    const svg = await str(spentChart('brukt', 2027, rows).svg);
    const widths = [...svg.matchAll(/<rect x="1" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    // grant 1, spent 1, grant 2, spent 2: the larger grant is the full bar, the smaller a fifth of it (316 units the full bar)
    expect(widths).toEqual([63.2, 39.5, 316, 0]);
  });

  it('draws the largest grants only when there are more than it draws, and says so; the table keeps every measure', async () => {
    const many = [
      { title: 'Liten', granted: '10.00', spent: '0.00' },
      { title: 'Stor', granted: '300.00', spent: '100.00' },
      { title: 'Middels', granted: '200.00', spent: '0.00' },
    ];
    const chart = spentChart('brukt', 2027, many, 2);
    expect(chart.alt).toMatch(
      /^Stolpediagram over brukte midler mot tildelt i 2027, de 2 største tildelingene av 3: Stor: .*; Middels: /,
    );
    expect(chart.alt).not.toContain('Liten');
    expect(
      cells(await str(chart.table))
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(['Liten', 'Stor', 'Middels']);
  });

  it('says so when nothing was granted for the year', () => {
    expect(spentChart('brukt', 2027, []).alt).toMatch(/ingen tiltak har fått tildelt midler/);
  });
});

describe('the chart of an indicator year by year', () => {
  const series = {
    title: 'Innenforskap i Lillehammer-regionen.',
    unit: '%',
    values: [
      { year: 2027, value: '86.2' },
      { year: 2026, value: '85.1' },
    ],
    baseline: { value: '83.6', year: 2023, bound: null, text: '83,6 % (2023)' },
    target: { value: '88', year: 2030, bound: 'over' as const, text: 'Over 88 % innen 2030' },
  };

  it('states the values, the baseline and the target in its text alternative and table', async () => {
    const chart = lineChart('i6', series);
    expect(chart.alt.replace(/\u00a0/g, ' ')).toBe(
      'Linjediagram for Innenforskap i Lillehammer-regionen: registrert 85,1 % i 2026, 86,2 % i 2027; utgangspunkt i planen 83,6 % i 2023; mål i planen over 88 % innen 2030.',
    );
    expect(cells(await str(chart.table)).slice(1)).toEqual([
      ['2023', '83,6 %', 'Utgangspunkt i planen'],
      ['2026', '85,1 %', 'Registrert'],
      ['2027', '86,2 %', 'Registrert'],
      ['2030', 'over 88 %', 'Mål i planen'],
    ]);
  });

  it('draws a point per registered year, in order, higher values higher up', async () => {
    const svg = await str(lineChart('i6', series).svg);
    const points = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="5"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(points).toHaveLength(3); // the legend's and the two years'
    const [, [x1, y1], [x2, y2]] = points as [[number, number], [number, number], [number, number]];
    expect(x1).toBeLessThan(x2);
    expect(y1).toBeGreaterThan(y2);
  });

  it('with nothing registered and no levels in the plan, says so', async () => {
    const chart = lineChart('i8', { title: 'Reiseliv', unit: '', values: [], baseline: null, target: null });
    expect(chart.alt).toBe('Linjediagram for Reiseliv: ingen verdier registrert ennå.');
    expect(await str(chart.table)).toContain('Ingen tall ennå.');
  });
});

describe('the charts’ inks', () => {
  /** WCAG 2.1's contrast ratio of a colour against white. */
  const contrastOnWhite = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
  };

  it.each([
    ['INK', INK],
    ['FILL', FILL],
    ['TARGET', TARGET],
  ])('%s has contrast of 3:1 or more on white', (_, colour) => {
    expect(contrastOnWhite(colour)).toBeGreaterThanOrEqual(3);
  });

  it('no style attribute in a chart (the CSP allows none)', async () => {
    const svg = await str(spentChart('b', 2027, [{ title: 'A', granted: '1.00', spent: '0.50' }]).svg);
    expect(svg).not.toMatch(/\sstyle=/);
  });
});
