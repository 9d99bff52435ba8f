/**
 * The start-a-cycle form's pure parts (its routes are web/pages/cycle-start.ts): reading what the
 * administrator typed (the year, a frame per funder and year Y..Y+3 as Norwegians type money, the
 * three deadlines in Oslo time, whether to bring in what Y-1 carried over) into the API's own
 * request, checked by the API's own rules (schema StartCycleRequest, core/cycle-start.ts
 * frameErrors and deadlineErrors), with each error in Norwegian on its field; and the defaults a new
 * form starts from.
 *
 * The frame fields are named by the year's place in the plan (frame-{funder}-0 … -3), not by the
 * year itself, so changing the year keeps the grid.
 */
import { formatMoney, parseMoney } from '../../domain/money.js';
import type { PartnershipConfig } from '../../schema/partnership.js';
import {
  deadlineErrors,
  frameErrors,
  StartCycleRequest,
  type CycleRecord,
  type Deadlines,
  type FieldError,
} from '../core.js';
import { formatAmount, inOslo } from '../format.js';
import { text, zodPaths, formErrors, type FormError, type FormValues } from '../forms.js';
import { formatOsloDateTimeInput, parseMoneyInput, parseOsloDateTime } from '../input.js';
import { funderName } from '../names.js';
import { DEADLINE_NAMES } from './admin-cycle.js';

export const DEADLINE_KEYS = ['proposals', 'ipr', 'adoption'] as const;
export const OFFSETS = [0, 1, 2, 3] as const;

export const frameField = (funderId: string, offset: number) => `frame-${funderId}-${offset}`;
export const deadlineField = (k: keyof Deadlines) => `deadline-${k}`;

export const fundersOf = (config: PartnershipConfig): string[] => [
  config.county.id,
  ...config.municipalities.map((m) => m.id),
];

/** What the form asks to start, in the API's terms (money as decimal strings, deadlines as ISO instants). */
export interface StartDraft {
  year: number;
  frames: Record<string, Record<string, string>>;
  deadlines: Deadlines;
  carryOver: boolean;
}

/** The fields of the form, in its order, for the error summary. */
export function fieldOrder(config: PartnershipConfig): string[] {
  return [
    'year',
    ...fundersOf(config).flatMap((f) => OFFSETS.map((i) => frameField(f, i))),
    ...DEADLINE_KEYS.map(deadlineField),
    'carryOver',
  ];
}

/** The year the form names, or null when it names none. */
export function yearOf(values: FormValues): number | null {
  const typed = text(values, 'year').trim();
  if (!/^\d{4}$/.test(typed)) return null;
  const y = Number(typed);
  return y >= 2000 && y <= 2200 ? y : null;
}

/** Norwegian for the API rules' messages about the deadlines (core/cycle-start.ts deadlineErrors). */
function deadlineMessage(path: string, message: string): string {
  const k = path.split('.')[1] as keyof Deadlines;
  const name = DEADLINE_NAMES[k] ?? 'Fristen';
  if (message.startsWith('must be in the future')) return `${name}: tidspunktet må være fram i tid.`;
  const before = DEADLINE_KEYS[DEADLINE_KEYS.indexOf(k) - 1];
  return `${name} kan ikke være før ${before ? DEADLINE_NAMES[before].toLowerCase() : 'den forrige fristen'}. Fristene kommer i rekkefølgen forslag, IPR, kommunestyrene.`;
}

/**
 * The form's request, or its errors: first what was typed (money, times), then the API's schema and
 * its rules for frames and deadlines. `now` is what "in the future" is measured against.
 */
