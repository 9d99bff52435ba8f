/**
 * Why money is left unallocated in the administration's recommendation, in Norwegian with names.
 *
 * The recommendation (domain/cost-sharing.ts recommend) gives the money left per funder and year
 * as data (`unallocated`) and the reason for each as a note in English made from a few fixed
 * templates ("2027: 500000.00 of county frame unallocated: municipal frames bind at 1000000.00").
 * Each template is matched here and written again in Norwegian, with the funders' names and the
 * amounts as money; a note that matches none is shown as it is, marked as English, as the decision
 * history does (web/history.ts). The notes about single measures are not read here: the page says
 * those from the grants themselves.
 */
import type { PartnershipConfig } from '../schema/partnership.js';
import { formatNok } from './format.js';
import { funderName } from './names.js';

export interface UnallocatedReason {
  funderId: string;
  year: string;
  /** the reason in Norwegian, or null when the note matched no template */
  text: string | null;
  /** the note as the recommendation gave it */
  note: string;
}

const NOTE = /^(\d{4}): (\d+\.\d{2}) of (\S+) frame unallocated: (.+)$/;

/** "county, 3405 and 3440" (the template's list) as names: "Innlandet fylkeskommune, Lillehammer kommune og Øyer kommune". */
function namesOf(config: PartnershipConfig, list: string): string {
  const ids = list.split(/, | and /).map((id) => (id === 'county' ? config.county.id : id));
  const names = ids.map((id) => funderName(config, id));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} og ${names.at(-1)}`;
}

function reasonText(config: PartnershipConfig, year: string, why: string): string | null {
  let m: RegExpExecArray | null;
  if ((m = /^every request for \d{4} is granted in full \((\d+\.\d{2}) requested\)$/.exec(why)))
    return `Alt som er søkt om for ${year}, er innvilget fullt ut (${formatNok(m[1]!)} søkt).`;
  if (/^nothing was requested for \d{4}$/.test(why)) return `Ingen har søkt om midler for ${year}.`;
  if (why === 'this frame binds; what is left is too small for its share of a further grant')
    return 'Denne rammen binder: det som er igjen, er for lite til finansiørens andel av et nytt tilskudd.';
  if ((m = /^municipal frames bind at (\d+\.\d{2})$/.exec(why)))
    return `Kommunenes rammer binder (${formatNok(m[1]!)} til sammen), så resten kan ikke fordeles.`;
  if ((m = /^the county frame binds at (\d+\.\d{2})$/.exec(why)))
    return `Rammen til ${config.county.name} binder (${formatNok(m[1]!)}), så resten kan ikke fordeles.`;
  if ((m = /^the frame of (\S+) binds at (\d+\.\d{2})$/.exec(why)))
    return `Rammen til ${namesOf(config, m[1]!)} binder (${formatNok(m[2]!)}), så resten kan ikke fordeles.`;
  if ((m = /^the frames of (.+) bind at (\d+\.\d{2}) together$/.exec(why)))
    return `Rammene til ${namesOf(config, m[1]!)} binder (${formatNok(m[2]!)} til sammen), så resten kan ikke fordeles.`;
  return null;
}

/** One reason per note about money left in a funder's frame, in the order the recommendation gives them. */
export function unallocatedReasons(config: PartnershipConfig, notes: readonly string[]): UnallocatedReason[] {
  const out: UnallocatedReason[] = [];
  for (const note of notes) {
    const m = NOTE.exec(note);
    if (!m) continue;
    const [, year = '', , who = ''] = m;
    out.push({
      funderId: who === 'county' ? config.county.id : who,
      year,
      text: reasonText(config, year, m[4]!),
      note,
    });
  }
  return out;
}

/** The notes that say a council takes no part in a year's split, in Norwegian; others are not these. */
export function outOfSplitNotes(config: PartnershipConfig, notes: readonly string[]): string[] {
  return notes.flatMap((note) => {
    const m =
      /^(\d{4}): (.+) takes? no part in the split \(rejected\); the municipal part is shared by the others$/.exec(note);
    if (!m) return [];
    return [
      `${m[1]}: ${namesOf(config, m[2]!)} er ikke med i delingen (kommunestyret avviste); kommunenes del deles av de andre.`,
    ];
  });
}
