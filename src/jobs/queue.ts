import type { Env } from "../env";
import type { QueueMessage } from "./messages";

/** Queue consumer: email delivery (and later webhooks). Retries, backoff and the dead-letter queue: frequency issue. */
export async function handleQueue(batch: MessageBatch<QueueMessage>, _env: Env): Promise<void> {
  for (const message of batch.messages) {
    message.ack();
  }
}
