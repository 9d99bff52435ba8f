/**
 * The local OpenID Provider: panva's oidc-provider (a certified OpenID Provider) with the
 * reference people (accounts.ts) and one client, the web app (authorization code with PKCE S256,
 * its callback and post-logout address taken from the app's base URL). Its login page lists
 * every person as a button: one click signs in, no password (local use only). Consent is implied
 * for the app, as for a first-party client at an organisation's own provider.
 *
 * Keys and cookie secrets are made fresh at every start; sessions live in memory. A restart
 * signs everybody out of the provider, not out of the app (the app's sessions are its own).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { accountClaims, findLocalAccount, localAccounts, type LocalAccount } from './accounts.js';

export interface LocalProviderOptions {
  /** the provider's own address, e.g. http://127.0.0.1:3001 (no trailing slash) */
  issuer: string;
  /** base URLs of the web app (one per app that may sign in here, e.g. http://127.0.0.1:3000) */
  appBaseUrls: string[];
  clientId?: string;
}

/** The acr the local provider states: a button press, no second factor. */
export const LOCAL_ACR = 'urn:hoep:lokal';
export const LOCAL_CLIENT_ID = 'hoep-web';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Plain HTML with the browser's styles: the page must pass axe, and needs nothing more. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – lokal innlogging</title></head>
<body><header><p>Lokal innloggingstjeneste for HØP (kun for utvikling og test)</p></header>
<main>${body}</main></body></html>`;
}

function loginPage(uid: string): string {
  const sections = new Map<string, LocalAccount[]>();
  for (const a of localAccounts) sections.set(a.section, [...(sections.get(a.section) ?? []), a]);
  const groups = [...sections].map(
    ([
      section,
      accounts,
    ]) => `<section aria-labelledby="s-${esc(slug(section))}"><h2 id="s-${esc(slug(section))}">${esc(section)}</h2>
<ul>${accounts.map((a) => `<li><button type="submit" name="account" value="${esc(a.accountId)}">${esc(a.name)}</button></li>`).join('\n')}</ul></section>`,
  );
  return page(
    'Velg hvem du logger inn som',
    `<h1>Velg hvem du logger inn som</h1>
<p>Dette er den lokale innloggingstjenesten. Ett klikk logger deg inn som personen; det trengs ikke passord.</p>
<form method="post" action="/interaction/${esc(uid)}/login">${groups.join('\n')}</form>`,
  );
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export function createLocalProvider(options: LocalProviderOptions): {
  provider: Provider;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(8).toString('hex'),
    use: 'sig',
    alg: 'RS256',
  };
  const clientId = options.clientId ?? LOCAL_CLIENT_ID;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        // a public client: PKCE is what binds the code to the browser that asked for it
        token_endpoint_auth_method: 'none',
        redirect_uris: options.appBaseUrls.map((base) => `${base}/logg-inn/callback`),
        post_logout_redirect_uris: options.appBaseUrls.map((base) => `${base}/`),
        response_types: ['code'],
        grant_types: ['authorization_code'],
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { methods: ['S256'], required: () => true },
    acrValues: [LOCAL_ACR],
    // The claims go into the ID token itself, where the app reads them, not only into userinfo.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], profile: ['name', 'groups', 'municipality', 'hoep_member'], email: ['email'] },
    async findAccount(_ctx, id) {
      const account = findLocalAccount(id);
      if (!account) return undefined;
      return {
        accountId: account.accountId,
        claims: async () => accountClaims(account),
      };
    },
    // Consent is implied for the app: its grant is made on first use instead of asked for.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const client = oidc.client!;
      const accountId = oidc.session!.accountId!;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(client.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = page(
            'Logg ut av innloggingstjenesten',
            `<h1>Logg ut av innloggingstjenesten</h1>
<p>Du er logget ut av HØP. Logg også ut her, så neste innlogging begynner med valg av person.</p>
${form}
<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Logg ut</button></p>`,
          );
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = page('Logget ut', '<h1>Du er logget ut</h1>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page(
        'Innloggingen feilet',
        `<h1>Innloggingen feilet</h1><p>${esc(String(out.error))}: ${esc(String(out.error_description ?? ''))}</p>`,
      );
    },
    ttl: {
      Session: 8 * 3600,
      Interaction: 600,
      Grant: 8 * 3600,
      IdToken: 600,
      AccessToken: 600,
      AuthorizationCode: 60,
    },
  };

  const provider = new Provider(options.issuer, configuration);
  const callback = provider.callback();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', options.issuer).pathname;
    const show = /^\/interaction\/([\w-]+)$/.exec(path);
    const login = /^\/interaction\/([\w-]+)\/login$/.exec(path);
    if (!(show && req.method === 'GET') && !(login && req.method === 'POST')) {
      callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (show) {
          if (details.prompt.name === 'login') return send(res, 200, loginPage(details.uid));
          // consent is granted by loadExistingGrant; anything else goes back to the provider
          return await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
        }
        const account = findLocalAccount((await readForm(req)).get('account') ?? '');
        if (!account)
          return send(
            res,
            400,
            page('Ukjent person', '<h1>Ukjent person</h1><p>Gå tilbake og velg en person i listen.</p>'),
          );
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: account.accountId, acr: LOCAL_ACR } },
          { mergeWithLastSubmission: false },
        );
      } catch (e) {
        send(
          res,
          400,
          page(
            'Innloggingen er utløpt',
            `<h1>Innloggingen er utløpt</h1><p>Gå tilbake til HØP og logg inn på nytt. (${esc((e as Error).message)})</p>`,
          ),
        );
      }
    })();
  };
  return { provider, handle };
}
