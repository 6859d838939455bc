// Helpers for the closing-the-loop tests: a recorder of queue messages (so a test drives webhook deliveries
// itself, step by step), users, and a deps bundle over the real D1 with the outbox provider.
import { env } from "cloudflare:workers";
import type { LoopDeps } from "../../../src/domain/cases/open";
import { OutboxProvider } from "../../../src/domain/delivery/providers/outbox";
import type { LoopMessage, QueueMessage } from "../../../src/domain/messages";
import { newId } from "../../../src/lib/ids";
import { testDb } from "../../support/fixtures";

/** Records what would be queued; the test then processes the messages explicitly. */
export function recordingQueue<T = LoopMessage>(): RecordingQueue<T> {
  const sent: T[] = [];
  return {
    sent,
    async send(body: T) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<T>>) {
      for (const m of messages) sent.push(m.body);
    },
    async metrics() {
      return {} as never;
    },
  } as unknown as RecordingQueue<T>;
}

export type RecordingQueue<T = LoopMessage> = Queue<T> & { sent: T[] };

export function loopDeps(queue: RecordingQueue = recordingQueue<LoopMessage>()): LoopDeps & { queue: RecordingQueue } {
  const db = testDb();
  return { db, queue, provider: new OutboxProvider(db), publicUrl: "http://quorum.test" };
}

export const mailQueue = () => recordingQueue<QueueMessage>();

export async function makeUser(email: string, name = "Owner"): Promise<string> {
  const id = newId("usr");
  await env.DB.prepare("INSERT INTO users (id, email, name) VALUES (?, ?, ?)").bind(id, email.toLowerCase(), name).run();
  return id;
}

export const uniqueEmail = (who: string) => `${who}-${Math.random().toString(36).slice(2, 10)}@quorum.test`;

export async function outboxTo(email: string) {
  const rows = await env.DB.prepare("SELECT kind, subject, text_body, html_body FROM outbox WHERE to_email = ? ORDER BY id").bind(email).all<{
    kind: string;
    subject: string;
    text_body: string;
    html_body: string;
  }>();
  return rows.results;
}
