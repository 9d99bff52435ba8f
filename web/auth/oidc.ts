/**
 * The app as an OpenID Connect relying party, with panva's openid-client 6: discovery of the
 * provider, authorization code with PKCE (S256), a fresh state and nonce per attempt, the code
 * exchanged and the ID token validated by the library (issuer, audience, signature against the
 * provider's JWKS, nonce, expiry); the acr checked here when WEB_OIDC_ACR asks for it. Signing out
 * goes to the provider's end_session_endpoint when it publishes one.
 */
import * as client from 'openid-client';

export interface RelyingPartyOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scope: string;
  /** the ID token must carry one of these acr values; empty: not checked */
  acrValues: string[];
  /** the app's base URL: the callback is <base>/logg-inn/callback, signed-out lands on <base>/ */
  baseUrl: string;
}

/** The provider cannot be reached or answered nonsense: the person should try again shortly. */
export class ProviderUnavailable extends Error {}

/** The provider's answer to a sign-in is not one to accept (refused, forged, expired, wrong acr). */
export class SignInRefused extends Error {}

const TIMEOUT_SECONDS = 5;

export class RelyingParty {
  private configuration: Promise<client.Configuration> | null = null;
  private endSessionOrigin: string | null = null;
  /** formActionOrigins' answer, made anew only when discovery changes it (the CSP is built from it per request) */
  private actionOrigins: readonly string[];
  readonly redirectUri: string;

  constructor(private readonly options: RelyingPartyOptions) {
    this.redirectUri = `${options.baseUrl}/logg-inn/callback`;
    this.actionOrigins = [new URL(options.issuer).origin];
  }

  /** Discovery once, and again after a failure (a provider that was down is asked again next time). */
  private config(): Promise<client.Configuration> {
    this.configuration ??= (async () => {
      const { issuer, clientId, clientSecret } = this.options;
      const url = new URL(issuer);
      try {
        const config = await client.discovery(
          url,
          clientId,
          clientSecret,
          clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
          {
            timeout: TIMEOUT_SECONDS,
            // plain http only for a provider on this machine (the local one); never elsewhere
            ...(url.protocol === 'http:' && isLoopback(url.hostname)
              ? { execute: [client.allowInsecureRequests] }
              : {}),
          },
        );
        config.timeout = TIMEOUT_SECONDS;
        const endSession = config.serverMetadata().end_session_endpoint;
        if (endSession) {
          this.endSessionOrigin = new URL(endSession).origin;
          this.actionOrigins = [...new Set([new URL(issuer).origin, this.endSessionOrigin])];
        }
        return config;
      } catch (e) {
        throw new ProviderUnavailable(`discovery of ${issuer} failed: ${(e as Error).message}`);
      }
    })().catch((e: unknown) => {
      this.configuration = null;
      throw e;
    });
    return this.configuration;
  }

  /** Where to send the browser, and what the callback must find again. */
  async begin(): Promise<{ url: URL; state: string; nonce: string; codeVerifier: string }> {
    const config = await this.config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.options.scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(this.options.acrValues.length ? { acr_values: this.options.acrValues.join(' ') } : {}),
    });
    return { url, state, nonce, codeVerifier };
  }

  /** Checks the callback, exchanges the code and returns the validated ID token's claims. */
  async finish(
    callbackQuery: string,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ claims: Record<string, unknown>; idToken: string }> {
    const config = await this.config();
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, new URL(`${this.redirectUri}${callbackQuery}`), {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      if (e instanceof client.AuthorizationResponseError || e instanceof client.ResponseBodyError)
        throw new SignInRefused(`${e.error}: ${e.error_description ?? ''}`);
      if (e instanceof TypeError || (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError')
        throw new ProviderUnavailable((e as Error).message);
      throw new SignInRefused((e as Error).message);
    }
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new SignInRefused('no ID token');
    const { acrValues } = this.options;
    if (acrValues.length && !acrValues.includes(String(claims.acr ?? '')))
      throw new SignInRefused(`acr ${String(claims.acr)} is not one of ${acrValues.join(', ')}`);
    return { claims: claims as Record<string, unknown>, idToken: tokens.id_token };
  }

  /** The provider's sign-out address for this ID token, or null when it has none (or cannot be reached). */
  async endSessionUrl(idToken: string | null): Promise<URL | null> {
    let config: client.Configuration;
    try {
      config = await this.config();
    } catch {
      return null;
    }
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: `${this.options.baseUrl}/`,
      ...(idToken ? { id_token_hint: idToken } : { client_id: this.options.clientId }),
    });
  }

  /**
   * Origins the CSP's form-action must allow besides the app's own: Chromium applies form-action
   * to the redirect that follows a form post, and "Logg ut" redirects to the provider's
   * end_session_endpoint (the issuer's origin until discovery has told where that is).
   */
  formActionOrigins(): readonly string[] {
    return this.actionOrigins;
  }
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
