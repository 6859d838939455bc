import type { Db } from "../../../db/client";
import type { Env } from "../../../env";
import type { MailProvider } from "../provider";
import { OutboxProvider } from "./outbox";

/** The configured mail provider: MAIL_PROVIDER "outbox" (or unset) writes to the local outbox table. */
export function mailProviderFor(env: Pick<Env, "MAIL_PROVIDER">, db: Db): MailProvider {
  const name = env.MAIL_PROVIDER ?? "outbox";
  switch (name) {
    case "outbox":
      return new OutboxProvider(db);
    default:
      throw new Error(`MAIL_PROVIDER '${name}' is not supported; use "outbox"`);
  }
}
