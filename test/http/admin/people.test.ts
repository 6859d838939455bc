import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { workerFetch } from "../../support/api";
import { adminSession } from "../../support/admin";
import { formPost, inviteUser, latestSignInLink, signInAs, uniqueEmail } from "../../support/people";

const page = (path: string, cookie: string) => workerFetch(path, { redirect: "manual", headers: { cookie } });
const post = (path: string, cookie: string, fields: Record<string, string>) => workerFetch(path, formPost(fields, { cookie }));
const userRow = (email: string) => env.DB.prepare("SELECT id, name, role, status FROM users WHERE email = ?").bind(email).first<{ id: string; name: string; role: string; status: string }>();

describe("/admin/people", () => {
  it("lists people in at most 3 D1 round trips, with the invite form, role and deactivate forms for an admin", async () => {
    const admin = await inviteUser("admin", { name: "Ada Admin" });
    const other = await inviteUser("analyst", { name: "Otto <b>Other</b>" });
    const { cookie } = await signInAs(admin);
    const res = await page("/admin/people", cookie);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("x-d1-round-trips"))).toBeLessThanOrEqual(3);
    const html = await res.text();
    expect(html).toContain("<h1>People</h1>");
    expect(html).toContain('aria-current="page">Administration');
    expect(html).toContain(other.email);
    expect(html).toContain("Otto &lt;b&gt;Other&lt;/b&gt;");
    expect(html).toContain('action="/admin/people"');
    expect(html).toContain(`action="/admin/people/${other.id}/deactivate"`);
    expect(html).toContain(`action="/admin/people/${other.id}/role"`);
    // Nobody deactivates themselves by a slip.
    expect(html).not.toContain(`action="/admin/people/${admin.id}/deactivate"`);
    expect(new TextEncoder().encode(html).length).toBeLessThan(150 * 1024);
  });

  it("invites: problems beside the fields and nothing written, then a user with a sign-in mail, audited as the person", async () => {
    const admin = await inviteUser("admin");
    const { cookie, csrf } = await signInAs(admin);
    const email = uniqueEmail("new");

    const bad = await post("/admin/people", cookie, { csrf, email: "not-an-email", name: "", role: "boss" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    for (const field of ["email", "name", "role"]) expect(html).toContain(`id="f-${field}-error"`);
    expect(html).toContain('value="not-an-email"');
    expect(await userRow("not-an-email")).toBeNull();

    const ok = await post("/admin/people", cookie, { csrf, email: email.toUpperCase(), name: "Nina New", role: "account_manager" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin/people?done=invited");
    const row = await userRow(email);
    expect(row).toMatchObject({ name: "Nina New", role: "account_manager", status: "active" });
    expect(await latestSignInLink(email)).toMatch(/\/admin\/sign-in\?link=/);
    const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'user.invite' AND entity_id = ?").bind(row!.id).first<{ actor: string }>();
    expect(audit?.actor).toBe(`user:${admin.id}`);
    expect(await (await page("/admin/people?done=invited", cookie)).text()).toContain("Invited: a sign-in link is on its way");

    const twice = await post("/admin/people", cookie, { csrf, email, name: "Nina Again", role: "analyst" });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain('id="f-email-error"');
    expect((await userRow(email))?.name).toBe("Nina New");
  });

  it("changes a role and deactivates: the deactivated person's session ends at once", async () => {
    const admin = await inviteUser("admin");
    const target = await inviteUser("analyst");
    const { cookie, csrf } = await signInAs(admin);
    const theirs = await signInAs(target);
    expect((await page("/admin/people", theirs.cookie)).status).toBe(200);

    expect((await post(`/admin/people/${target.id}/role`, cookie, { csrf, role: "account_manager" })).status).toBe(303);
    expect((await userRow(target.email))?.role).toBe("account_manager");
    expect((await post(`/admin/people/${target.id}/role`, cookie, { csrf, role: "owner" })).status).toBe(422);

    const res = await post(`/admin/people/${target.id}/deactivate`, cookie, { csrf });
    expect(res.status).toBe(303);
    expect((await userRow(target.email))?.status).toBe("deactivated");
    const after = await page("/admin/people", theirs.cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/admin/login?next=%2Fadmin%2Fpeople");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions WHERE user_id = ?").bind(target.id).first("n")).toBe(0);

    expect((await post(`/admin/people/${target.id}/reactivate`, cookie, { csrf })).status).toBe(303);
    expect((await userRow(target.email))?.status).toBe("active");
  });

  it("lets analysts and account managers look but not post (403 page, nothing written); forms without the CSRF token are refused", async () => {
    const admin = await inviteUser("admin");
    for (const role of ["analyst", "account_manager"] as const) {
      const reader = await inviteUser(role);
      const { cookie, csrf } = await signInAs(reader);
      const view = await page("/admin/people", cookie);
      expect(view.status).toBe(200);
      const html = await view.text();
      expect(html).not.toContain('action="/admin/people"');
      expect(html).not.toContain("/deactivate");
      const email = uniqueEmail("sneaky");
      const res = await post("/admin/people", cookie, { csrf, email, name: "Sneaky", role: "admin" });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      expect(await res.text()).toContain("can read everything but not change it");
      expect(await userRow(email)).toBeNull();
      expect((await post(`/admin/people/${admin.id}/deactivate`, cookie, { csrf })).status).toBe(403);
      expect((await userRow(admin.email))?.status).toBe("active");
    }
    const { cookie } = await signInAs(admin);
    const email = uniqueEmail("nocsrf");
    expect((await post("/admin/people", cookie, { email, name: "No Csrf", role: "analyst" })).status).toBe(403);
    expect(await userRow(email)).toBeNull();
  });
});

describe("/admin/people with many people", () => {
  it("pages 50 at a time, each page well under 150 KB and in at most 3 round trips", async () => {
    const admin = await inviteUser("admin");
    const { cookie } = await signInAs(admin);
    const rows = Array.from({ length: 60 }, (_, i) => env.DB.prepare("INSERT INTO users (id, email, name, role) VALUES (?, ?, ?, 'analyst')").bind(`usr_zz${String(i).padStart(3, "0")}`, `many-${i}@vendor.test`, `Many Person With A Fairly Long Name ${i}`));
    await env.DB.batch(rows);
    let path: string | null = "/admin/people";
    let pages = 0;
    const seen = new Set<string>();
    while (path) {
      const res = await page(path, cookie);
      expect(res.status).toBe(200);
      expect(Number(res.headers.get("x-d1-round-trips"))).toBeLessThanOrEqual(3);
      const html = await res.text();
      expect(new TextEncoder().encode(html).length).toBeLessThan(150 * 1024);
      for (const [, email] of html.matchAll(/<td>(many-\d+@vendor\.test)<\/td>/g)) seen.add(email!);
      path = /<a href="(\/admin\/people\?after=[^"]+)">Next page<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? null;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBe(60);
  });
});

