/**
 * The stack the browser tests run against, started once per run by global-setup.ts for the
 * `browser` project, beside the Temporal server and Postgres it already starts: the local OpenID
 * Provider, the API with the web app (createApp, as services/api/main.ts makes it) on a loopback
 * port, and a worker on the API's task queue, so a cycle started through the API runs, sending its
 * reminders to the local mail catcher (services/mail-catcher/).
 * All in the vitest main process: no build, and the pieces are the production ones.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../services/config.js';
import { createSql } from '../../services/db.js';
import { createApp } from '../../services/api/app.js';
import { createAuthenticator } from '../../services/api/auth.js';
import { silentLogger } from '../../services/api/log.js';
import { startRecordsFeed } from '../../core/records-feed.js';
import { createWorker } from '../../services/worker/create.js';
import { startMailCatcher } from '../../services/mail-catcher/catcher.js';
import { startLocalProvider } from '../../services/oidc-provider/server.js';
import { freePort } from '../../services/stack/net.js';

export interface WebHarness {
  /** the app: http://127.0.0.1:<port> (web pages at /, the API at /api/v1) */
  baseUrl: string;
  /** the local OpenID Provider */
  issuer: string;
  /** HOEP_JWT_SECRET of the API: tests sign bearer tokens with it (signLocalToken) to set up cycles */
  jwtSecret: string;
  /** WEB_SESSION_IDLE_MINUTES of the app */
  idleMinutes: number;
  /** the local mail catcher the worker's reminders go to: its page, and /messages.json */
  mailUrl: string;
}

export async function startWebStack(base: {
  temporalAddress: string;
  databaseUrl: string;
  namespace: string;
  workflowBundlePath: string;
}): Promise<{ harness: WebHarness; stop: () => Promise<void> }> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: Error) => console.error(`[web-stack] stop: ${e.message}`));
  };
  try {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const provider = await startLocalProvider({ host: '127.0.0.1', port: 0, appBaseUrls: [baseUrl] });
    stops.push(provider.close);

    const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    stops.push(catcher.close);

    const jwtSecret = randomBytes(32).toString('base64url');
    const taskQueue = `browser-${randomBytes(4).toString('hex')}`;
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: base.databaseUrl,
      TEMPORAL_ADDRESS: base.temporalAddress,
      TEMPORAL_NAMESPACE: base.namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOEP_JWT_SECRET: jwtSecret,
      WEB_OIDC_ISSUER: provider.issuer,
      SMTP_URL: `smtp://127.0.0.1:${catcher.smtpPort}`,
      LOG_LEVEL: 'error',
    });

    const sql = createSql(base.databaseUrl, { max: 5, applicationName: 'hoep-browser-api' });
    stops.push(() => sql.end({ timeout: 5 }));
    const records = startRecordsFeed({ url: base.databaseUrl, log: silentLogger });
    stops.push(() => records.close());
    const connection = await Connection.connect({ address: base.temporalAddress });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: base.namespace });
    const app = createApp({
      sql,
      temporal,
      config,
      auth: await createAuthenticator(config),
      log: silentLogger,
      records,
    });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server;
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );

    Runtime.install({ logger: new DefaultLogger('WARN') });
    const workerConnection = await NativeConnection.connect({ address: base.temporalAddress });
    const worker = await createWorker({
      config,
      sql,
      connection: workerConnection,
      workflowBundlePath: base.workflowBundlePath,
    });
    const running = worker.run();
    running.catch((e: Error) => console.error(`[web-stack] worker failed: ${e.message}`));
    // stopped first (the list runs backwards): it still needs Postgres and Temporal while it finishes
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await workerConnection.close();
    });

    return {
      harness: {
        baseUrl,
        issuer: provider.issuer,
        jwtSecret,
        idleMinutes: config.WEB_SESSION_IDLE_MINUTES,
        mailUrl: catcher.url,
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    hoepWeb: WebHarness;
  }
}
