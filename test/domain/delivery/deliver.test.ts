import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Contact } from "../../../src/db/schema";
import { deliverInvitation } from "../../../src/domain/delivery/deliver";
import type { MailMessage, MailProvider, SendResult } from "../../../src/domain/delivery/provider";
import { OutboxProvider } from "../../../src/domain/delivery/providers/outbox";
import { workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";

async function queuedInvitation(contact: Partial<Contact> = {}) {
  const account = await makeAccount({ name: "Acme GmbH", ownerName: "Olivia Owner", ownerEmail: "olivia@vendor.test" });
  const person = await makeContact(account.id, { name: "Pat Person", ...contact });
  const survey = await makeSurvey({
    texts: {
      en: { title: "Quick feedback", intro: "We ask twice a year; your account team reads every answer and calls you back." },
      de: { title: "Kurzes Feedback", intro: "Wir fragen zweimal im Jahr; Ihr Kundenteam liest jede Antwort und ruft Sie zurück." },
    },
  });
  const invitation = await makeInvitation(person, survey, { status: "queued", sentAt: null });
  return { account, contact: person, invitation };
}

const outboxOf = (invitationId: string) =>
  env.DB.prepare("SELECT * FROM outbox WHERE invitation_id = ?").bind(invitationId).all<Record<string, string> & { survey_url: string; unsubscribe_url: string; headers: string; text_body: string; html_body: string }>().then((r) => r.results);
const invitationOf = (id: string) => env.DB.prepare("SELECT status, sent_at FROM invitations WHERE id = ?").bind(id).first<{ status: string; sent_at: string | null }>();
const ledgerOf = (id: string) => env.DB.prepare("SELECT status, attempts, last_error FROM deliveries WHERE invitation_id = ?").bind(id).first();

class FakeProvider implements MailProvider {
  readonly name = "fake";
  sent: MailMessage[] = [];
  constructor(private readonly result: SendResult) {}
  async send(message: MailMessage) {
    this.sent.push(message);
    return this.result;
  }
}

describe("deliverInvitation", () => {
  it("puts a personal mail in the outbox in the contact's language and marks the invitation sent", async () => {
    const { invitation } = await queuedInvitation({ locale: "de" });
    const db = testDb();
    const now = new Date();
    const result = await deliverInvitation(env, db, new OutboxProvider(db), invitation.id, "invitation", now);
    expect(result.ok).toBe(true);

    const [mail] = await outboxOf(invitation.id);
    expect(mail).toMatchObject({
      kind: "invitation",
      from_name: "Olivia Owner",
      reply_to: "olivia@vendor.test",
      subject: "Olivia Owner: eine kurze Frage zu unserer Zusammenarbeit",
    });
    expect(mail!.text_body).toContain("Hallo Pat Person,");
    expect(mail!.text_body).toContain("Ihr Kundenteam liest jede Antwort");
    expect(mail!.text_body).toContain(mail!.survey_url);
    expect(mail!.text_body).toContain(mail!.unsubscribe_url);
    expect(mail!.html_body).toContain(`href="${mail!.survey_url}"`);
    expect(mail!.html_body).toContain('lang="de"');
    expect(JSON.parse(mail!.headers)).toEqual({
      "List-Unsubscribe": `<${mail!.unsubscribe_url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(mail!.survey_url).toMatch(/^http:\/\/quorum\.test\/s\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(mail!.unsubscribe_url).toMatch(/^http:\/\/quorum\.test\/u\//);

    expect(await invitationOf(invitation.id)).toEqual({ status: "sent", sent_at: now.toISOString() });
    expect(await ledgerOf(invitation.id)).toEqual({ status: "sent", attempts: 1, last_error: null });

    // The emailed links work.
    expect((await workerFetch(new URL(mail!.survey_url).pathname)).status).toBe(200);
    expect((await workerFetch(new URL(mail!.unsubscribe_url).pathname)).status).toBe(200);
  });

  it("never lets a CR/LF from stored text reach a header: owner name (From, subject) and reply-to written straight to the DB", async () => {
    const { account, invitation } = await queuedInvitation();
    // The API refuses such names now; rows from before (or written around it) must still compose safe headers.
    await env.DB.prepare("UPDATE accounts SET owner_name = ?, owner_email = ? WHERE id = ?").bind("Olivia\r\nBcc: x@evil.test", "olivia@vendor.test\r\nBcc: y@evil.test", account.id).run();
    const provider = new FakeProvider({ ok: true, providerMessageId: "m-crlf" });
    expect((await deliverInvitation(env, testDb(), provider, invitation.id, "invitation", new Date())).ok).toBe(true);
    const [mail] = provider.sent;
    for (const header of [mail!.fromName, mail!.subject, mail!.replyTo ?? ""]) expect(header).not.toMatch(/[\r\n]/);
    expect(mail!.fromName).toBe("Olivia Bcc: x@evil.test");
    expect(mail!.subject).toContain("Olivia Bcc: x@evil.test");
  });

  it("never sends twice: a redelivered or concurrent message finds the ledger claimed or sent", async () => {
    const { invitation } = await queuedInvitation();
    const db = testDb();
    const provider = new FakeProvider({ ok: true, providerMessageId: "m-1" });
    const results = await Promise.all([
      deliverInvitation(env, db, provider, invitation.id, "invitation", new Date()),
      deliverInvitation(env, db, provider, invitation.id, "invitation", new Date()),
    ]);
    const again = await deliverInvitation(env, db, provider, invitation.id, "invitation", new Date());
    expect(provider.sent).toHaveLength(1);
    expect(provider.sent[0]!.idempotencyKey).toBe(`${invitation.id}:invitation`);
    expect(results.filter((r) => r.ok)).not.toHaveLength(0);
    expect(again).toEqual({ ok: true, providerMessageId: "m-1" });
  });

  it("frees the claim after a transient failure so a retry sends; a permanent failure marks the invitation failed", async () => {
    const { invitation } = await queuedInvitation();
    const db = testDb();
    const transient = await deliverInvitation(env, db, new FakeProvider({ ok: false, permanent: false, error: "503 from provider" }), invitation.id, "invitation", new Date());
    expect(transient).toEqual({ ok: false, permanent: false, error: "503 from provider" });
    expect(await ledgerOf(invitation.id)).toEqual({ status: "failed", attempts: 1, last_error: "503 from provider" });
    expect((await invitationOf(invitation.id))?.status).toBe("queued");

    const retry = await deliverInvitation(env, db, new FakeProvider({ ok: true }), invitation.id, "invitation", new Date());
    expect(retry.ok).toBe(true);
    expect(await ledgerOf(invitation.id)).toMatchObject({ status: "sent", attempts: 2 });

    const other = await queuedInvitation();
    const permanent = await deliverInvitation(env, db, new FakeProvider({ ok: false, permanent: true, error: "invalid address" }), other.invitation.id, "invitation", new Date());
    expect(permanent.ok).toBe(false);
    expect((await invitationOf(other.invitation.id))?.status).toBe("failed");
  });

  it("still mails an invitation whose link was opened before the email left, keeping its status", async () => {
    const { invitation } = await queuedInvitation();
    await env.DB.prepare("UPDATE invitations SET status = 'opened', opened_at = ? WHERE id = ?").bind(new Date().toISOString(), invitation.id).run();
    const provider = new FakeProvider({ ok: true });
    expect((await deliverInvitation(env, testDb(), provider, invitation.id, "invitation", new Date())).ok).toBe(true);
    expect(provider.sent).toHaveLength(1);
    expect((await invitationOf(invitation.id))).toMatchObject({ status: "opened", sent_at: expect.any(String) });
  });

  it("does not mail a contact who unsubscribed after the invitation was queued", async () => {
    const { invitation, contact } = await queuedInvitation();
    await env.DB.prepare("UPDATE contacts SET status = 'unsubscribed' WHERE id = ?").bind(contact.id).run();
    const provider = new FakeProvider({ ok: true });
    const result = await deliverInvitation(env, testDb(), provider, invitation.id, "invitation", new Date());
    expect(result).toEqual({ ok: false, permanent: true, error: "opted-out" });
    expect(provider.sent).toHaveLength(0);
    expect(await env.DB.prepare("SELECT status, blocking_rule FROM invitations WHERE id = ?").bind(invitation.id).first()).toEqual({
      status: "suppressed",
      blocking_rule: "opted-out",
    });
  });
});
