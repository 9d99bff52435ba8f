/**
 * The cycle's money, in the workflow's terms: who pays what for a priority list (councils that
 * rejected take no part), what each council is asked to adopt, frames after a council's decision,
 * the recommendation, and the year-end balance. All of it is
 * the pure cost-sharing module (domain/) applied to the cycle's frozen rule and key.
 */
import { Decimal } from 'decimal.js';
import {
  checkFrames,
  CostSharingError,
  membersOf as fundersOf,
  largestRemainder,
  rejectedInEveryYear,
  shareMeasure,
  sumShares,
  type OutOfSplit,
} from './cost-sharing.js';
import { grantUnitOf, recommend as recommendList } from './recommendation.js';
import type { MeasureState, Recommendation } from './cycle.js';
import { years, type CycleConfig, type CycleState } from './cycle-state.js';
import { formatMoney, parseMoney, type FunderYearMap, type YearMap } from './money.js';
import { frameExceeded } from './refusal.js';
import type { AdoptionDecision, PriorityItem } from './values.js';
import { paysInOf, yearEndRow, type YearEndRow } from './year-end.js';

const membersOf = (cfg: CycleConfig) => fundersOf(cfg.partnership);

/** "100" and "100.5" become "100.00" and "100.50"; maps are stored in one canonical form. */
export const normalize = (map: YearMap): YearMap =>
  Object.fromEntries(Object.entries(map).map(([y, a]) => [y, formatMoney(parseMoney(a))]));

/** Carry-over from the year before adds to each funder's frame for year Y. */
export function framesWithCarryOver(cfg: CycleConfig): FunderYearMap {
  const frames: FunderYearMap = {};
  for (const [funder, byYear] of Object.entries(cfg.frames)) {
    frames[funder] = normalize(byYear);
    const carried = cfg.carryOver[funder];
    if (carried) {
      const y = String(cfg.year);
      frames[funder][y] = formatMoney(parseMoney(frames[funder][y] ?? '0.00').plus(parseMoney(carried)));
    }
  }
  return frames;
}

/** The state the cycle's money depends on: the frames in force and the councils' standing decisions. */
export type MoneyState = Pick<CycleState, 'frames' | 'standing'>;

/**
 * A council that rejected takes no part in the split of the years it rejected: a plain rejection
 * is every year of the cycle (docs/domain.md, decisions of 2026-12-01).
 */
export function outOfSplit(cfg: CycleConfig, s: Pick<CycleState, 'standing'>): OutOfSplit {
  const rejecting = cfg.partnership.municipalities
    .filter((mu) => s.standing[mu.id]?.decision === 'rejected')
    .map((mu) => mu.id);
  return rejectedInEveryYear(years(cfg), rejecting);
}

/** Each measure's shares per funder and year, for the grants of a list. */
export function shareList(cfg: CycleConfig, s: MoneyState, items: PriorityItem[]): Record<string, FunderYearMap> {
  const out = outOfSplit(cfg, s);
  return Object.fromEntries(
    items.map((i) => [i.measureId, shareMeasure(i.grants, cfg.partnership.sharing, membersOf(cfg), s.frames, out)]),
  );
}

/** Throws FrameExceeded naming every funder and year a list would break. */
export function frameViolations(cfg: CycleConfig, s: MoneyState, items: PriorityItem[], throwIfAny: boolean) {
  let totals: FunderYearMap;
  try {
    totals = sumShares(Object.values(shareList(cfg, s, items)));
  } catch (e) {
    // A pro-rata rule cannot split money in a year where every funder's frame is zero, nor any rule
    // the municipal part of a year in which every council rejected.
    if (e instanceof CostSharingError)
      throw frameExceeded(`The priority list grants money no frame can carry: ${e.message}`, []);
    throw e;
  }
  const violations = checkFrames(totals, s.frames);
  if (throwIfAny && violations.length) {
    const text = violations.map((v) => `${v.funderId} ${v.year}: ${v.allocated} over frame ${v.frame}`).join('; ');
    throw frameExceeded(`The priority list breaks a funder's frame: ${text}`, violations);
  }
  return violations;
}

/** What each municipality is asked to adopt: the sum of its shares over the list, per year. */
export function municipalRequests(cfg: CycleConfig, s: MoneyState, items: PriorityItem[]): FunderYearMap {
  const totals = sumShares(Object.values(shareList(cfg, s, items)));
  return Object.fromEntries(cfg.partnership.municipalities.map((m) => [m.id, totals[m.id] ?? {}]));
}

/** True when any year asks more than the council has already adopted (or it has adopted nothing yet). */
export function risesAbove(requested: YearMap, adopted: YearMap | undefined): boolean {
  if (!adopted) return true;
  return Object.entries(requested).some(([y, a]) => parseMoney(a).greaterThan(parseMoney(adopted[y] ?? '0.00')));
}

/**
 * The municipality's frame after its council's decision (docs/domain.md, decisions of 2026-12-01):
 * - reduced: the frame is capped at the adopted amount in the years the decision names, no other.
 *   The decision's amounts are completed with the requested amount for the years it leaves out
 *   (recordAdoption), so the years it names with a lower amount are those adopted below the request;
 * - rejected: the council puts nothing in and takes no part in the split (see outOfSplit), so its
 *   frame is 0.00 in every year of the cycle;
 * - adopted: unchanged.
 */
