import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { closeSession, openSession, SESSION_HOURS, sessionFor, type Session } from "../../domain/access/sessions";
import { timingSafeEqual } from "../../lib/crypto";
import { adminMessagePage, type AdminViewer } from "../../views/admin/shell";
import { actorForBearer } from "../middleware/auth";
import type { PageEnv } from "../middleware/page-env";

export type AdminEnv = { Bindings: PageEnv["Bindings"]; Variables: PageEnv["Variables"] & { session: Session | null; viewer: AdminViewer } };

const COOKIE = "quorum_session";
const COOKIE_PATH = "/admin";

/**
 * Admin pages accept the session cookie (forms must then carry its CSRF token) or `Authorization: Bearer` with an
 * admin token (no cookie, so no CSRF risk). Anyone else is sent to the login page.
 */
export const adminAuth = createMiddleware<AdminEnv>(async (c, next) => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (bearer) {
    const actor = await actorForBearer(c.env, c.var.db, bearer);
    if (!actor?.scopes.includes("admin")) return refuse(c, 401, "Not signed in", "This token is unknown, revoked or lacks the admin scope.");
    c.set("actor", actor);
    c.set("session", null);
    c.set("viewer", viewerFor(actor.id, null));
    return next();
  }
  const secret = getCookie(c, COOKIE);
  const session = secret ? await sessionFor(c.var.db, secret, new Date()) : null;
  if (!session) return c.req.method === "GET" ? c.redirect("/admin/login", 303) : refuse(c, 401, "Not signed in", "Your session has ended; log in again.");
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && !(await hasCsrfToken(c, session))) {
    return refuse(c, 403, "Form expired", "This form did not come from your current session. Reload the page and try again.");
  }
  c.set("actor", { id: session.actor, scopes: session.scopes });
  c.set("session", session);
  c.set("viewer", viewerFor(session.actor, session.csrfToken));
  return next();
});

async function hasCsrfToken(c: Context<AdminEnv>, session: Session): Promise<boolean> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const sent = body.csrf;
  return typeof sent === "string" && timingSafeEqual(sent, session.csrfToken);
}

/** Until people sign in as themselves, everyone in the admin UI acts through the admin token. */
function viewerFor(actorId: string, csrfToken: string | null): AdminViewer {
  return { id: actorId, name: "Admin token", email: null, role: "admin", csrfToken };
}

export function refuse(c: Context<AdminEnv>, status: 401 | 403, title: string, body: string) {
  return c.html(adminMessagePage({ nonce: c.var.nonce, viewer: c.var.viewer ?? null, title, body }), status);
}

/** A login form is only accepted from our own pages (SameSite=Strict covers the session cookie itself). */
export function isSameOrigin(c: Context<AdminEnv>): boolean {
  const origin = c.req.header("origin");
  return !origin || origin === new URL(c.req.url).origin;
}

export async function logIn(c: Context<AdminEnv>, token: string): Promise<boolean> {
  const actor = await actorForBearer(c.env, c.var.db, token);
  if (!actor?.scopes.includes("admin")) return false;
  const { secret } = await openSession(c.var.db, actor, new Date());
  setCookie(c, COOKIE, secret, { httpOnly: true, secure: true, sameSite: "Strict", path: COOKIE_PATH, maxAge: SESSION_HOURS * 3600 });
  return true;
}

export async function logOut(c: Context<AdminEnv>): Promise<void> {
  const secret = getCookie(c, COOKIE);
  if (secret) await closeSession(c.var.db, secret);
  deleteCookie(c, COOKIE, { path: COOKIE_PATH, secure: true });
}
