import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { InvitationStatus, Question, SurveyTexts } from "../../db/schema";
import type { Env } from "../../env";
import type { MailKind } from "../messages";
import { invitationLinks } from "../links/tokens";
import { composeMail, type MailContext } from "./compose";
import type { MailProvider, SendResult } from "./provider";

/** A claim older than this is taken to be from a worker that died mid-send, and may be claimed again. */
const CLAIM_LEASE_MS = 10 * 60_000;

/**
 * The invitation statuses in which each kind of mail may still go out. An invitation opened before its email left
 * (an admin followed the surveyUrl the API returned) still gets the email, and keeps its status.
 */
const SENDABLE: Record<MailKind, InvitationStatus[]> = {
  invitation: ["queued", "opened", "started"],
  reminder: ["sent", "opened", "started"],
  recheck: ["queued"],
};

const OPTED_OUT = { unsubscribed: "opted-out", bounced: "bounced", erased: "erased" } as const;

interface Row {
  status: InvitationStatus;
  expires_at: string | null;
  revoked_at: string | null;
  email: string | null;
  contact_name: string | null;
  contact_locale: string | null;
  contact_status: "active" | "unsubscribed" | "bounced" | "erased";
  account_name: string;
  owner_name: string | null;
  owner_email: string | null;
  organization_name: string | null;
  texts: string;
  default_locale: string;
  questions: string;
}

export const idempotencyKeyOf = (invitationId: string, kind: MailKind) => `${invitationId}:${kind}`;

/**
 * Sends one invitation (or reminder) email at most once: the delivery ledger row is claimed atomically first, so
 * a redelivered queue message finds it claimed or sent and does not send again. Then compose, provider.send, and
 * on success the ledger and the invitation are marked sent (with its event). Returns the provider's result so the
 * queue consumer can ack, retry or give up.
 */