export function startFromForm(
  values: FormValues,
  config: PartnershipConfig,
  now = Date.now(),
): { draft: StartDraft } | { errors: FormError[] } {
  const errors: FormError[] = [];
  const year = yearOf(values);
  if (year === null)
    errors.push({ field: 'year', message: 'Budsjettår: skriv året med fire sifre, for eksempel 2027.' });
  const frames: StartDraft['frames'] = {};
  for (const f of fundersOf(config)) {
    frames[f] = {};
    for (const i of OFFSETS) {
      const label = `${funderName(config, f)}, ${year === null ? `år ${i + 1}` : year + i}`;
      const parsed = parseMoneyInput(text(values, frameField(f, i)));
      if (!parsed.ok) errors.push({ field: frameField(f, i), message: `${label}: ${parsed.message}` });
      else if (parsed.value === null)
        errors.push({ field: frameField(f, i), message: `${label}: skriv rammen i kroner (0 om den er null).` });
      else if (year !== null) frames[f][String(year + i)] = parsed.value;
    }
  }
  const deadlines: Partial<Deadlines> = {};
  for (const k of DEADLINE_KEYS) {
    const parsed = parseOsloDateTime(text(values, deadlineField(k)));
    if (!parsed.ok) errors.push({ field: deadlineField(k), message: `${DEADLINE_NAMES[k]}: ${parsed.message}` });
    else deadlines[k] = parsed.value;
  }
  const order = fieldOrder(config);
  const sorted = () => ({ errors: errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)) });
  /** The API rules' errors (API paths) on the form's fields, in Norwegian. */
  const onFields = (ruleErrors: FieldError[], y: number) =>
    formErrors(
      ruleErrors,
      (p) => {
        const [head, a, b] = p.split('.');
        if (head === 'deadlines' && a) return deadlineField(a as keyof Deadlines);
        if (head === 'frames' && a && b) return frameField(a, Number(b) - y);
        return head === 'year' ? 'year' : null;
      },
      (field, p) =>
        field.startsWith('deadline-')
          ? deadlineMessage(p, ruleErrors.find((e) => e.path === p)?.message ?? '')
          : field.startsWith('frame-')
            ? 'Rammen kan ikke registreres: høyst 12 sifre i kroner og to i øre.'
            : 'Budsjettåret må være mellom 2000 og 2200.',
      order,
      'year',
    );
  // The deadlines' rules (in the future, in order) as soon as all three can be read, beside any other error.
  const { proposals, ipr, adoption } = deadlines;
  if (proposals && ipr && adoption)
    errors.push(...onFields(deadlineErrors({ proposals, ipr, adoption }, now), year ?? 0));
  if (errors.length || year === null) return sorted();

  const candidate = { year, frames, deadlines, carryOver: text(values, 'carryOver') === 'ja' };
  const parsed = StartCycleRequest.safeParse(candidate);
  errors.push(
    ...onFields(parsed.success ? frameErrors(config, year, parsed.data.frames) : zodPaths(parsed.error), year),
  );
  if (errors.length || !parsed.success) return sorted();
  return {
    draft: { year, frames: parsed.data.frames, deadlines: parsed.data.deadlines, carryOver: parsed.data.carryOver },
  };
}

/** The draft as form values again (money and times as a Norwegian types them), for the confirmation's hidden fields and "Endre". */
export function draftValues(config: PartnershipConfig, d: StartDraft): Record<string, string> {
  const out: Record<string, string> = { year: String(d.year) };
  for (const f of fundersOf(config))
    for (const i of OFFSETS) out[frameField(f, i)] = formatAmount(d.frames[f]?.[String(d.year + i)] ?? '0.00');
  for (const k of DEADLINE_KEYS) out[deadlineField(k)] = formatOsloDateTimeInput(d.deadlines[k]);
  if (d.carryOver) out.carryOver = 'ja';
  return out;
}

const DAY_MS = 86_400_000;

/**
 * A new form: the year asked for (a link's ?ar=), else the year after the newest cycle (or next year), the frames the previous cycle planned
 * for the same years (its last year again for Y+3), deadlines as the API's example has them in
 * Y-1 (1 September 12:00, 15 October 12:00, 15 December 23:59) or, when those have passed, 30, 60
 * and 90 days from today; carry-over ticked when Y-1 carried money over.
 */
export function startDefaults(
  config: PartnershipConfig,
  cycles: Pick<CycleRecord, 'year' | 'frames'>[],
  now = Date.now(),
  asked: number | null = null,
): FormValues {
  const thisYear = inOslo(now).year;
  const newest = cycles.reduce<Pick<CycleRecord, 'year' | 'frames'> | null>(
    (a, c) => (a === null || c.year > a.year ? c : a),
    null,
  );
  const year = asked ?? Math.max(thisYear + 1, (newest?.year ?? 0) + 1);
  const previous = cycles.find((c) => c.year === year - 1);
  const values: FormValues = { year: String(year) };
  for (const f of fundersOf(config)) {
    for (const i of OFFSETS) {
      const y = String(year + Math.min(i, 2));
      const planned = previous?.frames[f]?.[y];
      if (planned !== undefined) values[frameField(f, i)] = formatAmount(formatMoney(parseMoney(planned)));
    }
  }
  const wall = (month: number, day: number, time: string) =>
    `${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${year - 1} ${time}`;
  const usual = { proposals: wall(9, 1, '12:00'), ipr: wall(10, 15, '12:00'), adoption: wall(12, 15, '23:59') };
  const first = parseOsloDateTime(usual.proposals);
  const soon = (days: number, time: string) =>
    `${formatOsloDateTimeInput(new Date(now + days * DAY_MS).toISOString()).slice(0, 10)} ${time}`;
  const chosen =
    first.ok && Date.parse(first.value) > now
      ? usual
      : { proposals: soon(30, '12:00'), ipr: soon(60, '12:00'), adoption: soon(90, '23:59') };
  for (const k of DEADLINE_KEYS) values[deadlineField(k)] = chosen[k];
  return values;
}
