/**
 * A funder's money at year-end (docs/domain.md, decisions of 2026-12-01). Its unspent money is told in two
 * parts: never allocated (its frame for the year, with what was carried in, minus what it was
 * allocated) and granted but not spent (allocated minus spent). What carries over to the next year
 * follows what the funder paid in (schema/partnership.ts, PaysIn): both parts for a funder that pays
 * its frame (the county), only the granted-but-unspent part for one that pays its adopted share (a
 * municipality). A close that releases the money carries nothing.
 *
 * Pure, on integer øre.
 */
import { formatMoney, fromOre, parseMoney, toOre, type Money } from './money.js';

/** What a funder pays into the partnership (configured per funder, schema/partnership.ts). */
export const PAYS_IN = ['frame', 'adopted-share'] as const;
export type PaysIn = (typeof PAYS_IN)[number];
/** Without configuration: the county pays its frame, a municipality the share its council adopted. */
export const DEFAULT_PAYS_IN = { county: 'frame', municipality: 'adopted-share' } as const satisfies Record<
  string,
  PaysIn
>;

/** What the funder pays in: as configured, else the default for a county or a municipality. */
export function paysInOf(
  config: { county: { id: string; paysIn?: PaysIn }; municipalities: readonly { id: string; paysIn?: PaysIn }[] },
  funderId: string,
): PaysIn {
  if (funderId === config.county.id) return config.county.paysIn ?? DEFAULT_PAYS_IN.county;
  return config.municipalities.find((m) => m.id === funderId)?.paysIn ?? DEFAULT_PAYS_IN.municipality;
}

export interface YearEndRow {
  funderId: string;
  /** the frame for the year as it stood at the close: carry-over in, reductions applied */
  frame: Money;
  allocated: Money;
  spent: Money;
  /** frame − allocated */
  neverAllocated: Money;
  /** allocated − spent */
  grantedUnspent: Money;
  /** neverAllocated + grantedUnspent */
  unspent: Money;
  /** what the next year's cycle takes in (0.00 when released) */
  carriedOver: Money;
  disposition: 'carry_over' | 'released';
}

export interface FunderYear {
  funderId: string;
  frame: Money;
  allocated: Money;
  spent: Money;
  paysIn: PaysIn;
}

export function yearEndRow(f: FunderYear, carryOver: boolean): YearEndRow {
  const [frame, allocated, spent] = [f.frame, f.allocated, f.spent].map((a) => toOre(parseMoney(a))) as [
    bigint,
    bigint,
    bigint,
  ];
  // Neither part is ever negative: the cycle allocates within the frames in force and takes no
  // report of more than a measure's grant. Nothing here throws (it runs in the close's Update).
  const neverAllocated = frame - allocated;
  const grantedUnspent = allocated - spent;
  const carries = !carryOver ? 0n : f.paysIn === 'frame' ? neverAllocated + grantedUnspent : grantedUnspent;
  const carried = carries > 0n ? carries : 0n;
  const fmt = (ore: bigint) => formatMoney(fromOre(ore));
  return {
    funderId: f.funderId,
    frame: fmt(frame),
    allocated: fmt(allocated),
    spent: fmt(spent),
    neverAllocated: fmt(neverAllocated),
    grantedUnspent: fmt(grantedUnspent),
    unspent: fmt(neverAllocated + grantedUnspent),
    carriedOver: fmt(carried),
    disposition: carryOver ? 'carry_over' : 'released',
  };
}