export function lowerFrame(
  cfg: CycleConfig,
  frame: YearMap,
  requested: YearMap,
  outcome: { decision: AdoptionDecision; amounts: YearMap },
): YearMap {
  if (outcome.decision === 'rejected') return Object.fromEntries(years(cfg).map((y) => [String(y), '0.00']));
  const next = { ...frame };
  if (outcome.decision === 'adopted') return next;
  for (const [y, a] of Object.entries(outcome.amounts)) {
    const adopted = parseMoney(a);
    const named = adopted.lessThan(parseMoney(requested[y] ?? '0.00'));
    if (named && adopted.lessThan(parseMoney(next[y] ?? '0.00'))) next[y] = formatMoney(adopted);
  }
  return next;
}

/**
 * The administration's recommendation in rank order: at first the order of submission; after a
 * council lowered its share, the order of the list IPR adopted last, then the measures it left out.
 */
export function recommend(cfg: CycleConfig, s: CycleState): Recommendation {
  const lastAdopted = [...s.lists].reverse().find((l) => l.status === 'adopted');
  const rank = new Map((lastAdopted?.items ?? []).map((i) => [i.measureId, i.rank]));
  const byRank = (a: MeasureState, b: MeasureState) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity);
  const open = s.measures.filter((m) => m.status !== 'withdrawn').sort(byRank); // stable: the rest keep submission order
  return recommendList({
    measures: open.map((m) => ({ id: m.id, amounts: m.amounts })),
    frames: s.frames,
    sharing: cfg.partnership.sharing,
    members: membersOf(cfg),
    years: years(cfg),
    grantUnit: grantUnitOf(cfg.partnership),
    outOfSplit: outOfSplit(cfg, s),
  });
}

export function measureStatuses(
  measures: MeasureState[],
  items: PriorityItem[],
): Record<string, MeasureState['status']> {
  const grants = new Map(items.map((i) => [i.measureId, i.grants]));
  const statuses: Record<string, MeasureState['status']> = {};
  for (const m of measures) {
    if (m.status === 'withdrawn') continue;
    const granted = grants.get(m.id) ?? {};
    const requested = Object.entries(m.amounts);
    const full = requested.every(([y, a]) => parseMoney(granted[y] ?? '0.00').greaterThanOrEqualTo(parseMoney(a)));
    const any = Object.values(granted).some((g) => parseMoney(g).greaterThan(0));
    statuses[m.id] = full ? 'granted' : any ? 'partly_granted' : 'not_granted';
  }
  return statuses;
}

/** The adopted list's grants per measure (undefined when the measure got nothing). */
export function adoptedGrants(s: CycleState): Record<string, YearMap> {
  const list = s.lists.find((l) => l.version === s.adoptedListVersion);
  return Object.fromEntries(
    (list?.items ?? [])
      .filter((i) => Object.values(i.grants).some((g) => parseMoney(g).greaterThan(0)))
      .map((i) => [i.measureId, i.grants]),
  );
}

export const addMoney = (a: string | undefined, b: string): string =>
  formatMoney(parseMoney(a ?? '0.00').plus(parseMoney(b)));

/**
 * Year-end for year Y, per funder (domain/year-end.ts): its frame, allocated shares and shares of the
 * money spent; the unspent money in its two parts, never allocated and granted but not spent; and
 * what carries over, which follows what the funder pays in. A measure's spending is borne by its
 * funders in proportion to the shares they were allocated for it (largest remainder, ties to the
 * funder listed first), so no funder ever spends more than it was allocated: splitting the spent sum
 * by the rule itself could, since largest remainder is not monotone (0.05 splits 0.03/0.01/0.01 by
 * 7:3:1 where 0.06 gives 0.04/0.02/0.00), and leave a funder with negative unspent money.
 */
export function yearEndFor(cfg: CycleConfig, s: CycleState, carryOver: boolean): YearEndRow[] {
  const y = String(cfg.year);
  const funders = [cfg.partnership.county.id, ...cfg.partnership.municipalities.map((m) => m.id)];
  const list = s.lists.find((l) => l.version === s.adoptedListVersion);
  const shares = shareList(
    cfg,
    s,
    (list?.items ?? []).map((i) => ({ ...i, grants: { [y]: i.grants[y] ?? '0.00' } })),
  );
  const allocated = sumShares(Object.values(shares));
  const spentShares = Object.entries(s.spent).map(([measureId, byYear]): FunderYearMap => {
    const share = shares[measureId];
    const spentY = parseMoney(byYear[y] ?? '0.00');
    if (!share || spentY.isZero()) return {};
    const weights = funders.map((f) => parseMoney(share[f]?.[y] ?? '0.00'));
    const parts = largestRemainder(spentY, weights);
    return Object.fromEntries(funders.map((f, i) => [f, { [y]: formatMoney(parts[i] ?? new Decimal(0)) }]));
  });
  const spent = sumShares(spentShares);
  return funders.map((funderId) =>
    yearEndRow(
      {
        funderId,
        frame: s.frames[funderId]?.[y] ?? '0.00',
        allocated: allocated[funderId]?.[y] ?? '0.00',
        spent: spent[funderId]?.[y] ?? '0.00',
        paysIn: paysInOf(cfg.partnership, funderId),
      },
      carryOver,
    ),
  );
}
