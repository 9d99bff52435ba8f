/**
 * The priority-list editor's state and arithmetic, pure (web/pages/priority-list.ts draws it).
 *
 * The whole edit travels in the form's fields, nothing is kept on the server: the measures in
 * their order (`rad`, one per row, in order), each row's grant choice (`tilskudd-{mid}`: full,
 * part or none) and, for a part grant, the amounts per year as typed (`belop-{mid}-{year}`), a
 * place to move the row to (`plass-{mid}`, empty unless typed), the meeting date and case number.
 * Every post reads them back, moves the rows given a place there (placed), applies the button
 * pressed (move a row up or down, Beregn, put to the vote) and computes each funder's frame, allocated and
 * remaining per year with the same domain code the workflow uses when the list is proposed
 * (domain/cost-sharing.ts shareMeasure, sumShares, checkFrames, remaining; the councils that
 * rejected out of the split as in workflows/ledger.ts outOfSplit), so what the page says is what
 * the workflow will decide, to the øre.
 *
 * Linear in the number of measures: one map lookup per row, one split per row and year.
 */
import {
  checkFrames,
  CostSharingError,
  funderIds,
  membersOf,
  remaining,
  shareMeasure,
  sumShares,
  type FrameViolation,
  type OutOfSplit,
} from '../domain/cost-sharing.js';
import { formatMoney, parseMoney, toOre, type FunderYearMap, type YearMap } from '../domain/money.js';
import type { CycleRecord, MeasureRecord, Recommendation } from './core.js';
import { formatAmount } from './format.js';
import { text, texts, type FormError, type FormValues } from './forms.js';
import { parseDateInput, parseMoneyInput } from './input.js';

export type GrantChoice = 'full' | 'part' | 'none';
export const GRANT_CHOICES: readonly GrantChoice[] = ['full', 'part', 'none'];

export interface EditorRow {
  measureId: string;
  choice: GrantChoice;
  /** the part amounts as typed, per year ('' for none typed) */
  typed: Record<string, string>;
  /** the place the row is to move to, as typed (none when absent or ''); kept only when it could not be read */
  moveTo?: string;
}

export interface EditorState {
  rows: EditorRow[];
  meetingDate: string;
  caseNumber: string;
}

/** What the form's buttons ask for: a move, a recomputation, or the list put to the vote. */
export type EditorAction =
  { kind: 'move'; measureId: string; by: -1 | 1 } | { kind: 'compute' } | { kind: 'propose' } | { kind: 'confirm' };

export const field = {
  order: 'rad',
  choice: (mid: string) => `tilskudd-${mid}`,
  amount: (mid: string, year: string) => `belop-${mid}-${year}`,
  moveTo: (mid: string) => `plass-${mid}`,
  meetingDate: 'moteDato',
  caseNumber: 'saksnummer',
  action: 'handling',
  /** the figure a frame break is shown beside, for the error summary's link */
  frame: (funderId: string, year: string) => `ramme-${funderId}-${year}`,
} as const;

/** The edit as the page first shows it: the recommendation's order and grants, then the measures it left out. */
export function initialState(
  measures: MeasureRecord[],
  recommendation: Recommendation,
  years: readonly string[],
): EditorState {
  const open = new Map(measures.filter((m) => m.status !== 'withdrawn').map((m) => [m.id, m]));
  const rows: EditorRow[] = [];
  const placed = new Set<string>();
  for (const item of [...recommendation.items].sort((a, b) => a.rank - b.rank)) {
    const m = open.get(item.measureId);
    if (!m || placed.has(m.id)) continue;
    placed.add(m.id);
    rows.push(rowFor(m, item.grants, years));
  }
  for (const m of open.values()) if (!placed.has(m.id)) rows.push(rowFor(m, {}, years));
  return { rows, meetingDate: '', caseNumber: '' };
}

function rowFor(m: MeasureRecord, grants: YearMap, years: readonly string[]): EditorRow {
  const asked = years.map((y) => toOre(parseMoney(m.amounts[y] ?? '0.00')));
  const given = years.map((y) => toOre(parseMoney(grants[y] ?? '0.00')));
  const choice: GrantChoice = given.every((g, i) => g === asked[i])
    ? asked.some((a) => a > 0n)
      ? 'full'
      : 'none'
    : given.every((g) => g === 0n)
      ? 'none'
      : 'part';
  return {
    measureId: m.id,
    choice,
    typed: Object.fromEntries(years.map((y) => [y, choice === 'part' ? formatAmount(grants[y] ?? '0.00') : ''])),
  };
}

