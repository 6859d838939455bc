import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { emailFromAccessAssertion } from "../../domain/access/cloudflare-access";
import { inspectSignInLink, sendSignInLink, useSignInLink, type LinkState } from "../../domain/access/sign-in-links";
import { recordAttempt, retryAfterSeconds, throttleKeys } from "../../domain/access/throttle";
import { mailProviderFor } from "../../domain/delivery/providers";
import { loginPage, signInConfirmPage } from "../../views/admin/login";
import { BOOTSTRAP_TOKEN_ID, bootstrapSessionKey, closeSession, openSession, SESSION_HOURS, sessionFor, type Session } from "../../domain/access/sessions";
import { findUserByEmail, scopesForRole, userActor } from "../../domain/users/users";
import type { User } from "../../db/schema";
import { timingSafeEqual } from "../../lib/crypto";
import { adminMessagePage, type AdminViewer } from "../../views/admin/shell";
import type { Actor } from "../context";
import { actorForBearer, actorForSession, isWrite, SESSION_COOKIE } from "../middleware/auth";
import type { PageEnv } from "../middleware/page-env";

export type AdminEnv = { Bindings: PageEnv["Bindings"]; Variables: PageEnv["Variables"] & { session: Session | null; viewer: AdminViewer } };

/** Path / (not /admin): the same-origin session also authorizes /api/v1, so the API docs can try requests. */
const COOKIE_PATH = "/";

/**
 * Admin pages accept the session cookie (forms must then carry its CSRF token), `Authorization: Bearer` with an
 * admin token (no cookie, so no CSRF risk), or a Cloudflare Access assertion of an active user (opens a session).
 * Anyone else is sent to the sign-in page. Read-only roles may look at everything but not post forms.
 */
export const adminAuth = createMiddleware<AdminEnv>(async (c, next) => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (bearer) {
    const actor = await actorForBearer(c.env, c.var.db, bearer);
    if (!actor?.scopes.includes("admin")) return refuse(c, 401, "Not signed in", "This token is unknown, revoked or lacks the admin scope.");
    c.set("actor", actor);
    c.set("session", null);
    c.set("viewer", { id: actor.id, name: actor.id === BOOTSTRAP_TOKEN_ID ? "Admin token" : "API token", email: null, role: "admin", csrfToken: null });
    return next();
  }
  const secret = getCookie(c, SESSION_COOKIE);
  let session = secret ? await sessionFor(c.var.db, secret, new Date(), await bootstrapSessionKey(c.env.ADMIN_TOKEN)) : null;
  const assertion = c.req.header("cf-access-jwt-assertion");
  if (!session && assertion && c.env.ACCESS_TEAM_DOMAIN && c.env.ACCESS_AUD) {
    const email = await emailFromAccessAssertion(assertion, { teamDomain: c.env.ACCESS_TEAM_DOMAIN, aud: c.env.ACCESS_AUD });
    const user = email ? await findUserByEmail(c.var.db, email) : null;
    if (!user || user.status !== "active") {
      return refuse(c, 403, "Not a Quorum user", "Cloudflare Access let you through, but this identity is not an active Quorum user. Ask an admin to invite you.");
    }
    session = await startUserSession(c, user, "cloudflare_access");
  }
  if (!session) return c.req.method === "GET" ? c.redirect(loginPathFor(c.req.url), 303) : refuse(c, 401, "Not signed in", "Your session has ended; sign in again.");
  c.set("session", session);
  c.set("actor", actorForSession(session));
  c.set("viewer", viewerFor(session));
  if (isWrite(c.req.method)) {
    if (!(await hasCsrfToken(c, session))) {
      return refuse(c, 403, "Form expired", "This form did not come from your current session. Reload the page and try again.");
    }
    if (!mayPostTo(c.var.actor, new URL(c.req.url).pathname)) {
      return refuse(c, 403, "Read-only access", `Your role (${ROLE_NAMES[c.var.viewer.role]}) can read everything but not change it. Ask an admin if you need to.`);
    }
  }
  return next();
});

const ROLE_NAMES: Record<AdminViewer["role"], string> = { admin: "admin", analyst: "analyst", account_manager: "account manager" };

/**
 * Admins post any form; everyone may sign out; account managers also work cases (the cases pages decide whose).
 * Analysts read only.
 */
function mayPostTo(actor: Actor, path: string): boolean {
  if (actor.scopes.includes("admin")) return true;
  if (path === "/admin/logout") return true;
  return actor.role === "account_manager" && (path === "/admin/cases" || path.startsWith("/admin/cases/"));
}

async function hasCsrfToken(c: Context<AdminEnv>, session: Session): Promise<boolean> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const sent = body.csrf;
  return typeof sent === "string" && timingSafeEqual(sent, session.csrfToken);
}

