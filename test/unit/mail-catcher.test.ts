/**
 * The engine's mailer (services/mail.ts) against the local mail catcher (services/mail-catcher/):
 * what is sent arrives whole, Norwegian letters included, and the catcher's page and JSON view show it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/config.js';
import { startMailCatcher, type MailCatcher } from '../../services/mail-catcher/catcher.js';
import { createMailer } from '../../services/mail.js';

let catcher: MailCatcher;
beforeAll(async () => {
  catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
});
afterAll(() => catcher.close());

describe('the local mail catcher', () => {
  it('keeps what the mailer sends, and lists it on its page and as JSON', async () => {
    const config = loadConfig({
      SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}`,
      MAIL_FROM: 'HØP <hoep@test.example>',
    });
    const mailer = createMailer(config);
    expect(mailer.transport).toBe('smtp');
    const text = 'Hei, Ordfører i Øyer.\n\nFristen er 31. desember 2027 kl. 23.59. <b>ikke html</b>';
    await mailer.send({
      to: { name: 'Ordfører i Øyer', address: 'mayor-3440@lillehammer-regionen.example' },
      subject: 'Påminnelse: Stem over prioriteringsliste 2 innen 31. desember 2027 kl. 23.59',
      text,
      messageId: '<reminder.abc@hoep>',
      headers: { 'X-Hoep-Reminder': 'lillehammer-regionen-2027 ipr:1 2027-12-31T22:59:00.000Z before mayor-3440' },
    });
    mailer.close();

    const res = await fetch(`${catcher.url}/messages.json`);
    const [mail, ...more] = (await res.json()) as Record<string, unknown>[];
    expect(more).toEqual([]);
    expect(mail).toMatchObject({
      envelope: { from: 'hoep@test.example', to: ['mayor-3440@lillehammer-regionen.example'] },
      subject: 'Påminnelse: Stem over prioriteringsliste 2 innen 31. desember 2027 kl. 23.59',
      messageId: '<reminder.abc@hoep>',
      reminder: 'lillehammer-regionen-2027 ipr:1 2027-12-31T22:59:00.000Z before mayor-3440',
      text,
    });
    expect(String(mail!.to)).toContain('Ordfører i Øyer');

    const page = await (await fetch(`${catcher.url}/`)).text();
    expect(page).toContain('Påminnelse: Stem over prioriteringsliste 2');
    expect(page).toContain('&lt;b&gt;ikke html&lt;/b&gt;');
  });

  it('without SMTP settings, the mailer writes to the log and says so', () => {
    expect(createMailer(loadConfig({})).transport).toBe('log');
  });
});
