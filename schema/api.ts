/**
 * The HTTP contract (shared/API.md) as zod schemas and one route table. The API validates every
 * request with these schemas and builds its OpenAPI document from the same table, so the
 * documentation and the validation cannot drift apart.
 */
import { z } from 'zod';
import { PartnershipConfigSchema, PlanSchema, StrategySchema } from './partnership.js';
import { FUTURE_DECISION_MESSAGE, isAfterOsloToday } from '../domain/oslo-date.js';
import { CONTROL_MESSAGE, SURROGATE_MESSAGE, hasControlCharacters, hasLoneSurrogate, isCalendarDate } from '../domain/text.js';

/** Named schemas that appear in requests; they become OpenAPI components (request side). */
export const requestSchemas = z.registry<{ id: string; description?: string }>();
/** Named schemas that appear in responses; they become OpenAPI components (response side). */
export const responseSchemas = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(schema: T, id: string, description: string, side: 'request' | 'response' | 'both'): T {
  if (side !== 'response') requestSchemas.add(schema, { id, description });
  if (side !== 'request') responseSchemas.add(schema, { id, description });
  return schema;
}

/** Every endpoint of the route table lives under this path. */
export const API_BASE = '/api/v1';

// ── primitives ───────────────────────────────────────────────────────────────

const ROLES = ['admin', 'proposer', 'ipr_member', 'municipal_clerk', 'finance'] as const;
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

const Year = z.int().min(2000).max(2200);
const YearKey = z.string().regex(/^\d{4}$/, 'a year such as "2027"');
export const YearMap = named(z.record(YearKey, Money), 'YearMap', 'Money per year: {"2027": "1000000.00"}.', 'request');
const YearMapOut = named(z.record(YearKey, MoneyOut), 'YearAmounts', 'Money per year: {"2027": "1000000.00"}.', 'response');
const FunderId = z.string().regex(/^(county|\d{4})$/, '"county" or a four-digit municipality number');
const FunderYearMapOut = named(z.record(FunderId, YearMapOut), 'FunderYearAmounts', 'Per funder ("county" or municipality number), money per year.', 'response');

/**
 * Text the API accepts is text Postgres can store (domain/text.ts): the workflow records it through
 * activities, and an activity that Postgres refuses retries forever and wedges the cycle. So every
 * text field refuses control characters other than tab and line breaks, and lone UTF-16
 * surrogates such as "\ud800" (valid JSON, but not Unicode), with 422 and its path.
 */
const storable = <T extends z.ZodString>(schema: T) =>
  schema.refine((s) => !hasControlCharacters(s), CONTROL_MESSAGE).refine((s) => !hasLoneSurrogate(s), SURROGATE_MESSAGE);
const Note = (max: number) => storable(z.string().max(max, `at most ${max} characters`));
const Text = (max: number) => Note(max).trim().min(1, 'required, non-empty text');
const Instant = z.iso.datetime({ offset: true, error: 'an ISO 8601 instant such as "2027-03-01T12:00:00Z"' });
/** A calendar date Postgres can store in a `date` column, from 1900 on: the workflow's own check. */
const CalendarDate = z.iso.date({ error: 'a date such as "2027-03-01"', abort: true }).refine(isCalendarDate, 'a date from 1900-01-01 on');
const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lowercase slug such as "lillehammer-regionen"');

// ── path and query parameters ────────────────────────────────────────────────

export const CYCLE_ID_PATTERN = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d{4})$/;
const pid = Slug.describe('partnership id, e.g. "lillehammer-regionen"');
const cid = z.string().regex(CYCLE_ID_PATTERN, 'a cycle id {partnership}-{year}').describe('cycle id, e.g. "lillehammer-regionen-2027"');
const mid = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a measure id').describe('measure id, e.g. "m0001"');

export const PartnershipParams = z.object({ pid });
export const CycleParams = z.object({ cid });
export const MeasureParams = z.object({ cid, mid });
export const ListVersionParams = z.object({
  cid,
  version: z.coerce.number().int().min(1).describe('priority list version, from 1'),
});
export const MunicipalityParams = z.object({
  cid,
  municipality: z.string().regex(/^\d{4}$/, 'a four-digit municipality number').describe('municipality number, e.g. "3405"'),
});

const ALLOCATION_FORMATS = ['json', 'csv', 'xlsx'] as const;
export const AllocationsQuery = z.object({
  format: z.enum(ALLOCATION_FORMATS).optional().describe('json (default), csv (Norwegian Excel: ";" and decimal comma) or xlsx'),
});

