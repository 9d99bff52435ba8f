/** Request body of a municipal council's adoption decision. */
import { z } from 'zod';
import { FUTURE_DECISION_MESSAGE, isAfterOsloToday } from '../../domain/oslo-date.js';
import { TEXT_LIMITS } from '../../domain/text.js';
import { ADOPTION_DECISIONS } from '../../domain/values.js';
import { CalendarDate, named, Text, YearMap } from './fields.js';

export const AdoptionRequest = named(
  z
    .strictObject({
      decision: z.enum(ADOPTION_DECISIONS),
      amounts: YearMap.optional().describe('the adopted amounts per year; only with decision "reduced"'),
      caseNumber: Text(TEXT_LIMITS.caseNumber),
      decidedOn: CalendarDate.refine((d) => !isAfterOsloToday(d, Date.now()), FUTURE_DECISION_MESSAGE),
    })
    .superRefine((a, ctx) => {
      if (a.decision === 'reduced' && a.amounts === undefined)
        ctx.addIssue({ code: 'custom', path: ['amounts'], message: 'required when the decision is "reduced"' });
      if (a.decision !== 'reduced' && a.amounts !== undefined)
        ctx.addIssue({ code: 'custom', path: ['amounts'], message: 'only with the decision "reduced"' });
    }),
  'AdoptionRequest',
  "A municipal council's decision on its contribution.",
  'request',
);
