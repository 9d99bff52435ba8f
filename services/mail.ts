/**
 * The worker's mailer, from configuration: SMTP_URL, or SMTP_HOST with SMTP_PORT, SMTP_SECURE,
 * SMTP_USER and SMTP_PASS; MAIL_FROM is the sender. `npm start` points it at the local mail catcher
 * (services/mail-catcher/). Without SMTP settings each mail's recipient and subject are written to
 * the worker's log instead (and recorded as such), so a stack without a mail server still runs its
 * cycles; the worker says so when it starts.
 */
import nodemailer from 'nodemailer';
import type { Config } from './config.js';

export type MailConfig = Pick<
  Config,
  'SMTP_URL' | 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASS' | 'MAIL_FROM'
>;

export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  /** the same for every attempt at the same mail, so a mail client can drop a second copy */
  messageId: string;
  headers: Record<string, string>;
}

export interface Mailer {
  /** as reminders_sent records it */
  transport: 'smtp' | 'log';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function createMailer(config: MailConfig): Mailer {
  const from = config.MAIL_FROM;
  if (!config.SMTP_URL && !config.SMTP_HOST) {
    return {
      transport: 'log',
      // One line per mail, whom and what about (the text is made from the reminder's data, which the
      // cycle's history holds); a test suite's workers start many cycles.
      send: async (mail) =>
        void console.log(
          JSON.stringify({
            level: 'info',
            msg: 'mail not sent: no SMTP configured',
            to: mail.to.address,
            subject: mail.subject,
            messageId: mail.messageId,
          }),
        ),
      close: () => undefined,
    };
  }
  const smtp = config.SMTP_URL
    ? nodemailer.createTransport(config.SMTP_URL)
    : nodemailer.createTransport({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT ?? (config.SMTP_SECURE ? 465 : 587),
        secure: config.SMTP_SECURE,
        ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } } : {}),
      });
  return {
    transport: 'smtp',
    send: async (mail) => {
      await smtp.sendMail({ from, ...mail, textEncoding: 'base64' });
    },
    close: () => smtp.close(),
  };
}