// ── request bodies ───────────────────────────────────────────────────────────

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
    carryOver: z.boolean().default(false).describe("bring in the unspent money year Y-1 carried over at its year-end close"),
  }),
  'StartCycleRequest',
  'Start the cycle for budget year Y.',
  'request',
);

const measureFields = {
  title: Text(200),
  description: Text(10_000),
  strategies: z.array(storable(z.string().min(1).max(20))).min(1, 'at least one strategy code').describe('strategy codes of the plan, e.g. ["2.1"]'),
  responsible: Text(200),
  amounts: YearMap.describe('requested from the partnership, per year within Y..Y+3'),
  cofunding: z.array(z.strictObject({ source: Text(200), amount: Money })).describe('other money, outside the split'),
};

export const MeasureInput = named(
  z.strictObject({ ...measureFields, cofunding: measureFields.cofunding.default([]) }),
  'MeasureInput',
  'A proposed measure (tiltak).',
  'request',
);

export const MeasurePatch = named(
  z.strictObject(measureFields).partial().refine((m) => Object.keys(m).length > 0, 'name at least one field to change'),
  'MeasurePatch',
  'The fields of a measure to change; the others stay.',
  'request',
);

export const MoveDeadlineRequest = named(
  z.strictObject({
    deadline: z
      .string()
      .regex(/^(proposals|ipr|adoption(:\d{4})?)$/, 'one of "proposals", "ipr", "adoption" or "adoption:{municipality number}"'),
    to: Instant,
  }),
  'MoveDeadlineRequest',
  'Move a deadline that has not passed.',
  'request',
);

const PriorityItemInput = z.strictObject({
  measureId: mid,
  rank: z.int().min(1),
  grants: YearMap,
});

export const PriorityListRequest = named(
  z
    .strictObject({
      items: z.array(PriorityItemInput),
      meeting: z.strictObject({ date: CalendarDate, caseNumber: Text(50) }),
    })
    .superRefine((list, ctx) => {
      const seen = { rank: new Set<number>(), measureId: new Set<string>() };
      list.items.forEach((item, i) => {
        for (const field of ['rank', 'measureId'] as const) {
          const set = seen[field] as Set<unknown>;
          if (set.has(item[field])) ctx.addIssue({ code: 'custom', path: ['items', i, field], message: `${field} ${item[field]} appears twice` });
          set.add(item[field]);
        }
      });
    }),
  'PriorityListRequest',
  'A priority list to put to the IPR vote; it replaces any list under vote.',
  'request',
);

export const VoteRequest = named(z.strictObject({ vote: z.enum(['approve', 'reject']) }), 'VoteRequest', 'One vote per member per list.', 'request');

export const AdoptionRequest = named(
  z
    .strictObject({
      decision: z.enum(['adopted', 'reduced', 'rejected']),
      amounts: YearMap.optional().describe('the adopted amounts per year; only with decision "reduced"'),
      caseNumber: Text(50),
      decidedOn: CalendarDate.refine((d) => !isAfterOsloToday(d, Date.now()), FUTURE_DECISION_MESSAGE),
    })
    .superRefine((a, ctx) => {
      if (a.decision === 'reduced' && a.amounts === undefined) ctx.addIssue({ code: 'custom', path: ['amounts'], message: 'required when the decision is "reduced"' });
      if (a.decision !== 'reduced' && a.amounts !== undefined) ctx.addIssue({ code: 'custom', path: ['amounts'], message: 'only with the decision "reduced"' });
    }),
  'AdoptionRequest',
  "A municipal council's decision on its contribution.",
  'request',
);

export const ProgressReportRequest = named(
  z.strictObject({ progress: Text(10_000), spent: YearMap.describe('money spent in this report, per year') }),
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
          note: Note(2000).optional(),
        }),
      )
      .min(1),
  }),
  'IndicatorsRequest',
  'Yearly indicator values.',
  'request',
);

export const CloseCycleRequest = named(
  z.strictObject({ carryOver: z.boolean().describe('carry unspent money per funder over to Y+1 (else it is released)') }),
  'CloseCycleRequest',
  'Year-end close.',
  'request',
);

export const CancelCycleRequest = named(z.strictObject({ reason: Text(2000) }), 'CancelCycleRequest', 'Stop a cycle.', 'request');

// ── responses ────────────────────────────────────────────────────────────────

const PhaseSchema = z.enum(['proposals', 'prioritisation', 'adoption', 'adopted', 'closed', 'cancelled']);

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

