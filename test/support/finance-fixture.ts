/** A small allocations object for the finance officer's unit tests: two funders, one over its frame, two years. */
import type { Allocations } from '../../schema/allocations.js';

export const allocations: Allocations = {
  cycle: 'lillehammer-regionen-2027',
  phase: 'adopted',
  basis: { priorityListVersion: 2, status: 'adopted' },
  years: [2027, 2028],
  funders: [
    {
      id: 'county',
      name: 'Innlandet fylkeskommune',
      frame: { 2027: '2000000.00', 2028: '100.00' },
      allocated: { 2027: '1333333.34', 2028: '105.00' },
      remaining: { 2027: '666666.66', 2028: '-5.00' },
    },
    {
      id: '3441',
      name: 'Gausdal',
      frame: { 2027: '400000.00', 2028: '0.00' },
      allocated: { 2027: '666666.66', 2028: '0.00' },
      remaining: { 2027: '-266666.66', 2028: '0.00' },
    },
  ],
  measures: [
    {
      id: 'm0001',
      title: 'Reiselivsklynge',
      strategies: ['1.2'],
      rank: 1,
      grants: { 2027: '2000000.00', 2028: '105.00' },
      shares: { county: { 2027: '1333333.34', 2028: '105.00' }, 3441: { 2027: '666666.66', 2028: '0.00' } },
    },
  ],
  goals: [
    { goal: '1', title: 'Et grønnere næringsliv', granted: { 2027: '2000000.00', 2028: '105.00' } },
    { goal: '2', title: 'Attraktive steder', granted: { 2027: '0.00', 2028: '0.00' } },
  ],
  strategies: [],
  totals: { granted: { 2027: '2000000.00', 2028: '105.00' }, allocated: '2000105.00' },
  unsplit: [],
};
