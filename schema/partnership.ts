/**
 * A partnership's configuration (members, cost-sharing rule and key, IPR roster) and its
 * strategic plan. Both are data, loaded into `partnerships(config, plan)`; nothing here is a rule
 * hard-coded for one partnership.
 */
import { z } from 'zod';
import { MONEY_PATTERN } from '../domain/money.js';
import { PAYS_IN, type PaysIn } from '../domain/year-end.js';

export { DEFAULT_GRANT_UNIT, grantUnitOf } from '../domain/recommendation.js';
export { DEFAULT_PAYS_IN, paysInOf } from '../domain/year-end.js';

const Slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase slug, e.g. "lillehammer-regionen"');
export const MunicipalityIdSchema = z.string().regex(/^\d{4}$/, 'municipality number, four digits, e.g. "3405"');
export const COUNTY_ID = 'county' as const;
const Text = z.string().trim().min(1);

export const CountyFractionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('fixed'), numerator: z.int().positive(), denominator: z.int().positive() }),
  z.strictObject({ type: z.literal('pro-rata') }),
]);

export const SharingKeySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('equal') }),
  z.strictObject({
    type: z.literal('population'),
    asOf: z.iso.date(),
    source: Text,
    figures: z.record(MunicipalityIdSchema, z.int().positive()),
  }),
  z.strictObject({ type: z.literal('fixed'), weights: z.record(MunicipalityIdSchema, z.int().positive()) }),
]);

export const SharingSchema = z.strictObject({ countyFraction: CountyFractionSchema, key: SharingKeySchema });

/**
 * What a funder pays into the partnership, which decides what of its unspent money carries over at
 * year-end (docs/domain.md, decisions of 2026-12-01):
 * - `frame`: its whole frame is paid in (the county's is), so its money never allocated and its money
 *   granted but not spent both stay in the partnership's accounts and carry over;
 * - `adopted-share`: it pays the share its council adopted (a municipality), so only what was granted
 *   and not spent carries over; its frame beyond that was never paid.
 */
export const PaysInSchema = z.enum(PAYS_IN);
export type { PaysIn };

/** The recommendation's partial grants are whole multiples of this; default DEFAULT_GRANT_UNIT (domain/cost-sharing.ts). */
const GrantUnitSchema = z
  .string()
  .regex(MONEY_PATTERN, 'an amount of money, e.g. "1000.00"')
  .refine((unit) => /[1-9]/.test(unit), 'must be more than 0.00');

/** Where a person's reminders go (workflows/cycle/reminders.ts): a name to greet and an address. */
export const ContactSchema = z.strictObject({ name: Text, email: z.email() });

export const RosterMemberSchema = z.strictObject({
  id: Slug,
  name: Text,
  /** the member's e-mail reminders to vote go to; none, no reminder */
  email: z.email().optional(),
  /** e.g. 'mayor', 'opposition', 'county-politician', 'chief-executive', 'county-adviser' */
  role: Slug,
  municipality: z.union([MunicipalityIdSchema, z.literal(COUNTY_ID)]).optional(),
  votes: z.boolean(),
});

export const PartnershipConfigSchema = z
  .strictObject({
    id: Slug,
    name: Text,
    county: z.strictObject({
      id: z.literal(COUNTY_ID),
      name: Text,
      /** the short name the documents use, e.g. 'IFK' */
      orgName: Text.optional(),
      /** default 'frame' (DEFAULT_PAYS_IN, domain/year-end.ts) */
      paysIn: PaysInSchema.optional(),
    }),
    /** in configuration order: the order of funders everywhere, and the tie-break order */
    municipalities: z
      .array(
        z.strictObject({
          id: MunicipalityIdSchema,
          name: Text,
          /** default 'adopted-share' */ paysIn: PaysInSchema.optional(),
          /** the council's clerk, who gets the reminders to record its decision */
          clerk: ContactSchema.optional(),
        }),
      )
      .min(1),
    sharing: SharingSchema,
    /** the unit of the recommendation's partial grants (default DEFAULT_GRANT_UNIT, 1 000 kr, domain/cost-sharing.ts) */
    grantUnit: GrantUnitSchema.optional(),
    ipr: z.strictObject({ roster: z.array(RosterMemberSchema).min(1) }),
    /** the secretariat, who gets the administrator's reminders (close proposals, a list to the vote, the year-end) */
    administration: ContactSchema.optional(),
    /** true when the rule and key are example configuration, not taken from an agreement */
    example: z.boolean(),
    note: Text.optional(),
  })
  .superRefine((config, ctx) => {
    const ids = config.municipalities.map((m) => m.id);
    duplicates(ids).forEach((id) =>
      ctx.addIssue({ code: 'custom', path: ['municipalities'], message: `municipality ${id} is listed twice` }),
    );

    const fraction = config.sharing.countyFraction;
    if (fraction.type === 'fixed' && !(fraction.numerator < fraction.denominator)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sharing', 'countyFraction'],
        message: `county fraction ${fraction.numerator}/${fraction.denominator} must lie strictly between 0 and 1`,
      });
    }

    const key = config.sharing.key;
    const keyed = key.type === 'population' ? key.figures : key.type === 'fixed' ? key.weights : null;
    if (keyed) {
      const field = key.type === 'population' ? 'figures' : 'weights';
      const keyIds = Object.keys(keyed);
      ids
        .filter((id) => !keyIds.includes(id))
        .forEach((id) =>
          ctx.addIssue({
            code: 'custom',
            path: ['sharing', 'key', field],
            message: `no ${field} entry for municipality ${id}`,
          }),
        );
      keyIds
        .filter((id) => !ids.includes(id))
        .forEach((id) =>
          ctx.addIssue({
            code: 'custom',
            path: ['sharing', 'key', field, id],
            message: `${id} is not a member municipality`,
          }),
        );
    }

    const roster = config.ipr.roster;
    duplicates(roster.map((r) => r.id)).forEach((id) =>
      ctx.addIssue({ code: 'custom', path: ['ipr', 'roster'], message: `roster id ${id} is used twice` }),
    );
    if (!roster.some((r) => r.votes)) {
      ctx.addIssue({ code: 'custom', path: ['ipr', 'roster'], message: 'the IPR roster has no voting member' });
    }
    roster.forEach((r, i) => {
      if (r.municipality !== undefined && r.municipality !== COUNTY_ID && !ids.includes(r.municipality)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ipr', 'roster', i, 'municipality'],
          message: `${r.municipality} is not a member municipality`,
        });
      }
    });
  });

