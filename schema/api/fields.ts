/**
 * The building blocks of the HTTP contract's schemas: the registries that make named schemas
 * OpenAPI components, money and year maps, storable text, dates, and the path and query
 * parameters. The resource files (cycles, measures, prioritisation, adoptions, execution) and the
 * responses are made of these.
 */
import { z } from 'zod';
import {
  CONTROL_MESSAGE,
  SURROGATE_MESSAGE,
  hasControlCharacters,
  hasLoneSurrogate,
  isCalendarDate,
} from '../../domain/text.js';
import { ROLES } from '../../domain/values.js';

/** Named schemas that appear in requests; they become OpenAPI components (request side). */
export const requestSchemas = z.registry<{ id: string; description?: string }>();
/** Named schemas that appear in responses; they become OpenAPI components (response side). */
export const responseSchemas = z.registry<{ id: string; description?: string }>();

export function named<T extends z.ZodType>(
  schema: T,
  id: string,
  description: string,
  side: 'request' | 'response' | 'both',
): T {
  if (side !== 'response') requestSchemas.add(schema, { id, description });
  if (side !== 'request') responseSchemas.add(schema, { id, description });
  return schema;
}

/** Every endpoint of the route table lives under this path. */
export const API_BASE = '/api/v1';

// ── primitives ───────────────────────────────────────────────────────────────

export const RoleSchema = z.enum(ROLES);

const MONEY_PATTERN = /^\d{1,12}\.\d{2}$/;
export const Money = named(
  z
    .string({ error: 'money must be a JSON string such as "1250000.00", never a number' })
    .regex(MONEY_PATTERN, 'money: digits with exactly two decimals, no sign, exponent or spaces, e.g. "1250000.00"'),
  'Money',
  'NOK with øre as a decimal string with exactly two decimals, e.g. "1250000.00".',
  'request',
);
/** Amounts the API reports: like Money, but a remaining amount may be negative. */
export const MoneyOut = named(
  z.string().regex(/^-?\d+\.\d{2}$/),
  'Amount',
  'NOK with øre as a decimal string with two decimals; negative only where money is missing (remaining).',
  'response',
);

export const Year = z.int().min(2000).max(2200);
export const YearKey = z.string().regex(/^\d{4}$/, 'a year such as "2027"');
export const YearMap = named(z.record(YearKey, Money), 'YearMap', 'Money per year: {"2027": "1000000.00"}.', 'request');
export const YearMapOut = named(
  z.record(YearKey, MoneyOut),
  'YearAmounts',
  'Money per year: {"2027": "1000000.00"}.',
  'response',
);
export const FunderId = z.string().regex(/^(county|\d{4})$/, '"county" or a four-digit municipality number');
export const FunderYearMapOut = named(
  z.record(FunderId, YearMapOut),
  'FunderYearAmounts',
  'Per funder ("county" or municipality number), money per year.',
  'response',
);

/**
 * Text the API accepts is text Postgres can store (domain/text.ts): the workflow records it through
 * activities, and an activity that Postgres refuses retries forever and wedges the cycle. So every
 * text field refuses control characters other than tab and line breaks, and lone UTF-16
 * surrogates such as "\ud800" (valid JSON, but not Unicode), with 422 and its path.
 */
export const storable = <T extends z.ZodString>(schema: T) =>
  schema
    .refine((s) => !hasControlCharacters(s), CONTROL_MESSAGE)
    .refine((s) => !hasLoneSurrogate(s), SURROGATE_MESSAGE);
export const Note = (max: number) => storable(z.string().max(max, `at most ${max} characters`));
export const Text = (max: number) => Note(max).trim().min(1, 'required, non-empty text');
export const Instant = z.iso.datetime({ offset: true, error: 'an ISO 8601 instant such as "2027-03-01T12:00:00Z"' });
/** A calendar date Postgres can store in a `date` column, from 1900 on: the workflow's own check. */
export const CalendarDate = z.iso
  .date({ error: 'a date such as "2027-03-01"', abort: true })
  .refine(isCalendarDate, 'a date from 1900-01-01 on');
export const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lowercase slug such as "lillehammer-regionen"');

// ── path and query parameters ────────────────────────────────────────────────

export const CYCLE_ID_PATTERN = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d{4})$/;
export const pid = Slug.describe('partnership id, e.g. "lillehammer-regionen"');
export const cid = z
  .string()
  .regex(CYCLE_ID_PATTERN, 'a cycle id {partnership}-{year}')
  .describe('cycle id, e.g. "lillehammer-regionen-2027"');
export const mid = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a measure id')
  .describe('measure id, e.g. "m0001"');

export const PartnershipParams = z.object({ pid });
export const CycleParams = z.object({ cid });
export const MeasureParams = z.object({ cid, mid });
export const ListVersionParams = z.object({
  cid,
  version: z.coerce.number().int().min(1).describe('priority list version, from 1'),
});
export const MunicipalityParams = z.object({
  cid,
  municipality: z
    .string()
    .regex(/^\d{4}$/, 'a four-digit municipality number')
    .describe('municipality number, e.g. "3405"'),
});

const ALLOCATION_FORMATS = ['json', 'csv', 'xlsx'] as const;
export const AllocationsQuery = z.object({
  format: z
    .enum(ALLOCATION_FORMATS)
    .optional()
    .describe('json (default), csv (Norwegian Excel: ";" and decimal comma) or xlsx'),
});
