/**
 * Reference partnerships, validated against the schema when this module loads. Roster entries
 * name roles, not people; their ids are stable (an IPR member's token `sub` is its roster id).
 */
import { PartnershipConfigSchema, type PartnershipConfig, type RosterMember } from '../partnership.js';

const INNLANDET = { id: 'county', name: 'Innlandet fylkeskommune', orgName: 'IFK' } as const;

/**
 * The reference people's e-mail addresses (reminders; the local provider's `email` claim): made up,
 * under the reserved top-level domain .example (RFC 2606), so nothing sent to them can reach anyone.
 * A county politician is one person on all three IPRs, with one address.
 */
const address = (local: string, partnershipId: string) => `${local}@${partnershipId}.example`;
const countyAddress = (local: string) => `${local}@innlandet.example`;

/** Each council's clerk and the secretariat, as the reminders address them. */
function contacts(id: string, name: string, municipalities: { id: string; name: string }[]) {
  return {
    municipalities: municipalities.map((m) => ({
      ...m,
      clerk: { name: `Utvalgssekretær i ${m.name} kommune`, email: address(`utvalgssekretar-${m.id}`, id) },
    })),
    administration: { name: `Sekretariatsleder, ${name}`, email: address('sekretariat', id) },
  };
}

function mayors(partnershipId: string, municipalities: { id: string; name: string }[]): RosterMember[] {
  return municipalities.map((m) => ({
    id: `mayor-${m.id}`,
    name: `Ordfører i ${m.name}`,
    email: address(`mayor-${m.id}`, partnershipId),
    role: 'mayor',
    municipality: m.id,
    votes: true,
  }));
}

function countyPoliticians(): RosterMember[] {
  return [1, 2].map((n) => ({
    id: `county-politician-${n}`,
    name: `Fylkespolitiker ${n}, Innlandet fylkeskommune`,
    email: countyAddress(`county-politician-${n}`),
    role: 'county-politician',
    municipality: 'county',
    votes: true,
  }));
}

const lillehammerMunicipalities = [
  { id: '3405', name: 'Lillehammer' },
  { id: '3440', name: 'Øyer' },
  { id: '3441', name: 'Gausdal' },
];

const lillehammerRegionen: PartnershipConfig = {
  id: 'lillehammer-regionen',
  name: 'Lillehammer-regionen',
  county: INNLANDET,
  ...contacts('lillehammer-regionen', 'Lillehammer-regionen', lillehammerMunicipalities),
  sharing: {
    // "IFK bidrar med anslagsvis 2/3 og kommunene 1/3" (002); equal key until an agreement says otherwise.
    countyFraction: { type: 'fixed', numerator: 2, denominator: 3 },
    key: { type: 'equal' },
  },
  ipr: {
    roster: [
      ...mayors('lillehammer-regionen', lillehammerMunicipalities),
      ...lillehammerMunicipalities.map((m) => ({
        id: `opposition-${m.id}`,
        name: `Opposisjonsrepresentant fra kommunestyret i ${m.name}`,
        email: address(`opposition-${m.id}`, 'lillehammer-regionen'),
        role: 'opposition',
        municipality: m.id,
        votes: true,
      })),
      ...countyPoliticians(),
      ...lillehammerMunicipalities.map((m) => ({
        id: `chief-executive-${m.id}`,
        name: `Kommunedirektør i ${m.name}`,
        email: address(`chief-executive-${m.id}`, 'lillehammer-regionen'),
        role: 'chief-executive',
        municipality: m.id,
        votes: false,
      })),
      {
        id: 'county-adviser',
        name: 'Rådgiver, Innlandet fylkeskommune',
        email: countyAddress('county-adviser'),
        role: 'county-adviser',
        municipality: 'county',
        votes: false,
      },
    ],
  },
  // No money settings: the defaults are Lillehammer-regionen's. IFK's frame is paid into the
  // partnership, each council pays the share it adopted in its budget (004, "Styringsstruktur"), so
  // at year-end the county's unspent money carries over whole and a council's only as far as it was
  // granted (schema/partnership.ts, paysIn); partial grants are whole thousands (grantUnit).
  example: false,
};

const gjovikMunicipalities = [
  { id: '3407', name: 'Gjøvik' },
  { id: '3442', name: 'Østre Toten' },
  { id: '3443', name: 'Vestre Toten' },
  { id: '3447', name: 'Søndre Land' },
  { id: '3448', name: 'Nordre Land' },
];

const gjovikregionen: PartnershipConfig = {
  id: 'gjovikregionen',
  name: 'Gjøvikregionen',
  county: INNLANDET,
  ...contacts('gjovikregionen', 'Gjøvikregionen', gjovikMunicipalities),
  sharing: { countyFraction: { type: 'fixed', numerator: 2, denominator: 3 }, key: { type: 'equal' } },
  ipr: { roster: [...mayors('gjovikregionen', gjovikMunicipalities), ...countyPoliticians()] },
  example: true,
  note:
    'Example configuration: the cost-sharing rule (2/3 county), the equal key and the roster are not taken from an ' +
    'agreement. The members are the five municipalities that fund Gjøvikregionen Utvikling and its yearly joint ' +
    'business programme (source 001).',
};

const hamarMunicipalities = [
  { id: '3403', name: 'Hamar' },
  { id: '3412', name: 'Løten' },
  { id: '3413', name: 'Stange' },
];

const hamarregionen: PartnershipConfig = {
  id: 'hamarregionen',
  name: 'Hamarregionen',
  county: INNLANDET,
  ...contacts('hamarregionen', 'Hamarregionen', hamarMunicipalities),
  sharing: {
    countyFraction: { type: 'pro-rata' },
    key: {
      type: 'population',
      asOf: '2024-01-01',
      source: 'Example figures, rounded; not official SSB statistics',
      figures: { '3403': 32000, '3412': 7700, '3413': 21500 },
    },
  },
  ipr: { roster: [...mayors('hamarregionen', hamarMunicipalities), ...countyPoliticians()] },
  example: true,
  note:
    'Example configuration: the pro-rata rule, the population key and its figures (rounded example figures, not ' +
    'SSB statistics) and the roster are not taken from an agreement. Hamar, Løten and Stange cooperate through ' +
    'Hamarregionen Utvikling (HrU), which carries out the plans within fixed economic frames (source 000).',
};

export const referencePartnerships: readonly PartnershipConfig[] = Object.freeze(
  [lillehammerRegionen, gjovikregionen, hamarregionen].map((p) => PartnershipConfigSchema.parse(p)),
);
