import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverInvitation } from "../../../src/domain/delivery/deliver";
import { OutboxProvider } from "../../../src/domain/delivery/providers/outbox";
import { sha256Hex } from "../../../src/lib/crypto";
import { ADMIN_TOKEN, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";

const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  redirect: "manual",
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams(fields).toString(),
});

async function logIn(): Promise<string> {
  const res = await workerFetch("/admin/login", form({ token: ADMIN_TOKEN }, { origin: "http://quorum.test" }));
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/admin");
  const cookie = res.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/^quorum_session=[\w-]+;/);
  expect(cookie).toContain("HttpOnly");
  expect(cookie).toContain("Secure");
  expect(cookie).toContain("SameSite=Strict");
  expect(cookie).toContain("Path=/;");
  return cookie.split(";")[0]!;
}

const page = (path: string, headers: Record<string, string> = {}) => workerFetch(path, { redirect: "manual", headers });

async function mailInOutbox() {
  const account = await makeAccount({ ownerName: "Olivia Owner" });
  const contact = await makeContact(account.id, { name: "Pat <b>Person</b>" });
  const invitation = await makeInvitation(contact, await makeSurvey(), { status: "queued", sentAt: null });
  const db = testDb();
  await deliverInvitation(env, db, new OutboxProvider(db), invitation.id, "invitation", new Date());
  return (await env.DB.prepare("SELECT survey_url, unsubscribe_url, to_email FROM outbox WHERE invitation_id = ?").bind(invitation.id).first<Record<string, string>>())!;
}

describe("/admin", () => {
  it("sends strangers to the login page and refuses a wrong token", async () => {
    const res = await page("/admin/outbox");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/login?next=%2Fadmin%2Foutbox");
    const login = await page("/admin/login");
    expect(login.status).toBe(200);
    expect(login.headers.get("x-frame-options")).toBe("DENY");
    expect(await login.text()).toContain('<label for="f-token">');

    const wrong = await workerFetch("/admin/login", form({ token: "not-a-token" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const crossSite = await workerFetch("/admin/login", form({ token: ADMIN_TOKEN }, { origin: "https://evil.test" }));
    expect(crossSite.status).toBe(403);
  });

  it("stores sessions hashed and lists the outbox, newest first, with clickable links that work", async () => {
    const mail = await mailInOutbox();
    const cookie = await logIn();
    const secret = cookie.split("=")[1]!;
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions WHERE id_hash = ?").bind(await sha256Hex(secret)).first<{ n: number }>();
    expect(stored?.n).toBe(1);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions WHERE id_hash = ?").bind(secret).first<{ n: number }>())?.n).toBe(0);

    const home = await page("/admin", { cookie });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Admin token <span class=\"visually-hidden\">signed in as</span>(Admin)");

    const res = await page("/admin/outbox", { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<a href="${mail.survey_url}">Survey</a>`);
    expect(html).toContain(`<a href="${mail.unsubscribe_url}">Unsubscribe</a>`);
    expect(html).toContain(mail.to_email);
    expect(html).not.toContain("<b>Person</b>");
    expect((await workerFetch(new URL(mail.survey_url!).pathname)).status).toBe(200);

    const newer = await mailInOutbox();
    const again = await (await page("/admin/outbox", { cookie })).text();
    expect(again.indexOf(newer.survey_url!)).toBeLessThan(again.indexOf(mail.survey_url!));
  });

  it("accepts an admin bearer token instead of a session", async () => {
    const res = await page("/admin/outbox", { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(res.status).toBe(200);
    expect((await page("/admin/outbox", { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("checks the CSRF token on forms: logout without it is refused, with it ends the session", async () => {
    const cookie = await logIn();
    const home = await (await page("/admin", { cookie })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(home)?.[1];
    expect(csrf).toBeTruthy();

    expect((await workerFetch("/admin/logout", form({}, { cookie }))).status).toBe(403);
    expect((await workerFetch("/admin/logout", form({ csrf: "forged" }, { cookie }))).status).toBe(403);
    expect((await page("/admin", { cookie })).status).toBe(200);

    const out = await workerFetch("/admin/logout", form({ csrf: csrf! }, { cookie }));
    expect(out.status).toBe(303);
    expect((await page("/admin", { cookie })).status).toBe(303);
  });
});
