/** Queues.sendBatch takes at most 100 messages. */
export const QUEUE_BATCH = 100;

/** Sends every body, in sendBatch calls of at most QUEUE_BATCH messages. */
export async function sendAll<Body>(queue: Queue<Body>, bodies: Body[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += QUEUE_BATCH) {
    await queue.sendBatch(bodies.slice(i, i + QUEUE_BATCH).map((body) => ({ body })));
  }
}
