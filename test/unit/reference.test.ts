/**
 * The reference partnerships and plans, and what the partnership schema refuses.
 * Over 300 lines: one case per refusal of the partnership schema.
 */
import { describe, expect, it } from 'vitest';
import {
  goalOf,
  grantUnitOf,
  majorityOf,
  paysInOf,
  PartnershipConfigSchema,
  PlanSchema,
  strategyCodes,
  votingMembers,
  type PartnershipConfig,
} from '../../schema/partnership.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import { referencePlans } from '../../schema/reference/plans.js';
import { loadReferenceData, referencePartnership, referencePlan } from '../../schema/reference/load.js';
import { localAccounts } from '../../services/oidc-provider/accounts.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const lillehammer = () => clone(referencePartnership('lillehammer-regionen'));

/** Expect the schema to refuse `value` with an issue at `path` whose message matches. */
function expectRefused(value: unknown, path: (string | number)[], message: RegExp) {
  const result = PartnershipConfigSchema.safeParse(value);
  expect(result.success).toBe(false);
  const issues = result.error?.issues ?? [];
  expect(issues.some((i) => JSON.stringify(i.path) === JSON.stringify(path) && message.test(i.message))).toBe(true);
}

describe('reference partnerships', () => {
  it('give every person a reminder can go to an address, and the local provider sends the same as `email`', () => {
    for (const p of referencePartnerships) {
      const accounts = localAccounts.filter((a) => a.section === p.name);
      const account = (id: string) => accounts.find((a) => a.accountId === id || a.member === id);
      expect(account(`admin-${p.id}`)?.email).toBe(p.administration?.email);
      for (const mu of p.municipalities) {
        expect(mu.clerk?.email).toMatch(/@.+\.example$/);
        expect(account(`clerk-${mu.id}`)?.email).toBe(mu.clerk?.email);
      }
      for (const member of p.ipr.roster) {
        expect(member.email).toMatch(/@.+\.example$/);
        expect(account(member.id)?.email).toBe(member.email);
      }
    }
  });

  it('all validate against the schema and have unique ids', () => {
    for (const p of referencePartnerships) expect(PartnershipConfigSchema.safeParse(clone(p)).success).toBe(true);
    expect(referencePartnerships.map((p) => p.id)).toEqual(['lillehammer-regionen', 'gjovikregionen', 'hamarregionen']);
  });

  it('Lillehammer-regionen: IFK and three municipalities in order, 2/3 and an equal key, not an example', () => {
    const p = referencePartnership('lillehammer-regionen');
    expect(p.county).toMatchObject({ id: 'county', name: 'Innlandet fylkeskommune', orgName: 'IFK' });
    expect(p.municipalities.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: '3405', name: 'Lillehammer' },
      { id: '3440', name: 'Øyer' },
      { id: '3441', name: 'Gausdal' },
    ]);
    expect(p.sharing).toEqual({
      countyFraction: { type: 'fixed', numerator: 2, denominator: 3 },
      key: { type: 'equal' },
    });
    expect(p.example).toBe(false);
  });

  it('Lillehammer-regionen IPR: 8 voters, so 5 approvals adopt; chief executives and the county adviser attend without a vote', () => {
    const p = referencePartnership('lillehammer-regionen');
    expect(votingMembers(p)).toHaveLength(8);
    expect(majorityOf(p)).toBe(5);
    const roles = (votes: boolean) =>
      p.ipr.roster
        .filter((r) => r.votes === votes)
        .map((r) => r.role)
        .sort();
    expect(roles(true)).toEqual([
      'county-politician',
      'county-politician',
      'mayor',
      'mayor',
      'mayor',
      'opposition',
      'opposition',
      'opposition',
    ]);
    expect(roles(false)).toEqual(['chief-executive', 'chief-executive', 'chief-executive', 'county-adviser']);
    // one mayor and one opposition member per council
    for (const m of ['3405', '3440', '3441']) {
      expect(
        p.ipr.roster
          .filter((r) => r.votes && r.municipality === m)
          .map((r) => r.role)
          .sort(),
      ).toEqual(['mayor', 'opposition']);
    }
    // stable ids, used as the token subject of IPR members
    expect(p.ipr.roster.map((r) => r.id)).toContain('mayor-3405');
    expect(p.ipr.roster.find((r) => r.id === 'mayor-3405')?.name).toBe('Ordfører i Lillehammer');
  });

  it("Gjøvikregionen and Hamarregionen are the documents' members, marked as example configuration", () => {
    const gjovik = referencePartnership('gjovikregionen');
    expect(gjovik.municipalities.map((m) => m.id)).toEqual(['3407', '3442', '3443', '3447', '3448']);
    const hamar = referencePartnership('hamarregionen');
    expect(hamar.municipalities.map((m) => `${m.id} ${m.name}`)).toEqual(['3403 Hamar', '3412 Løten', '3413 Stange']);
    for (const p of [gjovik, hamar]) {
      expect(p.example).toBe(true);
      expect(p.note).toMatch(/example/i);
      expect(
        votingMembers(p)
          .map((r) => r.role)
          .filter((r) => r === 'county-politician'),
      ).toHaveLength(2);
      expect(votingMembers(p).filter((r) => r.role === 'mayor')).toHaveLength(p.municipalities.length);
    }
    expect(hamar.sharing.countyFraction).toEqual({ type: 'pro-rata' });
    expect(hamar.sharing.key).toMatchObject({ type: 'population', asOf: '2024-01-01' });
    if (hamar.sharing.key.type === 'population') expect(hamar.sharing.key.source).toMatch(/example/i);
  });

  it('unknown ids are refused by the getters', () => {
    expect(() => referencePartnership('nope')).toThrow(/nope/);
    expect(() => referencePlan('nope')).toThrow(/nope/);
  });
});

