import { createDb, type Db } from "../db/client";
import { closeTheLoopAfterCompletedRun } from "../domain/cases/after-run";
import { handleSubmittedInvitation } from "../domain/cases/open";
import { abandonDelivery, deliverInvitation } from "../domain/delivery/deliver";
import { mailProviderFor } from "../domain/delivery/providers";
import { deliverWebhook, markDeliveryDead, webhookRetryDelaySeconds, type Fetcher } from "../domain/webhooks/deliver";
import type { Env } from "../env";
import type { MailProvider } from "../domain/delivery/provider";
import type { LoopMessage, QueueMessage } from "../domain/messages";
import { CONTINUE_BUDGET, continueScoringRun, type ScoringBudget } from "./scoring";

/** Backoff between delivery attempts: 30 s, 1 min, 2 min, 4 min … at most an hour (then the dead-letter queue). */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/** The closing-the-loop queue and its dead-letter queue (wrangler.toml). */
export const LOOP_QUEUE_NAME = "quorum-loop";

/**
 * Queue consumer: email delivery (quorum-mail) and closing the loop (quorum-loop: cases from stored responses,
 * webhook deliveries, scoring runs continued and followed up). Each message is acked when done (or when retrying
 * cannot help) and retried with backoff otherwise; after max_retries (wrangler.toml) it lands in its dead-letter queue.
 */
export async function handleQueue(batch: MessageBatch<QueueMessage | LoopMessage>, env: Env): Promise<void> {
  const db = createDb(env.DB);
  if (batch.queue.startsWith(LOOP_QUEUE_NAME)) {
    const loopBatch = batch as MessageBatch<LoopMessage>;
    if (batch.queue.endsWith("-dlq")) return loopDeadLetters(loopBatch, db);
    return consumeLoop(loopBatch, env, { provider: mailProviderFor(env, db), fetcher: (request) => fetch(request) });
  }
  const mailBatch = batch as MessageBatch<QueueMessage>;
  if (batch.queue.endsWith("-dlq")) return deadLetters(mailBatch, db);
  return deliverMail(mailBatch, env, mailProviderFor(env, db));
}

/** Messages whose retries are exhausted: the invitation is marked `failed` (it will not go out), then acked. */
async function deadLetters(batch: MessageBatch<QueueMessage>, db: Db): Promise<void> {
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

/**
 * Closing-the-loop messages. `provider` sends case notices; `fetcher` reaches customers' webhook endpoints (global
 * fetch in production, a receiver inside the test setup in tests).
 */
export async function consumeLoop(
  batch: MessageBatch<LoopMessage>,
  env: Pick<Env, "DB" | "LOOP_QUEUE" | "PUBLIC_URL">,
  deps: { provider: MailProvider; fetcher: Fetcher },
  now: () => Date = () => new Date(),
): Promise<void> {
  const db = createDb(env.DB);
  let scoringAdvanced = false;
  for (const message of batch.messages) {
    const body = message.body;
    try {
      if (body.type === "response.submitted") {
        const outcome = await handleSubmittedInvitation({ db, queue: env.LOOP_QUEUE, provider: deps.provider, publicUrl: env.PUBLIC_URL }, body.invitationId, now());
        // The case exists either way; only its notification email failed: retry (the claim makes it send once).
        if (outcome.notified.ok || outcome.notified.permanent) message.ack();
        else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      } else if (body.type === "run.completed") {
        await closeTheLoopAfterCompletedRun({ db, queue: env.LOOP_QUEUE, provider: deps.provider, publicUrl: env.PUBLIC_URL }, body.runId, now());
        message.ack();
      } else if (body.type === "scoring.continue") {
        // One scoring advance per invocation (the D1 query budget is the invocation's): only one run is running at a
        // time, and the advance already sent its follow-up, so another scoring.continue in this batch is a duplicate.
        if (!scoringAdvanced) {
          scoringAdvanced = true; // stays so if the advance fails: this message's retry carries on
          const run = await continueScoringRun(env, db, body.runId, now(), scoringBudgetBeside(batch.messages.length - 1));
          scoringAdvanced = !!run?.progressing;
        }
        message.ack();
      } else if (body.type === "webhook.deliver") {
        const outcome = await deliverWebhook({ db, fetcher: deps.fetcher, provider: deps.provider, publicUrl: env.PUBLIC_URL }, body.deliveryId, now());
        if (outcome.result === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
        else message.ack();
      } else {
        message.ack();
      }
    } catch (error) {
      console.error("loop message failed", JSON.stringify(body), error);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** A scoring advance leaves D1 queries for the other messages of its batch (a few each), never less than half. */
function scoringBudgetBeside(otherMessages: number): ScoringBudget {
  return { ...CONTINUE_BUDGET, maxQueries: Math.max(CONTINUE_BUDGET.maxQueries / 2, CONTINUE_BUDGET.maxQueries - 50 * otherMessages) };
}

/** Loop messages whose retries are exhausted: a webhook delivery is marked dead (replayable); others are logged. */
async function loopDeadLetters(batch: MessageBatch<LoopMessage>, db: Db): Promise<void> {
  for (const message of batch.messages) {
    console.error("dead-lettered loop message", JSON.stringify(message.body));
    if (message.body.type === "webhook.deliver") {
      await markDeliveryDead(db, message.body.deliveryId, `gave up after ${message.attempts} attempts (dead-letter queue)`, new Date());
    }
    message.ack();
  }
}
