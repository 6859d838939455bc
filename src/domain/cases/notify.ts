// Mail to people on our side about cases: the assignee when a case opens, assignee and admins when it is breached.
// Through the configured provider (the outbox locally), like every other mail.
import { html } from "hono/html";
import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import type { MailMessage, MailProvider, SendResult } from "../delivery/provider";
import type { NoticeKind } from "../messages";
import { headerSafe } from "../../lib/header-text";

export interface Notice {
  kind: NoticeKind;
  /** Makes the provider call idempotent where the provider supports it. */
  key: string;
  to: string;
  subject: string;
  lines: string[];
  link: { label: string; url: string };
}

export function noticeMail(notice: Notice, organizationName: string): MailMessage {
  const text = [...notice.lines, "", `${notice.link.label}: ${notice.link.url}`].join("\n");
  const body = html`<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#1f2328;line-height:1.5">
${notice.lines.map((line) => html`<p style="white-space:pre-wrap">${line}</p>`)}
<p><a href="${notice.link.url}" style="color:#0a58ca;font-weight:600">${notice.link.label}</a></p>
</body></html>`;
  return {
    invitationId: null,
    kind: notice.kind,
    idempotencyKey: notice.key,
    to: notice.to,
    // Account and organization names are stored text: never a CR/LF in a header (SPEC §13).
    fromName: headerSafe(organizationName),
    subject: headerSafe(notice.subject),
    text,
    html: String(body),
    headers: {},
  };
}

/** Sends each notice; the first failure is returned (the caller retries or gives up), later ones still go out. */
export async function sendNotices(provider: MailProvider, notices: Notice[], organizationName: string): Promise<SendResult & { sent: number }> {
  let outcome: SendResult = { ok: true };
  let sent = 0;
  for (const notice of notices) {
    let result: SendResult;
    try {
      result = await provider.send(noticeMail(notice, organizationName));
    } catch (error) {
      result = { ok: false, permanent: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (result.ok) sent++;
    else if (outcome.ok) outcome = result;
  }
  return { ...outcome, sent };
}

/** Active admins' addresses (they get every escalation). */
export async function adminEmails(db: Db): Promise<string[]> {
  const rows = await runAll<{ email: string }>(db, sql`SELECT email FROM users WHERE role = 'admin' AND status = 'active' ORDER BY email`);
  return rows.map((row) => row.email);
}

/**
 * An instant as the organization reads it: "2026-12-04 13:59 (Europe/Berlin)", or "2026-12-04 12:59 UTC".
 * Mail has no viewer's zone, so the organization's settings.time_zone is the one everybody shares.
 */
export function formatLocalInstant(iso: string, timeZone: string | null | undefined): string {
  const zone = timeZone || "UTC";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(date);
  } catch {
    return formatLocalInstant(iso, "UTC");
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const local = `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
  return zone === "UTC" ? `${local} UTC` : `${local} (${zone})`;
}

export const caseUrl = (publicUrl: string, caseId: string) => `${publicUrl.replace(/\/$/, "")}/admin/cases/${caseId}`;