export type PartnershipConfig = z.infer<typeof PartnershipConfigSchema>;
export type Sharing = z.infer<typeof SharingSchema>;
export type CountyFraction = z.infer<typeof CountyFractionSchema>;
export type SharingKey = z.infer<typeof SharingKeySchema>;
export type RosterMember = z.infer<typeof RosterMemberSchema>;
export type Contact = z.infer<typeof ContactSchema>;

export function votingMembers(config: PartnershipConfig): RosterMember[] {
  return config.ipr.roster.filter((r) => r.votes);
}

/** A list is adopted (or sent back) when more than half of the voting roster agrees. */
export function majorityOf(config: PartnershipConfig): number {
  return Math.floor(votingMembers(config).length / 2) + 1;
}

// ---- strategic plan ----

export interface Strategy {
  code: string;
  title: string;
  strategies?: Strategy[];
}

const StrategyCode = z.string().regex(/^\d+(\.\d+)+$/, 'strategy code such as "4.2" or "4.2.1"');

export const StrategySchema: z.ZodType<Strategy> = z.strictObject({
  code: StrategyCode,
  title: Text,
  get strategies() {
    return z.array(StrategySchema).min(1).optional();
  },
});

export const GoalSchema = z.strictObject({
  code: z.string().regex(/^\d+$/, 'goal code such as "1"'),
  title: Text,
  strategies: z.array(StrategySchema).min(1),
});

export const IndicatorSchema = z.strictObject({
  id: z.int().positive(),
  title: Text,
  baseline: Text.optional(),
  target: Text.optional(),
});

const Year = z.int().min(2000).max(2200);

export const PlanSchema = z
  .strictObject({
    partnership: Slug,
    title: Text,
    period: z.strictObject({ from: Year, to: Year }),
    goals: z.array(GoalSchema).min(1),
    indicators: z.array(IndicatorSchema),
    /** true for a plan sketched from source documents as example data, not an adopted plan */
    example: z.boolean().default(false),
    note: Text.optional(),
  })
  .superRefine((plan, ctx) => {
    if (plan.period.from > plan.period.to) {
      ctx.addIssue({ code: 'custom', path: ['period'], message: 'period.from is after period.to' });
    }
    duplicates(plan.goals.map((g) => g.code)).forEach((code) =>
      ctx.addIssue({ code: 'custom', path: ['goals'], message: `goal ${code} is listed twice` }),
    );
    const check = (parent: string, list: Strategy[], path: (string | number)[]) =>
      list.forEach((s, i) => {
        if (!s.code.startsWith(`${parent}.`) || s.code.slice(parent.length + 1).includes('.')) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, i, 'code'],
            message: `${s.code} is not a direct child of ${parent}`,
          });
        }
        if (s.strategies) check(s.code, s.strategies, [...path, i, 'strategies']);
      });
    plan.goals.forEach((g, i) => check(g.code, g.strategies, ['goals', i, 'strategies']));
    duplicates(strategyCodes(plan)).forEach((code) =>
      ctx.addIssue({ code: 'custom', path: ['goals'], message: `strategy ${code} is listed twice` }),
    );
    duplicates(plan.indicators.map((x) => x.id)).forEach((id) =>
      ctx.addIssue({ code: 'custom', path: ['indicators'], message: `indicator ${id} is listed twice` }),
    );
  });

export type Plan = z.infer<typeof PlanSchema>;
export type Goal = z.infer<typeof GoalSchema>;
export type Indicator = z.infer<typeof IndicatorSchema>;

/** Every strategy code of the plan, depth first: 4.1, 4.2, 4.2.1, 4.2.2, 4.2.3, 5.1, 5.1.1, ... */
export function strategyCodes(plan: Pick<Plan, 'goals'>): string[] {
  const walk = (list: Strategy[]): string[] => list.flatMap((s) => [s.code, ...walk(s.strategies ?? [])]);
  return plan.goals.flatMap((g) => walk(g.strategies));
}

/** The goal (delmål) a strategy code belongs to: its first segment ("4.2.1" -> "4"). */
export function goalOf(code: string): string {
  const goal = code.split('.')[0];
  if (!goal || !/^\d+$/.test(goal)) throw new Error(`not a strategy code: ${JSON.stringify(code)}`);
  return goal;
}

function duplicates<T>(values: T[]): T[] {
  return values.filter((v, i) => values.indexOf(v) !== i).filter((v, i, all) => all.indexOf(v) === i);
}