const Deadlines = named(z.object({ proposals: z.string(), ipr: z.string(), adoption: z.string() }), 'Deadlines', 'ISO 8601 instants.', 'response');

const PriorityItem = named(z.object({ measureId: z.string(), rank: z.int(), grants: YearMapOut }), 'PriorityItem', 'A ranked measure and its grants per year.', 'response');

export const PriorityListSchema = named(
  z.object({
    version: z.int(),
    items: z.array(PriorityItem),
    meeting: z.object({ date: z.string(), caseNumber: z.string() }),
    votes: z.object({ approve: z.int(), reject: z.int() }),
    voters: z.record(z.string(), z.enum(['approve', 'reject'])).describe('roster id -> vote'),
    status: z.enum(['voting', 'adopted', 'rejected', 'replaced']),
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
    decision: z.enum(['adopted', 'reduced', 'rejected']).nullable(),
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

const MeasureStatus = z.enum(['proposed', 'withdrawn', 'granted', 'partly_granted', 'not_granted']);

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
    measures: z.array(z.object({ id: z.string(), proposedBy: z.string(), amounts: YearMapOut, strategies: z.array(z.string()), status: MeasureStatus })),
    priorityLists: z.array(PriorityListSchema),
    adoptions: z.array(AdoptionSchema),
    adoptionRound: z.int(),
    adoptedListVersion: z.int().nullable(),
    yearEnd: z
      .array(z.object({ funderId: z.string(), allocated: MoneyOut, spent: MoneyOut, unspent: MoneyOut, disposition: z.enum(['carry_over', 'released']) }))
      .nullable(),
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

export const RecommendationSchema = named(
  z.object({ items: z.array(PriorityItem), unallocated: FunderYearMapOut, notes: z.array(z.string()) }),
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
    funders: z.array(z.object({ id: z.string(), name: z.string(), frame: YearMapOut, allocated: YearMapOut, remaining: YearMapOut })),
    measures: z.array(
      z.object({ id: z.string(), title: z.string(), strategies: z.array(z.string()), rank: z.int().nullable(), grants: YearMapOut, shares: FunderYearMapOut }),
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
    "Every share is rounded by the largest-remainder rule at øre precision (county first, then the municipalities by the key); every total is the sum of the rounded shares it covers.",
    "A measure's money counts towards the goal and strategy of its FIRST listed strategy, so the goal totals add up to the grand total.",
  ].join(' '),
  'response',
);

named(PartnershipConfigSchema, 'Partnership', 'A partnership: members, cost-sharing rule and key, IPR roster.', 'response');
named(PlanSchema, 'Plan', 'The strategic plan: goals with strategies, and indicators.', 'response');
named(StrategySchema, 'Strategy', 'A strategy of the plan, possibly with sub-strategies.', 'response');

export const CreatedSchema = named(z.object({ id: z.string() }), 'Created', 'The id of what was created.', 'response');
export const IndicatorsRecordedSchema = named(z.object({ count: z.int() }), 'IndicatorsRecorded', 'How many values were recorded.', 'response');

// ── the route table ──────────────────────────────────────────────────────────

export type Role = z.infer<typeof RoleSchema>;
type Method = 'get' | 'post' | 'patch' | 'delete';

export interface EndpointSpec {
  method: Method;
  /** OpenAPI style, relative to /api/v1: /cycles/{cid} */
  path: string;
  tag: 'partnerships' | 'cycles' | 'measures' | 'prioritisation' | 'adoptions' | 'allocations' | 'execution';
  summary: string;
  description?: string;
  /** Who may call it; 'any' is any signed-in user of the partnership the path names. */
  roles: readonly Role[] | 'any';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  success: { status: 200 | 201; description: string; schema: z.ZodType; files?: readonly string[] };
  /** Refusals beyond the ones every endpoint documents (401, 403, and 404 for paths with ids). */
  refusals?: readonly (400 | 406 | 409 | 422 | 503)[];
}

const endpoint = <const T extends EndpointSpec>(spec: T): T => spec;
const ANY = 'any' as const;
const BODY_REFUSALS = [400, 409, 422] as const;

export const endpoints = {
  listPartnerships: endpoint({
    method: 'get', path: '/partnerships', tag: 'partnerships', roles: ANY,
    summary: 'The partnership of the caller: members, cost-sharing rule and key, IPR roster',
    success: { status: 200, description: 'partnerships (the one the token belongs to)', schema: z.array(PartnershipConfigSchema) },
  }),
  getPlan: endpoint({
    method: 'get', path: '/partnerships/{pid}/plan', tag: 'partnerships', roles: ANY, params: PartnershipParams,
    summary: 'The strategic plan: goals, strategies, indicators',
    success: { status: 200, description: 'the plan', schema: PlanSchema },
  }),
  listCycles: endpoint({
    method: 'get', path: '/partnerships/{pid}/cycles', tag: 'cycles', roles: ANY, params: PartnershipParams,
    summary: 'Cycles with year and phase, newest year first',
    success: { status: 200, description: 'cycles', schema: z.array(CycleSummarySchema) },
  }),
  startCycle: endpoint({
    method: 'post', path: '/partnerships/{pid}/cycles', tag: 'cycles', roles: ['admin'], params: PartnershipParams, body: StartCycleRequest,
    summary: 'Start the cycle of a budget year',
    description: 'Frames for every funder and exactly the years Y..Y+3; deadlines in the future and in order. 409 when the year was ever started, even if it was closed or cancelled since.',
    success: { status: 201, description: 'the new cycle', schema: CycleStatusSchema },
    refusals: BODY_REFUSALS,
  }),
  getCycle: endpoint({
    method: 'get', path: '/cycles/{cid}', tag: 'cycles', roles: ANY, params: CycleParams,
    summary: 'Status: phase, deadlines, pending actions, overdue flags, decision history',
    description: 'From the running workflow or, for an ended cycle it cannot ask, from the records (`source` says which).',
    success: { status: 200, description: 'the status', schema: CycleStatusSchema },
    refusals: [503],
  }),
  cancelCycle: endpoint({
    method: 'post', path: '/cycles/{cid}/cancel', tag: 'cycles', roles: ['admin'], params: CycleParams, body: CancelCycleRequest,
    summary: 'Stop a cycle (it cannot be started again)',
    success: { status: 200, description: 'the cancelled cycle', schema: CycleStatusSchema },
    refusals: BODY_REFUSALS,
  }),
  submitMeasure: endpoint({
    method: 'post', path: '/cycles/{cid}/measures', tag: 'measures', roles: ['proposer', 'admin'], params: CycleParams, body: MeasureInput,
    summary: 'Propose a measure while proposals are open',
    success: { status: 201, description: 'the id of the new measure', schema: CreatedSchema },
    refusals: BODY_REFUSALS,
  }),
  listMeasures: endpoint({
    method: 'get', path: '/cycles/{cid}/measures', tag: 'measures', roles: ANY, params: CycleParams,
    summary: 'Measures with their status',
    success: { status: 200, description: 'measures in the order they were proposed', schema: z.array(MeasureSchema) },
  }),
  getMeasure: endpoint({
    method: 'get', path: '/cycles/{cid}/measures/{mid}', tag: 'measures', roles: ANY, params: MeasureParams,
    summary: 'One measure',
    success: { status: 200, description: 'the measure', schema: MeasureSchema },
  }),
  editMeasure: endpoint({
    method: 'patch', path: '/cycles/{cid}/measures/{mid}', tag: 'measures', roles: ['proposer', 'admin'], params: MeasureParams, body: MeasurePatch,
    summary: 'Edit a measure while proposals are open (its proposer or an administrator)',
    success: { status: 200, description: 'the measure as changed', schema: MeasureSchema },
    refusals: BODY_REFUSALS,
  }),
  withdrawMeasure: endpoint({
    method: 'delete', path: '/cycles/{cid}/measures/{mid}', tag: 'measures', roles: ['proposer', 'admin'], params: MeasureParams,
    summary: 'Withdraw a measure while proposals are open (its proposer or an administrator)',
    success: { status: 200, description: 'the withdrawn measure', schema: MeasureSchema },
    refusals: [409],
  }),
  closeProposals: endpoint({
    method: 'post', path: '/cycles/{cid}/proposals/close', tag: 'cycles', roles: ['admin'], params: CycleParams,
    summary: 'Close proposals now (otherwise the deadline does)',
    success: { status: 200, description: 'the cycle, now in prioritisation', schema: CycleStatusSchema },
    refusals: [409],
  }),
  moveDeadline: endpoint({
    method: 'post', path: '/cycles/{cid}/deadlines', tag: 'cycles', roles: ['admin'], params: CycleParams, body: MoveDeadlineRequest,
    summary: 'Move a deadline that has not passed, or that of a step still open or ahead',
    description:
      'The proposal deadline closes the proposals when it passes, so it moves only before. The IPR and adoption deadlines only flag ' +
      'their step overdue: while the step is still open or ahead (a late IPR meeting or council, or the round after a loop-back to ' +
      'IPR, which starts after the first round\'s dates) it can get a new date, and the overdue flag goes. Deadlines of steps ' +
      'still open or ahead stay in order (proposals before IPR before adoption).',
    success: { status: 200, description: 'the deadlines now', schema: Deadlines },
    refusals: BODY_REFUSALS,
  }),
  getRecommendation: endpoint({
    method: 'get', path: '/cycles/{cid}/recommendation', tag: 'prioritisation', roles: ANY, params: CycleParams,
    summary: "The administration's recommended priority list (after proposals close)",
    success: { status: 200, description: 'the recommendation', schema: RecommendationSchema },
    refusals: [409, 503],
  }),
  listPriorityLists: endpoint({
    method: 'get', path: '/cycles/{cid}/priority-lists', tag: 'prioritisation', roles: ANY, params: CycleParams,
    summary: 'Priority lists put to the vote, oldest first',
    success: { status: 200, description: 'priority lists', schema: z.array(PriorityListSchema) },
  }),
  proposePriorityList: endpoint({
    method: 'post', path: '/cycles/{cid}/priority-lists', tag: 'prioritisation', roles: ['admin', 'ipr_member'], params: CycleParams, body: PriorityListRequest,
    summary: 'Put a priority list to the vote; replaces any list under vote',
    description: "422 with the violations when the list breaks a funder's frame.",
    success: { status: 201, description: 'the list under vote', schema: PriorityListSchema },
    refusals: BODY_REFUSALS,
  }),
  castVote: endpoint({
    method: 'post', path: '/cycles/{cid}/priority-lists/{version}/votes', tag: 'prioritisation', roles: ['ipr_member'], params: ListVersionParams, body: VoteRequest,
    summary: 'Vote on a priority list (voting roster members, once per list)',
    success: { status: 201, description: 'the list with the vote counted', schema: PriorityListSchema },
    refusals: BODY_REFUSALS,
  }),
  recordAdoption: endpoint({
    method: 'post', path: '/cycles/{cid}/adoptions/{municipality}', tag: 'adoptions', roles: ['municipal_clerk'], params: MunicipalityParams, body: AdoptionRequest,
    summary: "Record the council's decision (that municipality's clerk)",
    success: { status: 201, description: 'the recorded adoption', schema: AdoptionSchema },
    refusals: BODY_REFUSALS,
  }),
  getAllocations: endpoint({
    method: 'get', path: '/cycles/{cid}/allocations', tag: 'allocations', roles: ['finance', 'admin', 'ipr_member'], params: CycleParams, query: AllocationsQuery,
    summary: 'Per measure, per funder and per goal: grants, shares, frames, remaining',
    description: '`Accept: text/csv` or `?format=csv` gives a CSV for Norwegian Excel (UTF-8 with BOM, ";" separator, decimal comma, CRLF); `?format=xlsx` an Excel workbook. All three carry the same figures. Supports ETag / If-None-Match.',
    success: {
      status: 200, description: 'the allocations', schema: AllocationsSchema,
      files: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
    refusals: [400, 406],
  }),
  reportProgress: endpoint({
    method: 'post', path: '/cycles/{cid}/measures/{mid}/reports', tag: 'execution', roles: ['proposer', 'admin'], params: MeasureParams, body: ProgressReportRequest,
    summary: 'Report progress and money spent on a granted measure',
    success: { status: 201, description: 'the id of the report', schema: CreatedSchema },
    refusals: BODY_REFUSALS,
  }),
  reportIndicators: endpoint({
    method: 'post', path: '/cycles/{cid}/indicators', tag: 'execution', roles: ['admin'], params: CycleParams, body: IndicatorsRequest,
    summary: 'Yearly indicator values',
    success: { status: 201, description: 'how many values were recorded', schema: IndicatorsRecordedSchema },
    refusals: BODY_REFUSALS,
  }),
  closeCycle: endpoint({
    method: 'post', path: '/cycles/{cid}/close', tag: 'execution', roles: ['admin'], params: CycleParams, body: CloseCycleRequest,
    summary: 'Year-end close: unspent money per funder carried over or released',
    success: { status: 200, description: 'the closed cycle', schema: CycleStatusSchema },
    refusals: BODY_REFUSALS,
  }),
} as const;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
