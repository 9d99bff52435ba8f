import { z } from 'zod';
import path from 'node:path';

/**
 * Process configuration, read once from the environment and validated at start-up.
 * A bad value stops the process with a message naming the variable.
 */
const port = z.coerce.number().int().min(1).max(65535);

const Env = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('hoep'),
  HOEP_DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_GRPC_PORT: port.default(7233),
  PG_PORT: port.default(5433),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Local token signing secret; created on first start when absent (see services/api/auth). */
  HOEP_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Production: verify tokens against this OIDC issuer's JWKS instead of the local secret. */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10_000_000)
    .default(256 * 1024),
  // ── web sign-in (web/auth/) ──
  /** The OpenID Provider people sign in with on the web. `npm start` points it at the local provider. */
  WEB_OIDC_ISSUER: z.string().url().optional(),
  WEB_OIDC_CLIENT_ID: z.string().min(1).default('hoep-web'),
  /** Confidential client (Entra ID web app); without it the app is a public client (PKCE only). */
  WEB_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  WEB_OIDC_SCOPE: z
    .string()
    .regex(/(^|\s)openid(\s|$)/, "must include 'openid'")
    .default('openid profile'),
  /** Space-separated acr values the ID token must carry one of (e.g. Ansattporten's "substantial high"); unset: not checked. */
  WEB_OIDC_ACR: z.string().min(1).optional(),
  /** Where browsers reach the app (the callback is <WEB_BASE_URL>/logg-inn/callback); default http://HOST:PORT. */
  WEB_BASE_URL: z.string().url().optional(),
  /** JSON: which claims make a person's roles, partnership and municipality (web/auth/claims.ts); default the local provider's. */
  WEB_CLAIMS_MAPPING: z.string().min(2).optional(),
  WEB_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  WEB_SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(8),
  /** Port of the local OpenID Provider that `npm start` runs (services/oidc-provider/). */
  LOCAL_OIDC_PORT: port.default(3001),
  /**
   * How long the API waits for an action (an Update, a cycle start) before it answers 503 with
   * Retry-After; the action's outcome is then unknown, and sending it again with the same
   * Idempotency-Key is safe.
   */
  ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How long the API waits for a read (a query of the workflow, Postgres) before it answers 503; also Postgres' statement_timeout for the API. */
  READ_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(4500),
  /** How long the API waits for a new Postgres connection. */
  PG_CONNECT_TIMEOUT_S: z.coerce.number().min(0.1).max(60).default(3),
  /**
   * /readyz: a worker counts as polling the task queue when it began a poll within this many
   * seconds. Temporal holds a poll open up to a minute when there is no work, so less than about
   * 65 s would call an idle worker gone.
   */
  WORKER_POLL_STALE_S: z.coerce.number().min(1).max(3600).default(70),
  /** How long the API keeps an Idempotency-Key and its answer; a retry after that is a new request. */
  IDEMPOTENCY_KEY_TTL_H: z.coerce
    .number()
    .min(1)
    .max(24 * 365)
    .default(24),
  /** The Retry-After of a 503: when a client may try again. */
  RETRY_AFTER_S: z.coerce.number().int().min(1).max(3600).default(5),
  /**
   * Workflows the worker keeps in memory (sticky cache, least recently used evicted). Cycles are
   * year-long and idle most of the time: an evicted one is replayed from its history on its next
   * action. 0 turns the cache off (every workflow task replays); 1 is not allowed by the SDK.
   * A cached 100-measure cycle takes about 0.6 MB of the workflow thread's heap, which
   * --max-old-space-size (services/worker/launch.ts) bounds.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .refine((n) => n !== 1, 'must be 0 (no cache) or at least 2')
    .default(100),
  // ── e-mail reminders (workflows/cycle/reminders.ts, services/mail.ts) ──
  /** Days before a deadline a pending person is reminded (fractions allowed; 0: only when overdue); set into each cycle at its start. */
  REMINDER_DAYS_BEFORE: z.coerce.number().min(0).max(60).default(3),
  /** The worker's mail server as one URL (smtp://user:pass@host:587, smtps://… for TLS); or the SMTP_HOST group. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.optional(),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASS: z.string().min(1).optional(),
  /** The sender of reminders. */
  MAIL_FROM: z.string().min(3).default('HØP <hoep@localhost>'),
  /** `npm start`'s local mail catcher (services/mail-catcher/): its SMTP port, and the port of its page. */
  MAIL_CATCHER_SMTP_PORT: port.default(2525),
  MAIL_CATCHER_PORT: port.default(3002),
});

export type Config = z.infer<typeof Env> & { dataDir: string; webBaseUrl: string };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const { HOST, PORT, WEB_BASE_URL } = parsed.data;
  const shownHost = ['0.0.0.0', '::'].includes(HOST) ? '127.0.0.1' : HOST.includes(':') ? `[${HOST}]` : HOST;
  return {
    ...parsed.data,
    dataDir: path.resolve(parsed.data.HOEP_DATA_DIR),
    webBaseUrl: (WEB_BASE_URL ?? `http://${shownHost}:${PORT}`).replace(/\/+$/, ''),
  };
}

/** For process entry points: load or exit with the reason. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
