import { createMiddleware } from "hono/factory";
import { randomSecret } from "../../lib/ids";
import type { PageEnv } from "./page-env";

/**
 * SPEC §6 headers on every HTML page (respondent and admin): tokens may be in the URL (no referrer), nothing may
 * load from elsewhere (strict CSP; the inline stylesheet carries a per-response nonce), no framing, no caching of
 * personal pages.
 */
export const securityHeaders = createMiddleware<PageEnv>(async (c, next) => {
  const nonce = randomSecret(16);
  c.set("nonce", nonce);
  await next();
  const headers = c.res.headers;
  headers.set(
    "Content-Security-Policy",
    `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
});
