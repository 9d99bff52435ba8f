/**
 * The web pages' Content-Security-Policy: the API's strict one (services/api/security.ts sets it
 * on every response: nothing from another origin, no inline script or style), with form-action
 * widened to the identity provider. Chromium applies form-action to the redirect that follows a
 * form post, and "Logg ut" is a post that redirects to the provider's end_session_endpoint.
 */
export function webCsp(providerOrigins: readonly string[]): string {
  // Every web response carries it: built once per list of origins (the relying party keeps the same list until discovery changes it).
  let csp = built.get(providerOrigins);
  if (csp === undefined) built.set(providerOrigins, (csp = buildCsp(providerOrigins)));
  return csp;
}

const built = new WeakMap<readonly string[], string>();

function buildCsp(providerOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    `form-action ${["'self'", ...providerOrigins].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}
