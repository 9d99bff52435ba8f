/** A big cycle's allocations for the workbook tests and scripts/bench-xlsx.ts, without a cycle run. */
import { goalOf } from '../../schema/partnership.js';
import type { Allocations } from '../../schema/allocations.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import type { AllocationView } from '../../web/allocation-view.js';

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;
const YEARS = [2027, 2028, 2029, 2030];
const STRATEGIES = ['1.1', '2.1', '3.3', '4.2.1', '5.4'];

/**
 * The finance page's view of a cycle of `measures` measures, made up: every measure granted in every
 * year and shared by the four funders of Lillehammer-regionen (the 500-measure cycle's workbook has
 * 8 000 rows in its flat table), every tenth with co-funding.
 */
export function bigView(measures: number): AllocationView {
  const funders = [config.county.id, ...config.municipalities.map((m) => m.id)];
  const each = (amount: string) => Object.fromEntries(YEARS.map((y) => [y, amount]));
  const allocations: Allocations = {
    cycle: 'lillehammer-regionen-2027',
    phase: 'adopted',
    basis: { priorityListVersion: 1, status: 'adopted' },
    years: YEARS,
    funders: funders.map((id) => ({
      id,
      name: id,
      frame: each('50000000.00'),
      allocated: each(`${(measures * 25000).toFixed(2)}`),
      remaining: each(`${(50000000 - measures * 25000).toFixed(2)}`),
    })),
    measures: Array.from({ length: measures }, (_, i) => ({
      id: `m${String(i + 1).padStart(4, '0')}`,
      title: `Tiltak ${i + 1}: næringsutvikling i regionen`,
      strategies: [STRATEGIES[i % STRATEGIES.length]!],
      rank: i + 1,
      grants: each('100000.00'),
      shares: Object.fromEntries(funders.map((f) => [f, each('25000.00')])),
    })),
    goals: ['1', '2', '3', '4', '5'].map((goal) => ({ goal, title: `Delmål ${goal}`, granted: each('10000000.00') })),
    strategies: STRATEGIES.map((strategy) => ({
      strategy,
      title: `Strategi ${strategy}`,
      granted: each('10000000.00'),
    })),
    totals: { granted: each(`${(measures * 100000).toFixed(2)}`), allocated: `${(measures * 400000).toFixed(2)}` },
    unsplit: [],
  };
  return {
    key: 'bench:all',
    cycleId: allocations.cycle,
    title: 'Lillehammer-regionen 2027',
    config,
    scope: 'all',
    allocations,
    basis: { version: 1, status: 'adopted', binding: true, meetingDate: '2026-11-20', caseNumber: '12/26' },
    cofunding: allocations.measures
      .filter((_, i) => i % 10 === 0)
      .map((m) => ({ measureId: m.id, title: m.title, source: 'Innovasjon Norge', amount: '50000.00' })),
    goals: new Map(allocations.measures.map((m) => [m.id, goalOf(m.strategies[0]!)])),
  };
}
