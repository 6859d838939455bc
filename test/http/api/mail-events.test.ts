import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { emailHmac } from "../../../src/domain/directory/suppression";
import { workerFetch, json } from "../../support/api";
import { makeAccount, makeContact } from "../../support/fixtures";

function signed(body: unknown, secret = env.MAIL_WEBHOOK_SECRET!, prefix = "webhook") {
  const payload = JSON.stringify(body);
  const id = `msg_${crypto.randomUUID()}`;
  const signature = new Webhook(secret).sign(id, new Date(), payload);
  return {
    method: "POST",
    headers: { "content-type": "application/json", [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(Math.floor(Date.now() / 1000)), [`${prefix}-signature`]: signature },
    body: payload,
  };
}

const contactRow = (id: string) => env.DB.prepare("SELECT status FROM contacts WHERE id = ?").bind(id).first<{ status: string }>();
const suppression = async (email: string) =>
  env.DB.prepare("SELECT reason FROM suppressions WHERE email_hmac = ?").bind(await emailHmac(env.HMAC_SECRET, email)).first<{ reason: string }>();

describe("POST /api/v1/mail-events/{provider}", () => {
  it("a signed hard bounce marks the contact bounced and suppresses the address (Svix headers too), audited", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const res = await workerFetch(
      "/api/v1/mail-events/resend",
      signed({ type: "email.bounced", data: { email_id: "re_1", to: [contact.email!.toUpperCase()], bounce: { type: "Permanent" } } }, undefined, "svix"),
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ type: "email.bounced", final: true, contactsUpdated: 1 });
    expect(await contactRow(contact.id)).toEqual({ status: "bounced" });
    expect(await suppression(contact.email!)).toEqual({ reason: "bounced" });
    const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'contact.bounced' AND entity_id = ?").bind(contact.id).first();
    expect(audit).toEqual({ actor: "mail-webhook:resend" });
  });

  it("complaints are final too; transient bounces change nothing", async () => {
    const [complainer, soft] = await Promise.all([makeContact((await makeAccount()).id), makeContact((await makeAccount()).id)]);
    await workerFetch("/api/v1/mail-events/resend", signed({ type: "email.complained", data: { to: [complainer.email] } }));
    expect(await contactRow(complainer.id)).toEqual({ status: "bounced" });
    const res = await workerFetch("/api/v1/mail-events/resend", signed({ type: "email.bounced", data: { to: [soft.email], bounce: { type: "Transient" } } }));
    expect(await json(res)).toMatchObject({ final: false, contactsUpdated: 0 });
    expect(await contactRow(soft.id)).toEqual({ status: "active" });
    expect(await suppression(soft.email!)).toBeNull();
  });

  it("refuses a bad signature (401) and an unknown provider (404), changing nothing", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const forged = signed({ type: "email.bounced", data: { to: [contact.email] } }, "whsec_" + btoa("another-secret-another-secret!!!"));
    const res = await workerFetch("/api/v1/mail-events/resend", forged);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await workerFetch("/api/v1/mail-events/mailgun", signed({ type: "email.bounced", data: { to: [contact.email] } }))).status).toBe(404);
    expect(await contactRow(contact.id)).toEqual({ status: "active" });
  });
});
