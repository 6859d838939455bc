// Helpers for the tests of a scoring run carried by queue messages: a history long enough that a full run needs
// several invocations, and the loop consumer driven by hand with a recording queue (so a test sees exactly what each
// invocation sent, and nothing runs in the background).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { LoopMessage } from "../../src/domain/messages";
import { consumeLoop } from "../../src/jobs/queue";
import { loopDeps, recordingQueue } from "../domain/cases/support";
import { makeAccount, makeContact, makeSurvey } from "../support/fixtures";
import { makeResponse } from "../support/responses";

const QUARTER_MILLIS = 91 * 86400_000;

/**
 * `quarters` quarters of answers up to now from three accounts (two contacts each, in two countries): a full run
 * needs about 100 D1 queries per quarter, so 24 quarters take three invocations of 900.
 */
export async function answersOverQuarters(quarters: number, now = new Date()): Promise<void> {
  const survey = await makeSurvey();
  for (const [a, country] of ["DE", "US", "FR"].entries()) {
    const account = await makeAccount({ annualRevenue: 1000 * (a + 1), country });
    const contacts = [await makeContact(account.id, { role: "decision_maker" }), await makeContact(account.id, { role: "end_user" })];
    for (let q = 0; q < quarters; q++) {
      const submittedAt = new Date(now.getTime() - q * QUARTER_MILLIS - a * 3600_000).toISOString();
      for (const [c, contact] of contacts.entries()) {
        await makeResponse(contact, survey, { submittedAt, answers: [{ type: "nps", value: (q * 3 + a * 5 + c * 7) % 11 }] });
      }
    }
  }
}

/** The message that carries a run on in the next invocation. */
export const continueOf = (runId: string): LoopMessage => ({ type: "scoring.continue", runId });

let sequence = 0;

/** One invocation of the loop consumer with `messages`: which it acked or retried, and what it sent. */
export async function consume(messages: LoopMessage[], attempts = 1) {
  const queue = recordingQueue();
  const ids = messages.map(() => `scoring-${++sequence}`);
  const batch = createMessageBatch<LoopMessage>("quorum-loop", messages.map((body, i) => ({ id: ids[i]!, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  const deps = loopDeps(queue);
  await consumeLoop(batch, { DB: env.DB, LOOP_QUEUE: queue, PUBLIC_URL: deps.publicUrl }, { provider: deps.provider, fetcher: () => Promise.reject(new Error("no webhooks here")) });
  const result = await getQueueResult(batch, ctx);
  return { ids, acked: result.explicitAcks, retried: result.retryMessages.map((m: { msgId: string }) => m.msgId), sent: queue.sent };
}

export const runRow = (id: string) =>
  env.DB.prepare("SELECT id, status, step, total_steps AS totalSteps, lease_owner AS leaseOwner, last_error AS lastError, failures FROM score_runs WHERE id = ?")
    .bind(id)
    .first<{ id: string; status: string; step: number; totalSteps: number; leaseOwner: string | null; lastError: string | null; failures: number }>();

/**
 * Hands `first` (a scoring.continue) to the consumer, then each message it sends, until the run completes: each
 * invocation acks its message, advances the same run and sends exactly one message. Returns the run's step after
 * each invocation and the last message (run.completed).
 */
export async function followToCompletion(first: LoopMessage): Promise<{ steps: number[]; last: LoopMessage }> {
  expect(first.type).toBe("scoring.continue");
  const runId = (first as { runId: string }).runId;
  const steps: number[] = [];
  let message = first;
  for (let i = 0; i < 20 && message.type === "scoring.continue"; i++) {
    const { ids, acked, sent } = await consume([message]);
    expect(acked).toEqual(ids);
    expect(sent).toHaveLength(1);
    const row = (await runRow(runId))!;
    if (steps.length > 0) expect(row.step).toBeGreaterThan(steps.at(-1)!);
    steps.push(row.step);
    message = sent[0]!;
    if (message.type === "scoring.continue") expect(message.runId).toBe(runId);
  }
  return { steps, last: message };
}
