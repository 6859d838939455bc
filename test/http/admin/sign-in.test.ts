import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createSignInLink, SIGN_IN_LINK_MINUTES } from "../../../src/domain/access/sign-in-links";
import { MAX_PER_ADDRESS, MAX_PER_CLIENT } from "../../../src/domain/access/throttle";
import { buildApp } from "../../../src/app";
import { sha256Hex } from "../../../src/lib/crypto";
import { ADMIN_TOKEN, api, json, workerFetch } from "../../support/api";
import { countRows, testDb } from "../../support/fixtures";
import { awaitSignInLink, formPost, inviteUser, latestSignInLink, linkSecret, sessionCookie, setCookies, signInAs, uniqueEmail, useLink } from "../../support/people";
import { tokenWithScopes } from "../../support/tokens";

const page = (path: string, headers: Record<string, string> = {}) => workerFetch(path, { redirect: "manual", headers });
const sessions = () => countRows("SELECT count(*) AS n FROM admin_sessions");
let ip = 0;
/** Each test is its own client, so the per-client throttle of one test does not spill into the next. */
const client = () => ({ "cf-connecting-ip": `203.0.113.${++ip}`, origin: "http://quorum.test" });
const requestLink = (email: string, headers = client()) => workerFetch("/admin/login/email", formPost({ email }, headers));

describe("sign-in by email link", () => {
  it("mails a single-use link to an active user; opening it asks for one click; the session names the person", async () => {
    const user = await inviteUser("analyst", { name: "Ana Lyst" });
    const headers = client();
    const invitation = await latestSignInLink(user.email);
    const res = await requestLink(user.email, headers);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("If that address belongs to an active Quorum user, a sign-in link is on its way");
    const url = await awaitSignInLink(user.email, invitation);
    expect(url).toMatch(/^http:\/\/quorum\.test\/admin\/sign-in\?link=[\w-]+$/);
    // Only the hash of the secret is stored.
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE id_hash = ?", await sha256Hex(linkSecret(url)))).toBe(1);
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE id_hash = ?", linkSecret(url))).toBe(0);

    // A mail scanner following the link does not use it up.
    const confirm = await page(new URL(url).pathname + new URL(url).search);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Signing in as Ana Lyst");
    const signedIn = await useLink(url, headers);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/admin");
    const setCookie = setCookies(signedIn).join("\n");
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/;/);
    const cookie = sessionCookie(signedIn);

    const home = await page("/admin/people", { cookie });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Ana Lyst <span class="visually-hidden">signed in as</span>(Analyst)');
    const audit = await env.DB.prepare("SELECT actor, detail FROM audit_log WHERE action = 'admin.login' AND actor = ?").bind(`user:${user.id}`).all();
    expect(audit.results).toEqual([{ actor: `user:${user.id}`, detail: JSON.stringify({ via: "email_link" }) }]);

    // Used once: the second use is refused with a page that says so, and opens nothing.
    const before = await sessions();
    const again = await useLink(url, client());
    expect(again.status).toBe(410);
    expect(setCookies(again)).toEqual([]);
    expect(await again.text()).toContain("This sign-in link was already used");
    expect((await page(new URL(url).pathname + new URL(url).search)).status).toBe(410);
    expect(await sessions()).toBe(before);
  });

  it("refuses a forged link and an expired one with a clear page, writing no session", async () => {
    const user = await inviteUser("admin");
    const before = await sessions();
    const forged = await useLink("http://quorum.test/admin/sign-in?link=forged-0123456789abcdefghijklmnopqrstuvwxyz", client());
    expect(forged.status).toBe(400);
    expect(forged.headers.get("content-type")).toMatch(/text\/html/);
    expect(await forged.text()).toContain("This sign-in link is not valid");
    expect((await page("/admin/sign-in?link=forged")).status).toBe(400);
    expect((await page("/admin/sign-in")).status).toBe(400);

    const longAgo = new Date(Date.now() - (SIGN_IN_LINK_MINUTES + 1) * 60_000);
    const { secret } = await createSignInLink(testDb(), user.id, longAgo);
    const expired = await useLink(`http://quorum.test/admin/sign-in?link=${secret}`, client());
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("This sign-in link has expired");
    expect(await sessions()).toBe(before);
    expect(await countRows("SELECT count(*) AS n FROM sign_in_links WHERE id_hash = ? AND used_at IS NOT NULL", await sha256Hex(secret))).toBe(0);
  });

  it("answers the same whether or not the address is known, and mails only active users", async () => {
    const known = await inviteUser("account_manager");
    const stranger = uniqueEmail("stranger");
    const mails = () => countRows("SELECT count(*) AS n FROM outbox WHERE kind = 'sign_in'");
    const before = await mails();
    const a = await requestLink(known.email);
    const b = await requestLink(stranger);
    expect(b.status).toBe(a.status);
    const strip = (html: string) => html.replace(/nonce="[^"]*"/g, "");
    expect(strip(await b.text())).toBe(strip(await a.text()));
    for (let i = 0; i < 50 && (await mails()) < before + 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await mails()).toBe(before + 1);
    expect(await latestSignInLink(stranger)).toBeNull();

    const bad = await requestLink("not-an-address");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-email-error"');
  });

  it("refuses a deactivated user: no link is mailed, an earlier link and an open session end at once", async () => {
    const user = await inviteUser("analyst");
    const { cookie } = await signInAs(user);
    const spare = await api("POST", `/users/${user.id}/sign-in-link`);
    const spareUrl = (await json(spare)).url as string;
    expect((await page("/admin/people", { cookie })).status).toBe(200);

    expect((await api("POST", `/users/${user.id}/deactivate`)).status).toBe(200);
    expect((await page("/admin/people", { cookie })).status).toBe(303);
    expect((await api("GET", "/users", undefined, { token: null, headers: { cookie } })).status).toBe(401);
    const stale = await useLink(spareUrl, client());
    expect(stale.status).toBe(410);
    expect(await stale.text()).toContain("This sign-in link no longer works");

    const mailsBefore = await countRows("SELECT count(*) AS n FROM outbox WHERE to_email = ?", user.email);
    expect((await requestLink(user.email)).status).toBe(200);
    expect(await countRows("SELECT count(*) AS n FROM outbox WHERE to_email = ?", user.email)).toBe(mailsBefore);
  });

  it("throttles link requests per address (429 with Retry-After) whichever client asks", async () => {
    const user = await inviteUser("analyst");
    for (let i = 0; i < MAX_PER_ADDRESS; i++) expect((await requestLink(user.email)).status).toBe(200);
    const refused = await requestLink(user.email);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await refused.text()).toContain("Too many sign-in attempts");
    // No IP and no address in clear.
    const keys = await env.DB.prepare("SELECT key FROM sign_in_attempts").all<{ key: string }>();
    expect(keys.results.every((r) => /^(client|address):[0-9a-f]{64}$/.test(r.key))).toBe(true);
    expect(keys.results.map((r) => r.key.split(":")[0])).toContain("address"); // the address's count is there, hashed
  });

  it("throttles failed sign-ins per client: wrong tokens, then even a right token waits", async () => {
    const headers = client();
    for (let i = 0; i < MAX_PER_CLIENT; i++) {
      expect((await workerFetch("/admin/login", formPost({ token: `wrong-${i}` }, headers))).status).toBe(401);
    }
    const refused = await workerFetch("/admin/login", formPost({ token: ADMIN_TOKEN }, headers));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(setCookies(refused)).toEqual([]);
    expect((await requestLink(uniqueEmail(), headers)).status).toBe(429);
    // Another client is not affected.
    expect((await workerFetch("/admin/login", formPost({ token: ADMIN_TOKEN }, client()))).status).toBe(303);
  });
});

