/**
 * The local OpenID Provider as a process (`npm start` runs it; `npm run oidc-provider` alone).
 * Listens on 127.0.0.1:LOCAL_OIDC_PORT; the web app's callback follows WEB_BASE_URL (default
 * http://HOST:PORT), so the two agree whatever PORT and HOST are. Prints one JSON line once ready.
 */
import { loadConfigOrExit } from '../config.js';
import { startLocalProvider } from './server.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const provider = await startLocalProvider({
    host: '127.0.0.1',
    port: config.LOCAL_OIDC_PORT,
    appBaseUrls: [config.webBaseUrl],
  });
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: 'local OpenID Provider listening',
      issuer: provider.issuer,
      app: config.webBaseUrl,
    }),
  );
  const stop = () => void provider.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
