/** The finance officer's charts: the text alternative states exactly the figures the bars are drawn from. */
import { describe, expect, it } from 'vitest';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import { barChartSvg, lengthOf, scaleOf, type BarChart } from '../../web/charts/bar.js';
import { frameChart, funderShareChart, goalChart, percentOf, sumAmounts } from '../../web/charts/allocation-charts.js';
import { formatNok } from '../../web/format.js';
import { allocations } from '../support/finance-fixture.js';

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;

const widths = (svg: string) =>
  [...svg.matchAll(/<rect x="[\d.]+" y="(\d+)" width="([\d.]+)"/g)].map((m) => Number(m[2]));

describe('the frame chart', () => {
  const chart = frameChart(config, allocations);

  it('states every funder and year: frame, allocated and remaining, as the allocations hold them', () => {
    expect(chart.rows).toHaveLength(4);
    for (const f of allocations.funders)
      for (const y of ['2027', '2028']) {
        const name = f.id === 'county' ? 'Innlandet fylkeskommune' : 'Gausdal kommune';
        expect(chart.description).toContain(
          `${name} ${y}: ramme ${formatNok(f.frame[y]!)}, tildelt ${formatNok(f.allocated[y]!)}, igjen ${formatNok(f.remaining[y]!)}.`,
        );
      }
    // A missing amount reads as such: "−5,00 kr", not a bar.
    expect(chart.description).toContain('igjen \u22125,00\u00a0kr');
  });

  it('draws the bars to scale: the longest extent fills the plot, money over the frame runs past its marker', () => {
    const scale = scaleOf(chart.rows);
    expect(scale.toFixed(2)).toBe('2000000.00');
    expect(lengthOf('2000000.00', scale)).toBe(544);
    expect(lengthOf('1000000.00', scale)).toBe(272);
    expect(lengthOf('-5.00', scale), 'missing money is not drawn').toBe(0);
    const gausdal = chart.rows[2]!;
    expect(lengthOf(gausdal.values[0], scale)).toBeGreaterThan(lengthOf(gausdal.marker, scale));
  });

  it('is an image named by its title and its figures, with the figures escaped', () => {
    const svg = String(barChartSvg(chart));
    expect(svg).toMatch(/role="img"/);
    expect(svg).toContain('aria-labelledby="graf-rammer-title graf-rammer-desc"');
    expect(svg).toContain(`<desc id="graf-rammer-desc">${chart.description}</desc>`);
    const tricky: BarChart = { ...chart, id: 'x', description: 'A <b> & "c"', rows: [] };
    expect(String(barChartSvg(tricky))).toContain('<desc id="x-desc">A &lt;b&gt; &amp; &quot;c&quot;</desc>');
  });
});

describe('the funder share chart', () => {
  it("states each funder's total over the years and its part of the grants", () => {
    const chart = funderShareChart(config, allocations);
    expect(chart.description).toBe(
      `Innlandet fylkeskommune: ${formatNok('1333438.34')}, 66,7\u00a0% av tilskuddene. Gausdal kommune: ${formatNok('666666.66')}, 33,3\u00a0% av tilskuddene.`,
    );
    expect(sumAmounts(chart.rows.map((r) => r.values[0]!))).toBe(sumAmounts(Object.values(allocations.totals.granted)));
    const svg = String(barChartSvg(chart));
    expect(widths(svg).slice(1), 'the legend swatch, then the county full width and Gausdal half').toEqual([544, 272]);
  });

  it('writes a part of nothing as 0,0 %', () => {
    expect(percentOf('0.00', '0.00')).toBe('0,0\u00a0%');
    expect(percentOf('1.00', '3.00')).toBe('33,3\u00a0%');
  });
});

describe('the goal chart', () => {
  it("states each goal's grants over the years; a goal with nothing has no bar", () => {
    const chart = goalChart(allocations);
    expect(chart.description).toBe(
      `Delmål 1, Et grønnere næringsliv: ${formatNok('2000105.00')}. Delmål 2, Attraktive steder: ${formatNok('0.00')}.`,
    );
    expect(widths(String(barChartSvg(chart))).slice(1)).toEqual([544]);
  });

  it('shortens a long goal title in the bars, and keeps it whole in the text alternative', () => {
    const title = 'Regionen skal ha et variert næringsliv med flere arbeidsplasser i hele regionen';
    const chart = goalChart({ ...allocations, goals: [{ ...allocations.goals[0]!, title }] });
    expect(chart.rows[0]!.label).toBe(`1. ${title}`.slice(0, 43) + '…');
    expect(chart.description).toContain(`Delmål 1, ${title}: `);
  });
});