describe("signing in from a link to a page", () => {
  it("opens the page the person was opening — through the emailed link or the token — and never another site", async () => {
    const user = await inviteUser("account_manager", { name: "Tom Deep" });
    const opened = await page("/admin/cases?status=open");
    expect(opened.headers.get("location")).toBe("/admin/login?next=%2Fadmin%2Fcases%3Fstatus%3Dopen");
    const login = await (await page(opened.headers.get("location")!)).text();
    expect(login.match(/name="next" value="\/admin\/cases\?status=open"/g)).toHaveLength(2); // both forms carry it

    // By email: the link carries the page; the confirm page passes it on; signing in lands there.
    const headers = client();
    const before = await latestSignInLink(user.email);
    await workerFetch("/admin/login/email", formPost({ email: user.email, next: "/admin/cases?status=open" }, headers));
    const url = await awaitSignInLink(user.email, before);
    expect(url).toMatch(/&next=%2Fadmin%2Fcases%3Fstatus%3Dopen$/);
    const confirm = await (await page(new URL(url).pathname + new URL(url).search)).text();
    expect(confirm).toContain('name="next" value="/admin/cases?status=open"');
    const signedIn = await workerFetch("/admin/sign-in", formPost({ link: linkSecret(url), next: "/admin/cases?status=open" }, headers));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/admin/cases?status=open");

    // By token, and a next that leaves the admin UI is dropped: the Overview opens instead.
    const byToken = await workerFetch("/admin/login", formPost({ token: ADMIN_TOKEN, next: "/admin/accounts" }, client()));
    expect(byToken.headers.get("location")).toBe("/admin/accounts");
    for (const elsewhere of ["https://evil.test/admin", "//evil.test/admin", "/\\evil.test", "/api/v1/accounts", "/admin/login"]) {
      const res = await workerFetch("/admin/login", formPost({ token: ADMIN_TOKEN, next: elsewhere }, client()));
      expect(res.headers.get("location")).toBe("/admin");
    }
    expect((await page("/admin/login?next=https%3A%2F%2Fevil.test")).status).toBe(200);
    expect(await (await page("/admin/login?next=https%3A%2F%2Fevil.test")).text()).not.toContain('name="next"');
  });
});