/** The person at the top of every page: the signed-in user, or the token the session was opened with. */
function viewerFor(session: Session): AdminViewer {
  if (session.user) return { ...session.user, csrfToken: session.csrfToken };
  return { id: session.actor, name: session.token?.name ?? "Admin token", email: null, role: session.scopes.includes("admin") ? "admin" : "analyst", csrfToken: session.csrfToken };
}

export function refuse(c: Context<AdminEnv>, status: 401 | 403 | 400 | 410 | 429, title: string, body: string) {
  return c.html(adminMessagePage({ nonce: c.var.nonce, viewer: c.var.viewer ?? null, title, body }), status);
}

/** A sign-in form is only accepted from our own pages (SameSite=Strict covers the session cookie itself). */
export function isSameOrigin(c: Context<AdminEnv>): boolean {
  const origin = c.req.header("origin");
  return !origin || origin === new URL(c.req.url).origin;
}

function setSessionCookie(c: Context<AdminEnv>, secret: string) {
  setCookie(c, SESSION_COOKIE, secret, { httpOnly: true, secure: true, sameSite: "Strict", path: COOKIE_PATH, maxAge: SESSION_HOURS * 3600 });
}

/** Opens a person's session (email link, Cloudflare Access) and sets its cookie. */
export async function startUserSession(c: Context<AdminEnv>, user: Pick<User, "id" | "name" | "email" | "role">, how: "email_link" | "cloudflare_access"): Promise<Session> {
  const { secret, csrfToken } = await openSession(c.var.db, { kind: "user", id: user.id, role: user.role }, how, new Date());
  setSessionCookie(c, secret);
  return { actor: userActor(user.id), scopes: scopesForRole(user.role), csrfToken, user: { id: user.id, name: user.name, email: user.email, role: user.role }, token: null };
}

/** The admin-token form: a session that lasts while the token is not revoked. */
export async function logIn(c: Context<AdminEnv>, token: string): Promise<boolean> {
  const actor = await actorForBearer(c.env, c.var.db, token);
  if (!actor?.scopes.includes("admin")) return false;
  const tokenId = actor.id === BOOTSTRAP_TOKEN_ID ? await bootstrapSessionKey(c.env.ADMIN_TOKEN) : actor.id;
  const { secret } = await openSession(c.var.db, { kind: "token", id: actor.id, tokenId, scopes: actor.scopes }, "admin_token", new Date());
  setSessionCookie(c, secret);
  return true;
}

export async function logOut(c: Context<AdminEnv>): Promise<void> {
  const secret = getCookie(c, SESSION_COOKIE);
  if (secret) await closeSession(c.var.db, secret);
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, secure: true });
}

// ─── sign-in routes (before adminAuth) ───────────────────────────────────────

export const signInRoutes = new Hono<AdminEnv>();

const LINK_PROBLEMS: Record<Exclude<LinkState, { ok: true }>["reason"], { status: 400 | 410; title: string; body: string }> = {
  unknown: { status: 400, title: "This sign-in link is not valid", body: "The link is incomplete or was not made by Quorum. Ask for a new link on the sign-in page." },
  used: { status: 410, title: "This sign-in link was already used", body: "Each link signs in once. Ask for a new link on the sign-in page." },
  expired: { status: 410, title: "This sign-in link has expired", body: "Links work for 15 minutes. Ask for a new link on the sign-in page." },
  deactivated: { status: 410, title: "This sign-in link no longer works", body: "The account it was sent to is not active. Ask an admin." },
};

const clientOf = (c: Context<AdminEnv>) => c.req.header("cf-connecting-ip") ?? null;

function linkProblem(c: Context<AdminEnv>, reason: keyof typeof LINK_PROBLEMS) {
  const problem = LINK_PROBLEMS[reason];
  return c.html(adminMessagePage({ nonce: c.var.nonce, viewer: null, title: problem.title, body: problem.body, back: { href: "/admin/login", label: "Go to the sign-in page" } }), problem.status);
}

function throttled(c: Context<AdminEnv>, seconds: number, page: (message: string) => string) {
  c.header("Retry-After", String(seconds));
  return c.html(page(`Too many sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`), 429);
}

async function formField(c: Context<AdminEnv>, name: string): Promise<string> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const value = body[name];
  return typeof value === "string" ? value.trim() : "";
}

/**
 * Where to go once signed in: a page of the admin UI only — never another site (`//host`, a backslash) and never the
 * sign-in pages themselves. Anything else is dropped (the Overview opens).
 */
export function safeNext(value: string | null | undefined): string | null {
  if (!value || value.length > 2000 || /[\\\s]/.test(value) || value.startsWith("//")) return null;
  if (!/^\/admin(\/|\?|$)/.test(value) || /^\/admin\/(login|sign-in|logout)/.test(value)) return null;
  return value;
}

