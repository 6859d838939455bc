import { createDb } from "../db/client";
import { abandonDelivery, deliverInvitation } from "../domain/delivery/deliver";
import { mailProviderFor } from "../domain/delivery/providers";
import type { Env } from "../env";
import type { MailProvider } from "../domain/delivery/provider";
import type { QueueMessage } from "../domain/messages";

/** Backoff between delivery attempts: 30 s, 1 min, 2 min, 4 min … at most an hour (then the dead-letter queue). */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Queue consumer: email delivery (and later webhooks). Each message is acked when delivered (or when retrying
 * cannot help) and retried with backoff otherwise; after max_retries (wrangler.toml) it lands in the dead-letter queue.
 */
export async function handleQueue(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  if (batch.queue.endsWith("-dlq")) return deadLetters(batch, db);
  return deliverMail(batch, env, mailProviderFor(env, db));
}

/** Messages whose retries are exhausted: the invitation is marked `failed` (it will not go out), then acked. */
async function deadLetters(batch: MessageBatch<QueueMessage>, db: ReturnType<typeof createDb>): Promise<void> {
  for (const message of batch.messages) {
    console.error("dead-lettered message", JSON.stringify(message.body));
    const { invitationId, kind } = message.body;
    await abandonDelivery(db, invitationId, kind, `gave up after ${message.attempts} attempts (dead-letter queue)`, new Date());
    message.ack();
  }
}

/** Delivers each message through `provider`: ack when sent or when retrying cannot help, else retry with backoff. */
export async function deliverMail(batch: MessageBatch<QueueMessage>, env: Env, provider: MailProvider): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      const result = await deliverInvitation(env, db, provider, message.body.invitationId, message.body.kind, new Date());
      if (result.ok || result.permanent) message.ack();
      else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    } catch (error) {
      console.error("delivery failed", message.body.invitationId, error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
