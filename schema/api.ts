/**
 * The HTTP contract (docs/api.md) as zod schemas and one route table, by resource in
 * schema/api/: fields.ts (money, year maps, text, dates, path and query parameters), one file of
 * request bodies per resource (cycles, measures, prioritisation, adoptions, execution),
 * responses.ts, and endpoints.ts (the route table). The API validates every request with these
 * schemas and builds its OpenAPI document from the same table, so the documentation and the
 * validation cannot drift apart. This file is the index.
 */
export {
  API_BASE,
  AllocationsQuery,
  CYCLE_ID_PATTERN,
  CycleParams,
  ListVersionParams,
  MeasureParams,
  Money,
  MoneyOut,
  MunicipalityParams,
  PartnershipParams,
  RoleSchema,
  YearMap,
  requestSchemas,
  responseSchemas,
} from './api/fields.js';
export * from './api/cycles.js';
export * from './api/measures.js';
export * from './api/prioritisation.js';
export * from './api/adoptions.js';
export * from './api/execution.js';
export * from './api/responses.js';
export * from './api/endpoints.js';
