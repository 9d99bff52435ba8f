/**
 * Who is who on the web: ID token claims to a person through the configured mapping (the local
 * provider's, an Entra ID one, an Ansattporten one), and the return path after sign-in.
 */
import { describe, expect, it } from 'vitest';
import { claimValues, parseClaimsMapping, personFromClaims, type ClaimsMapping } from '../../web/auth/claims.js';
import { safeReturnPath } from '../../web/auth/routes.js';
import { LOCAL_CLAIMS_MAPPING, localAccounts } from '../../services/oidc-provider/accounts.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';

const local = parseClaimsMapping(JSON.stringify(LOCAL_CLAIMS_MAPPING));
const claimsOf = (accountId: string) => {
  const a = localAccounts.find((x) => x.accountId === accountId)!;
  return {
    sub: a.accountId,
    name: a.name,
    groups: a.groups,
    hoep_member: a.member,
    ...(a.municipality ? { municipality: a.municipality } : {}),
  };
};

describe('the local provider’s people', () => {
  it('has everyone a partnership needs, each mapping to a role in exactly one partnership', () => {
    for (const p of referencePartnerships) {
      const people = localAccounts
        .filter((a) => a.section === p.name)
        .map((a) => personFromClaims(claimsOf(a.accountId), local));
      const persons = people.flatMap((m) => (m.kind === 'person' ? [m.person] : []));
      expect(persons).toHaveLength(people.length);
      expect(persons.every((x) => x.partnership === p.id)).toBe(true);
      const withRole = (role: string) => persons.filter((x) => x.roles.includes(role as never));
      expect(withRole('admin')).toHaveLength(1);
      expect(withRole('proposer')).toHaveLength(2);
      expect(
        withRole('finance')
          .map((x) => x.municipality ?? 'county')
          .sort(),
      ).toEqual([p.municipalities[0]!.id, 'county'].sort());
      // every roster member, voting or not, under its roster id
      expect(
        withRole('ipr_member')
          .map((x) => x.sub)
          .sort(),
      ).toEqual(p.ipr.roster.map((r) => r.id).sort());
      expect(
        withRole('municipal_clerk')
          .map((x) => x.municipality)
          .sort(),
      ).toEqual(p.municipalities.map((m) => m.id).sort());
    }
  });

  it('keeps provider subjects unique although the county politicians share roster ids across partnerships', () => {
    expect(new Set(localAccounts.map((a) => a.accountId)).size).toBe(localAccounts.length);
    const seats = localAccounts.filter((a) => a.member === 'county-politician-1');
    expect(seats).toHaveLength(3);
  });

  it('the mayor of Lillehammer is an IPR member of Lillehammer-regionen with their roster id', () => {
    expect(personFromClaims(claimsOf('mayor-3405'), local)).toEqual({
      kind: 'person',
      person: {
        sub: 'mayor-3405',
        name: 'Ordfører i Lillehammer',
        roles: ['ipr_member'],
        partnership: 'lillehammer-regionen',
        municipality: '3405',
      },
    });
  });

  it('the person with no role maps to none', () => {
    expect(personFromClaims(claimsOf('ny-ansatt'), local)).toMatchObject({
      kind: 'no-role',
      name: 'Ny ansatt uten rolle',
    });
  });
});

