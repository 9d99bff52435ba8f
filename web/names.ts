/**
 * Who did something, by name: the workflow and the records name an actor by an id (a roster id
 * such as "mayor-3405", "municipality:3440", "system", or a person's subject). A person reads
 * "Ordfører i Lillehammer" and "Øyer kommune", from the partnership's configuration; the id is
 * shown only where nothing gives a name.
 */
import type { PartnershipConfig } from '../schema/partnership.js';
import { municipalityName } from './format.js';

export type ActorNames = (actor: string) => string;

/**
 * `people`: names of persons known to the caller (for example the person signed in), by subject;
 * roster members and councils are named from the configuration.
 */
export function actorNames(config: PartnershipConfig, people: ReadonlyMap<string, string> = new Map()): ActorNames {
  const roster = new Map(config.ipr.roster.map((r) => [r.id, r.name]));
  const councils = new Map(config.municipalities.map((m) => [m.id, municipalityName(m.name)]));
  return (actor) => {
    if (actor === 'system') return 'Automatisk (motoren)';
    if (actor === 'ipr') return 'IPR';
    if (actor === 'admin') return 'Sekretariatet';
    if (actor === 'county') return config.county.name;
    const council = /^municipality:(\d{4})$/.exec(actor)?.[1];
    if (council) return councils.get(council) ?? `Kommune ${council}`;
    return roster.get(actor) ?? people.get(actor) ?? councils.get(actor) ?? actor;
  };
}

/** A funder's name: the county's, or "Øyer kommune" for "3440". */
export function funderName(config: PartnershipConfig, funderId: string): string {
  if (funderId === config.county.id) return config.county.name;
  const m = config.municipalities.find((x) => x.id === funderId);
  return m ? municipalityName(m.name) : funderId;
}