export async function deliverInvitation(
  env: Pick<Env, "LINK_KEYS" | "LINK_CURRENT_KID" | "PUBLIC_URL">,
  db: Db,
  provider: MailProvider,
  invitationId: string,
  kind: MailKind,
  now: Date,
): Promise<SendResult> {
  const key = idempotencyKeyOf(invitationId, kind);
  const at = now.toISOString();
  const leaseCutoff = new Date(now.getTime() - CLAIM_LEASE_MS).toISOString();
  const [claimed = [], ledger = [], rows = []] = await runBatch(db, [
    sql`INSERT INTO deliveries (idempotency_key, invitation_id, kind, status, attempts, provider, claimed_at)
      SELECT ${key}, id, ${kind}, 'claimed', 1, ${provider.name}, ${at} FROM invitations WHERE id = ${invitationId}
      ON CONFLICT (idempotency_key) DO UPDATE SET
        status = 'claimed', attempts = deliveries.attempts + 1, provider = excluded.provider, claimed_at = excluded.claimed_at
      WHERE deliveries.status = 'failed' OR (deliveries.status = 'claimed' AND deliveries.claimed_at < ${leaseCutoff})
      RETURNING idempotency_key`,
    sql`SELECT status, provider_message_id FROM deliveries WHERE idempotency_key = ${key}`,
    sql`SELECT i.status, i.expires_at, i.revoked_at, c.email, c.name AS contact_name, c.locale AS contact_locale,
        c.status AS contact_status, a.name AS account_name, a.owner_name, a.owner_email, s.organization_name,
        v.texts, v.default_locale, v.questions
      FROM invitations i
      JOIN contacts c ON c.id = i.contact_id
      JOIN accounts a ON a.id = i.account_id
      JOIN survey_versions v ON v.id = i.survey_version_id
      LEFT JOIN settings s ON s.id = 1
      WHERE i.id = ${invitationId}`,
  ]);
  const row = rows[0] as Row | undefined;
  if (!row) return { ok: false, permanent: true, error: `invitation ${invitationId} does not exist` };
  if (claimed.length === 0) {
    const entry = ledger[0] as { status: string; provider_message_id: string | null } | undefined;
    // Sent already: the redelivery is acknowledged without a second email. Claimed: another attempt is in flight.
    return entry?.status === "sent"
      ? { ok: true, providerMessageId: entry.provider_message_id ?? undefined }
      : { ok: false, permanent: false, error: "another delivery attempt holds the claim" };
  }

  const refusal = refusalOf(row, kind, at);
  if (refusal) {
    await runBatch(db, refusalStatements(invitationId, key, row, refusal, at));
    return { ok: false, permanent: true, error: refusal };
  }

  const context: MailContext = {
    invitationId,
    email: row.email!,
    contactName: row.contact_name,
    contactLocale: row.contact_locale,
    accountName: row.account_name,
    ownerName: row.owner_name,
    ownerEmail: row.owner_email,
    organizationName: row.organization_name ?? "Quorum",
    texts: JSON.parse(row.texts) as Record<string, SurveyTexts>,
    defaultLocale: row.default_locale,
    firstQuestion: (JSON.parse(row.questions) as Question[])[0] ?? null,
  };
  const links = await invitationLinks(env, { id: invitationId, expiresAt: row.expires_at }, now);
  let result: SendResult;
  try {
    result = await provider.send(composeMail(context, links, kind, key));
  } catch (error) {
    result = { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
  }
  await runBatch(db, result.ok ? sentStatements(invitationId, key, kind, result.providerMessageId, at) : failedStatements(invitationId, key, result, at));
  return result;
}

/** Why this mail must not go out (contact opted out, invitation ended), or null. */
function refusalOf(row: Row, kind: MailKind, at: string): string | null {
  if (row.contact_status !== "active" || !row.email) return OPTED_OUT[row.contact_status as keyof typeof OPTED_OUT] ?? "erased";
  if (row.revoked_at) return "revoked";
  if (row.expires_at && row.expires_at <= at) return "expired";
  if (!SENDABLE[kind].includes(row.status)) return `invitation is ${row.status}`;
  return null;
}

function refusalStatements(invitationId: string, key: string, row: Row, refusal: string, at: string) {
  const optedOut = row.contact_status !== "active" && row.status === "queued";
  return [
    sql`UPDATE deliveries SET status = 'failed', last_error = ${refusal} WHERE idempotency_key = ${key}`,
    ...(optedOut
      ? [
          sql`INSERT INTO invitation_events (invitation_id, status, at, detail) VALUES (${invitationId}, 'suppressed', ${at}, ${refusal})`,
          sql`UPDATE invitations SET status = 'suppressed', blocking_rule = ${refusal}, updated_at = ${at} WHERE id = ${invitationId}`,
        ]
      : []),
  ];
}

function sentStatements(invitationId: string, key: string, kind: MailKind, providerMessageId: string | undefined, at: string) {
  const invitationUpdate =
    kind === "reminder"
      ? sql`UPDATE invitations SET reminder_sent_at = coalesce(reminder_sent_at, ${at}), updated_at = ${at} WHERE id = ${invitationId}`
      : sql`UPDATE invitations SET status = CASE WHEN status = 'queued' THEN 'sent' ELSE status END, sent_at = coalesce(sent_at, ${at}),
          updated_at = ${at} WHERE id = ${invitationId}`;
  return [
    sql`UPDATE deliveries SET status = 'sent', sent_at = ${at}, provider_message_id = ${providerMessageId ?? null}, last_error = NULL
      WHERE idempotency_key = ${key}`,
    sql`INSERT INTO invitation_events (invitation_id, status, at, detail) VALUES (${invitationId}, ${kind === "reminder" ? "reminded" : "sent"}, ${at}, ${key})`,
    invitationUpdate,
  ];
}

/** A failed attempt frees the claim for a retry; a permanent failure also marks the invitation `failed`. */
function failedStatements(invitationId: string, key: string, result: Extract<SendResult, { ok: false }>, at: string) {
  return [
    sql`UPDATE deliveries SET status = 'failed', last_error = ${result.error.slice(0, 1000)} WHERE idempotency_key = ${key}`,
    ...(result.permanent
      ? [
          sql`INSERT INTO invitation_events (invitation_id, status, at, detail)
            SELECT id, 'failed', ${at}, ${result.error.slice(0, 1000)} FROM invitations WHERE id = ${invitationId} AND status = 'queued'`,
          sql`UPDATE invitations SET status = 'failed', updated_at = ${at} WHERE id = ${invitationId} AND status = 'queued'`,
        ]
      : []),
  ];
}

/**
 * Gives up on a delivery whose retries are exhausted (its message reached the dead-letter queue): the ledger row is
 * failed and an invitation still waiting to go out becomes `failed` (a reminder's invitation keeps its status).
 */
export async function abandonDelivery(db: Db, invitationId: string, kind: MailKind, error: string, now: Date): Promise<void> {
  const key = idempotencyKeyOf(invitationId, kind);
  await runBatch(db, [
    sql`INSERT INTO deliveries (idempotency_key, invitation_id, kind, status, attempts, provider, claimed_at, last_error)
      VALUES (${key}, ${invitationId}, ${kind}, 'failed', 0, 'none', ${now.toISOString()}, ${error})
      ON CONFLICT (idempotency_key) DO UPDATE SET status = 'failed', last_error = excluded.last_error WHERE deliveries.status <> 'sent'`,
    ...failedStatements(invitationId, key, { ok: false, permanent: true, error }, now.toISOString()),
  ]);
}
