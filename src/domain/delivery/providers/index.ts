import type { Db } from "../../../db/client";
import type { Env } from "../../../env";
import type { MailProvider } from "../provider";
import { HttpMailProvider } from "./http";
import { OutboxProvider } from "./outbox";
import { SendEmailProvider } from "./send-email";

type ProviderEnv = Pick<Env, "MAIL_PROVIDER" | "MAIL_HTTP_URL" | "MAIL_HTTP_TOKEN" | "MAIL_FROM_ADDRESS" | "SEND_EMAIL">;

function required(env: ProviderEnv, names: (keyof ProviderEnv)[]) {
  const missing = names.filter((name) => !env[name]);
  if (missing.length) throw new Error(`MAIL_PROVIDER '${env.MAIL_PROVIDER}' needs ${missing.join(", ")} to be configured`);
}

/**
 * The configured mail provider: MAIL_PROVIDER "outbox" (or unset: local mode, the outbox table), "http" (a Resend-style
 * JSON mail API at MAIL_HTTP_URL with MAIL_HTTP_TOKEN) or "send_email" (Cloudflare's binding SEND_EMAIL).
 */
export function mailProviderFor(env: ProviderEnv, db: Db): MailProvider {
  const name = env.MAIL_PROVIDER ?? "outbox";
  switch (name) {
    case "outbox":
      return new OutboxProvider(db);
    case "http":
      required(env, ["MAIL_HTTP_URL", "MAIL_HTTP_TOKEN", "MAIL_FROM_ADDRESS"]);
      return new HttpMailProvider({ url: env.MAIL_HTTP_URL!, token: env.MAIL_HTTP_TOKEN!, fromAddress: env.MAIL_FROM_ADDRESS! });
    case "send_email":
      required(env, ["SEND_EMAIL", "MAIL_FROM_ADDRESS"]);
      return new SendEmailProvider(env.SEND_EMAIL!, env.MAIL_FROM_ADDRESS!);
    default:
      throw new Error(`MAIL_PROVIDER '${name}' is not supported; use "outbox", "http" or "send_email"`);
  }
}
