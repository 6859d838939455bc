import { describe, expect, it } from "vitest";
import { sendAll } from "../../src/lib/queues";

describe("sendAll", () => {
  it("sends every body, in order, in sendBatch calls of at most 100 messages", async () => {
    const calls: number[][] = [];
    const queue = {
      async sendBatch(messages: Iterable<MessageSendRequest<number>>) {
        calls.push([...messages].map((m) => m.body));
      },
    } as unknown as Queue<number>;
    const bodies = Array.from({ length: 250 }, (_, i) => i);
    await sendAll(queue, bodies);
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(calls.flat()).toEqual(bodies);
    await sendAll(queue, []);
    expect(calls).toHaveLength(3);
  });
});