describe('partnership schema refuses a bad config', () => {
  it('a duplicate municipality', () => {
    const c = lillehammer();
    c.municipalities.push({ id: '3405', name: 'Lillehammer igjen' });
    expectRefused(c, ['municipalities'], /3405 is listed twice/);
  });

  it('a county fraction outside (0, 1)', () => {
    for (const [numerator, denominator] of [
      [3, 3],
      [4, 3],
    ]) {
      const c = lillehammer();
      c.sharing.countyFraction = { type: 'fixed', numerator: numerator!, denominator: denominator! };
      expectRefused(c, ['sharing', 'countyFraction'], /strictly between 0 and 1/);
    }
    const zero = lillehammer();
    zero.sharing.countyFraction = { type: 'fixed', numerator: 0, denominator: 3 };
    expect(PartnershipConfigSchema.safeParse(zero).success).toBe(false);
    const decimal = lillehammer() as unknown as { sharing: { countyFraction: unknown } };
    decimal.sharing.countyFraction = { type: 'fixed', numerator: 0.5, denominator: 1 };
    expect(PartnershipConfigSchema.safeParse(decimal).success).toBe(false);
  });

  it('key figures or weights that do not cover exactly the municipalities', () => {
    const missing = lillehammer();
    missing.sharing.key = {
      type: 'population',
      asOf: '2025-01-01',
      source: 'SSB',
      figures: { '3405': 29000, '3440': 5000 },
    };
    expectRefused(missing, ['sharing', 'key', 'figures'], /3441/);
    const extra = lillehammer();
    extra.sharing.key = { type: 'fixed', weights: { '3405': 1, '3440': 1, '3441': 1, '3403': 1 } };
    expectRefused(extra, ['sharing', 'key', 'weights', '3403'], /not a member/);
    const zeroWeight = lillehammer();
    zeroWeight.sharing.key = { type: 'fixed', weights: { '3405': 1, '3440': 0, '3441': 1 } };
    expect(PartnershipConfigSchema.safeParse(zeroWeight).success).toBe(false);
  });

  it('a population key without a valid date', () => {
    const c = lillehammer();
    c.sharing.key = {
      type: 'population',
      asOf: '2025-13-01',
      source: 'SSB',
      figures: { '3405': 1, '3440': 1, '3441': 1 },
    };
    expect(PartnershipConfigSchema.safeParse(c).success).toBe(false);
  });

  it('a duplicate roster id, and a roster without voters', () => {
    const dup = lillehammer();
    dup.ipr.roster.push({ ...dup.ipr.roster[0]! });
    expectRefused(dup, ['ipr', 'roster'], /mayor-3405 is used twice/);
    const silent = lillehammer();
    silent.ipr.roster = silent.ipr.roster.map((r) => ({ ...r, votes: false }));
    expectRefused(silent, ['ipr', 'roster'], /no voting member/);
  });

  it('a roster member of a municipality outside the partnership, a bad municipality number, an unknown field', () => {
    const stranger = lillehammer();
    stranger.ipr.roster[0]!.municipality = '3403';
    expectRefused(stranger, ['ipr', 'roster', 0, 'municipality'], /not a member/);
    const short = lillehammer();
    short.municipalities[0]!.id = '345';
    expect(PartnershipConfigSchema.safeParse(short).success).toBe(false);
    const extra = { ...lillehammer(), colour: 'blue' } as PartnershipConfig;
    expect(PartnershipConfigSchema.safeParse(extra).success).toBe(false);
  });
});

