/**
 * The decision history of a cycle in Norwegian. The workflow writes its history entries as short
 * English texts made from fixed templates (workflows/cycle.ts: "phase adoption: priority list 2
 * adopted; 3 council(s) to adopt in round 1"), and the records' audit log as action codes
 * ("phase:closed", "adoption:reduced"). Each template and code is matched here and written again
 * as a Norwegian sentence with names in place of ids. What matches no template is not guessed
 * at: the entry says it could not be translated and shows the original text, marked as English.
 */
import type { PartnershipConfig } from '../schema/partnership.js';
import type { HistoryEntry } from '../workflows/messages.js';
import { formatDateTime, municipalityName, phaseName } from './format.js';

export interface HistoryLine {
  at: string;
  /** who, by name */
  actor: string;
  /** what happened, in Norwegian; when nothing could be translated, a sentence that says so */
  text: string;
  /** the case number or list the entry rests on, in Norwegian, or null */
  basis: string | null;
  /** the original text of what could not be translated (English), or null */
  untranslated: string | null;
}

interface Context {
  councils: Map<string, string>;
}

const done = (text: string, untranslated: string | null = null) => ({ text, untranslated });

function councilOf(ctx: Context, id: string): string {
  return ctx.councils.get(id) ?? `kommune ${id}`;
}

function deadlineName(ctx: Context, deadline: string): string | null {
  if (deadline === 'proposals') return 'forslag';
  if (deadline === 'ipr') return 'IPRs vedtak';
  if (deadline === 'adoption') return 'kommunestyrenes vedtak';
  const council = /^adoption:(\d{4})$/.exec(deadline)?.[1];
  return council ? `vedtaket i ${councilOf(ctx, council)}` : null;
}

const DECISION_SENTENCES: Record<string, string> = {
  adopted: 'vedtok sin andel',
  reduced: 'vedtok et lavere beløp',
  rejected: 'avviste sin andel',
};

/** The "why" of a phase change, by the templates of workflows/cycle.ts. */
function phaseChange(ctx: Context, phase: string, why: string): { text: string; untranslated: string | null } {
  if (why === 'proposals closed early by an administrator')
    return done('Forslagsrunden ble lukket før fristen, og prioriteringen i IPR begynte.');
  if (why === 'proposal deadline passed') return done('Forslagsfristen gikk ut, og prioriteringen i IPR begynte.');
  let m = /^priority list (\d+) adopted; (\d+) council\(s\) to adopt in round (\d+)$/.exec(why);
  if (m)
    return done(
      `Behandlingen i kommunestyrene begynte: ${m[2]} kommunestyrer skal vedta sin andel av prioriteringsliste ${m[1]} (runde ${m[3]}).`,
    );
  m = /^all councils adopted; priority list (\d+) is the binding plan$/.exec(why);
  if (m) return done(`Alle kommunestyrene har vedtatt. Prioriteringsliste ${m[1]} er den bindende planen for året.`);
  m = /^(.+): re-prioritise within the lowered frames$/.exec(why);
  if (m) {
    const parts = m[1]!.split(', ').map((p) => /^(\d{4}) (reduced|rejected)$/.exec(p));
    if (parts.every((p) => p !== null)) {
      const who = parts.map((p) => `${councilOf(ctx, p![1]!)} ${DECISION_SENTENCES[p![2]!]}`).join(', og ');
      return done(
        `${who[0]!.toUpperCase()}${who.slice(1)}. Saken gikk tilbake til IPR for ny prioritering innenfor de lavere rammene.`,
      );
    }
  }
  if (why === 'year closed; unspent money carried over to the next year')
    return done('Året ble avsluttet. Ubrukte midler ble overført til neste år.');
  if (why === 'year closed; unspent money released') return done('Året ble avsluttet. Ubrukte midler ble frigitt.');
  if (why === 'cancelled in Temporal, not through the engine')
    return done('Syklusen ble avbrutt direkte i Temporal, utenom motoren.');
  // An administrator's own reason for cancelling: their words, as they wrote them.
  if (phase === 'cancelled') return done(`Syklusen ble avbrutt. Begrunnelse: «${why}»`);
  return done(`Syklusen gikk over til fasen «${phaseName(phase)}». Begrunnelsen kunne ikke oversettes.`, why);
}

