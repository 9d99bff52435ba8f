/**
 * Why the administration's recommendation (./recommendation.ts) leaves money unallocated and grants
 * a measure in part or not at all, as data: one reason per note, with the figures it names. The
 * web writes Norwegian from these (web/recommendation-reasons.ts), the API gives them beside the
 * notes, and the notes are the English of the same reasons (noteOf), so the two cannot drift.
 *
 * Funders are funder ids (the county's id or a municipality number), years "2027", money Money.
 */
import type { Money, YearMap } from './money.js';

/** Money left in one funder's frame for one year: what every reason for it names. */
interface MoneyLeft {
  year: string;
  funder: string;
  unallocated: Money;
}

/** Every request for the year is granted in full. */
export interface GrantedInFull extends MoneyLeft {
  kind: 'grantedInFull';
  requested: Money;
}

/** No measure asked for anything in the year. */
export interface NothingRequested extends MoneyLeft {
  kind: 'nothingRequested';
}

/** This funder's frame binds: what it has left is too small for its share of a further grant. */
export interface OwnFrameBinds extends MoneyLeft {
  kind: 'ownFrameBinds';
}

/** The frames of every municipality in the split bind, `frames` together. */
export interface MunicipalFramesBind extends MoneyLeft {
  kind: 'municipalFramesBind';
  frames: Money;
}

/** The frames of `binding` (one funder or several, not every municipality) bind, `frames` together. */
export interface OtherFramesBind extends MoneyLeft {
  kind: 'otherFramesBind';
  binding: string[];
  frames: Money;
}

/** No funder in the year's split has a frame to pay a share from, so nothing can be granted. */
export interface NoFrameInSplit extends MoneyLeft {
  kind: 'noFrameInSplit';
}

/** This municipality's council rejected the year: it takes no part in its split, so its frame pays no share of it. */
export interface NotInSplit extends MoneyLeft {
  kind: 'notInSplit';
}

/**
 * No council takes part in the year's split (every one rejected), so nobody can pay the municipal
 * part of a grant and nothing can be granted: why the county's money (or any taking part) is left.
 */
export interface NoCouncilInSplit extends MoneyLeft {
  kind: 'noCouncilInSplit';
}

/** Money left in one funder's frame for one year, and why. */
export type UnallocatedReason =
  | GrantedInFull
  | NothingRequested
  | OwnFrameBinds
  | MunicipalFramesBind
  | OtherFramesBind
  | NoFrameInSplit
  | NotInSplit
  | NoCouncilInSplit;

/**
 * Municipalities that take no part in a year's split (their council rejected): the others share
 * the municipal part, or, when `everyCouncil`, nobody is left to pay it.
 */
export interface OutOfSplitReason {
  kind: 'outOfSplit';
  year: string;
  municipalities: string[];
  everyCouncil: boolean;
}

/** A measure asked for years the recommendation is not for. */
export interface OutsideYears {
  kind: 'outsideYears';
  measureId: string;
  years: string[];
}

/** Nothing is granted in any year; `requested` has the years it asked for (empty: nothing). */
export interface NotGranted {
  kind: 'notGranted';
  measureId: string;
  requested: YearMap;
}

/** One year's grant is less than asked. */
export interface GrantedInPart {
  kind: 'grantedInPart';
  measureId: string;
  year: string;
  granted: Money;
  requested: Money;
}

/** Why a measure gets less than it asked. */
export type MeasureReason = OutsideYears | NotGranted | GrantedInPart;

export type RecommendationReason = UnallocatedReason | OutOfSplitReason | MeasureReason;

export const isUnallocatedReason = (r: RecommendationReason): r is UnallocatedReason => 'unallocated' in r;

/**
 * The note in English, as the recommendation has always written it (API consumers read these);
 * `county` is the county's funder id, which the notes call "county".
 */
export function noteOf(r: RecommendationReason, county: string): string {
  const name = (id: string) => (id === county ? 'county' : id);
  switch (r.kind) {
    case 'outOfSplit':
      return `${r.year}: ${r.municipalities.join(', ')} take${r.municipalities.length === 1 ? 's' : ''} no part in the split (rejected); ${r.everyCouncil ? 'no council is left to pay the municipal part' : 'the municipal part is shared by the others'}`;
    case 'outsideYears':
      return `${r.measureId}: request for ${r.years.join(', ')} is outside the years recommended for and not granted`;
    case 'notGranted': {
      const asked = Object.entries(r.requested)
        .map(([y, v]) => `${y}: ${v}`)
        .join(', ');
      return `${r.measureId}: not granted and not on the list${asked ? ` (requested ${asked})` : ' (nothing requested)'}`;
    }
    case 'grantedInPart':
      return `${r.measureId}: ${r.year} granted ${r.granted} of ${r.requested} requested`;
  }
  const what = `${r.year}: ${r.unallocated} of ${name(r.funder)} frame unallocated`;
  switch (r.kind) {
    case 'grantedInFull':
      return `${what}: every request for ${r.year} is granted in full (${r.requested} requested)`;
    case 'nothingRequested':
      return `${what}: nothing was requested for ${r.year}`;
    case 'ownFrameBinds':
      return `${what}: this frame binds; what is left is too small for its share of a further grant`;
    case 'noFrameInSplit':
      return `${what}: no funder in the split for ${r.year} has a frame to pay a share from`;
    case 'notInSplit':
      return `${what}: its council rejected ${r.year}, so it pays no share of it`;
    case 'noCouncilInSplit':
      return `${what}: no council takes part in the split for ${r.year}, so nobody can pay the municipal part and nothing can be granted`;
    case 'municipalFramesBind':
      return `${what}: municipal frames bind at ${r.frames}`;
    case 'otherFramesBind': {
      if (r.binding.length === 1)
        return r.binding[0] === county
          ? `${what}: the county frame binds at ${r.frames}`
          : `${what}: the frame of ${r.binding[0]} binds at ${r.frames}`;
      const names = r.binding.map(name);
      return `${what}: the frames of ${names.slice(0, -1).join(', ')} and ${names.at(-1)} bind at ${r.frames} together`;
    }
  }
}
