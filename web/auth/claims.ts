/**
 * Who is who: from the ID token's claims to a Person (roles in one partnership, a municipality),
 * through a mapping taken from configuration (WEB_CLAIMS_MAPPING, JSON), so that the same code
 * serves the local provider, Microsoft Entra ID and Ansattporten (docs/operations.md, "Sign-in").
 *
 * A claim is named by a dotted path; arrays on the way are walked into, so
 * "authorization_details.reportees.ID" reads every reportee's id of an Ansattporten token.
 * Roles come from `groupsClaim` values found in `groups`; a person's values may name roles in one
 * partnership only (two partnerships: no role, the administrator must fix the groups). The
 * municipality is the `municipalityClaim` value, translated through `municipalities` when that
 * is given (e.g. organisation numbers to municipality numbers).
 */
import { z } from 'zod';
import { RoleSchema } from '../../schema/api.js';
import { unstorableText } from '../../domain/text.js';
import type { Person } from '../env.js';

const ClaimPath = z
  .string()
  .regex(/^[A-Za-z0-9_:\-/]+(\.[A-Za-z0-9_:\-/]+)*$/, 'a claim name or a dotted path of claim names');
const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a partnership slug');
const MunicipalityNumber = z.string().regex(/^\d{4}$/, 'a four-digit municipality number');

export const ClaimsMappingSchema = z.strictObject({
  /** the claim whose value is the person's id in the engine (an IPR member's roster id); default `sub` */
  subjectClaim: ClaimPath.default('sub'),
  nameClaim: ClaimPath.default('name'),
  groupsClaim: ClaimPath.default('groups'),
  municipalityClaim: ClaimPath.optional(),
  /**
   * group id (or other groupsClaim value) → a role in a partnership; optionally the municipality
   * that goes with it (a council's clerks' group) and the roster seat it stands for (`member`: an
   * IPR roster id, e.g. the group "Ordfører i Lillehammer" → mayor-3405, so whoever holds the
   * office votes in its seat, and the person's id in the engine is that roster id)
   */
  groups: z.record(
    z.string().min(1),
    z.strictObject({
      role: RoleSchema,
      partnership: Slug,
      municipality: MunicipalityNumber.optional(),
      member: z.string().min(1).max(200).optional(),
    }),
  ),
  /** municipalityClaim value → municipality number; absent: the value is the number itself */
  municipalities: z.record(z.string().min(1), MunicipalityNumber).optional(),
});
export type ClaimsMapping = z.infer<typeof ClaimsMappingSchema>;

/** Parses WEB_CLAIMS_MAPPING; the message names what is wrong. */
export function parseClaimsMapping(json: string): ClaimsMapping {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new Error(`WEB_CLAIMS_MAPPING is not JSON: ${(e as Error).message}`);
  }
  const parsed = ClaimsMappingSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `WEB_CLAIMS_MAPPING: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** Every string at `path` in the claims (arrays walked into, numbers as text). */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let values: unknown[] = [claims];
  for (const key of path.split('.')) {
    values = values
      .flatMap((v) =>
        v !== null && typeof v === 'object' && !Array.isArray(v) ? [(v as Record<string, unknown>)[key]] : [],
      )
      .flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return values.flatMap((v) => (typeof v === 'string' ? [v] : typeof v === 'number' ? [String(v)] : []));
}

const usableText = (s: string | undefined): s is string =>
  s !== undefined && s.length > 0 && s.length <= 200 && unstorableText(s) === null;

export type Mapped =
  | { kind: 'person'; person: Person }
  /** signed in, but no role (or roles in several partnerships, or a clerk without a municipality) */
  | { kind: 'no-role'; name: string; sub: string; why: string };

export function personFromClaims(claims: Record<string, unknown>, mapping: ClaimsMapping): Mapped {
  const sub = claimValues(claims, mapping.subjectClaim)[0];
  const name = claimValues(claims, mapping.nameClaim)[0] ?? sub;
  const shown = usableText(name) ? name : 'Ukjent navn';
  if (!usableText(sub))
    return {
      kind: 'no-role',
      name: shown,
      sub: String(claims.sub ?? ''),
      why: `the ${mapping.subjectClaim} claim is missing or not usable text`,
    };
  const grants = claimValues(claims, mapping.groupsClaim).flatMap((g) =>
    Object.hasOwn(mapping.groups, g) ? [mapping.groups[g]!] : [],
  );
  const partnerships = [...new Set(grants.map((g) => g.partnership))];
  if (partnerships.length === 0) return { kind: 'no-role', name: shown, sub, why: 'no group maps to a role' };
  if (partnerships.length > 1)
    return {
      kind: 'no-role',
      name: shown,
      sub,
      why: `groups map to roles in several partnerships (${partnerships.join(', ')})`,
    };
  const roles = [...new Set(grants.map((g) => g.role))];
  const raw = mapping.municipalityClaim ? claimValues(claims, mapping.municipalityClaim)[0] : undefined;
  const fromClaim =
    raw === undefined
      ? undefined
      : mapping.municipalities
        ? mapping.municipalities[raw]
        : /^\d{4}$/.test(raw)
          ? raw
          : undefined;
  const fromGroups = [...new Set(grants.flatMap((g) => (g.municipality ? [g.municipality] : [])))];
  if (fromGroups.length > 1)
    return { kind: 'no-role', name: shown, sub, why: `groups name several municipalities (${fromGroups.join(', ')})` };
  const municipality = fromClaim ?? fromGroups[0];
  if (roles.includes('municipal_clerk') && !municipality)
    return { kind: 'no-role', name: shown, sub, why: 'a municipal clerk without a municipality' };
  const seats = [...new Set(grants.flatMap((g) => (g.member ? [g.member] : [])))];
  if (seats.length > 1)
    return { kind: 'no-role', name: shown, sub, why: `groups name several roster seats (${seats.join(', ')})` };
  return {
    kind: 'person',
    person: {
      sub: seats[0] ?? sub,
      name: shown,
      roles,
      partnership: partnerships[0]!,
      ...(municipality ? { municipality } : {}),
    },
  };
}