describe("/admin/people and the last active admin", () => {
  it("says on the People page why the last active admin keeps their role and account (it was a bare 'Conflict' page)", async () => {
    const last = await inviteUser("admin");
    // Every other admin deactivated: the set-up token (no person) acts.
    await env.DB.prepare("UPDATE users SET status = 'deactivated' WHERE role = 'admin' AND id <> ?").bind(last.id).run();
    const { cookie, csrf } = await adminSession();
    for (const [path, fields] of [[`/admin/people/${last.id}/role`, { csrf, role: "analyst" }], [`/admin/people/${last.id}/deactivate`, { csrf }]] as const) {
      const res = await post(path, cookie, fields);
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain("<h1>People</h1>");
      expect(html).toMatch(/<p class="alert" role="alert">[^<]*is the last active admin; make someone else an admin before you/);
      expect(html).toContain(last.email);
    }
    expect(await userRow(last.email)).toMatchObject({ role: "admin", status: "active" });
  });
});

describe("/admin/people before anyone is invited", () => {
  it("says nobody is there yet, without an empty table's headers", async () => {
    // A fresh deployment has only the set-up token and no people; a page past the last id lists nobody the same way.
    const { cookie } = await adminSession();
    const res = await page(`/admin/people?after=${encodeURIComponent("usr_~")}`, cookie);
    const html = await res.text();
    expect(html).toContain("Nobody yet.");
    expect(html).not.toContain('aria-label="People"');
  });
});
