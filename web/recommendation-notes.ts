/**
 * The reasons of a recommendation made by an engine from before `reasons` (2026-12-01), read back
 * from its English notes. Such a recommendation can still be in a cycle's state, carried into a
 * newer run by continue-as-new, until the cycle makes its next one; the page shows it through the
 * same Norwegian as any other (web/recommendation-reasons.ts).
 *
 * Each template of those notes is matched here as that engine wrote it (noteOf in
 * domain/recommendation-reasons.ts writes them the same today). They are frozen, as the old notes
 * are: a later change of noteOf is not to be followed here. A note about money left whose reason
 * matches none is kept as it is (`unread`), for the page to show marked as English. The notes
 * about single measures are not read: the page says those from the grants themselves. May go once
 * no running cycle made its last recommendation before 2026-12-01 (docs/versioning.md).
 */
import type { PartnershipConfig } from '../schema/partnership.js';
import type { OutOfSplitReason, UnallocatedReason } from '../domain/recommendation-reasons.js';

/** A note about money left whose reason this module cannot read. */
export interface UnreadNote {
  kind: 'unread';
  year: string;
  funder: string;
  note: string;
}

const NOTE = /^(\d{4}): (\d+\.\d{2}) of (\S+) frame unallocated: (.+)$/;
const OUT_OF_SPLIT =
  /^(\d{4}): (.+) takes? no part in the split \(rejected\); the municipal part is shared by the others$/;

/** "county, 3405 and 3440" (a template's list) as funder ids. */
function idsOf(config: PartnershipConfig, list: string): string[] {
  return list.split(/, | and /).map((id) => (id === 'county' ? config.county.id : id));
}

/** A reason for money left without the money: the part a note's tail says. */
type Why = UnallocatedReason extends infer R
  ? R extends unknown
    ? Omit<R, 'year' | 'funder' | 'unallocated'>
    : never
  : never;

function whyOf(config: PartnershipConfig, why: string): Why | null {
  let m: RegExpExecArray | null;
  if ((m = /^every request for \d{4} is granted in full \((\d+\.\d{2}) requested\)$/.exec(why)))
    return { kind: 'grantedInFull', requested: m[1]! };
  if (/^nothing was requested for \d{4}$/.test(why)) return { kind: 'nothingRequested' };
  if (why === 'this frame binds; what is left is too small for its share of a further grant')
    return { kind: 'ownFrameBinds' };
  if ((m = /^municipal frames bind at (\d+\.\d{2})$/.exec(why))) return { kind: 'municipalFramesBind', frames: m[1]! };
  if ((m = /^the county frame binds at (\d+\.\d{2})$/.exec(why)))
    return { kind: 'otherFramesBind', binding: [config.county.id], frames: m[1]! };
  if ((m = /^the frame of (\S+) binds at (\d+\.\d{2})$/.exec(why)))
    return { kind: 'otherFramesBind', binding: idsOf(config, m[1]!), frames: m[2]! };
  if ((m = /^the frames of (.+) bind at (\d+\.\d{2}) together$/.exec(why)))
    return { kind: 'otherFramesBind', binding: idsOf(config, m[1]!), frames: m[2]! };
  return null;
}

/** The reasons the notes about money left and about councils out of the split say, in their order. */
export function reasonsOfNotes(
  config: PartnershipConfig,
  notes: readonly string[],
): (UnallocatedReason | OutOfSplitReason | UnreadNote)[] {
  return notes.flatMap((note): (UnallocatedReason | OutOfSplitReason | UnreadNote)[] => {
    const out = OUT_OF_SPLIT.exec(note);
    // Notes from before reasons said only "shared by the others", also when no council was left.
    if (out)
      return [{ kind: 'outOfSplit', year: out[1]!, municipalities: idsOf(config, out[2]!), everyCouncil: false }];
    const m = NOTE.exec(note);
    if (!m) return [];
    const [, year = '', unallocated = '', who = '', reason = ''] = m;
    const funder = who === 'county' ? config.county.id : who;
    const why = whyOf(config, reason);
    return [why ? { year, funder, unallocated, ...why } : { kind: 'unread', year, funder, note }];
  });
}
