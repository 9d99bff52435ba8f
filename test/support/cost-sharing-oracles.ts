/**
 * Oracles of the cost-sharing tests (test/unit/cost-sharing.test.ts, recommendation.test.ts):
 * Lillehammer-regionen's funders and its rule, integer øre and exact rationals, written
 * independently of domain/cost-sharing.ts.
 */
import { Decimal } from 'decimal.js';
import type { Members, Sharing } from '../../domain/cost-sharing.js';

export const LILLEHAMMER: Members = { county: 'county', municipalities: ['3405', '3440', '3441'] };
export const TWO_THIRDS_EQUAL: Sharing = {
  countyFraction: { type: 'fixed', numerator: 2, denominator: 3 },
  key: { type: 'equal' },
};

export const ore = (s: string): bigint => {
  const [i = '0', f = ''] = s.split('.');
  return BigInt(i + f.padEnd(2, '0'));
};
export const money = (o: bigint): string => `${o / 100n}.${(o % 100n).toString().padStart(2, '0')}`;
export const d = (s: string | number) => new Decimal(s);
export const strings = (r: Record<string, Decimal>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toFixed(2)]));
