/**
 * The people of the local OpenID Provider: everyone the reference partnerships need to run a
 * year, as accounts with the claims a real provider would send (a name, group ids, a municipality
 * number). The web app maps those claims to roles with web/auth/claims.ts; LOCAL_CLAIMS_MAPPING
 * below is that mapping for these accounts, the app's default.
 *
 * Account ids are unique at the provider (they are the ID token's `sub`). An IPR member's id in
 * the engine is its roster id, sent in the `hoep_member` claim: the county politicians sit on the
 * IPR of all three partnerships under the same roster id, so that id alone cannot be the `sub`.
 */
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import type { Role } from '../../schema/api.js';

export interface LocalAccount {
  /** unique at the provider: the ID token's `sub` */
  accountId: string;
  /** the engine's id for the person (`hoep_member`): the roster id of an IPR member */
  member: string;
  name: string;
  /** group ids, as Entra ID sends object ids of groups: `<partnership>:<role>` */
  groups: string[];
  municipality?: string;
  /** the `email` claim: the address the partnership's configuration gives the person (reminders go there) */
  email?: string;
  /** which section of the login page lists the account */
  section: string;
}

/** The group id that stands for `role` in `partnership` at the local provider. */
export const localGroup = (partnership: string, role: Role): string => `${partnership}:${role}`;

const ROLES: Role[] = ['admin', 'proposer', 'ipr_member', 'municipal_clerk', 'finance'];

function partnershipAccounts(p: (typeof referencePartnerships)[number]): LocalAccount[] {
  const section = p.name;
  const person = (
    accountId: string,
    name: string,
    role: Role,
    municipality?: string,
    member = accountId,
    // People the configuration gives no address (proposers, finance) get one made up the same way.
    email = `${accountId}@${p.id}.example`,
  ): LocalAccount => ({
    accountId,
    member,
    name,
    groups: [localGroup(p.id, role)],
    ...(municipality ? { municipality } : {}),
    email,
    section,
  });
  const [firstMunicipality] = p.municipalities;
  return [
    person(`admin-${p.id}`, `Sekretariatsleder, ${p.name}`, 'admin', undefined, undefined, p.administration?.email),
    person(`proposer-1-${p.id}`, `Næringsrådgiver, ${p.name}`, 'proposer'),
    person(`proposer-2-${p.id}`, `Prosjektleder, ${p.name}`, 'proposer'),
    ...p.ipr.roster.map((m) =>
      person(
        // unique per provider; the roster id itself wherever it is unique across partnerships
        m.municipality === 'county' ? `${p.id}.${m.id}` : m.id,
        m.name,
        'ipr_member',
        /^\d{4}$/.test(m.municipality ?? '') ? m.municipality : undefined,
        m.id,
        m.email,
      ),
    ),
    ...p.municipalities.map((m) =>
      person(
        `clerk-${m.id}`,
        `Utvalgssekretær i ${m.name} kommune`,
        'municipal_clerk',
        m.id,
        undefined,
        m.clerk?.email,
      ),
    ),
    person(`finance-county-${p.id}`, `Økonomirådgiver for ${p.name}, Innlandet fylkeskommune`, 'finance'),
    ...(firstMunicipality
      ? [
          person(
            `finance-${firstMunicipality.id}`,
            `Økonomisjef i ${firstMunicipality.name} kommune`,
            'finance',
            firstMunicipality.id,
          ),
        ]
      : []),
  ];
}

/** Signs in, but maps to no role: the app must say so (its /ingen-rolle page). */
export const NO_ROLE_ACCOUNT: LocalAccount = {
  accountId: 'ny-ansatt',
  member: 'ny-ansatt',
  name: 'Ny ansatt uten rolle',
  groups: [],
  section: 'Uten rolle i HØP',
};

export const localAccounts: readonly LocalAccount[] = Object.freeze([
  ...referencePartnerships.flatMap(partnershipAccounts),
  NO_ROLE_ACCOUNT,
]);

/** The claims the local provider sends for an account, in its ID token (provider.ts). */
export const accountClaims = (account: LocalAccount): { sub: string; [claim: string]: unknown } => ({
  sub: account.accountId,
  name: account.name,
  groups: account.groups,
  hoep_member: account.member,
  ...(account.municipality ? { municipality: account.municipality } : {}),
});

const byId = new Map(localAccounts.map((a) => [a.accountId, a]));
export const findLocalAccount = (accountId: string): LocalAccount | undefined => byId.get(accountId);

/**
 * The claims mapping for the local provider (the shape of WEB_CLAIMS_MAPPING, web/auth/claims.ts):
 * every `<partnership>:<role>` group of the reference partnerships.
 */
export const LOCAL_CLAIMS_MAPPING = {
  subjectClaim: 'hoep_member',
  nameClaim: 'name',
  groupsClaim: 'groups',
  municipalityClaim: 'municipality',
  groups: Object.fromEntries(
    referencePartnerships.flatMap((p) =>
      ROLES.map((role) => [localGroup(p.id, role), { role, partnership: p.id }] as const),
    ),
  ),
};
