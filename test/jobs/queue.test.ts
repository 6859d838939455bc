import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { QueueMessage } from "../../src/domain/messages";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../support/fixtures";

describe("mail queue consumer", () => {
  it("delivers {type: deliver} messages to the outbox and acks them; a redelivery is acked without a second mail", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const invitation = await makeInvitation(contact, await makeSurvey(), { status: "queued", sentAt: null });
    const body: QueueMessage = { type: "deliver", invitationId: invitation.id, kind: "invitation" };

    for (const id of ["m1", "m2"]) {
      const batch = createMessageBatch<QueueMessage>("quorum-mail", [{ id, timestamp: new Date(), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env);
      const result = await getQueueResult(batch, ctx);
      expect(result.explicitAcks).toEqual([id]);
      expect(result.retryMessages).toEqual([]);
    }
    const mails = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE invitation_id = ?").bind(invitation.id).first<{ n: number }>();
    expect(mails?.n).toBe(1);
  });

  it("retries when delivery cannot finish now (the claim is held elsewhere)", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const invitation = await makeInvitation(contact, await makeSurvey(), { status: "queued", sentAt: null });
    await env.DB.prepare("INSERT INTO deliveries (idempotency_key, invitation_id, kind, status, provider, claimed_at) VALUES (?, ?, 'invitation', 'claimed', 'outbox', ?)")
      .bind(`${invitation.id}:invitation`, invitation.id, new Date().toISOString())
      .run();
    const batch = createMessageBatch<QueueMessage>("quorum-mail", [
      { id: "m3", timestamp: new Date(), attempts: 1, body: { type: "deliver", invitationId: invitation.id, kind: "invitation" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([{ msgId: "m3" }]);
  });
});
