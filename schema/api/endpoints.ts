/**
 * The route table: every endpoint of the HTTP contract with its method, path, roles, parameters,
 * body and answers. The API binds its handlers to it (services/api/endpoint.ts) and builds its
 * OpenAPI document from it (services/api/openapi.ts), so the two cannot drift apart.
 * Over 300 lines: the route table is one table on purpose: every endpoint is found in one place.
 */
import { z } from 'zod';
import { PartnershipConfigSchema, PlanSchema } from '../partnership.js';
import {
  AllocationsQuery,
  CycleParams,
  ListVersionParams,
  MeasureParams,
  MunicipalityParams,
  PartnershipParams,
  type RoleSchema,
} from './fields.js';
import { CancelCycleRequest, CloseCycleRequest, MoveDeadlineRequest, StartCycleRequest } from './cycles.js';
import { MeasureInput, MeasurePatch } from './measures.js';
import { PriorityListRequest, VoteRequest } from './prioritisation.js';
import { AdoptionRequest } from './adoptions.js';
import { IndicatorsRequest, ProgressReportRequest } from './execution.js';
import {
  AdoptionSchema,
  AllocationsSchema,
  CreatedSchema,
  CycleStatusSchema,
  Deadlines,
  CycleSummarySchema,
  IndicatorsRecordedSchema,
  MeasureSchema,
  PriorityListSchema,
  RecommendationSchema,
} from './responses.js';

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
    method: 'get',
    path: '/partnerships',
    tag: 'partnerships',
    roles: ANY,
    summary: 'The partnership of the caller: members, cost-sharing rule and key, IPR roster',
    success: {
      status: 200,
      description: 'partnerships (the one the token belongs to)',
      schema: z.array(PartnershipConfigSchema),
    },
  }),
  getPlan: endpoint({
    method: 'get',
    path: '/partnerships/{pid}/plan',
    tag: 'partnerships',
    roles: ANY,
    params: PartnershipParams,
    summary: 'The strategic plan: goals, strategies, indicators',
    success: { status: 200, description: 'the plan', schema: PlanSchema },
  }),
  listCycles: endpoint({
    method: 'get',
    path: '/partnerships/{pid}/cycles',
    tag: 'cycles',
    roles: ANY,
    params: PartnershipParams,
    summary: 'Cycles with year and phase, newest year first',
    success: { status: 200, description: 'cycles', schema: z.array(CycleSummarySchema) },
  }),
  startCycle: endpoint({
    method: 'post',
    path: '/partnerships/{pid}/cycles',
    tag: 'cycles',
    roles: ['admin'],
    params: PartnershipParams,
    body: StartCycleRequest,
    summary: 'Start the cycle of a budget year',
    description:
      'Frames for every funder and exactly the years Y..Y+3; deadlines in the future and in order. 409 when the year was ever started, even if it was closed or cancelled since.',
    success: { status: 201, description: 'the new cycle', schema: CycleStatusSchema },
    refusals: BODY_REFUSALS,
  }),
  getCycle: endpoint({
    method: 'get',
    path: '/cycles/{cid}',
    tag: 'cycles',
    roles: ANY,
    params: CycleParams,
    summary: 'Status: phase, deadlines, pending actions, overdue flags, decision history',
    description:
      'From the running workflow or, for an ended cycle it cannot ask, from the records (`source` says which).',
    success: { status: 200, description: 'the status', schema: CycleStatusSchema },
    refusals: [503],
  }),
  cancelCycle: endpoint({
    method: 'post',
    path: '/cycles/{cid}/cancel',
    tag: 'cycles',
    roles: ['admin'],
    params: CycleParams,
    body: CancelCycleRequest,
    summary: 'Stop a cycle (it cannot be started again)',
    success: { status: 200, description: 'the cancelled cycle', schema: CycleStatusSchema },
    refusals: BODY_REFUSALS,
  }),
  submitMeasure: endpoint({
    method: 'post',
    path: '/cycles/{cid}/measures',
    tag: 'measures',
    roles: ['proposer', 'admin'],
    params: CycleParams,
    body: MeasureInput,
    summary: 'Propose a measure while proposals are open',
    success: { status: 201, description: 'the id of the new measure', schema: CreatedSchema },
    refusals: BODY_REFUSALS,
  }),
  listMeasures: endpoint({
    method: 'get',
    path: '/cycles/{cid}/measures',
    tag: 'measures',
    roles: ANY,
    params: CycleParams,
    summary: 'Measures with their status',
    success: { status: 200, description: 'measures in the order they were proposed', schema: z.array(MeasureSchema) },
  }),
  getMeasure: endpoint({
    method: 'get',
    path: '/cycles/{cid}/measures/{mid}',
    tag: 'measures',
    roles: ANY,
    params: MeasureParams,
    summary: 'One measure',
    success: { status: 200, description: 'the measure', schema: MeasureSchema },
  }),
  editMeasure: endpoint({
    method: 'patch',
    path: '/cycles/{cid}/measures/{mid}',
    tag: 'measures',
    roles: ['proposer', 'admin'],
    params: MeasureParams,
    body: MeasurePatch,
    summary: 'Edit a measure while proposals are open (its proposer or an administrator)',
    success: { status: 200, description: 'the measure as changed', schema: MeasureSchema },
    refusals: BODY_REFUSALS,
  }),
  withdrawMeasure: endpoint({
    method: 'delete',
    path: '/cycles/{cid}/measures/{mid}',
    tag: 'measures',
    roles: ['proposer', 'admin'],
    params: MeasureParams,
    summary: 'Withdraw a measure while proposals are open (its proposer or an administrator)',
    success: { status: 200, description: 'the withdrawn measure', schema: MeasureSchema },
    refusals: [409],
  }),
  closeProposals: endpoint({
    method: 'post',
    path: '/cycles/{cid}/proposals/close',
    tag: 'cycles',
    roles: ['admin'],
    params: CycleParams,
    summary: 'Close proposals now (otherwise the deadline does)',
    success: { status: 200, description: 'the cycle, now in prioritisation', schema: CycleStatusSchema },
    refusals: [409],
  }),
  moveDeadline: endpoint({
    method: 'post',
    path: '/cycles/{cid}/deadlines',
    tag: 'cycles',
    roles: ['admin'],
    params: CycleParams,
    body: MoveDeadlineRequest,
    summary: 'Move a deadline that has not passed, or that of a step still open or ahead',
    description:
      'The proposal deadline closes the proposals when it passes, so it moves only before. The IPR and adoption deadlines only flag ' +
      'their step overdue: while the step is still open or ahead (a late IPR meeting or council, or the round after a loop-back to ' +
      "IPR, which starts after the first round's dates) it can get a new date, and the overdue flag goes. Deadlines of steps " +
      'still open or ahead stay in order (proposals before IPR before adoption).',
    success: { status: 200, description: 'the deadlines now', schema: Deadlines },
    refusals: BODY_REFUSALS,
  }),
  getRecommendation: endpoint({
    method: 'get',
    path: '/cycles/{cid}/recommendation',
    tag: 'prioritisation',
    roles: ANY,
    params: CycleParams,
    summary: "The administration's recommended priority list (after proposals close)",
    success: { status: 200, description: 'the recommendation', schema: RecommendationSchema },
    refusals: [409, 503],
  }),
  listPriorityLists: endpoint({
    method: 'get',
    path: '/cycles/{cid}/priority-lists',
    tag: 'prioritisation',
    roles: ANY,
    params: CycleParams,
    summary: 'Priority lists put to the vote, oldest first',
    success: { status: 200, description: 'priority lists', schema: z.array(PriorityListSchema) },
  }),
  proposePriorityList: endpoint({
    method: 'post',
    path: '/cycles/{cid}/priority-lists',
    tag: 'prioritisation',
    roles: ['admin', 'ipr_member'],
    params: CycleParams,
    body: PriorityListRequest,
    summary: 'Put a priority list to the vote; replaces any list under vote',
    description: "422 with the violations when the list breaks a funder's frame.",
    success: { status: 201, description: 'the list under vote', schema: PriorityListSchema },
    refusals: BODY_REFUSALS,
  }),
  castVote: endpoint({
    method: 'post',
    path: '/cycles/{cid}/priority-lists/{version}/votes',
    tag: 'prioritisation',
    roles: ['ipr_member'],
    params: ListVersionParams,
    body: VoteRequest,
    summary: 'Vote on a priority list (voting roster members, once per list)',
    success: { status: 201, description: 'the list with the vote counted', schema: PriorityListSchema },
    refusals: BODY_REFUSALS,
  }),
  recordAdoption: endpoint({
    method: 'post',
    path: '/cycles/{cid}/adoptions/{municipality}',
    tag: 'adoptions',
    roles: ['municipal_clerk'],
    params: MunicipalityParams,
    body: AdoptionRequest,
    summary: "Record the council's decision (that municipality's clerk)",
    success: { status: 201, description: 'the recorded adoption', schema: AdoptionSchema },
    refusals: BODY_REFUSALS,
  }),
  getAllocations: endpoint({
    method: 'get',
    path: '/cycles/{cid}/allocations',
    tag: 'allocations',
    roles: ['finance', 'admin', 'ipr_member', 'municipal_clerk'],
    params: CycleParams,
    query: AllocationsQuery,
    summary: 'Per measure, per funder and per goal: grants, shares, frames, remaining',
    description:
      'A municipal clerk (without another of these roles) gets their own municipality only: its frame and its share of every measure, no other funder\'s. `Accept: text/csv` or `?format=csv` gives a CSV for Norwegian Excel (UTF-8 with BOM, ";" separator, decimal comma, CRLF); `?format=xlsx` an Excel workbook. All three carry the same figures. Supports ETag / If-None-Match.',
    success: {
      status: 200,
      description: 'the allocations',
      schema: AllocationsSchema,
      files: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
    refusals: [400, 406],
  }),
  reportProgress: endpoint({
    method: 'post',
    path: '/cycles/{cid}/measures/{mid}/reports',
    tag: 'execution',
    roles: ['proposer', 'admin'],
    params: MeasureParams,
    body: ProgressReportRequest,
    summary: 'Report progress and money spent on a granted measure',
    success: { status: 201, description: 'the id of the report', schema: CreatedSchema },
    refusals: BODY_REFUSALS,
  }),
  reportIndicators: endpoint({
    method: 'post',
    path: '/cycles/{cid}/indicators',
    tag: 'execution',
    roles: ['admin'],
    params: CycleParams,
    body: IndicatorsRequest,
    summary: 'Yearly indicator values',
    success: { status: 201, description: 'how many values were recorded', schema: IndicatorsRecordedSchema },
    refusals: BODY_REFUSALS,
  }),
  closeCycle: endpoint({
    method: 'post',
    path: '/cycles/{cid}/close',
    tag: 'execution',
    roles: ['admin'],
    params: CycleParams,
    body: CloseCycleRequest,
    summary: 'Year-end close: unspent money per funder carried over or released',
    success: { status: 200, description: 'the closed cycle', schema: CycleStatusSchema },
    refusals: BODY_REFUSALS,
  }),
} as const;

export type Endpoints = typeof endpoints;
export type EndpointName = keyof Endpoints;
