import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { sendRequests } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { ApiError, unprocessable } from "../../lib/errors";
import type { QueueMessage } from "../messages";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { emailHmac } from "../directory/suppression";
import { admitAll, type AdmissionResult } from "../frequency/admit";
import { NOT_TARGETED } from "../frequency/verdict";
import { admittedIds, enqueueDeliveries } from "./enqueue";
import { assertNoneMissing, missingIds, selectedContacts, type Selection } from "./selection";
import { assertSendable, surveyRow } from "./surveys";

export interface SendDeps {
  db: Db;
  queue: Queue<QueueMessage>;
  /** env.HMAC_SECRET: the suppression list is keyed by an HMAC of the address. */
  hmacSecret: string;
}

/** Contacts handled per request: stays far inside D1's 1,000 queries per invocation (one guarded insert each). */
export const SEND_SLICE = 400;

export interface SendInput {
  surveyId: string;
  selection: Selection;
  override?: { reason: string } | null;
  /** Invite named contacts outside the survey's target roles too (else they are listed as not-targeted, nothing written). */
  includeOffTarget?: boolean;
  /** From the previous response's nextCursor, to continue a selection larger than one slice. */
  cursor?: string;
  /**
   * One-time key of this send (the planner form's, or an API client's Idempotency-Key): the same key again writes
   * nothing and answers the first send's outcome (`replayed`); the same key for a different request is refused.
   */
  idempotencyKey?: string;
}

/** One selected contact's outcome: a new invitation, the pending one answered instead, or not-targeted (nothing written). */
export interface SendItem {
  invitationId: string | null;
  contactId: string;
  contactName: string | null;
  accountName: string;
  status: AdmissionResult["status"] | "not-targeted";
  blockingRule: string | null;
  scheduledFor: string | null;
  pending: boolean;
}

export interface SendTotals {
  candidates: number;
  queued: number;
  deferred: number;
  suppressed: number;
  /** Outside the survey's target roles (named contacts only; nothing written). */
  notTargeted: number;
  /** Already had this survey scheduled or deferred: that invitation stands, no second row. */
  pending: number;
}

export interface SendOutcome {
  sendId: string;
  surveyId: string;
  totals: SendTotals;
  invitations: SendItem[];
  nextCursor: string | null;
  /** True when this answers a repeated idempotency key: the first send's outcome, nothing written again. */
  replayed?: boolean;
}

/** Totals of a send's items: each item counts once, pending and not-targeted apart from the verdicts. */
export function sendTotals(items: Pick<SendItem, "status" | "pending">[]): SendTotals {
  const totals: SendTotals = { candidates: items.length, queued: 0, deferred: 0, suppressed: 0, notTargeted: 0, pending: 0 };
  for (const item of items) {
    if (item.pending) totals.pending++;
    else if (item.status === "not-targeted") totals.notTargeted++;
    else if (item.status === "queued" || item.status === "deferred" || item.status === "suppressed") totals[item.status]++;
  }
  return totals;
}

/** Candidates → admissions: each contact's suppression-list key, the send as cause, the override if any. */
async function admissionsFor(secret: string, contacts: { id: string; email: string | null }[], input: SendInput, sendId: string) {
  return Promise.all(
    contacts.map(async (c) => ({
      contactId: c.id,
      surveyId: input.surveyId,
      cause: { type: "manual" as const, id: sendId },
      emailHmac: c.email ? await emailHmac(secret, c.email) : null,
      override: input.override ?? null,
    })),
  );
}

/** The request an idempotency key stands for (selection, options, slice), so a key reused for another send is refused. */
const fingerprintOf = (input: SendInput) =>
  sha256Hex(JSON.stringify([input.surveyId, input.selection, input.override ?? null, input.includeOffTarget ?? false, input.cursor ?? null]));

/** The answer to a key already used: the first outcome, or why there is none. */
function replay(row: typeof sendRequests.$inferSelect, fingerprint: string): SendOutcome {
  if (row.fingerprint !== fingerprint) {
    throw unprocessable(`This idempotency key was already used for a different send. Nothing was sent; use a new key for a new send.`, [
      { path: "idempotencyKey", message: "already used for a different request" },
    ]);
  }
  if (row.outcome === null) throw new ApiError(409, "Send in progress", "The first send with this key is still being written. Nothing was sent again; look at the invitations in a moment.");
  return { ...(JSON.parse(row.outcome) as SendOutcome), replayed: true };
}

