/**
 * Why the administration's recommendation leaves money unallocated, in Norwegian with names and
 * amounts as money, written from the reasons it gives as data (domain/recommendation-reasons.ts):
 * a new kind of reason fails the typecheck here, rather than showing up untranslated.
 *
 * A recommendation kept from before it gave reasons has only its English notes: those are read
 * back into reasons (web/recommendation-notes.ts), and a note that cannot be read is given as it
 * is, for the page to mark as English. The reasons about single measures are not written here:
 * the page says those from the grants themselves.
 */
import type { Recommendation } from './core.js';
import type { PartnershipConfig } from '../schema/partnership.js';
import {
  isUnallocatedReason,
  type OutOfSplitReason,
  type UnallocatedReason,
} from '../domain/recommendation-reasons.js';
import { formatNok } from './format.js';
import { funderName } from './names.js';
import { reasonsOfNotes } from './recommendation-notes.js';

/** The reason in Norwegian, or (text null) an old note that could not be read, as it is. */
export type UnallocatedText = { funderId: string; year: string } & ({ text: string } | { text: null; note: string });

/** "Innlandet fylkeskommune, Lillehammer kommune og Øyer kommune". */
function namesOf(config: PartnershipConfig, ids: readonly string[]): string {
  const names = ids.map((id) => funderName(config, id));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} og ${names.at(-1)}`;
}

/** Why a funder's money is left in a year, in Norwegian. */
export function unallocatedText(config: PartnershipConfig, r: UnallocatedReason): string {
  switch (r.kind) {
    case 'grantedInFull':
      return `Alt som er søkt om for ${r.year}, er innvilget fullt ut (${formatNok(r.requested)} søkt).`;
    case 'nothingRequested':
      return `Ingen har søkt om midler for ${r.year}.`;
    case 'ownFrameBinds':
      return 'Denne rammen binder: det som er igjen, er for lite til finansiørens andel av et nytt tilskudd.';
    case 'municipalFramesBind':
      return `Kommunenes rammer binder (${formatNok(r.frames)} til sammen), så resten kan ikke fordeles.`;
    case 'otherFramesBind':
      return r.binding.length === 1
        ? `Rammen til ${namesOf(config, r.binding)} binder (${formatNok(r.frames)}), så resten kan ikke fordeles.`
        : `Rammene til ${namesOf(config, r.binding)} binder (${formatNok(r.frames)} til sammen), så resten kan ikke fordeles.`;
    case 'noFrameInSplit':
      return `Ingen finansiør som er med i delingen for ${r.year}, har ramme å betale sin andel fra, så ingenting kan innvilges.`;
    case 'notInSplit':
      return `Kommunestyret avviste andelen for ${r.year}, så kommunen er ikke med i delingen og betaler ingen andel det året.`;
    case 'noCouncilInSplit':
      return `Ingen kommune er med i delingen for ${r.year}, så ingen kan betale kommunenes del av et tilskudd, og ingenting kan innvilges.`;
  }
}

/** That councils take no part in a year's split, in Norwegian. */
export function outOfSplitText(config: PartnershipConfig, r: OutOfSplitReason): string {
  return `${r.year}: ${namesOf(config, r.municipalities)} er ikke med i delingen (kommunestyret avviste); ${r.everyCouncil ? 'ingen kommune er igjen til å betale kommunenes del' : 'kommunenes del deles av de andre'}.`;
}

type Given = Pick<Recommendation, 'notes' | 'reasons'>;

/** One reason per funder and year with money left, in the order the recommendation gives them. */
export function unallocatedTexts(config: PartnershipConfig, rec: Given): UnallocatedText[] {
  if (!rec.reasons)
    return reasonsOfNotes(config, rec.notes).flatMap((r) => {
      if (r.kind === 'unread') return [{ funderId: r.funder, year: r.year, text: null, note: r.note }];
      return isUnallocatedReason(r) ? [fromReason(config, r)] : [];
    });
  return rec.reasons.flatMap((r) => (isUnallocatedReason(r) ? [fromReason(config, r)] : []));
}

function fromReason(config: PartnershipConfig, r: UnallocatedReason): UnallocatedText {
  return { funderId: r.funder, year: r.year, text: unallocatedText(config, r) };
}

/** The councils out of each year's split, in Norwegian. */
export function outOfSplitTexts(config: PartnershipConfig, rec: Given): string[] {
  const reasons = rec.reasons ?? reasonsOfNotes(config, rec.notes);
  return reasons.flatMap((r) => (r.kind === 'outOfSplit' ? [outOfSplitText(config, r)] : []));
}