describe('the money settings of a partnership', () => {
  it('need no configuration: the county pays its frame in, a municipality its adopted share; partial grants in whole thousands', () => {
    const p = referencePartnership('lillehammer-regionen');
    expect(['county', '3405', '3440', '3441'].map((id) => paysInOf(p, id))).toEqual([
      'frame',
      'adopted-share',
      'adopted-share',
      'adopted-share',
    ]);
    expect(grantUnitOf(p)).toBe('1000.00');
  });

  it('are set per funder, and a grant unit is an amount above 0.00', () => {
    const p = lillehammer();
    const configured = {
      ...p,
      grantUnit: '500.00',
      county: { ...p.county, paysIn: 'adopted-share' },
      municipalities: p.municipalities.map((m) => ({ ...m, paysIn: 'frame' })),
    };
    const parsed = PartnershipConfigSchema.parse(configured);
    expect(['county', '3405'].map((id) => paysInOf(parsed, id))).toEqual(['adopted-share', 'frame']);
    expect(grantUnitOf(parsed)).toBe('500.00');
    for (const grantUnit of ['0.00', '0', '-1.00', '1000.001', '1 000'])
      expectRefused({ ...p, grantUnit }, ['grantUnit'], /./);
    expectRefused({ ...p, county: { ...p.county, paysIn: 'everything' } }, ['county', 'paysIn'], /./);
  });
});

