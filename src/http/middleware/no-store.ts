import { createMiddleware } from "hono/factory";

/**
 * SPEC §9: API responses carry personal data (names, emails, verbatims, scores per account), so no cache keeps
 * them and no browser sniffs them into another type. Set after the handler, so error responses carry them too.
 */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
  c.res.headers.set("X-Content-Type-Options", "nosniff");
});