/** An entry of the workflow's own history (its status query). */
function fromWorkflow(ctx: Context, action: string): { text: string; untranslated: string | null } | null {
  let m = /^cycle started for (\d{4})$/.exec(action);
  if (m) return done(`Syklusen for ${m[1]} ble startet.`);
  m = /^phase (\w+): (.*)$/s.exec(action);
  if (m) return phaseChange(ctx, m[1]!, m[2]!);
  m = /^overdue: (.+)$/.exec(action);
  if (m) {
    if (m[1] === 'ipr') return done('Fristen for IPRs vedtak gikk ut uten at en prioriteringsliste var vedtatt.');
    const name = deadlineName(ctx, m[1]!);
    if (name) return done(`Fristen for ${name} gikk ut uten vedtak.`);
  }
  m = /^deadline (\S+) moved to (.+)$/.exec(action);
  if (m) {
    const name = deadlineName(ctx, m[1]!);
    if (name) return done(`Fristen for ${name} ble flyttet til ${formatDateTime(m[2]!)}.`);
  }
  m = /^priority list (\d+) put to the vote(?:, replacing (\d+))?$/.exec(action);
  if (m)
    return done(
      `Prioriteringsliste ${m[1]} ble lagt fram til avstemning i IPR${m[2] ? ` og erstatter liste ${m[2]}` : ''}.`,
    );
  m = /^priority list (\d+) (adopted|rejected) \((\d+) for, (\d+) against\)$/.exec(action);
  if (m)
    return done(
      `IPR ${m[2] === 'adopted' ? 'vedtok' : 'avviste'} prioriteringsliste ${m[1]} (${m[3]} for, ${m[4]} mot).`,
    );
  m = /^the adoption workflow of (\d{4}) ended without a decision \((.*)\); started again$/s.exec(action);
  if (m)
    return done(
      `Behandlingen av vedtaket i ${councilOf(ctx, m[1]!)} stoppet uten vedtak og ble startet på nytt. Den tekniske årsaken er ikke oversatt.`,
      m[2]!,
    );
  m = /^council (adopted|reduced|rejected)$/.exec(action);
  if (m) return done(`Kommunestyret ${DECISION_SENTENCES[m[1]!]}.`);
  return null;
}

const AUDIT_ACTIONS: Record<string, string> = {
  'cycle:start': 'Syklusen ble startet.',
  'measure:submit': 'Et tiltak ble sendt inn.',
  'measure:edit': 'Et tiltak ble endret.',
  'measure:withdraw': 'Et tiltak ble trukket.',
  'priority-list:propose': 'En prioriteringsliste ble lagt fram til avstemning i IPR.',
  'vote:approve': 'Et IPR-medlem stemte for prioriteringslisten.',
  'vote:reject': 'Et IPR-medlem stemte mot prioriteringslisten.',
  'adoption:adopted': 'Kommunestyret vedtok sin andel.',
  'adoption:reduced': 'Kommunestyret vedtok et lavere beløp.',
  'adoption:rejected': 'Kommunestyret avviste sin andel.',
  'allocations:lock': 'Tildelingene ble låst som årets bindende plan.',
  'measure:report': 'Framdrift og forbruk for et tiltak ble rapportert.',
  'indicators:report': 'Årets indikatorverdier ble rapportert.',
  'year:close': 'Året ble avsluttet.',
};

/** An entry of the records' audit log (a cycle whose workflow is no longer there). */
function fromRecords(
  ctx: Context,
  action: string,
  ref: string | null,
): { text: string; untranslated: string | null } | null {
  const phase = /^phase:(\w+)$/.exec(action)?.[1];
  if (phase) return done(`Syklusen gikk over til fasen «${phaseName(phase)}».`);
  if (action === 'deadline:move') {
    const name = ref ? deadlineName(ctx, ref) : null;
    return done(name ? `Fristen for ${name} ble flyttet.` : 'En frist ble flyttet.');
  }
  const text = AUDIT_ACTIONS[action];
  return text ? done(text) : null;
}

/** What an entry's ref stands for: a list version ("v2") or a case number. */
function basisOf(action: string, ref: string | null): string | null {
  if (!ref) return null;
  const version = /^v(\d+)$/.exec(ref)?.[1];
  if (version) return `Prioriteringsliste ${version}`;
  if (/^(priority list|council|phase|adoption:)/.test(action)) return `Sak ${ref}`;
  return null;
}

export function historyLines(
  config: PartnershipConfig,
  entries: readonly HistoryEntry[],
  actorName: (actor: string) => string,
): HistoryLine[] {
  const ctx: Context = { councils: new Map(config.municipalities.map((m) => [m.id, municipalityName(m.name)])) };
  return entries.map((e) => {
    const said =
      fromWorkflow(ctx, e.action) ??
      fromRecords(ctx, e.action, e.ref) ??
      done('Hendelsen kunne ikke oversettes.', e.action);
    return {
      at: e.at,
      actor: actorName(e.actor),
      text: said.text,
      basis: basisOf(e.action, e.ref),
      untranslated: said.untranslated,
    };
  });
}
