import { Hono } from "hono";
import { ApiError } from "../../lib/errors";
import { adminMessagePage } from "../../views/admin/shell";
import { securityHeaders } from "../middleware/security-headers";
import { accountsRouter } from "./accounts";
import { marketsRouter } from "./markets";
import { overviewRouter } from "./overview";
import { responsesRouter } from "./responses";
import { casesAdmin } from "./cases";
import { webhooksAdmin } from "./webhooks";
import { administration } from "./administration";
import { directory } from "./directory";
import { sending } from "./sending";
import { people } from "./people";
import { surveysAdmin } from "./surveys";
import { adminAuth, logOut, signInRoutes, type AdminEnv } from "./session";

/**
 * /admin: the admin UI. HTML pages, never problem+json. Each area has its own router file beside this one, mounted
 * below; this file holds sign-in, the error page and the outbox.
 */
export const admin = new Hono<AdminEnv>();

admin.use("*", securityHeaders("same-origin"));

/** Known refusals keep their status and say what to do; anything else is a calm 503 without internals. */
admin.onError((error, c) => {
  const viewer = c.var.viewer ?? null;
  if (error instanceof ApiError && error.status < 500) {
    return c.html(adminMessagePage({ nonce: c.var.nonce ?? "", viewer, title: error.title, body: error.detail ?? error.title }), error.status);
  }
  console.error("admin page failed", error);
  return c.html(adminMessagePage({ nonce: c.var.nonce ?? "", viewer, title: "Something went wrong", body: "Nothing was changed. Try again in a moment." }), 503);
});

// Sign-in (email link, admin token) before authentication; Cloudflare Access is checked inside adminAuth.
admin.route("/", signInRoutes);

admin.use("*", adminAuth);

admin.post("/logout", async (c) => {
  await logOut(c);
  return c.redirect("/admin/login", 303);
});

// ─── areas (one router file each; keep this list in the order of the navigation) ───

admin.route("/", overviewRouter);
admin.route("/accounts", accountsRouter);
admin.route("/responses", responsesRouter);
admin.route("/cases", casesAdmin);
admin.route("/markets", marketsRouter);

admin.route("/surveys", surveysAdmin);
admin.route("/sending", sending);
admin.route("/directory", directory);
admin.route("/people", people);
admin.route("/webhooks", webhooksAdmin);

admin.route("/", administration);

// A mounted router's notFound is never consulted (the app's answers problem+json), so the last route catches every
// unknown /admin address and answers a page a person can act on.
admin.all("*", (c) => c.html(adminMessagePage({ nonce: c.var.nonce ?? "", viewer: c.var.viewer ?? null, title: "Page not found", body: "There is no admin page at this address. Use the navigation above." }), 404));
