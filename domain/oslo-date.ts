/**
 * The calendar date in Norway (Europe/Oslo) at an instant: the date a person there calls today.
 * Council decisions are dated so; one dated after today has not been taken yet. Pure: the caller
 * gives the instant (the workflow passes its own deterministic time).
 */
const OSLO = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** YYYY-MM-DD in Europe/Oslo at `epochMs`. */
export function osloDate(epochMs: number): string {
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    OSLO.formatToParts(epochMs).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Whether a YYYY-MM-DD date lies after the Oslo date at `epochMs` (ISO dates compare as strings). */
export const isAfterOsloToday = (date: string, epochMs: number): boolean => date > osloDate(epochMs);

export const FUTURE_DECISION_MESSAGE =
  'must not be in the future: a decision is dated on or before today (Norwegian time)';
