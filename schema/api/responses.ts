/** What the API answers: the response schemas, OpenAPI components of the response side. */
import { z } from 'zod';
import { ADOPTION_DECISIONS, LIST_STATUSES, MEASURE_STATUSES, PHASES, VOTES } from '../../domain/values.js';
import { PartnershipConfigSchema, PlanSchema, StrategySchema } from '../partnership.js';
import { FunderId, FunderYearMapOut, MoneyOut, named, YearKey, YearMapOut } from './fields.js';

export const PhaseSchema = z.enum(PHASES);

export const ProblemSchema = named(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  'Problem',
  'RFC 9457 problem details; `errors` names each invalid field.',
  'response',
);

export const Deadlines = named(
  z.object({ proposals: z.string(), ipr: z.string(), adoption: z.string() }),
  'Deadlines',
  'ISO 8601 instants.',
  'response',
);

const PriorityItem = named(
  z.object({ measureId: z.string(), rank: z.int(), grants: YearMapOut }),
  'PriorityItem',
  'A ranked measure and its grants per year.',
  'response',
);

export const PriorityListSchema = named(
  z.object({
    version: z.int(),
    items: z.array(PriorityItem),
    meeting: z.object({ date: z.string(), caseNumber: z.string() }),
    votes: z.object({ approve: z.int(), reject: z.int() }),
    voters: z.record(z.string(), z.enum(VOTES)).describe('roster id -> vote'),
    status: z.enum(LIST_STATUSES),
  }),
  'PriorityList',
  'A priority list put to the IPR vote.',
  'response',
);

export const AdoptionSchema = named(
  z.object({
    round: z.int(),
    municipality: z.string(),
    requested: YearMapOut,
    decision: z.enum(ADOPTION_DECISIONS).nullable(),
    amounts: YearMapOut.nullable(),
    caseNumber: z.string().nullable(),
    decidedOn: z.string().nullable(),
    dueAt: z.string(),
    overdue: z.boolean(),
  }),
  'Adoption',
  "A municipality's adoption in one round.",
  'response',
);

export const MeasureStatus = z.enum(MEASURE_STATUSES);

export const CycleStatusSchema = named(
  z.object({
    id: z.string(),
    partnership: z.string(),
    year: z.int(),
    phase: PhaseSchema,
    deadlines: Deadlines,
    overdue: z.array(z.string()).describe('e.g. ["ipr", "adoption:3405"]'),
    pendingActions: z.array(z.object({ actor: z.string(), action: z.string(), dueAt: z.string().nullable() })),
    history: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string(), ref: z.string().nullable() })),
    frames: FunderYearMapOut.describe('frames in force now, carry-over included'),
    measures: z.array(
      z.object({
        id: z.string(),
        proposedBy: z.string(),
        amounts: YearMapOut,
        strategies: z.array(z.string()),
        status: MeasureStatus,
      }),
    ),
    priorityLists: z.array(PriorityListSchema),
    adoptions: z.array(AdoptionSchema),
    adoptionRound: z.int(),
    adoptedListVersion: z.int().nullable(),
    yearEnd: z
      .array(
        z.object({
          funderId: z.string(),
          frame: MoneyOut.describe("the funder's frame for year Y at the close, with what was carried in"),
          allocated: MoneyOut,
          spent: MoneyOut,
          neverAllocated: MoneyOut.describe('frame minus allocated'),
          grantedUnspent: MoneyOut.describe('allocated minus spent'),
          unspent: MoneyOut.describe('neverAllocated plus grantedUnspent'),
          carriedOver: MoneyOut.describe(
            'what the next year takes in: with carry-over, both parts for a funder that pays its frame in (by default the county), ' +
              'the granted-but-unspent part for one that pays its adopted share (by default a municipality); 0.00 when released',
          ),
          disposition: z.enum(['carry_over', 'released']),
        }),
      )
      .nullable()
      .describe('per funder, once the year is closed: its unspent money in two parts, and what carries over'),
    source: z
      .enum(['workflow', 'records'])
      .optional()
      .describe(
        'GET /cycles/{cid} only: "workflow" when the running cycle answered; "records" when it cannot be asked (an ended cycle past ' +
          "Temporal's retention, or one whose worker is not running) and the status comes from Postgres: history is the audit log, " +
          'pendingActions and overdue are empty, and only decided adoptions are listed.',
      ),
  }),
  'CycleStatus',
  'Where a cycle stands: phase, deadlines, who must do what by when, what is overdue, and its decisions.',
  'response',
);

export const CycleSummarySchema = named(
  z.object({
    id: z.string(),
    partnership: z.string(),
    year: z.int(),
    phase: PhaseSchema,
    deadlines: Deadlines,
    startedAt: z.string(),
    closedAt: z.string().nullable(),
  }),
  'CycleSummary',
  'A cycle as listed.',
  'response',
);

