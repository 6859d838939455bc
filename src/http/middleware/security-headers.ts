import { createMiddleware } from "hono/factory";
import { randomSecret } from "../../lib/ids";
import type { PageEnv } from "./page-env";

/**
 * SPEC §6 headers on every HTML page (respondent and admin): nothing may load from elsewhere (strict CSP; inline
 * style and script carry a per-response nonce), no framing, no caching of personal pages. Respondent URLs carry
 * tokens, so they send no referrer at all; admin pages send it to their own origin only, because with
 * `no-referrer` browsers post forms with `Origin: null` and the admin's same-origin check could not pass.
 */
export const securityHeaders = (referrerPolicy: "no-referrer" | "same-origin") => createMiddleware<PageEnv>(async (c, next) => {
  // Admin pages also load their stylesheet and scripts from our own static assets; respondent pages load nothing.
  const self = referrerPolicy === "same-origin" ? "'self' " : "";
  const nonce = randomSecret(16);
  c.set("nonce", nonce);
  await next();
  const headers = c.res.headers;
  headers.set(
    "Content-Security-Policy",
    `default-src 'none'; style-src ${self}'nonce-${nonce}'; script-src ${self}'nonce-${nonce}'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  headers.set("Referrer-Policy", referrerPolicy);
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
});