describe('claims mapping', () => {
  const entra: ClaimsMapping = parseClaimsMapping(
    JSON.stringify({
      subjectClaim: 'oid',
      groupsClaim: 'groups',
      groups: {
        '5b1c…-admin': { role: 'admin', partnership: 'lillehammer-regionen' },
        'a1-clerk-3440': { role: 'municipal_clerk', partnership: 'lillehammer-regionen', municipality: '3440' },
        'a2-mayor-3405': { role: 'ipr_member', partnership: 'lillehammer-regionen', member: 'mayor-3405' },
        'a3-finance': { role: 'finance', partnership: 'lillehammer-regionen' },
        'b1-hamar-admin': { role: 'admin', partnership: 'hamarregionen' },
      },
    }),
  );

  it('maps Entra ID group object ids to roles, a seat group to its roster id, a clerk group to its council', () => {
    expect(personFromClaims({ oid: 'u-1', name: 'Kari', groups: ['x', 'a2-mayor-3405', 'a3-finance'] }, entra)).toEqual(
      {
        kind: 'person',
        person: {
          sub: 'mayor-3405',
          name: 'Kari',
          roles: ['ipr_member', 'finance'],
          partnership: 'lillehammer-regionen',
        },
      },
    );
    expect(personFromClaims({ oid: 'u-2', name: 'Ola', groups: ['a1-clerk-3440'] }, entra)).toMatchObject({
      person: { sub: 'u-2', roles: ['municipal_clerk'], municipality: '3440' },
    });
  });

  it('gives no role for no mapped group, groups in two partnerships, or a clerk without a municipality', () => {
    expect(personFromClaims({ oid: 'u', name: 'N', groups: ['unknown'] }, entra).kind).toBe('no-role');
    expect(personFromClaims({ oid: 'u', name: 'N' }, entra).kind).toBe('no-role');
    expect(personFromClaims({ oid: 'u', name: 'N', groups: ['5b1c…-admin', 'b1-hamar-admin'] }, entra)).toMatchObject({
      kind: 'no-role',
      why: expect.stringContaining('several partnerships'),
    });
    const noCouncil = parseClaimsMapping(
      JSON.stringify({ groups: { g: { role: 'municipal_clerk', partnership: 'hamarregionen' } } }),
    );
    expect(personFromClaims({ sub: 'u', name: 'N', groups: ['g'] }, noCouncil)).toMatchObject({
      kind: 'no-role',
      why: expect.stringContaining('municipality'),
    });
    // a group id such as "constructor" is not a role because an object happens to have it
    expect(
      personFromClaims({ sub: 'u', name: 'N', groups: ['constructor', '__proto__', 'toString'] }, noCouncil).kind,
    ).toBe('no-role');
  });

  it('reads nested claims (Ansattporten’s authorization_details) and translates organisation numbers to municipalities', () => {
    const ansattporten = parseClaimsMapping(
      JSON.stringify({
        subjectClaim: 'sub',
        groupsClaim: 'authorization_details.resource',
        municipalityClaim: 'authorization_details.reportees.ID',
        municipalities: { '0192:940155223': '3440' },
        groups: {
          'urn:altinn:resource:hoep-kommunesaksbehandler': {
            role: 'municipal_clerk',
            partnership: 'lillehammer-regionen',
          },
        },
      }),
    );
    const claims = {
      sub: 'pairwise-1',
      name: 'Siri',
      authorization_details: [
        {
          type: 'ansattporten:altinn:resource',
          resource: 'urn:altinn:resource:hoep-kommunesaksbehandler',
          reportees: [{ ID: '0192:940155223', Name: 'ØYER KOMMUNE' }],
        },
      ],
    };
    expect(claimValues(claims, 'authorization_details.reportees.ID')).toEqual(['0192:940155223']);
    expect(personFromClaims(claims, ansattporten)).toEqual({
      kind: 'person',
      person: {
        sub: 'pairwise-1',
        name: 'Siri',
        roles: ['municipal_clerk'],
        partnership: 'lillehammer-regionen',
        municipality: '3440',
      },
    });
  });

  it('refuses a mapping that is not JSON or names an unknown role, saying what is wrong', () => {
    expect(() => parseClaimsMapping('{groups:')).toThrow(/not JSON/);
    expect(() => parseClaimsMapping(JSON.stringify({ groups: { g: { role: 'mayor', partnership: 'x' } } }))).toThrow(
      /groups\.g\.role/,
    );
    expect(() => parseClaimsMapping(JSON.stringify({ groups: {}, extra: 1 }))).toThrow(/WEB_CLAIMS_MAPPING/);
  });

  it('turns unusable names into a placeholder rather than storing control characters', () => {
    expect(
      personFromClaims(
        {
          sub: 'mayor-3405',
          hoep_member: 'mayor-3405',
          name: 'Bad\u0000name',
          groups: ['lillehammer-regionen:ipr_member'],
        },
        local,
      ),
    ).toMatchObject({ person: { name: 'Ukjent navn' } });
  });
});

describe('the path after sign-in', () => {
  it.each([
    ['/sykluser/lillehammer-regionen-2027', '/sykluser/lillehammer-regionen-2027'],
    [undefined, '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/logg-inn', '/'],
    ['/a b', '/'],
  ])('%s → %s', (given, expected) => expect(safeReturnPath(given)).toBe(expected));
});