describe('strategic plans', () => {
  it('every plan validates and belongs to a reference partnership', () => {
    for (const plan of referencePlans) expect(PlanSchema.safeParse(clone(plan)).success).toBe(true);
    expect(referencePlans.map((p) => p.partnership).sort()).toEqual(referencePartnerships.map((p) => p.id).sort());
  });

  it("Lillehammer-regionen's plan 2025-2030: five goals and every strategy code of docs/domain.md", () => {
    const plan = referencePlan('lillehammer-regionen');
    expect(plan.period).toEqual({ from: 2025, to: 2030 });
    expect(plan.example).toBe(false);
    expect(plan.goals.map((g) => g.code)).toEqual(['1', '2', '3', '4', '5']);
    expect(strategyCodes(plan)).toEqual([
      '1.1',
      '1.2',
      '1.3',
      '1.4',
      '1.5',
      '1.6',
      '2.1',
      '2.2',
      '2.3',
      '2.4',
      '2.5',
      '3.1',
      '3.2',
      '3.3',
      '4.1',
      '4.2',
      '4.2.1',
      '4.2.2',
      '4.2.3',
      '5.1',
      '5.1.1',
      '5.1.2',
      '5.1.3',
      '5.2',
      '5.3',
      '5.4',
      '5.5',
      '5.6',
    ]);
    expect(plan.goals[4]!.title).toBe('Lillehammer-regionen skal ha høy attraktivitet som bosted og reisemål.');
  });

  it('eight indicators with the baselines and targets of the plan', () => {
    const plan = referencePlan('lillehammer-regionen');
    expect(plan.indicators.map((i) => i.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const byId = (id: number) => plan.indicators.find((i) => i.id === id)!;
    expect(byId(4)).toMatchObject({
      baseline: expect.stringContaining('12,6 %'),
      target: expect.stringContaining('15 %'),
    });
    expect(byId(5)).toMatchObject({
      baseline: expect.stringContaining('2,8 %'),
      target: expect.stringContaining('5 %'),
    });
    expect(byId(6)).toMatchObject({ baseline: '83,6 % (2023)', target: expect.stringContaining('88 %') });
    expect(byId(7)).toMatchObject({
      baseline: expect.stringContaining('4,6 %'),
      target: expect.stringContaining('5 %'),
    });
    expect(byId(2).baseline).toContain('2026');
    expect(byId(8).title).toContain('Rada Reiseliv');
  });

  it('the example plans are marked as examples', () => {
    for (const id of ['gjovikregionen', 'hamarregionen']) {
      const plan = referencePlan(id);
      expect(plan.example).toBe(true);
      expect(plan.note).toMatch(/example/i);
      expect(strategyCodes(plan).length).toBeGreaterThan(0);
    }
  });

  it('goalOf gives the first segment and refuses junk', () => {
    expect(goalOf('4.2.1')).toBe('4');
    expect(goalOf('5.1')).toBe('5');
    expect(() => goalOf('')).toThrow();
    expect(() => goalOf('x.1')).toThrow();
  });

  it('the plan schema refuses duplicate codes and misplaced nested strategies', () => {
    const plan = clone(referencePlan('lillehammer-regionen'));
    plan.goals[0]!.strategies.push({ code: '1.1', title: 'Igjen' });
    expect(PlanSchema.safeParse(plan).error?.issues.some((i) => /1\.1 is listed twice/.test(i.message))).toBe(true);

    const misplaced = clone(referencePlan('lillehammer-regionen'));
    misplaced.goals[3]!.strategies[1]!.strategies!.push({ code: '4.3.1', title: 'Feil sted' });
    expect(
      PlanSchema.safeParse(misplaced).error?.issues.some((i) =>
        /4\.3\.1 is not a direct child of 4\.2/.test(i.message),
      ),
    ).toBe(true);

    const wrongGoal = clone(referencePlan('lillehammer-regionen'));
    wrongGoal.goals[0]!.strategies.push({ code: '2.9', title: 'Feil delmål' });
    expect(
      PlanSchema.safeParse(wrongGoal).error?.issues.some((i) => /2\.9 is not a direct child of 1/.test(i.message)),
    ).toBe(true);
  });
});

describe('loadReferenceData', () => {
  it('upserts every partnership with its plan in one transaction', async () => {
    const statements: { text: string; values: unknown[] }[] = [];
    let transactions = 0;
    const tx = Object.assign(
      (strings: TemplateStringsArray, ...values: unknown[]) => {
        statements.push({ text: strings.join('$'), values });
        return Promise.resolve([]);
      },
      { json: (value: unknown) => ({ json: value }) },
    );
    const sql = {
      begin: async (cb: (t: typeof tx) => Promise<unknown>) => {
        transactions++;
        return cb(tx);
      },
    };
    const result = await loadReferenceData(sql as unknown as Parameters<typeof loadReferenceData>[0]);
    expect(result).toEqual({ partnerships: 3 });
    expect(transactions).toBe(1);
    expect(statements).toHaveLength(3);
    for (const s of statements) expect(s.text).toMatch(/INSERT INTO partnerships[\s\S]*ON CONFLICT \(id\) DO UPDATE/);
    const first = statements[0]!.values;
    expect(first[0]).toBe('lillehammer-regionen');
    expect(first[2]).toEqual({ json: referencePartnership('lillehammer-regionen') });
    expect(first[3]).toEqual({ json: referencePlan('lillehammer-regionen') });
  });
});