/**
 * The edit a post carries. Rows naming no open measure, or one twice, are dropped; open measures
 * the post does not name (a measure proposed... never, after proposals closed, but a stale form)
 * are added at the end with no grant, so the list always covers every open measure once.
 */
export function stateFromForm(values: FormValues, measures: MeasureRecord[], years: readonly string[]): EditorState {
  const open = new Map(measures.filter((m) => m.status !== 'withdrawn').map((m) => [m.id, m]));
  const seen = new Set<string>();
  const rows: EditorRow[] = [];
  const add = (mid: string, posted: boolean) => {
    if (seen.has(mid) || !open.has(mid)) return;
    seen.add(mid);
    const choice = text(values, field.choice(mid));
    const moveTo = posted ? text(values, field.moveTo(mid)).trim() : '';
    rows.push({
      measureId: mid,
      choice: posted && (GRANT_CHOICES as string[]).includes(choice) ? (choice as GrantChoice) : 'none',
      typed: Object.fromEntries(years.map((y) => [y, posted ? text(values, field.amount(mid, y)) : ''])),
      ...(moveTo ? { moveTo } : {}),
    });
  };
  for (const mid of texts(values, field.order)) add(mid, true);
  for (const mid of open.keys()) add(mid, false);
  return { rows, meetingDate: text(values, field.meetingDate), caseNumber: text(values, field.caseNumber) };
}

/** The button pressed; anything else (Enter in a field) recomputes. */
export function actionOf(values: FormValues): EditorAction {
  const a = text(values, field.action);
  const move = /^(opp|ned):(.+)$/.exec(a);
  if (move) return { kind: 'move', measureId: move[2]!, by: move[1] === 'opp' ? -1 : 1 };
  if (a === 'legg-fram') return { kind: 'propose' };
  if (a === 'bekreft') return { kind: 'confirm' };
  return { kind: 'compute' };
}

