import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emailHmac } from "../../../src/domain/directory/suppression";
import { signLink } from "../../../src/domain/links/tokens";
import { workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";

async function setup(locale = "en") {
  const account = await makeAccount();
  const contact = await makeContact(account.id, { locale });
  const survey = await makeSurvey();
  const invitation = await makeInvitation(contact, survey);
  const pending = await makeInvitation(contact, survey, { status: "queued", sentAt: null });
  const token = await signLink(env, { invitationId: invitation.id, purpose: "unsubscribe" });
  return { contact, invitation, pending, token };
}

const contactStatus = (id: string) => env.DB.prepare("SELECT status FROM contacts WHERE id = ?").bind(id).first<{ status: string }>().then((r) => r?.status);
const suppression = async (email: string) =>
  env.DB.prepare("SELECT reason FROM suppressions WHERE email_hmac = ?").bind(await emailHmac(env.HMAC_SECRET, email)).first<{ reason: string }>();

describe("/u/{token}", () => {
  it("GET only asks for confirmation and changes nothing", async () => {
    const { contact, token } = await setup("de");
    const res = await workerFetch(`/u/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<form method="post">');
    expect(html).toContain("Ja, abmelden");
    expect(html).toContain(`an ${contact.email!.slice(0, 1)}•••@customer.test`); // the address, masked
    expect(html).not.toContain(contact.email!);
    expect(await contactStatus(contact.id)).toBe("active");
    expect(await suppression(contact.email!)).toBeNull();
  });

  it("POST from the confirm button unsubscribes: status, suppression list, pending invitations suppressed, audit", async () => {
    const { contact, pending, token } = await setup();
    const res = await workerFetch(`/u/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "confirm=1" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You are unsubscribed");
    expect(await contactStatus(contact.id)).toBe("unsubscribed");
    expect(await suppression(contact.email!)).toEqual({ reason: "unsubscribed" });
    const queued = await env.DB.prepare("SELECT status, blocking_rule FROM invitations WHERE id = ?").bind(pending.id).first();
    expect(queued).toEqual({ status: "suppressed", blocking_rule: "opted-out" });
    const audit = await env.DB.prepare("SELECT action, actor FROM audit_log WHERE entity_id = ?").bind(contact.id).all();
    expect(audit.results).toEqual([{ action: "contact.unsubscribe", actor: `contact:${contact.id}` }]);

    const again = await workerFetch(`/u/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "confirm=1" });
    expect(again.status).toBe(200);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE entity_id = ?").bind(contact.id).first<{ n: number }>())?.n).toBe(1);
  });

  it("the confirmation names the masked address and undoes the unsubscribe on request (status, suppression list, audit)", async () => {
    const { contact, token } = await setup();
    const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } };
    const done = await (await workerFetch(`/u/${token}`, { ...form, body: "confirm=1" })).text();
    const masked = `${contact.email!.slice(0, 1)}•••@customer.test`;
    expect(done).toContain(`will not send feedback requests to ${masked} any more.`);
    expect(done).toContain('name="action" value="undo"');
    expect(done).toContain("Undo: keep receiving them");
    expect(done).not.toContain(contact.email!);

    const undone = await workerFetch(`/u/${token}`, { ...form, body: "action=undo" });
    expect(undone.status).toBe(200);
    expect(await undone.text()).toContain(`may send feedback requests to ${masked} again`);
    expect(await contactStatus(contact.id)).toBe("active");
    expect(await suppression(contact.email!)).toBeNull();
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(contact.id).all();
    expect(audit.results.map((r) => r.action)).toEqual(["contact.unsubscribe", "contact.resubscribe"]);
    // The link still works for a second thought.
    expect(await (await workerFetch(`/u/${token}`)).text()).toContain("Yes, unsubscribe me");
  });

  it("never undoes a bounce", async () => {
    const { contact, token } = await setup();
    await env.DB.prepare("UPDATE contacts SET status = 'bounced' WHERE id = ?").bind(contact.id).run();
    const page = await (await workerFetch(`/u/${token}`)).text();
    expect(page).toContain(`will not send feedback requests to ${contact.email!.slice(0, 1)}•••@customer.test any more.`); // the confirmation, without its undo
    expect(page).not.toContain('value="undo"');
    await workerFetch(`/u/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=undo" });
    expect(await contactStatus(contact.id)).toBe("bounced");
  });

  it("honours RFC 8058 one-click List-Unsubscribe-Post", async () => {
    const { contact, token } = await setup();
    const res = await workerFetch(`/u/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await contactStatus(contact.id)).toBe("unsubscribed");
  });

  it("keeps working after the survey closed, but refuses survey tokens and forged tokens", async () => {
    const { contact, invitation } = await setup();
    await env.DB.prepare("UPDATE invitations SET status = 'expired', expires_at = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), invitation.id).run();
    const unsubscribe = await signLink(env, { invitationId: invitation.id, purpose: "unsubscribe" });
    expect((await workerFetch(`/u/${unsubscribe}`)).status).toBe(200);

    const surveyToken = await signLink(env, { invitationId: invitation.id, purpose: "survey" });
    for (const token of [surveyToken, "garbage", unsubscribe.slice(0, -3)]) {
      const res = await workerFetch(`/u/${token}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).toContain("This link does not work");
      // Someone who wants to opt out is told how (reply to the email), not promised a new link.
      expect(body).toContain("reply to that email and ask us to remove your address");
      expect(body).not.toContain("we will send you a new link");
    }
    const german = await workerFetch(`/u/garbage`, { headers: { "accept-language": "de" } });
    expect(await german.text()).toContain("Adresse zu entfernen");
    expect(await contactStatus(contact.id)).toBe("active");
  });
});
