/** Request bodies of the cycle resource: start, deadlines, cancel, year-end close. */
import { z } from 'zod';
import { TEXT_LIMITS } from '../../domain/text.js';
import { FunderId, Instant, named, Text, Year, YearMap } from './fields.js';

export const DeadlinesInput = named(
  z.strictObject({ proposals: Instant, ipr: Instant, adoption: Instant }),
  'DeadlinesInput',
  'Deadlines as ISO 8601 instants: proposals ≤ ipr ≤ adoption, all in the future.',
  'request',
);

export const StartCycleRequest = named(
  z.strictObject({
    year: Year,
    frames: z.record(FunderId, YearMap).describe('every funder of the partnership, each with exactly the years Y..Y+3'),
    deadlines: DeadlinesInput,
    carryOver: z
      .boolean()
      .default(false)
      .describe('bring in the unspent money year Y-1 carried over at its year-end close'),
  }),
  'StartCycleRequest',
  'Start the cycle for budget year Y.',
  'request',
);

export const MoveDeadlineRequest = named(
  z.strictObject({
    deadline: z
      .string()
      .regex(
        /^(proposals|ipr|adoption(:\d{4})?)$/,
        'one of "proposals", "ipr", "adoption" or "adoption:{municipality number}"',
      ),
    to: Instant,
  }),
  'MoveDeadlineRequest',
  'Move a deadline that has not passed.',
  'request',
);

export const CloseCycleRequest = named(
  z.strictObject({
    carryOver: z
      .boolean()
      .describe(
        'carry unspent money over to Y+1 as each funder paid it in (by default: both the never-allocated and the granted-but-unspent ' +
          'money of the county, the granted-but-unspent money of a municipality); false releases it all',
      ),
  }),
  'CloseCycleRequest',
  'Year-end close.',
  'request',
);

export const CancelCycleRequest = named(
  z.strictObject({ reason: Text(TEXT_LIMITS.reason) }),
  'CancelCycleRequest',
  'Stop a cycle.',
  'request',
);
