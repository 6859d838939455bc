import { createDb } from "../db/client";
import { deliverInvitation } from "../domain/delivery/deliver";
import { mailProviderFor } from "../domain/delivery/providers";
import type { Env } from "../env";
import type { QueueMessage } from "./messages";

/**
 * Queue consumer: email delivery (and later webhooks). Each message is acked when delivered (or when retrying
 * cannot help) and retried otherwise; backoff and dead-letter handling: frequency/delivery issue.
 */
export async function handleQueue(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) {
    for (const message of batch.messages) {
      console.error("dead-lettered message", JSON.stringify(message.body));
      message.ack();
    }
    return;
  }
  const db = createDb(env.DB);
  const provider = mailProviderFor(env, db);
  for (const message of batch.messages) {
    try {
      const result = await deliverInvitation(env, db, provider, message.body.invitationId, message.body.kind, new Date());
      if (result.ok || result.permanent) message.ack();
      else message.retry();
    } catch (error) {
      console.error("delivery failed", message.body.invitationId, error);
      message.retry();
    }
  }
}