/** The state with one row moved a place up or down (no change at either end). */
export function moved(state: EditorState, measureId: string, by: -1 | 1): EditorState {
  const i = state.rows.findIndex((r) => r.measureId === measureId);
  const j = i + by;
  if (i < 0 || j < 0 || j >= state.rows.length) return state;
  const rows = [...state.rows];
  [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  return { ...state, rows };
}

/**
 * The rows given a place to move to, moved there: each to the place typed (1 to the number of
 * rows), the others keeping their order around them; two typed the same place keep their order.
 * A place that is not a whole number in range is an error beside its field, and its row stays.
 */
export function placed(state: EditorState): { state: EditorState; errors: FormError[] } {
  const n = state.rows.length;
  const errors: FormError[] = [];
  const targets = new Map<string, number>();
  for (const r of state.rows) {
    if (!r.moveTo) continue;
    const place = /^\d{1,6}$/.test(r.moveTo) ? Number(r.moveTo) : NaN;
    if (place >= 1 && place <= n) targets.set(r.measureId, place);
    else errors.push({ field: field.moveTo(r.measureId), message: `Skriv plassen som et helt tall fra 1 til ${n}.` });
  }
  if (targets.size === 0) return { state, errors };
  const movers = state.rows
    .map((r, i) => ({ r: withoutMoveTo(r), i, to: targets.get(r.measureId) }))
    .filter((m): m is { r: EditorRow; i: number; to: number } => m.to !== undefined)
    .sort((a, b) => a.to - b.to || a.i - b.i);
  const rows = state.rows.filter((r) => !targets.has(r.measureId));
  let last = -1;
  for (const m of movers) {
    last = Math.min(Math.max(m.to - 1, last + 1), rows.length);
    rows.splice(last, 0, m.r);
  }
  return { state: { ...state, rows }, errors };
}

const withoutMoveTo = ({ moveTo: _, ...row }: EditorRow): EditorRow => row;

export interface FunderFigures {
  funderId: string;
  frame: YearMap;
  allocated: YearMap;
  remaining: YearMap;
}

export interface Computed {
  /** each row's grant per year as it counts (full: what was asked; none: 0.00; part: as typed) */
  grants: Map<string, YearMap>;
  /** each granted row's share per funder and year */
  shares: Map<string, FunderYearMap>;
  /** the rows with some grant, ranked 1.. in the rows' order: the list that would be put to the vote */
  items: { measureId: string; rank: number; grants: YearMap }[];
  funders: FunderFigures[];
  violations: FrameViolation[];
  /** errors in what was typed, by field; a list with any cannot be sent */
  errors: FormError[];
}

export interface CycleMoney {
  cycle: Pick<CycleRecord, 'config' | 'frames'>;
  outOfSplit: OutOfSplit;
}

/**
 * The list's grants, each funder's frame, allocated and remaining per year and the frame breaks,
 * with the errors in what was typed (a part amount that is no amount, or more than was asked).
 */
export function compute(
  state: EditorState,
  measures: Map<string, MeasureRecord>,
  years: readonly string[],
  money: CycleMoney,
  titles: (mid: string) => string,
): Computed {
  const { config, frames } = money.cycle;
  const members = membersOf(config);
  const errors: FormError[] = [];
  const grants = new Map<string, YearMap>();
  const items: Computed['items'] = [];
  const shares = new Map<string, FunderYearMap>();
  for (const row of state.rows) {
    const m = measures.get(row.measureId);
    if (!m) continue;
    const g: YearMap = {};
    for (const y of years) {
      const asked = m.amounts[y] ?? '0.00';
      if (row.choice === 'full') g[y] = formatMoney(parseMoney(asked));
      else if (row.choice === 'none') g[y] = '0.00';
      else {
        const parsed = parseMoneyInput(row.typed[y] ?? '');
        if (!parsed.ok) {
          errors.push({ field: field.amount(m.id, y), message: `«${titles(m.id)}», ${y}: ${parsed.message}` });
          g[y] = '0.00';
        } else if (parsed.value !== null && parseMoney(parsed.value).greaterThan(parseMoney(asked))) {
          errors.push({
            field: field.amount(m.id, y),
            message: `«${titles(m.id)}», ${y}: Tilskuddet kan ikke være større enn det som er søkt (${formatAmount(asked)} kr).`,
          });
          g[y] = '0.00';
        } else g[y] = parsed.value ?? '0.00';
      }
    }
    grants.set(m.id, g);
    if (Object.values(g).some((a) => a !== '0.00')) {
      items.push({ measureId: m.id, rank: items.length + 1, grants: g });
      try {
        shares.set(m.id, shareMeasure(g, config.sharing, members, frames, money.outOfSplit));
      } catch (e) {
        if (!(e instanceof CostSharingError)) throw e;
        errors.push({
          field: field.choice(m.id),
          message: `«${titles(m.id)}»: Tilskuddet kan ikke deles mellom finansiørene et år der ingen har ramme.`,
        });
      }
    }
  }
  const ids = funderIds(members);
  const everyYear = (map: YearMap | undefined): YearMap =>
    Object.fromEntries(years.map((y) => [y, formatMoney(parseMoney(map?.[y] ?? '0.00'))]));
  const frame: FunderYearMap = Object.fromEntries(ids.map((id) => [id, everyYear(frames[id])]));
  const allocated = sumShares([Object.fromEntries(ids.map((id) => [id, everyYear(undefined)])), ...shares.values()]);
  const left = remaining(frame, allocated);
  const violations = checkFrames(allocated, frame);
  return {
    grants,
    shares,
    items,
    funders: ids.map((id) => ({
      funderId: id,
      frame: frame[id]!,
      allocated: everyYear(allocated[id]),
      // negative where the frame is broken, so not through parseMoney (which takes no sign)
      remaining: Object.fromEntries(years.map((y) => [y, left[id]?.[y] ?? '0.00'])),
    })),
    violations,
    errors,
  };
}

/** The meeting the list belongs to, or the errors in it (a date; a case number of at most 50 characters). */
export function meetingOf(state: EditorState): { date: string; caseNumber: string } | { errors: FormError[] } {
  const errors: FormError[] = [];
  const date = parseDateInput(state.meetingDate);
  if (!date.ok) errors.push({ field: field.meetingDate, message: `Møtedato: ${date.message}` });
  const caseNumber = state.caseNumber.trim();
  if (caseNumber === '') errors.push({ field: field.caseNumber, message: 'Skriv saksnummeret, for eksempel 12/27.' });
  else if (caseNumber.length > 50)
    errors.push({ field: field.caseNumber, message: 'Saksnummeret kan ha høyst 50 tegn.' });
  return errors.length || !date.ok ? { errors } : { date: date.value, caseNumber };
}