export const MeasureSchema = named(
  z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    strategies: z.array(z.string()),
    responsible: z.string(),
    amounts: YearMapOut,
    cofunding: z.array(z.object({ source: z.string(), amount: MoneyOut })),
    status: MeasureStatus,
    proposedBy: z.string(),
    proposedAt: z.string(),
    updatedAt: z.string(),
  }),
  'Measure',
  'A measure (tiltak) and its status.',
  'response',
);

/** Money left in one funder's frame for one year: the fields every such reason has. */
const left = { year: YearKey, funder: FunderId, unallocated: MoneyOut };

const RecommendationReasonSchema = named(
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('grantedInFull'), ...left, requested: MoneyOut }),
    z.object({ kind: z.literal('nothingRequested'), ...left }),
    z.object({ kind: z.literal('ownFrameBinds'), ...left }),
    z.object({ kind: z.literal('municipalFramesBind'), ...left, frames: MoneyOut }),
    z.object({ kind: z.literal('otherFramesBind'), ...left, binding: z.array(FunderId), frames: MoneyOut }),
    z.object({ kind: z.literal('noFrameInSplit'), ...left }),
    z.object({ kind: z.literal('notInSplit'), ...left }),
    z.object({ kind: z.literal('noCouncilInSplit'), ...left }),
    z.object({
      kind: z.literal('outOfSplit'),
      year: YearKey,
      municipalities: z.array(FunderId),
      everyCouncil: z.boolean(),
    }),
    z.object({ kind: z.literal('outsideYears'), measureId: z.string(), years: z.array(YearKey) }),
    z.object({ kind: z.literal('notGranted'), measureId: z.string(), requested: YearMapOut }),
    z.object({
      kind: z.literal('grantedInPart'),
      measureId: z.string(),
      year: YearKey,
      granted: MoneyOut,
      requested: MoneyOut,
    }),
  ]),
  'RecommendationReason',
  'Why money is left in a frame or a measure gets less than it asked, by `kind`, with the figures (docs/api.md).',
  'response',
);

export const RecommendationSchema = named(
  z.object({
    items: z.array(PriorityItem),
    unallocated: FunderYearMapOut,
    notes: z.array(z.string()),
    reasons: z.array(RecommendationReasonSchema).optional(),
  }),
  'Recommendation',
  "The administration's recommended priority list; its items can be put to the vote as they are.",
  'response',
);

export const AllocationsSchema = named(
  z.object({
    cycle: z.string(),
    phase: PhaseSchema,
    basis: z.object({ priorityListVersion: z.int().nullable(), status: z.enum(['adopted', 'voting', 'none']) }),
    years: z.array(z.int()),
    funders: z.array(
      z.object({ id: z.string(), name: z.string(), frame: YearMapOut, allocated: YearMapOut, remaining: YearMapOut }),
    ),
    measures: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        strategies: z.array(z.string()),
        rank: z.int().nullable(),
        grants: YearMapOut,
        shares: FunderYearMapOut,
      }),
    ),
    goals: z.array(z.object({ goal: z.string(), title: z.string(), granted: YearMapOut })),
    strategies: z.array(z.object({ strategy: z.string(), title: z.string(), granted: YearMapOut })),
    totals: z.object({ granted: YearMapOut, allocated: MoneyOut }),
    unsplit: z
      .array(z.object({ measureId: z.string(), year: z.int(), grant: MoneyOut, reason: z.string() }))
      .describe(
        'Grants of the list that the cost-sharing rule cannot split (e.g. a pro-rata rule in a year where every frame is zero). ' +
          'Their shares show as 0.00 and no funder counts them, so totals.allocated falls short of totals.granted by these amounts. Empty as a rule.',
      ),
  }),
  'Allocations',
  [
    'What each funder pays, per measure and year, against its frame.',
    'Once the cycle is adopted the figures are the binding allocation rows; before that they are computed from the list under vote (basis.status "voting") and are not binding.',
    'Every share is rounded by the largest-remainder rule at øre precision (county first, then the municipalities by the key); every total is the sum of the rounded shares it covers.',
    "A measure's money counts towards the goal and strategy of its FIRST listed strategy, so the goal totals add up to the grand total.",
  ].join(' '),
  'response',
);

named(
  PartnershipConfigSchema,
  'Partnership',
  'A partnership: members, cost-sharing rule and key, IPR roster.',
  'response',
);
named(PlanSchema, 'Plan', 'The strategic plan: goals with strategies, and indicators.', 'response');
named(StrategySchema, 'Strategy', 'A strategy of the plan, possibly with sub-strategies.', 'response');

export const CreatedSchema = named(z.object({ id: z.string() }), 'Created', 'The id of what was created.', 'response');
export const IndicatorsRecordedSchema = named(
  z.object({ count: z.int() }),
  'IndicatorsRecorded',
  'How many values were recorded.',
  'response',
);
