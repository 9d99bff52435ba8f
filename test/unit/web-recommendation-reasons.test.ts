/**
 * Why the recommendation leaves money unallocated, in Norwegian (web/recommendation-reasons.ts),
 * from the reasons the domain's recommend() really gives; and, for a recommendation kept from
 * before it gave them, from its English notes (web/recommendation-notes.ts), to the same texts.
 */
import { describe, expect, it } from 'vitest';
import { membersOf } from '../../domain/cost-sharing.js';
import type { FunderYearMap, YearMap } from '../../domain/money.js';
import { grantUnitOf, recommend, type Recommendation } from '../../domain/recommendation.js';
import { isUnallocatedReason } from '../../domain/recommendation-reasons.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import { reasonsOfNotes } from '../../web/recommendation-notes.js';
import { outOfSplitTexts, unallocatedText, unallocatedTexts } from '../../web/recommendation-reasons.js';

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;
const years = ['2027', '2028', '2029', '2030'];
const FUNDERS = ['county', '3405', '3440', '3441'];

function framesOf(county: string, municipal: string): FunderYearMap {
  return Object.fromEntries(
    FUNDERS.map((f) => [f, Object.fromEntries(years.map((y) => [y, f === 'county' ? county : municipal]))]),
  );
}

function recommended(amounts: YearMap[], frames: FunderYearMap, outOfSplit?: Record<string, string[]>): Recommendation {
  return recommend({
    measures: amounts.map((a, i) => ({ id: `m000${i + 1}`, amounts: a })),
    frames,
    sharing: config.sharing,
    members: membersOf(config),
    years,
    grantUnit: grantUnitOf(config),
    outOfSplit,
  });
}

/** As the page reads it: no-break spaces as spaces. */
const plain = (texts: (string | null)[]) => texts.join('\n').replace(/\u00a0/g, ' ');

// Every kind of reason for money left (docs/domain.md's example first: 3405's and 3440's frames bind).
const cases = [
  recommended([{ 2027: '600000.00' }, { 2027: '300000.00', 2028: '100000.00' }], framesOf('2000000.00', '100000.00')),
  recommended([{ 2027: '100000.00' }], framesOf('2000000.00', '100000.00')), // everything granted in full
  recommended([{ 2027: '5000000.00' }], framesOf('100000.00', '5000000.00')), // the county binds
  recommended([{ 2027: '5000000.00' }], {
    ...framesOf('5000000.00', '5000000.00'),
    3440: framesOf('0', '10000.00')['3440']!,
  }), // one council binds
  recommended([{ 2027: '5000000.00' }], framesOf('5000000.00', '100000.00')), // every council's frame binds
  recommended([{ 2027: '900000.00' }], framesOf('2000000.00', '400000.00'), { 2027: ['3440'] }), // 3440 out of the split
  recommended([{ 2027: '900000.00' }], framesOf('2000000.00', '400000.00'), { 2027: ['3405', '3440', '3441'] }), // every council out
];
/** Kinds written since reasons came, never in an older engine's notes. */
const NEWER = new Set(['notInSplit', 'noCouncilInSplit']);

