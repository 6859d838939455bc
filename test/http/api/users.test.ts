import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json, workerFetch } from "../../support/api";
import { inviteUser, latestSignInLink, uniqueEmail } from "../../support/people";
import { tokenWithScopes } from "../../support/tokens";

describe("/api/v1/users", () => {
  it("invites (lower-cased email, sign-in mail in the outbox, audited), reads, pages", async () => {
    const email = uniqueEmail("api");
    const res = await api("POST", "/users", { email: email.toUpperCase(), name: "  Api Person ", role: "analyst" });
    expect(res.status).toBe(201);
    const user = await json(res);
    expect(user).toMatchObject({ email, name: "Api Person", role: "analyst", status: "active", deactivatedAt: null });
    expect(user.id).toMatch(/^usr_/);
    const mail = await env.DB.prepare("SELECT subject, text_body FROM outbox WHERE to_email = ? AND kind = 'sign_in'").bind(email).first<{ subject: string; text_body: string }>();
    expect(mail?.subject).toMatch(/invited to Quorum/);
    expect(mail?.text_body).toContain("It works once, for 15 minutes");
    expect(await latestSignInLink(email)).toBeTruthy();
    const audit = await env.DB.prepare("SELECT actor, detail FROM audit_log WHERE action = 'user.invite' AND entity_id = ?").bind(user.id).first<{ actor: string; detail: string }>();
    expect(audit?.actor).toBe("bootstrap");
    expect(JSON.parse(audit!.detail)).toEqual({ email, name: "Api Person", role: "analyst" });

    expect(await json(await api("GET", `/users/${user.id}`))).toEqual(user);
    await inviteUser("account_manager");
    await inviteUser("admin");
    const first = await json(await api("GET", "/users?limit=2"));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = await json(await api("GET", `/users?limit=2&cursor=${first.nextCursor}`));
    expect(second.items[0].id > first.items[1].id).toBe(true);
    expect((await api("GET", "/users/usr_nope")).status).toBe(404);
    expect((await json(await api("GET", `/users?email=${encodeURIComponent(email.toUpperCase())}`))).items).toEqual([user]);
  });

  it("refuses bad input with field paths and writes nothing; a taken address is a 409", async () => {
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>())!.n;
    const res = await api("POST", "/users", { email: "nope", name: "", role: "owner", extra: 1 });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const paths = (await json(res)).errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["email", "name", "role"]));
    const taken = await inviteUser("analyst");
    const again = await api("POST", "/users", { email: taken.email, name: "Again", role: "admin" });
    expect(again.status).toBe(409);
    expect((await json(again)).errors).toEqual([{ path: "email", message: "already a user" }]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>())!.n).toBe(before + 1);
    // Invited twice at once (a double-clicked form, two admins): one user, and a 409 for the other, never a 500.
    const twice = uniqueEmail("twice");
    const racing = await Promise.all([1, 2].map((n) => api("POST", "/users", { email: twice, name: `Twice ${n}`, role: "analyst" })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(twice).first<{ n: number }>())!.n).toBe(1);
    expect((await api("PATCH", `/users/${taken.id}`, {})).status).toBe(400);
  });

  it("changes a role, deactivates and reactivates (idempotent, audited)", async () => {
    const user = await inviteUser("analyst");
    expect(await json(await api("PATCH", `/users/${user.id}`, { role: "account_manager" }))).toMatchObject({ role: "account_manager" });
    const off = await json(await api("POST", `/users/${user.id}/deactivate`));
    expect(off.status).toBe("deactivated");
    expect(off.deactivatedAt).toBeTruthy();
    expect(await json(await api("POST", `/users/${user.id}/deactivate`))).toEqual(off);
    expect((await json(await api("GET", "/users?status=deactivated"))).items.map((u: { id: string }) => u.id)).toContain(user.id);
    expect((await api("POST", `/users/${user.id}/sign-in-link`)).status).toBe(409);
    expect(await json(await api("POST", `/users/${user.id}/reactivate`))).toMatchObject({ status: "active", deactivatedAt: null });
    const actions = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(user.id).all<{ action: string }>();
    expect(actions.results.map((r) => r.action)).toEqual(["user.invite", "user.update", "user.deactivate", "user.reactivate"]);
  });

  it("lets read tokens list users but only admins change them; integrations see nothing", async () => {
    const { token: read } = await tokenWithScopes(["read"]);
    const { token: integration } = await tokenWithScopes(["integration"]);
    expect((await api("GET", "/users", undefined, { token: read })).status).toBe(200);
    expect((await api("POST", "/users", { email: uniqueEmail(), name: "X", role: "admin" }, { token: read })).status).toBe(403);
    expect((await api("GET", "/users", undefined, { token: integration })).status).toBe(403);
    expect((await api("GET", "/users/me", undefined, { token: read })).status).toBe(200);
  });

  it("issues a sign-in link through the API in local mode only, and it signs the person in", async () => {
    const user = await inviteUser("admin");
    const res = await api("POST", `/users/${user.id}/sign-in-link`);
    expect(res.status).toBe(201);
    const { url, expiresAt } = await json(res);
    expect(url).toMatch(/^http:\/\/quorum\.test\/admin\/sign-in\?link=/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    const signIn = await workerFetch("/admin/sign-in", {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://quorum.test" },
      body: new URLSearchParams({ link: new URL(url).searchParams.get("link")! }).toString(),
    });
    expect(signIn.status).toBe(303);
    const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'user.sign_in_link' AND entity_id = ?").bind(user.id).first<{ actor: string }>();
    expect(audit?.actor).toBe("bootstrap");
  });

  it("is in the OpenAPI document", async () => {
    const doc = await json(await api("GET", "/openapi.json", undefined, { token: null }));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/users", "/users/{id}", "/users/{id}/deactivate", "/users/me", "/users/{id}/sign-in-link"]));
  });

  it("keeps one active admin: the last one can be neither demoted nor deactivated", async () => {
    const last = await inviteUser("admin");
    await env.DB.prepare("UPDATE users SET status = 'deactivated' WHERE role = 'admin' AND id != ?").bind(last.id).run();
    const demote = await api("PATCH", `/users/${last.id}`, { role: "analyst" });
    expect(demote.status).toBe(409);
    expect((await json(demote)).detail).toContain("last active admin");
    expect((await api("POST", `/users/${last.id}/deactivate`)).status).toBe(409);
    expect(await json(await api("GET", `/users/${last.id}`))).toMatchObject({ role: "admin", status: "active" });
  });
});
