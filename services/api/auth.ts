/**
 * Who is calling: Bearer JWTs verified with jose.
 *
 * Local mode signs and verifies HS256 with a secret from HOEP_JWT_SECRET or, when that is absent,
 * one created on first start at <dataDir>/jwt-secret (mode 0600) and reused, so tokens printed by
 * `npm run token` stay valid across restarts. Production mode (OIDC_ISSUER set) verifies against
 * the issuer's published keys. Either way the algorithms are pinned, `exp` is required, and the
 * claims are validated before anything else sees them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Actor } from '../../workflows/messages.js';
import { RoleSchema } from '../../schema/api.js';
import { unstorableText } from '../../domain/text.js';
import { Problem } from '../../core/problem.js';

/** Who acted is recorded with every write, so it must be text Postgres can store (domain/text.ts). */
const Who = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => unstorableText(s) === null, 'must be text without control characters or lone surrogates');

export const Claims = z
  .object({
    sub: Who,
    name: Who,
    roles: z.array(RoleSchema).min(1),
    partnership: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a partnership slug'),
    municipality: z
      .string()
      .regex(/^\d{4}$/, 'a four-digit municipality number')
      .optional(),
  })
  .refine((c) => !c.roles.includes('municipal_clerk') || c.municipality !== undefined, {
    message: 'a municipal clerk needs a municipality',
    path: ['municipality'],
  });

export type TokenClaims = z.infer<typeof Claims>;

/** An authenticated caller: the actor passed to workflow updates, and its partnership. */
export interface Principal extends Actor {
  partnership: string;
}

/** The actor an Update is given: the principal without its partnership (the cycle implies it). */
export function actorOf(p: Principal): Actor {
  return { sub: p.sub, name: p.name, roles: p.roles, ...(p.municipality ? { municipality: p.municipality } : {}) };
}

export interface Authenticator {
  readonly mode: 'local' | 'oidc';
  /** The caller a bearer token stands for; throws an `unauthorized` Problem when it is not valid. */
  verify(token: string): Promise<Principal>;
}

const LOCAL_ALGORITHMS = ['HS256'];
const OIDC_ALGORITHMS = ['RS256', 'ES256'];
const SECRET_FILE = 'jwt-secret';

/** The local signing secret: HOEP_JWT_SECRET, else the secret file, created once if missing. */
export async function localSecret(config: Pick<Config, 'HOEP_JWT_SECRET' | 'dataDir'>): Promise<Uint8Array> {
  if (config.HOEP_JWT_SECRET) return new TextEncoder().encode(config.HOEP_JWT_SECRET);
  const file = path.join(config.dataDir, SECRET_FILE);
  await mkdir(config.dataDir, { recursive: true });
  const fresh = randomBytes(48).toString('base64url');
  try {
    // 'wx' fails when the file exists, so two processes starting together agree on one secret.
    await writeFile(file, fresh, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const stored = (await readFile(file, 'utf8')).trim();
  if (stored.length < 32)
    throw new Error(`${file} holds no usable secret (under 32 characters); delete it to make a new one`);
  return new TextEncoder().encode(stored);
}

/** A token the local verifier accepts. `ttl` is a jose time span such as "8h" or "30m". */
export async function signLocalToken(secret: Uint8Array, claims: TokenClaims, ttl: string): Promise<string> {
  const { sub, ...rest } = Claims.parse(claims);
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(secret);
}

function principalFrom(payload: JWTPayload): Principal {
  const parsed = Claims.safeParse(payload);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'token'}: ${i.message}`).join('; ');
    throw new Problem('unauthorized', `token claims are not valid: ${why}`);
  }
  const { sub, name, roles, partnership, municipality } = parsed.data;
  return { sub, name, roles, partnership, ...(municipality ? { municipality } : {}) };
}

async function verifyWith(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  options: Parameters<typeof jwtVerify>[2],
): Promise<Verified> {
  let payload: JWTPayload;
  try {
    // Two call shapes because jose overloads on the key's type.
    ({ payload } =
      key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
  } catch (e) {
    throw new Problem('unauthorized', `token refused: ${(e as Error).message}`);
  }
  return { principal: principalFrom(payload), expiresAt: (payload.exp ?? 0) * 1000 };
}

interface Verified {
  principal: Principal;
  expiresAt: number;
}

const REMEMBERED_TOKENS = 10_000;

/**
 * Remembers tokens that verified, until they expire, so a client that sends the same token on
 * every request pays for the signature check once. Only the exact token string hits; a refused
 * token is checked again every time.
 */
function remembering(verify: (token: string) => Promise<Verified>): (token: string) => Promise<Principal> {
  const known = new Map<string, Verified>();
  return async (token) => {
    const hit = known.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.principal;
    known.delete(token);
    const verified = await verify(token);
    if (known.size >= REMEMBERED_TOKENS) known.delete(known.keys().next().value!);
    known.set(token, verified);
    return verified.principal;
  };
}

export function localAuthenticator(secret: Uint8Array): Authenticator {
  return {
    mode: 'local',
    verify: remembering((token) =>
      verifyWith(token, secret, { algorithms: LOCAL_ALGORITHMS, requiredClaims: ['exp', 'sub'] }),
    ),
  };
}

const Discovery = z.object({ jwks_uri: z.string().url(), issuer: z.string().min(1) });

/** Keys from the issuer's discovery document, fetched on first use and again after a failure. */
export function oidcAuthenticator(issuer: string, audience: string | undefined): Authenticator {
  let keys: Promise<JWTVerifyGetKey> | null = null;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const doc = Discovery.parse(await res.json());
    return createRemoteJWKSet(new URL(doc.jwks_uri));
  };
  return {
    mode: 'oidc',
    verify: remembering(async (token) => {
      keys ??= discover().catch((e: unknown) => {
        keys = null;
        throw e;
      });
      let getKey: JWTVerifyGetKey;
      try {
        getKey = await keys;
      } catch (e) {
        throw new Problem('unavailable', `the identity provider's keys cannot be read: ${(e as Error).message}`);
      }
      return verifyWith(token, getKey, {
        algorithms: OIDC_ALGORITHMS,
        issuer,
        ...(audience ? { audience } : {}),
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
      });
    }),
  };
}

export async function createAuthenticator(config: Config): Promise<Authenticator> {
  if (config.OIDC_ISSUER) return oidcAuthenticator(config.OIDC_ISSUER, config.OIDC_AUDIENCE);
  return localAuthenticator(await localSecret(config));
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer +([A-Za-z0-9_.~+/-]+=*)$/i.exec(header?.trim() ?? '');
  return m?.[1] ?? null;
}