/** The sign-in page, remembering the admin page being opened (the Overview needs no reminder). */
function loginPathFor(requestUrl: string): string {
  const url = new URL(requestUrl);
  const next = safeNext(url.pathname + url.search);
  return next && next !== "/admin" ? `/admin/login?next=${encodeURIComponent(next)}` : "/admin/login";
}

const nextFrom = async (c: Context<AdminEnv>) => safeNext(await formField(c, "next"));

signInRoutes.get("/login", (c) => {
  // A cookie from before the session moved to path / would shadow the new one under /admin.
  if (getCookie(c, SESSION_COOKIE)) deleteCookie(c, SESSION_COOKIE, { path: "/admin", secure: true });
  return c.html(loginPage({ nonce: c.var.nonce, next: safeNext(c.req.query("next")) }));
});

/** The admin-token form. Failures count against the client. */
signInRoutes.post("/login", async (c) => {
  const next = await nextFrom(c);
  const page = (error: string) => loginPage({ nonce: c.var.nonce, error, tokenOpen: true, next });
  if (!isSameOrigin(c)) return c.html(page("This form must be sent from the Quorum sign-in page."), 403);
  const keys = await throttleKeys(c.env.HMAC_SECRET, { client: clientOf(c) });
  const wait = await retryAfterSeconds(c.var.db, keys);
  if (wait) return throttled(c, wait, page);
  const token = await formField(c, "token");
  if (!token || !(await logIn(c, token))) {
    await recordAttempt(c.var.db, keys);
    return c.html(page("That token is unknown, revoked, or lacks the admin scope."), 401);
  }
  return c.redirect(next ?? "/admin", 303);
});

/**
 * A link by email: every request counts against the address and the client; the answer is the same whether or not
 * the address is an active user (only then is a link sent).
 */
signInRoutes.post("/login/email", async (c) => {
  const next = await nextFrom(c);
  if (!isSameOrigin(c)) return c.html(loginPage({ nonce: c.var.nonce, error: "This form must be sent from the Quorum sign-in page.", next }), 403);
  const email = await formField(c, "email");
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) {
    return c.html(loginPage({ nonce: c.var.nonce, email, emailError: "Enter your work email address, like name@example.com.", next }), 400);
  }
  const keys = await throttleKeys(c.env.HMAC_SECRET, { email, client: clientOf(c) });
  const wait = await retryAfterSeconds(c.var.db, keys);
  if (wait) return throttled(c, wait, (error) => loginPage({ nonce: c.var.nonce, email, error, next }));
  await recordAttempt(c.var.db, keys);
  const user = await findUserByEmail(c.var.db, email);
  if (user?.status === "active") {
    // After the answer, so a known address does not answer measurably slower than an unknown one.
    afterResponse(c, sendSignInLink(c.var.db, mailProviderFor(c.env, c.var.db), user, { publicUrl: c.env.PUBLIC_URL || new URL(c.req.url).origin, next }));
  }
  return c.html(loginPage({ nonce: c.var.nonce, sent: true, next }));
});

/** Work that must not delay the response: waitUntil where the runtime offers it, else awaited. */
function afterResponse(c: Context<AdminEnv>, work: Promise<unknown>): void | Promise<unknown> {
  const logged = work.catch((error: unknown) => console.error("sign-in mail failed", error));
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    return logged;
  }
}

/** The emailed link: checks it without using it, and asks for one click (mail scanners follow links). */
signInRoutes.get("/sign-in", async (c) => {
  const link = c.req.query("link") ?? "";
  const state = link ? await inspectSignInLink(c.var.db, link) : ({ ok: false, reason: "unknown" } as const);
  if (!state.ok) return linkProblem(c, state.reason);
  return c.html(signInConfirmPage({ nonce: c.var.nonce, link, name: state.user.name, next: safeNext(c.req.query("next")) }));
});

/** Uses the link (once) and opens the person's session. A bad link counts against the client; nothing else is written. */
signInRoutes.post("/sign-in", async (c) => {
  if (!isSameOrigin(c)) return refuse(c, 403, "Sign-in refused", "This form must be sent from the Quorum sign-in page.");
  const keys = await throttleKeys(c.env.HMAC_SECRET, { client: clientOf(c) });
  const wait = await retryAfterSeconds(c.var.db, keys);
  if (wait) return throttled(c, wait, (error) => adminMessagePage({ nonce: c.var.nonce, viewer: null, title: "Sign-in paused", body: error }));
  const link = await formField(c, "link");
  const state = link ? await useSignInLink(c.var.db, link) : ({ ok: false, reason: "unknown" } as const);
  if (!state.ok) {
    await recordAttempt(c.var.db, keys);
    return linkProblem(c, state.reason);
  }
  await startUserSession(c, state.user, "email_link");
  return c.redirect((await nextFrom(c)) ?? "/admin", 303);
});
