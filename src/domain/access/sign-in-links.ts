import { html } from "hono/html";
import { and, eq, gt, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { signInLinks, users, type User } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { randomSecret } from "../../lib/ids";
import { headerSafe } from "../../lib/header-text";
import type { MailMessage, MailProvider } from "../delivery/provider";
import { auditInsert } from "../audit/log";
import { getSettings } from "../settings/settings";

/** A sign-in link works once, for this long. */
export const SIGN_IN_LINK_MINUTES = 15;

/** `next`: the admin page to open once signed in (a path the sign-in routes checked). */
export const signInUrl = (publicUrl: string, secret: string, next?: string | null) =>
  `${publicUrl.replace(/\/+$/, "")}/admin/sign-in?link=${encodeURIComponent(secret)}${next ? `&next=${encodeURIComponent(next)}` : ""}`;

/**
 * Issues a link for an active user; only the SHA-256 of its secret is stored. Expired links are swept on the way.
 * A link asked for by someone else (`requested`) is audited in the same batch: whoever holds it can act as the user.
 */
export async function createSignInLink(
  db: Db,
  userId: string,
  now = new Date(),
  requested?: { by: string; email: string },
): Promise<{ secret: string; expiresAt: string }> {
  const secret = randomSecret();
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000).toISOString();
  await db.batch([
    db.delete(signInLinks).where(lt(signInLinks.expiresAt, now.toISOString())),
    db.insert(signInLinks).values({ idHash: await sha256Hex(secret), userId, createdAt: now.toISOString(), expiresAt }),
    ...(requested
      ? [auditInsert(db, { actor: requested.by, action: "user.sign_in_link", entityType: "user", entityId: userId, detail: { email: requested.email } }, now)]
      : []),
  ]);
  return { secret, expiresAt };
}

export type LinkState = { ok: true; user: User } | { ok: false; reason: "unknown" | "used" | "expired" | "deactivated" };

/** What a link is worth, without using it (the confirmation page; a mail scanner's GET must not burn the link). */
export async function inspectSignInLink(db: Db, secret: string, now = new Date()): Promise<LinkState> {
  const row = await db
    .select({ link: signInLinks, user: users })
    .from(signInLinks)
    .leftJoin(users, eq(users.id, signInLinks.userId))
    .where(eq(signInLinks.idHash, await sha256Hex(secret)))
    .get();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.link.usedAt) return { ok: false, reason: "used" };
  if (row.link.expiresAt <= now.toISOString()) return { ok: false, reason: "expired" };
  if (!row.user || row.user.status !== "active") return { ok: false, reason: "deactivated" };
  return { ok: true, user: row.user };
}

/**
 * Uses a link: one conditional UPDATE claims it (unused, unexpired, its user active), so two clicks racing cannot
 * both sign in. Returns the user, or why not (then nothing was written).
 */
export async function useSignInLink(db: Db, secret: string, now = new Date()): Promise<LinkState> {
  const idHash = await sha256Hex(secret);
  const claimed = await db
    .update(signInLinks)
    .set({ usedAt: now.toISOString() })
    .where(
      and(
        eq(signInLinks.idHash, idHash),
        isNull(signInLinks.usedAt),
        gt(signInLinks.expiresAt, now.toISOString()),
        inArray(signInLinks.userId, db.select({ id: users.id }).from(users).where(eq(users.status, "active"))),
      ),
    )
    .returning({ userId: signInLinks.userId })
    .get();
  if (!claimed) return inspectSignInLink(db, secret, now);
  const user = await db.select().from(users).where(eq(users.id, claimed.userId)).get();
  return user ? { ok: true, user } : { ok: false, reason: "deactivated" };
}

/** The sign-in email (also the invitation of a new user), plain and short, through the configured provider. */
export function signInMail(user: Pick<User, "email" | "name">, url: string, options: { organizationName: string; invited: boolean }): MailMessage {
  const subject = options.invited ? `You have been invited to Quorum (${options.organizationName})` : "Your Quorum sign-in link";
  const lead = options.invited ? `You have been invited to Quorum for ${options.organizationName}.` : "Here is the sign-in link you asked for.";
  const text = [
    `Hello ${user.name},`,
    "",
    lead,
    `Open this link to sign in. It works once, for ${SIGN_IN_LINK_MINUTES} minutes:`,
    url,
    "",
    "If you did not ask for it, ignore this email: nobody can sign in without the link.",
  ].join("\n");
  const body = html`<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#1f2328;line-height:1.5">
<p>Hello ${user.name},</p><p>${lead}</p>
<p><a href="${url}" style="color:#0a58ca;font-weight:600">Sign in to Quorum</a><br>It works once, for ${SIGN_IN_LINK_MINUTES} minutes.</p>
<p style="font-size:13px;color:#57606a">If you did not ask for it, ignore this email: nobody can sign in without the link.</p></body></html>`;
  return {
    invitationId: null,
    kind: "sign_in",
    idempotencyKey: `sign-in:${url.slice(-16)}`,
    to: user.email,
    fromName: headerSafe(options.organizationName),
    subject: headerSafe(subject),
    text,
    html: String(body),
    headers: {},
  };
}

/** Issues a link and mails it (from the organization's name); returns the link for callers allowed to see it (local set-up). */
export async function sendSignInLink(
  db: Db,
  provider: MailProvider,
  user: Pick<User, "id" | "email" | "name">,
  options: { publicUrl: string; invited?: boolean; requestedBy?: string; next?: string | null },
  now = new Date(),
): Promise<{ url: string; expiresAt: string; sent: boolean }> {
  const [{ secret, expiresAt }, settings] = await Promise.all([createSignInLink(db, user.id, now, options.requestedBy ? { by: options.requestedBy, email: user.email } : undefined), getSettings(db)]);
  const url = signInUrl(options.publicUrl, secret, options.next);
  const mail = signInMail(user, url, { organizationName: settings.organizationName, invited: options.invited ?? false });
  // A mail API that is down must not turn an invitation (already stored) into an error: they can ask for a link later.
  const result = await provider.send(mail).catch((error: unknown) => ({ ok: false as const, permanent: false, error: String(error) }));
  if (!result.ok) console.warn("sign-in mail not sent", result.error);
  return { url, expiresAt, sent: result.ok };
}
