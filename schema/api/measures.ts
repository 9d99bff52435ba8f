/** Request bodies of the measure resource: a proposal and its edit. */
import { z } from 'zod';
import { TEXT_LIMITS } from '../../domain/text.js';
import { Money, named, storable, Text, YearMap } from './fields.js';

const measureFields = {
  title: Text(TEXT_LIMITS.title),
  description: Text(TEXT_LIMITS.description),
  strategies: z
    .array(storable(z.string().min(1).max(20)))
    .min(1, 'at least one strategy code')
    .describe('strategy codes of the plan, e.g. ["2.1"]'),
  responsible: Text(TEXT_LIMITS.responsible),
  amounts: YearMap.describe('requested from the partnership, per year within Y..Y+3'),
  cofunding: z
    .array(z.strictObject({ source: Text(TEXT_LIMITS.cofundingSource), amount: Money }))
    .describe('other money, outside the split'),
};

export const MeasureInput = named(
  z.strictObject({ ...measureFields, cofunding: measureFields.cofunding.default([]) }),
  'MeasureInput',
  'A proposed measure (tiltak).',
  'request',
);

export const MeasurePatch = named(
  z
    .strictObject(measureFields)
    .partial()
    .refine((m) => Object.keys(m).length > 0, 'name at least one field to change'),
  'MeasurePatch',
  'The fields of a measure to change; the others stay.',
  'request',
);
