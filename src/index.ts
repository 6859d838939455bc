import { buildApp } from "./app";
import type { Env } from "./env";
import type { QueueMessage } from "./domain/messages";
import { handleQueue } from "./jobs/queue";
import { handleScheduled } from "./jobs/scheduled";

const app = buildApp();

export default {
  fetch: app.fetch,
  scheduled: handleScheduled,
  queue: handleQueue,
} satisfies ExportedHandler<Env, QueueMessage>;