describe('why money is left unallocated, in Norwegian', () => {
  it('has a Norwegian reason, with names and money, for every funder and year recommend() leaves money', () => {
    const texts = cases.flatMap((rec) => unallocatedTexts(config, rec));
    const left = cases.flatMap((rec) => rec.reasons.filter(isUnallocatedReason));
    expect(texts.map((t) => [t.funderId, t.year])).toEqual(left.map((r) => [r.funder, r.year]));
    expect(new Set(left.map((r) => r.kind))).toEqual(
      new Set([
        'otherFramesBind',
        'ownFrameBinds',
        'nothingRequested',
        'grantedInFull',
        'municipalFramesBind',
        'notInSplit',
        'noCouncilInSplit',
      ]),
    );
    const all = plain(texts.map((t) => t.text));
    expect(all).toContain('Rammene til Lillehammer kommune og Øyer kommune binder (200 000,00 kr til sammen)');
    expect(all).toContain('Alt som er søkt om for 2027, er innvilget fullt ut (100 000,00 kr søkt).');
    expect(all).toContain('Ingen har søkt om midler for 2028.');
    expect(all).toContain(`Rammen til ${config.county.name} binder (100 000,00 kr)`);
    expect(all).toContain('Rammen til Øyer kommune binder (10 000,00 kr)');
    expect(all).toContain('Kommunenes rammer binder (300 000,00 kr til sammen), så resten kan ikke fordeles.');
    expect(all).toContain(
      'Denne rammen binder: det som er igjen, er for lite til finansiørens andel av et nytt tilskudd.',
    );
    expect(all).toContain(
      'Kommunestyret avviste andelen for 2027, så kommunen er ikke med i delingen og betaler ingen andel det året.',
    );
    expect(all).toContain(
      'Ingen kommune er med i delingen for 2027, så ingen kan betale kommunenes del av et tilskudd, og ingenting kan innvilges.',
    );
    expect(all).not.toMatch(/county|3405|3440|3441|frame|null/);
  });

  it('names the councils out of a year’s split, and says when nobody in the split can pay', () => {
    expect(cases.flatMap((rec) => outOfSplitTexts(config, rec))).toEqual([
      '2027: Øyer kommune er ikke med i delingen (kommunestyret avviste); kommunenes del deles av de andre.',
      '2027: Lillehammer kommune, Øyer kommune og Gausdal kommune er ikke med i delingen (kommunestyret avviste); ingen kommune er igjen til å betale kommunenes del.',
    ]);
    expect(unallocatedText(config, { kind: 'noFrameInSplit', year: '2027', funder: '3440', unallocated: '5.00' })).toBe(
      'Ingen finansiør som er med i delingen for 2027, har ramme å betale sin andel fra, så ingenting kan innvilges.',
    );
  });
});

describe('a recommendation kept from before it gave reasons', () => {
  it('reads its notes back into the reasons recommend() gives, so the page says the same', () => {
    // The reasons an older engine could write (it wrote no newer kinds, nor a split no council was left in).
    const older = cases.filter((rec) => !rec.reasons.some((r) => NEWER.has(r.kind)));
    expect(older.length).toBeGreaterThan(4);
    for (const rec of older) {
      const old = { notes: rec.notes }; // as a state carried over from an older run has it
      expect(reasonsOfNotes(config, rec.notes)).toEqual(
        rec.reasons.filter((r) => isUnallocatedReason(r) || r.kind === 'outOfSplit'),
      );
      expect(unallocatedTexts(config, old)).toEqual(unallocatedTexts(config, rec));
      expect(outOfSplitTexts(config, old)).toEqual(outOfSplitTexts(config, rec));
    }
  });

  it('reads the notes as they were written, and keeps one it cannot read as it is, to be marked as English', () => {
    const notes = [
      '2027: 3440 takes no part in the split (rejected); the municipal part is shared by the others',
      '2027: 500000.00 of county frame unallocated: the frames of 3405 and 3441 bind at 800000.00 together',
      '2027: 10.00 of 3405 frame unallocated: something new',
      'm0001: 2027 granted 3000000.00 of 3500000.00 requested',
    ];
    expect(unallocatedTexts(config, { notes })).toEqual([
      {
        funderId: 'county',
        year: '2027',
        text: 'Rammene til Lillehammer kommune og Gausdal kommune binder (800\u00a0000,00\u00a0kr til sammen), så resten kan ikke fordeles.',
      },
      { funderId: '3405', year: '2027', text: null, note: '2027: 10.00 of 3405 frame unallocated: something new' },
    ]);
    expect(outOfSplitTexts(config, { notes })).toEqual([
      '2027: Øyer kommune er ikke med i delingen (kommunestyret avviste); kommunenes del deles av de andre.',
    ]);
  });
});
