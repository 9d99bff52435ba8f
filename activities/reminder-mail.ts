/**
 * A reminder's mail in Bokmål, made from the reminder's data: what to do, by when (Oslo time, as
 * a letter writes it: "31. desember 2027 kl. 23.59"), and the page to do it on.
 */
import type { ReminderRecipient, ReminderSend, ReminderTask } from '../domain/reminders.js';
import { inOslo, MONTHS, municipalityName } from '../web/format.js';

export interface ReminderMail {
  subject: string;
  text: string;
}

/** An instant as a Norwegian letter writes it, on Oslo's clocks: "31. desember 2027 kl. 23.59". */
export function mailDateTime(iso: string): string {
  const o = inOslo(Date.parse(iso));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${o.day}. ${MONTHS[o.month - 1]} ${o.year} kl. ${two(o.hour)}.${two(o.minute)}`;
}

/** The page of the web app where the task is done. */
export function taskPath(cycleId: string, task: ReminderTask): string {
  const cycle = `/sykluser/${encodeURIComponent(cycleId)}`;
  if (task.kind === 'vote') return `${cycle}/avstemning`;
  if (task.kind === 'adopt') return `${cycle}/vedtak`;
  return cycle;
}

/**
 * What to do, as the subject and the link name it, and the sentence that says where things stand;
 * `before`: the subject before the deadline, when "<todo> innen <when>" does not read well.
 */
function wording(r: ReminderSend): { todo: string; situation: string; before?: (when: string) => string } {
  const year = `${r.partnershipName} ${r.year}`;
  const { task } = r;
  switch (task.kind) {
    case 'close-proposals':
      return {
        todo: 'Lukk innsendingen av tiltak eller flytt fristen',
        before: (when) => `Innsendingen av tiltak lukkes ${when}`,
        situation: `Innsendingen av tiltak for ${year} lukkes av seg selv ved fristen. Vil dere lukke den tidligere eller flytte fristen, gjør dere det på syklusens side.`,
      };
    case 'propose-list':
      return {
        todo: 'Legg fram en prioriteringsliste for IPR',
        situation: `IPR skal vedta prioriteringslisten for ${year}, men ingen liste er lagt fram til avstemning ennå.`,
      };
    case 'vote':
      return {
        todo: `Stem over prioriteringsliste ${task.version}`,
        situation: `Prioriteringsliste ${task.version} for ${year} er til avstemning i IPR, og du har ikke stemt ennå.`,
      };
    case 'adopt':
      return {
        todo: `Registrer kommunestyrets vedtak for ${municipalityName(task.municipalityName)}`,
        situation: `Kommunestyret i ${municipalityName(task.municipalityName)} skal ta stilling til kommunens andel av prioriteringslisten for ${year} (runde ${task.round}), og vedtaket er ikke registrert ennå.`,
      };
    case 'close-year':
      return {
        todo: `Rapporter indikatorene og lukk året ${r.year}`,
        situation: `Året ${year} skal lukkes med indikatorene rapportert og de ubrukte midlene overført eller frigitt.`,
      };
  }
}

export function reminderMail(r: ReminderSend, to: ReminderRecipient, webBaseUrl: string): ReminderMail {
  const { todo, situation, before } = wording(r);
  const when = mailDateTime(r.dueAt);
  const link = `${webBaseUrl.replace(/\/+$/, '')}${taskPath(r.cycleId, r.task)}`;
  const overdue = r.occasion === 'overdue';
  const subject = overdue
    ? `Fristen har gått ut: ${todo}`
    : `Påminnelse: ${before ? before(when) : `${todo} innen ${when}`}`;
  const deadline = overdue ? `Fristen gikk ut ${when}.` : `Fristen er ${when}.`;
  return {
    subject,
    text: [
      `Hei, ${to.name}.`,
      '',
      `${situation} ${deadline}`,
      '',
      `${todo}: ${link}`,
      '',
      'Dette er en automatisk påminnelse fra HØP. Du får den fordi du har en oppgave med frist i syklusen.',
    ].join('\n'),
  };
}
