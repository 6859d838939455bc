import { Hono } from "hono";
import { listOutbox } from "../../domain/delivery/outbox";
import { adminMessagePage, homePage, loginPage, outboxPage } from "../../views/admin";
import { securityHeaders } from "../middleware/security-headers";
import { adminAuth, isSameOrigin, logIn, logOut, type AdminEnv } from "./session";

const OUTBOX_PAGE = 50;

/** /admin: login (token → session cookie), home, and the local outbox. HTML pages, never problem+json. */
export const admin = new Hono<AdminEnv>();

admin.use("*", securityHeaders("same-origin"));

admin.onError((error, c) => {
  console.error("admin page failed", error);
  return c.html(adminMessagePage({ nonce: c.var.nonce ?? "", title: "Something went wrong", body: "Nothing was changed. Try again in a moment." }), 503);
});

admin.get("/login", (c) => c.html(loginPage({ nonce: c.var.nonce })));

admin.post("/login", async (c) => {
  if (!isSameOrigin(c)) return c.html(loginPage({ nonce: c.var.nonce, error: "This form must be sent from the Quorum login page." }), 403);
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const token = typeof body.token === "string" ? body.token.trim() : "";
  if (!token || !(await logIn(c, token))) {
    return c.html(loginPage({ nonce: c.var.nonce, error: "That token is unknown, revoked, or lacks the admin scope." }), 401);
  }
  return c.redirect("/admin", 303);
});

admin.use("*", adminAuth);

admin.get("/", (c) => c.html(homePage({ nonce: c.var.nonce, csrfToken: c.var.session?.csrfToken ?? null, actor: c.var.actor.id })));

admin.post("/logout", async (c) => {
  await logOut(c);
  return c.redirect("/admin/login", 303);
});

admin.get("/outbox", async (c) => {
  const before = c.req.query("before") || undefined;
  const rows = await listOutbox(c.var.db, { before, limit: OUTBOX_PAGE + 1 });
  const mails = rows.slice(0, OUTBOX_PAGE);
  const nextBefore = rows.length > OUTBOX_PAGE ? (mails[mails.length - 1]?.id ?? null) : null;
  return c.html(outboxPage({ nonce: c.var.nonce, csrfToken: c.var.session?.csrfToken ?? null, mails, nextBefore }));
});
