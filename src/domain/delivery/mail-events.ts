import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Db } from "../../db/client";
import { contacts } from "../../db/schema";
import { ApiError } from "../../lib/errors";
import { auditInsert } from "../audit/log";
import { emailHmac, normalizeEmail, suppressionUpsertByHmac } from "../directory/suppression";

/** A provider's delivery event, reduced to what Quorum acts on. */
export interface MailEvent {
  type: string;
  recipients: string[];
  /** Hard bounces and complaints: the address must never be mailed again. */
  final: boolean;
}

/** Providers whose webhooks are signed per Standard Webhooks (Resend signs through Svix, which is the same scheme). */
export const MAIL_EVENT_PROVIDERS = ["resend"] as const;

/**
 * Verifies the signature (webhook-* headers, or Svix's svix-* twins) over the raw body and parses the event.
 * Bad or missing signatures are a 401 that says so; nothing is read from an unverified body.
 */
export function verifyMailEvent(secret: string, rawBody: string, headers: Headers): MailEvent {
  const header = (name: string) => headers.get(`webhook-${name}`) ?? headers.get(`svix-${name}`) ?? "";
  let payload: unknown;
  try {
    payload = new Webhook(secret).verify(rawBody, { "webhook-id": header("id"), "webhook-timestamp": header("timestamp"), "webhook-signature": header("signature") });
  } catch (error) {
    throw new ApiError(401, "Unauthorized", `Webhook signature rejected: ${error instanceof Error ? error.message : "invalid"}. Check MAIL_WEBHOOK_SECRET.`);
  }
  return resendEvent(payload);
}

/** Resend: email.bounced (permanent unless bounce.type says Transient) and email.complained are final. */
function resendEvent(payload: unknown): MailEvent {
  const event = payload as { type?: unknown; data?: { to?: unknown; bounce?: { type?: unknown } } };
  const type = typeof event.type === "string" ? event.type : "unknown";
  const to = event.data?.to;
  const recipients = (Array.isArray(to) ? to : typeof to === "string" ? [to] : []).filter((r): r is string => typeof r === "string");
  const transient = String(event.data?.bounce?.type ?? "").toLowerCase() === "transient";
  return { type, recipients, final: type === "email.complained" || (type === "email.bounced" && !transient) };
}

/**
 * A hard bounce or complaint: the contact becomes `bounced` (erased ones stay erased) and the address goes on the
 * suppression list — together with the audit row, in one batch. Repeats change nothing. Returns contacts updated.
 */
export async function applyMailEvent(db: Db, hmacSecret: string, provider: string, event: MailEvent, now: Date): Promise<number> {
  if (!event.final) return 0;
  let updated = 0;
  for (const address of event.recipients.map(normalizeEmail)) {
    const contact = await db.select({ id: contacts.id, status: contacts.status }).from(contacts).where(eq(contacts.email, address)).get();
    const statements = [
      suppressionUpsertByHmac(db, await emailHmac(hmacSecret, address), "bounced", now),
      ...(contact && contact.status !== "erased" && contact.status !== "bounced"
        ? [db.update(contacts).set({ status: "bounced", updatedAt: now.toISOString() }).where(eq(contacts.id, contact.id))]
        : []),
      auditInsert(db, { actor: `mail-webhook:${provider}`, action: "contact.bounced", entityType: "contact", entityId: contact?.id ?? null, detail: { event: event.type } }, now),
    ];
    await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
    if (contact) updated++;
  }
  return updated;
}
