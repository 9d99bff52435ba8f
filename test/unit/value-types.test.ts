/**
 * The value types are defined once in domain/ and the API's zod schemas are made from them
 * (issue 11 item 4). These tests hold the two together, so that they fail when either drifts:
 * at the type level (tsc checks this file: `npm run typecheck`), each schema's parsed type is the
 * domain's type; at run time, what the domain makes parses against the API's response schemas,
 * the API's money is the domain's canonical money, and every text limit is the same in the
 * request schema and in the workflow's rule.
 */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { CycleStatus, Recommendation } from '../../domain/cycle.js';
import { initialState, statusOf, type CycleConfig } from '../../domain/cycle-state.js';
import { framesWithCarryOver, recommend } from '../../domain/ledger.js';
import { formatMoney, fromOre, isMoney, parseMoney, type FunderYearMap, type YearMap } from '../../domain/money.js';
import * as rules from '../../domain/rules/index.js';
import { TEXT_LIMITS } from '../../domain/text.js';
import type { AdoptionDecision, MeasureStatus, Phase, Role, Vote } from '../../domain/values.js';
import {
  AdoptionRequest,
  CancelCycleRequest,
  CycleStatusSchema,
  MeasureInput,
  MeasureStatus as MeasureStatusSchema,
  Money,
  PhaseSchema,
  PriorityListRequest,
  ProgressReportRequest,
  RecommendationSchema,
  RoleSchema,
  VoteRequest,
  YearMap as YearMapSchema,
} from '../../schema/api.js';
import { FunderYearMapOut, YearMapOut } from '../../schema/api/fields.js';
import { admin, frames, lillehammer } from '../support/cycles.js';

const Y = 2031;

function config(): CycleConfig {
  const partnership = lillehammer();
  return {
    cycleId: `${partnership.id}-${Y}`,
    partnership,
    strategyCodes: ['2.1'],
    indicatorIds: ['1'],
    year: Y,
    frames: frames(partnership, Y, '2000000.00', '400000.00'),
    deadlines: { proposals: '2031-02-01T00:00:00Z', ipr: '2031-03-01T00:00:00Z', adoption: '2031-04-01T00:00:00Z' },
    carryOver: {},
    startedBy: admin,
  };
}

describe('each value type and its zod schema are one type', () => {
  it('phase, role, measure status, decision and vote', () => {
    expectTypeOf<z.infer<typeof PhaseSchema>>().toEqualTypeOf<Phase>();
    expectTypeOf<z.infer<typeof RoleSchema>>().toEqualTypeOf<Role>();
    expectTypeOf<z.infer<typeof MeasureStatusSchema>>().toEqualTypeOf<MeasureStatus>();
    expectTypeOf<z.infer<typeof AdoptionRequest>['decision']>().toEqualTypeOf<AdoptionDecision>();
    expectTypeOf<z.infer<typeof VoteRequest>['vote']>().toEqualTypeOf<Vote>();
    // The lists are those of domain/values.ts, in order (the type check above cannot see the order).
    expect(PhaseSchema.options).toEqual(['proposals', 'prioritisation', 'adoption', 'adopted', 'closed', 'cancelled']);
  });

  it('money, year maps, funder-year maps, the recommendation and the status', () => {
    expectTypeOf<z.infer<typeof Money>>().toEqualTypeOf<string>();
    expectTypeOf<z.infer<typeof YearMapSchema>>().toEqualTypeOf<YearMap>();
    expectTypeOf<z.infer<typeof YearMapOut>>().toEqualTypeOf<YearMap>();
    expectTypeOf<z.infer<typeof FunderYearMapOut>>().toEqualTypeOf<FunderYearMap>();
    expectTypeOf<z.infer<typeof RecommendationSchema>>().toEqualTypeOf<Recommendation>();
    // `source` is the API's own: which of the workflow and the records answered.
    expectTypeOf<Omit<z.infer<typeof CycleStatusSchema>, 'source'>>().toEqualTypeOf<CycleStatus>();
  });
});

