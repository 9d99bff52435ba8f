/** Request bodies of execution: progress reports and indicator values. */
import { z } from 'zod';
import { TEXT_LIMITS } from '../../domain/text.js';
import { named, Note, Text, Year, YearMap } from './fields.js';

export const ProgressReportRequest = named(
  z.strictObject({
    progress: Text(TEXT_LIMITS.progress),
    spent: YearMap.describe('money spent in this report, per year'),
  }),
  'ProgressReportRequest',
  'Progress of a granted measure and money spent.',
  'request',
);

export const IndicatorsRequest = named(
  z.strictObject({
    year: Year,
    values: z
      .array(
        z.strictObject({
          indicator: z.string().regex(/^\d+$/, 'the indicator number of the plan, e.g. "4"'),
          value: z.string().regex(/^-?\d{1,12}(\.\d{1,6})?$/, 'a decimal string such as "88.4"'),
          note: Note(TEXT_LIMITS.note).optional(),
        }),
      )
      .min(1),
  }),
  'IndicatorsRequest',
  'Yearly indicator values.',
  'request',
);
