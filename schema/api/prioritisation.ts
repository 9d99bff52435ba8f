/** Request bodies of IPR prioritisation: a priority list and a vote. */
import { z } from 'zod';
import { TEXT_LIMITS } from '../../domain/text.js';
import { VOTES } from '../../domain/values.js';
import { CalendarDate, mid, named, Text, YearMap } from './fields.js';

const PriorityItemInput = z.strictObject({
  measureId: mid,
  rank: z.int().min(1),
  grants: YearMap,
});

export const PriorityListRequest = named(
  z
    .strictObject({
      items: z.array(PriorityItemInput),
      meeting: z.strictObject({ date: CalendarDate, caseNumber: Text(TEXT_LIMITS.caseNumber) }),
    })
    .superRefine((list, ctx) => {
      const seen = { rank: new Set<number>(), measureId: new Set<string>() };
      list.items.forEach((item, i) => {
        for (const field of ['rank', 'measureId'] as const) {
          const set = seen[field] as Set<unknown>;
          if (set.has(item[field]))
            ctx.addIssue({
              code: 'custom',
              path: ['items', i, field],
              message: `${field} ${item[field]} appears twice`,
            });
          set.add(item[field]);
        }
      });
    }),
  'PriorityListRequest',
  'A priority list to put to the IPR vote; it replaces any list under vote.',
  'request',
);

export const VoteRequest = named(
  z.strictObject({ vote: z.enum(VOTES) }),
  'VoteRequest',
  'One vote per member per list.',
  'request',
);
