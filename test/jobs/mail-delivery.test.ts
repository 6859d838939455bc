import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { MailMessage, MailProvider, SendResult } from "../../src/domain/delivery/provider";
import { HttpMailProvider } from "../../src/domain/delivery/providers/http";
import { mailProviderFor } from "../../src/domain/delivery/providers";
import worker from "../../src/index";
import type { QueueMessage } from "../../src/domain/messages";
import { deliverMail, retryDelaySeconds } from "../../src/jobs/queue";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../support/fixtures";
import { sampleMail } from "../support/mail";

/** The third-party mail service, faked behind the MailProvider interface: answers from a script, records calls. */
class ScriptedProvider implements MailProvider {
  readonly name = "fake-http";
  readonly sent: MailMessage[] = [];
  constructor(private readonly script: SendResult[]) {}
  async send(message: MailMessage): Promise<SendResult> {
    this.sent.push(message);
    return this.script.shift() ?? { ok: true, providerMessageId: `msg-${this.sent.length}` };
  }
}

async function queuedInvitation() {
  const contact = await makeContact((await makeAccount()).id);
  return makeInvitation(contact, await makeSurvey(), { status: "queued", sentAt: null });
}

async function consume(queue: string, invitationId: string, attempts: number, provider?: MailProvider) {
  const batch = createMessageBatch<QueueMessage>(queue, [
    { id: `m-${invitationId}-${attempts}`, timestamp: new Date(), attempts, body: { type: "deliver", invitationId, kind: "invitation" } },
  ]);
  // The pool's queue result drops retry options, so the backoff asked for is read off the message itself.
  const retry = vi.spyOn(batch.messages[0]!, "retry");
  const ctx = createExecutionContext();
  if (provider) await deliverMail(batch, env, provider);
  else await worker.queue(batch, env);
  return { ...(await getQueueResult(batch, ctx)), delays: retry.mock.calls.map(([options]) => options?.delaySeconds) };
}

const state = (id: string) =>
  env.DB.prepare("SELECT i.status, d.status AS ledger, d.attempts, d.last_error FROM invitations i LEFT JOIN deliveries d ON d.invitation_id = i.id WHERE i.id = ?")
    .bind(id)
    .first<any>();

describe("mail delivery: retries with backoff, permanent failures, dead letters", () => {
  it("retries a transient provider failure with growing delays, then sends exactly once", async () => {
    const invitation = await queuedInvitation();
    const provider = new ScriptedProvider([
      { ok: false, permanent: false, error: "503 try later" },
      { ok: false, permanent: false, error: "503 try later" },
    ]);
    const first = await consume("quorum-mail", invitation.id, 1, provider);
    expect(first.retryMessages).toEqual([{ msgId: `m-${invitation.id}-1` }]);
    expect(first.delays).toEqual([30]);
    expect(await state(invitation.id)).toMatchObject({ status: "queued", ledger: "failed", last_error: "503 try later" });
    expect((await consume("quorum-mail", invitation.id, 2, provider)).delays).toEqual([60]);
    const third = await consume("quorum-mail", invitation.id, 3, provider);
    expect(third.explicitAcks).toEqual([`m-${invitation.id}-3`]);
    expect(await state(invitation.id)).toMatchObject({ status: "sent", ledger: "sent", attempts: 3 });
    // A redelivered message after the send acks without calling the provider again.
    await consume("quorum-mail", invitation.id, 4, provider);
    expect(provider.sent).toHaveLength(3);
    expect(provider.sent.map((m) => m.idempotencyKey)).toEqual(Array(3).fill(`${invitation.id}:invitation`));
    expect(retryDelaySeconds(20)).toBe(3600);
  });

  it("marks the invitation failed on a permanent failure and acks (no retry)", async () => {
    const invitation = await queuedInvitation();
    const result = await consume("quorum-mail", invitation.id, 1, new ScriptedProvider([{ ok: false, permanent: true, error: "422 invalid recipient" }]));
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await state(invitation.id)).toMatchObject({ status: "failed", ledger: "failed" });
  });

  it("a message in the dead-letter queue marks its invitation failed", async () => {
    const invitation = await queuedInvitation();
    const result = await consume("quorum-mail-dlq", invitation.id, 6);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await state(invitation.id)).toMatchObject({ status: "failed", ledger: "failed" });
    const history = await env.DB.prepare("SELECT status, detail FROM invitation_events WHERE invitation_id = ?").bind(invitation.id).all();
    expect(history.results).toEqual([{ status: "failed", detail: "gave up after 6 attempts (dead-letter queue)" }]);
  });
});

describe("HTTP mail provider (Resend-style JSON API)", () => {
  const message = sampleMail;

  function fakeApi(status: number, body: string) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(body, { status });
    }) as unknown as typeof fetch;
    return { calls, provider: new HttpMailProvider({ url: "https://mail.test/emails", token: "tok", fromAddress: "surveys@quorum.test" }, fetcher) };
  }

  it("posts JSON with the idempotency key and maps answers to sent / retry / permanent", async () => {
    const ok = fakeApi(200, JSON.stringify({ id: "re_123" }));
    expect(await ok.provider.send(message)).toEqual({ ok: true, providerMessageId: "re_123" });
    const headers = new Headers(ok.calls[0]!.init.headers);
    expect(headers.get("idempotency-key")).toBe("inv_1:invitation");
    expect(headers.get("authorization")).toBe("Bearer tok");
    expect(JSON.parse(String(ok.calls[0]!.init.body))).toMatchObject({
      from: "Olivia Owner <surveys@quorum.test>",
      to: ["pat@customer.test"],
      reply_to: "owner@quorum.test",
      subject: "Two questions",
    });
    expect(await fakeApi(503, "busy").provider.send(message)).toMatchObject({ ok: false, permanent: false });
    expect(await fakeApi(429, "slow down").provider.send(message)).toMatchObject({ ok: false, permanent: false });
    expect(await fakeApi(422, "invalid to").provider.send(message)).toMatchObject({ ok: false, permanent: true });
  });

  it("is chosen by configuration, and a half-configured provider says what is missing", () => {
    const db = testDb();
    expect(mailProviderFor({ MAIL_PROVIDER: undefined }, db).name).toBe("outbox");
    expect(mailProviderFor({ MAIL_PROVIDER: "http", MAIL_HTTP_URL: "https://x", MAIL_HTTP_TOKEN: "t", MAIL_FROM_ADDRESS: "a@b.c" }, db).name).toBe("http");
    expect(() => mailProviderFor({ MAIL_PROVIDER: "send_email" }, db)).toThrow(/SEND_EMAIL, MAIL_FROM_ADDRESS/);
  });
});
