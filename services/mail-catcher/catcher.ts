/**
 * The local mail catcher: an SMTP server that keeps what it receives in memory (the last 1 000
 * mails) and sends nothing on, and a small page listing them, with a JSON view for tests
 * (GET /messages.json; DELETE /messages empties it). `npm start` runs it (./main.ts) and points
 * the worker's SMTP_URL at it, so no mail leaves the machine locally.
 *
 * It reads the mails the engine's mailer writes (services/mail.ts: one text part, base64 or
 * quoted-printable, headers in RFC 2047 words); anything else is shown as it came.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: number;
  receivedAt: string;
  /** the SMTP envelope: who it was sent from and to */
  envelope: { from: string; to: string[] };
  subject: string;
  from: string;
  to: string;
  messageId: string;
  /** the engine's X-Hoep-Reminder header: "<cycle> <deadline> <due at> <occasion> <person>" */
  reminder: string | null;
  text: string;
}

export interface MailCatcher {
  smtpPort: number;
  /** the page's base URL */
  url: string;
  mails(): CaughtMail[];
  close(): Promise<void>;
}

const KEEP = 1000;

/** RFC 2047 encoded words ("=?UTF-8?B?...?=", "=?UTF-8?Q?...?=") to text. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A raw mail (its bytes as latin1) to its headers (unfolded, names in lower case, bytes as latin1) and its body decoded. */
export function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : Buffer.from(body, 'latin1').toString('utf8');
  return { headers, text: text.replace(/\r\n/g, '\n').trimEnd() };
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(mails: CaughtMail[]): string {
  const rows = [...mails]
    .reverse()
    .map(
      (m) => `<article>
  <h2>${escape(m.subject)}</h2>
  <p>Til: ${escape(m.to)} · Mottatt ${escape(m.receivedAt)}</p>
  <pre>${escape(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="nb">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>E-post fanget lokalt</title></head>
<body>
<main>
<h1>E-post fanget lokalt (${mails.length})</h1>
<p>Alt HØP sender lokalt havner her og går ikke videre. JSON: <a href="/messages.json">/messages.json</a>.</p>
${rows || '<p>Ingen e-post ennå.</p>'}
</main>
</body>
</html>`;
}

export async function startMailCatcher(o: { smtpPort: number; httpPort: number; host?: string }): Promise<MailCatcher> {
  const host = o.host ?? '127.0.0.1';
  const mails: CaughtMail[] = [];
  let next = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { headers, text } = parseMail(Buffer.concat(chunks).toString('latin1'));
        const header = (name: string) => decodeWords(Buffer.from(headers.get(name) ?? '', 'latin1').toString('utf8'));
        mails.push({
          id: next++,
          receivedAt: new Date().toISOString(),
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          subject: header('subject'),
          from: header('from'),
          to: header('to'),
          messageId: header('message-id'),
          reminder: headers.get('x-hoep-reminder') ?? null,
          text,
        });
        if (mails.length > KEEP) mails.splice(0, mails.length - KEEP);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(o.smtpPort, host, () => resolve());
  });
  const web = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/messages.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      return void res.end(JSON.stringify(mails));
    }
    if (req.method === 'DELETE' && path === '/messages') {
      mails.length = 0;
      res.writeHead(204);
      return void res.end();
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'",
      });
      return void res.end(page(mails));
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Ikke funnet');
  });
  await new Promise<void>((resolve, reject) => {
    web.once('error', reject);
    web.listen(o.httpPort, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const httpPort = (web.address() as AddressInfo).port;
  return {
    smtpPort,
    url: `http://${host}:${httpPort}`,
    mails: () => [...mails],
    close: async () => {
      web.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => web.close(() => resolve())),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}
