/** The activities the worker registers: the record writes, bound to one Postgres pool, and the reminders' mail. */
import type postgres from 'postgres';
import { loadConfig } from '../services/config.js';
import { createMailer, type Mailer } from '../services/mail.js';
import { createRecords } from './records.js';
import { createReminders } from './reminders.js';

export interface MailSettings {
  mailer: Mailer;
  /** where the mails' links point: the web app's base URL */
  webBaseUrl: string;
}

/** The defaults of the configuration: no SMTP, so mail goes to the log. */
const defaultMail = (): MailSettings => {
  const config = loadConfig({});
  return { mailer: createMailer(config), webBaseUrl: config.webBaseUrl };
};

export function createActivities(sql: postgres.Sql, mail: MailSettings = defaultMail()) {
  return { ...createRecords(sql), ...createReminders(sql, mail.mailer, mail.webBaseUrl) };
}
