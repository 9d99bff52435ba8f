/** Bearer tokens: the local secret, HS256 verification, claims, and OIDC verification against a JWKS served here. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearerToken,
  localAuthenticator,
  localSecret,
  oidcAuthenticator,
  signLocalToken,
} from '../../services/api/auth.js';
import { Problem } from '../../core/problem.js';

const claims = { name: 'Kari', roles: ['proposer' as const], partnership: 'lillehammer-regionen' };
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Problem);
  return e as Problem;
};

describe('the local secret', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dataDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'hoep-auth-'));
    dirs.push(d);
    return path.join(d, 'data');
  };

  it('is created once at <dataDir>/jwt-secret with mode 0600 and reused', async () => {
    const dir = dataDir();
    const first = await localSecret({ dataDir: dir, HOEP_JWT_SECRET: undefined });
    const file = path.join(dir, 'jwt-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await localSecret({ dataDir: dir, HOEP_JWT_SECRET: undefined })).toEqual(first);
    expect(new TextDecoder().decode(first)).toBe(readFileSync(file, 'utf8'));
  });

  it('two processes starting together agree on one secret', async () => {
    const dir = dataDir();
    const secrets = await Promise.all([1, 2, 3].map(() => localSecret({ dataDir: dir, HOEP_JWT_SECRET: undefined })));
    expect(new Set(secrets.map((s) => Buffer.from(s).toString('hex'))).size).toBe(1);
  });

  it('comes from HOEP_JWT_SECRET when that is set', async () => {
    const secret = 'x'.repeat(40);
    expect(new TextDecoder().decode(await localSecret({ dataDir: dataDir(), HOEP_JWT_SECRET: secret }))).toBe(secret);
  });
});

describe('local verification', () => {
  const secret = new TextEncoder().encode('local-secret-0123456789-0123456789-abcdef');
  const auth = localAuthenticator(secret);
  const now = Math.floor(Date.now() / 1000);

  it('accepts a token it signed and returns the caller', async () => {
    const token = await signLocalToken(secret, { sub: 'kari', ...claims }, '5m');
    expect(await auth.verify(token)).toEqual({
      sub: 'kari',
      name: 'Kari',
      roles: ['proposer'],
      partnership: 'lillehammer-regionen',
    });
  });

  it.each([
    [
      'expired',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('k')
          .setExpirationTime(now - 10)
          .sign(secret),
    ],
    ['without exp', () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('k').sign(secret)],
    [
      'without sub',
      () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(secret),
    ],
    [
      'signed with another secret',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('k')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('z'.repeat(40))),
    ],
    [
      'HS384',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS384' })
          .setSubject('k')
          .setExpirationTime('5m')
          .sign(new Uint8Array(48).fill(7)),
    ],
    ['alg none', async () => new UnsecuredJWT(claims).setSubject('k').setExpirationTime('5m').encode()],
    [
      'with an unknown role',
      () =>
        new SignJWT({ ...claims, roles: ['mayor'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('k')
          .setExpirationTime('5m')
          .sign(secret),
    ],
    [
      'of a clerk without municipality',
      () =>
        new SignJWT({ ...claims, roles: ['municipal_clerk'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('k')
          .setExpirationTime('5m')
          .sign(secret),
    ],
    [
      'without partnership',
      () =>
        new SignJWT({ name: 'Kari', roles: ['admin'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('k')
          .setExpirationTime('5m')
          .sign(secret),
    ],
    // sub and name are recorded as who acted: text Postgres cannot store would wedge the cycle's write
    [
      'whose name holds NUL',
      () =>
        new SignJWT({ ...claims, name: 'Ka\u0000ri' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('k')
          .setExpirationTime('5m')
          .sign(secret),
    ],
    [
      'whose sub is a lone surrogate',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('\ud800')
          .setExpirationTime('5m')
          .sign(secret),
    ],
  ])('refuses a token %s with 401', async (_what, make) => {
    expect((await refusal(auth.verify(await make()))).status).toBe(401);
  });

  it('finds the token in an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc.def.ghi ')).toBe('abc.def.ghi');
    expect(bearerToken('Basic dXNlcg==')).toBeNull();
    expect(bearerToken('Bearer two words')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('OIDC verification', () => {
  let server: Server;
  let issuer: string;
  let discoveryDown = false;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    const jwks = {
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256', use: 'sig' },
      ],
    };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (discoveryDown) res.writeHead(500).end('{}');
      else if (req.url === '/.well-known/openid-configuration')
        res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (req.url === '/jwks') res.end(JSON.stringify(jwks));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const signed = (alg: 'RS256' | 'ES256', key: CryptoKey, kid: string, iss = issuer, aud = 'hoep') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setSubject('kari')
      .setIssuer(iss)
      .setAudience(aud)
      .setExpirationTime('5m')
      .sign(key);

  it('accepts RS256 and ES256 tokens from the issuer for the audience', async () => {
    const auth = oidcAuthenticator(issuer, 'hoep');
    expect(auth.mode).toBe('oidc');
    expect((await auth.verify(await signed('RS256', rsa.privateKey, 'rsa'))).sub).toBe('kari');
    expect((await auth.verify(await signed('ES256', ec.privateKey, 'ec'))).sub).toBe('kari');
  });

  it('refuses another issuer, another audience, and an HS256 token keyed with the public key', async () => {
    const auth = oidcAuthenticator(issuer, 'hoep');
    expect((await refusal(auth.verify(await signed('RS256', rsa.privateKey, 'rsa', 'http://elsewhere')))).status).toBe(
      401,
    );
    expect((await refusal(auth.verify(await signed('RS256', rsa.privateKey, 'rsa', issuer, 'other')))).status).toBe(
      401,
    );
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa' })
      .setSubject('kari')
      .setIssuer(issuer)
      .setAudience('hoep')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey)));
    expect((await refusal(auth.verify(confused))).status).toBe(401);
  });

  it('says 503 while the issuer cannot be reached, and recovers', async () => {
    const auth = oidcAuthenticator(issuer, 'hoep');
    const token = await signed('RS256', rsa.privateKey, 'rsa');
    discoveryDown = true;
    expect((await refusal(auth.verify(token))).status).toBe(503);
    discoveryDown = false;
    expect((await auth.verify(token)).sub).toBe('kari');
  });
});
