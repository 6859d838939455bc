import type { LoopMessage, QueueMessage } from "./domain/messages";

/** Bindings, vars and secrets of the Worker (wrangler.toml, .dev.vars / secrets). */
export interface Env {
  DB: D1Database;
  MAIL_QUEUE: Queue<QueueMessage>;
  /** Closing the loop: case opening from stored responses and webhook deliveries (jobs/queue.ts). */
  LOOP_QUEUE: Queue<LoopMessage>;
  ASSETS?: Fetcher;
  /** First admin token, from a secret (.dev.vars locally). */
  ADMIN_TOKEN: string;
  /** JSON object `{ kid: secret }`: every key listed verifies survey links, so keys can rotate. */
  LINK_KEYS: string;
  /** The kid that signs new links. */
  LINK_CURRENT_KID: string;
  /** Key of the suppression-list HMAC over email addresses. */
  HMAC_SECRET: string;
  /** Base URL used in emailed links, e.g. http://localhost:8787. */
  PUBLIC_URL: string;
  /** "outbox" (local default) | "http" | "send_email". */
  MAIL_PROVIDER?: string;
  MAIL_HTTP_URL?: string;
  MAIL_HTTP_TOKEN?: string;
  MAIL_FROM_ADDRESS?: string;
  SEND_EMAIL?: SendEmail;
  /** Standard Webhooks secret (whsec_…) of the mail provider's bounce/complaint webhook. */
  MAIL_WEBHOOK_SECRET?: string;
  /** Set to "1" in tests and local dev: responses carry X-D1-Round-Trips so budgets can be asserted. */
  EXPOSE_DB_ROUND_TRIPS?: string;
  /** Cloudflare Access (optional): team domain and audience tag. */
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
}