describe('what the domain makes is what the API answers', () => {
  it("a cycle's status and its recommendation parse against the response schemas", () => {
    const cfg = config();
    const state = initialState(cfg, framesWithCarryOver(cfg));
    state.measures.push({
      id: 'm0001',
      proposedBy: 'kari',
      amounts: { [Y]: '300000.00' },
      strategies: ['2.1'],
      status: 'proposed',
    });
    expect(() => CycleStatusSchema.parse(statusOf(cfg, state))).not.toThrow();
    const recommendation = recommend(cfg, state);
    expect(RecommendationSchema.parse(recommendation)).toEqual(recommendation);
  });

  it("the API's money is the domain's canonical money, both ways", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 999_999_999_999_99n }), (ore) => {
        const money = formatMoney(fromOre(ore));
        expect(Money.safeParse(money).success).toBe(true);
        expect(isMoney(money)).toBe(true);
        expect(formatMoney(parseMoney(Money.parse(money)))).toBe(money);
      }),
    );
    // The domain reads "100" too (a form's input); the API asks for the canonical two decimals.
    expect(Money.safeParse('100').success).toBe(false);
    expect(Money.safeParse('1000000000000.00').success).toBe(isMoney('1000000000000.00'));
  });
});

describe('every text limit is the same in the request schema and in the rule', () => {
  const cfg = config();
  const state = initialState(cfg, framesWithCarryOver(cfg));
  const proposer = { sub: 'kari', name: 'Kari', roles: ['proposer' as const] };
  const NOW = Date.parse('2031-01-15T00:00:00Z');
  const measure = (over: object) => ({
    title: 'T',
    description: 'D',
    strategies: ['2.1'],
    responsible: 'R',
    amounts: { [Y]: '100.00' },
    cofunding: [],
    ...over,
  });
  /** Field paths the rule refuses, or [] when it accepts. */
  const refused = (rule: () => void): string[] => {
    try {
      rule();
      return [];
    } catch (e) {
      return ((e as { details?: unknown[] }).details?.[0] as { path: string }[]).map((x) => x.path);
    }
  };
  const text = (n: number) => 'x'.repeat(n);
  const adopted = {
    ...state,
    phase: 'adopted' as const,
    measures: [
      { id: 'm0001', proposedBy: 'kari', amounts: { [Y]: '1.00' }, strategies: ['2.1'], status: 'granted' as const },
    ],
  };

  const cases: [string, number, (s: string) => { schema: z.ZodType; body: unknown; rule: () => void }][] = [
    [
      'title',
      TEXT_LIMITS.title,
      (s) => ({
        schema: MeasureInput,
        body: measure({ title: s }),
        rule: () => rules.validateSubmit(cfg, state, proposer, measure({ title: s }), NOW),
      }),
    ],
    [
      'description',
      TEXT_LIMITS.description,
      (s) => ({
        schema: MeasureInput,
        body: measure({ description: s }),
        rule: () => rules.validateSubmit(cfg, state, proposer, measure({ description: s }), NOW),
      }),
    ],
    [
      'responsible',
      TEXT_LIMITS.responsible,
      (s) => ({
        schema: MeasureInput,
        body: measure({ responsible: s }),
        rule: () => rules.validateSubmit(cfg, state, proposer, measure({ responsible: s }), NOW),
      }),
    ],
    [
      'cofunding.0.source',
      TEXT_LIMITS.cofundingSource,
      (s) => {
        const body = measure({ cofunding: [{ source: s, amount: '1.00' }] });
        return { schema: MeasureInput, body, rule: () => rules.validateSubmit(cfg, state, proposer, body, NOW) };
      },
    ],
    [
      'reason',
      TEXT_LIMITS.reason,
      (s) => ({ schema: CancelCycleRequest, body: { reason: s }, rule: () => rules.checkReason(s) }),
    ],
    [
      'meeting.caseNumber',
      TEXT_LIMITS.caseNumber,
      (s) => ({
        schema: PriorityListRequest,
        body: { items: [], meeting: { date: '2031-03-01', caseNumber: s } },
        rule: () =>
          rules.validatePriorityList(cfg, { ...state, phase: 'prioritisation' }, admin, [], {
            date: '2031-03-01',
            caseNumber: s,
          }),
      }),
    ],
    [
      'progress',
      TEXT_LIMITS.progress,
      (s) => ({
        schema: ProgressReportRequest,
        body: { progress: s, spent: {} },
        rule: () =>
          rules.validateProgress(
            cfg,
            adopted,
            proposer,
            { measureId: 'm0001', progress: s, spent: {} },
            { [Y]: '1.00' },
          ),
      }),
    ],
  ];

  it.each(cases)('%s: %i characters pass both, one more is refused by both', (path, limit, make) => {
    const atLimit = make(text(limit));
    expect(atLimit.schema.safeParse(atLimit.body).success).toBe(true);
    expect(refused(atLimit.rule)).toEqual([]);
    const over = make(text(limit + 1));
    expect(over.schema.safeParse(over.body).success).toBe(false);
    expect(refused(over.rule)).toContain(path);
  });
});