describe("sessions re-checked on every request", () => {
  it("ends the session of a revoked token at once", async () => {
    const { id, token } = await tokenWithScopes(["admin"]);
    const res = await workerFetch("/admin/login", formPost({ token }, client()));
    expect(res.status).toBe(303);
    const cookie = sessionCookie(res);
    expect((await page("/admin/outbox", { cookie })).status).toBe(200);
    expect((await api("DELETE", `/tokens/${id}`)).status).toBe(200);
    const after = await page("/admin/outbox", { cookie });
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/admin/login?next=%2Fadmin%2Foutbox");
  });

  it("ends admin-token sessions when ADMIN_TOKEN is rotated", async () => {
    const res = await workerFetch("/admin/login", formPost({ token: ADMIN_TOKEN }, client()));
    const cookie = sessionCookie(res);
    const app = buildApp();
    const get = (adminToken: string) => app.fetch(new Request("http://quorum.test/admin/outbox", { headers: { cookie }, redirect: "manual" }), { ...env, ADMIN_TOKEN: adminToken });
    expect((await get(ADMIN_TOKEN)).status).toBe(200);
    expect((await get("rotated-admin-token-0123456789abcdef")).status).toBe(303);
    const stored = await env.DB.prepare("SELECT actor, token_id FROM admin_sessions WHERE id_hash = ?").bind(await sha256Hex(cookie.split("=")[1]!)).first<{ actor: string; token_id: string }>();
    expect(stored?.actor).toBe("bootstrap");
    expect(stored?.token_id).toMatch(/^bootstrap:[0-9a-f]{16}$/);
    expect(stored?.token_id).not.toContain(ADMIN_TOKEN);
  });

  it("follows a role change at once: an admin made analyst can no longer post forms", async () => {
    const user = await inviteUser("admin");
    const { cookie, csrf } = await signInAs(user);
    expect((await api("PATCH", `/users/${user.id}`, { role: "analyst" })).status).toBe(200);
    const res = await workerFetch("/admin/people", formPost({ csrf, email: uniqueEmail(), name: "X", role: "analyst" }, { cookie }));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Read-only access");
  });
});

describe("/api/v1 with the same-origin session", () => {
  it("reads with the cookie, writes only with the CSRF token in X-CSRF-Token", async () => {
    const admin = await inviteUser("admin", { name: "Ada Admin" });
    const { cookie, csrf } = await signInAs(admin);
    const viaCookie = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => api(method, path, body, { token: null, headers: { cookie, ...headers } });

    const me = await json(await viaCookie("GET", "/users/me"));
    expect(me).toMatchObject({ actor: `user:${admin.id}`, user: { email: admin.email, name: "Ada Admin", role: "admin" }, scopes: ["admin"], csrfToken: csrf });
    expect((await viaCookie("GET", "/users")).status).toBe(200);

    const invite = { email: uniqueEmail(), name: "Via Cookie", role: "analyst" };
    const refused = await viaCookie("POST", "/users", invite);
    expect(refused.status).toBe(403);
    expect((await json(refused)).detail).toContain("X-CSRF-Token");
    expect((await viaCookie("POST", "/users", invite, { "x-csrf-token": "forged" })).status).toBe(403);
    expect(await countRows("SELECT count(*) AS n FROM users WHERE email = ?", invite.email)).toBe(0);

    const created = await viaCookie("POST", "/users", invite, { "x-csrf-token": csrf });
    expect(created.status).toBe(201);
    const createdId = (await json(created)).id;
    // The audit log names the person who acted.
    const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'user.invite' AND entity_id = ?").bind(createdId).first<{ actor: string }>();
    expect(audit?.actor).toBe(`user:${admin.id}`);
    expect(await json(await api("GET", `/users/${admin.id}`))).toMatchObject({ email: admin.email, name: "Ada Admin" });
  });

  it("gives analysts and account managers read access only", async () => {
    for (const role of ["analyst", "account_manager"] as const) {
      const user = await inviteUser(role);
      const { cookie, csrf } = await signInAs(user);
      const headers = { cookie, "x-csrf-token": csrf };
      expect((await api("GET", "/users", undefined, { token: null, headers })).status).toBe(200);
      const write = await api("POST", "/users", { email: uniqueEmail(), name: "Nope", role: "admin" }, { token: null, headers });
      expect(write.status).toBe(403);
      expect((await api("POST", `/users/${user.id}/deactivate`, undefined, { token: null, headers })).status).toBe(403);
    }
    expect((await api("GET", "/users", undefined, { token: null })).status).toBe(401);
  });
});