const requestRow = (db: Db, actor: string, key: string) => db.select().from(sendRequests).where(and(eq(sendRequests.actor, actor), eq(sendRequests.key, key)));

/**
 * A manual send: every selected contact goes through the guarded insert (caps, opt-outs), the audit row rides in the
 * first batch, admitted invitations are queued for delivery. Selections larger than SEND_SLICE continue with nextCursor.
 * With an idempotency key, the key's row rides in the first batch too: a second submit fails its UNIQUE key (the whole
 * batch with it, so nothing is written twice) and is answered with the first outcome.
 */
export async function sendSurvey(deps: SendDeps, actor: string, input: SendInput, now: Date): Promise<SendOutcome> {
  const key = input.idempotencyKey;
  const [survey, missing, earlier] = await deps.db.batch([surveyRow(deps.db, input.surveyId), missingIds(deps.db, input.selection), requestRow(deps.db, actor, key ?? "")]);
  const fingerprint = key ? await fingerprintOf(input) : "";
  if (key && earlier[0]) return replay(earlier[0], fingerprint);
  assertSendable(survey[0], input.surveyId);
  assertNoneMissing(input.selection, missing);
  const offTarget = input.includeOffTarget ?? false;
  const selected = await selectedContacts(deps.db, input.surveyId, input.selection, SEND_SLICE + 1, input.cursor, offTarget);
  const slice = selected.slice(0, SEND_SLICE);
  const invited = offTarget ? slice : slice.filter((c) => c.targeted === 1);
  const sendId = newId("send", now);
  const audit = auditInsert(
    deps.db,
    {
      actor,
      action: input.override ? "send.override" : "send.create",
      entityType: "survey",
      entityId: input.surveyId,
      detail: {
        sendId,
        selection: describe(input.selection),
        contacts: slice.length,
        override: input.override ?? null,
        includeOffTarget: offTarget,
        cursor: input.cursor ?? null,
      },
    },
    now,
  );
  const claim = key
    ? [deps.db.insert(sendRequests).values({ actor, key, fingerprint, sendId, surveyId: input.surveyId, outcome: null, createdAt: now.toISOString() })]
    : [];
  let results: AdmissionResult[];
  try {
    results = await admitAll(deps.db, await admissionsFor(deps.hmacSecret, invited, input, sendId), now, [...claim, audit]);
  } catch (error) {
    // A concurrent submit with the same key won: this batch was rolled back whole.
    const won = key && isUniqueViolation(error) ? await requestRow(deps.db, actor, key).get() : undefined;
    if (won) return replay(won, fingerprint);
    throw error;
  }
  await enqueueDeliveries(deps.queue, admittedIds(results));
  const byContact = new Map(results.map((r) => [r.contactId, r]));
  const invitations = slice.map((c): SendItem => {
    const r = byContact.get(c.id);
    const names = { contactId: c.id, contactName: c.name, accountName: c.accountName };
    if (!r) return { ...names, invitationId: null, status: "not-targeted", blockingRule: NOT_TARGETED, scheduledFor: null, pending: false };
    return { ...names, invitationId: r.invitationId, status: r.status, blockingRule: r.blockingRule, scheduledFor: r.scheduledFor, pending: r.pending ?? false };
  });
  const outcome: SendOutcome = {
    sendId,
    surveyId: input.surveyId,
    totals: sendTotals(invitations),
    invitations,
    nextCursor: selected.length > SEND_SLICE ? slice[slice.length - 1]!.id : null,
  };
  if (key) {
    await deps.db.update(sendRequests).set({ outcome: JSON.stringify(outcome) }).where(and(eq(sendRequests.actor, actor), eq(sendRequests.key, key)));
  }
  return outcome;
}

/** What the audit log keeps of a selection: the filter, or how many ids (not the whole list). */
function describe(selection: Selection) {
  if ("contactIds" in selection) return { contactIds: selection.contactIds.length };
  if ("accountIds" in selection) return { accountIds: selection.accountIds.slice(0, 50), count: selection.accountIds.length };
  return { filter: selection.filter };
}
