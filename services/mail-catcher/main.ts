/**
 * `npm start`'s local mail catcher as a process of its own (./catcher.ts): SMTP on
 * MAIL_CATCHER_SMTP_PORT, its page on MAIL_CATCHER_PORT, both on 127.0.0.1. SIGTERM stops it.
 */
import { loadConfigOrExit } from '../config.js';
import { startMailCatcher } from './catcher.js';

const config = loadConfigOrExit();
const catcher = await startMailCatcher({ smtpPort: config.MAIL_CATCHER_SMTP_PORT, httpPort: config.MAIL_CATCHER_PORT });
console.log(
  JSON.stringify({ level: 'info', msg: 'mail catcher started', smtpPort: catcher.smtpPort, url: catcher.url }),
);
const stop = () => void catcher.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
