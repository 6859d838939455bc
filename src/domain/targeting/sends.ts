import type { Db } from "../../db/client";
import type { QueueMessage } from "../messages";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { emailHmac } from "../directory/suppression";
import { admitAll, type AdmissionResult } from "../frequency/admit";
import { admittedIds, enqueueDeliveries } from "./enqueue";
import { assertSelectionExists, selectedContacts, type Selection } from "./selection";
import { sendableSurvey } from "./surveys";

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
  /** From the previous response's nextCursor, to continue a selection larger than one slice. */
  cursor?: string;
}

export interface SendOutcome {
  sendId: string;
  surveyId: string;
  totals: { candidates: number; queued: number; deferred: number; suppressed: number };
  invitations: AdmissionResult[];
  nextCursor: string | null;
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

/**
 * A manual send: every selected contact goes through the guarded insert (caps, opt-outs), the audit row rides in the
 * first batch, admitted invitations are queued for delivery. Selections larger than SEND_SLICE continue with nextCursor.
 */
export async function sendSurvey(deps: SendDeps, actor: string, input: SendInput, now: Date): Promise<SendOutcome> {
  await sendableSurvey(deps.db, input.surveyId);
  await assertSelectionExists(deps.db, input.selection);
  const selected = await selectedContacts(deps.db, input.surveyId, input.selection, SEND_SLICE + 1, input.cursor);
  const slice = selected.slice(0, SEND_SLICE);
  const sendId = newId("send", now);
  const audit = auditInsert(
    deps.db,
    {
      actor,
      action: input.override ? "send.override" : "send.create",
      entityType: "survey",
      entityId: input.surveyId,
      detail: { sendId, selection: describe(input.selection), contacts: slice.length, override: input.override ?? null, cursor: input.cursor ?? null },
    },
    now,
  );
  const invitations = await admitAll(deps.db, await admissionsFor(deps.hmacSecret, slice, input, sendId), now, [audit]);
  await enqueueDeliveries(deps.queue, admittedIds(invitations));
  const count = (status: AdmissionResult["status"]) => invitations.filter((i) => i.status === status).length;
  return {
    sendId,
    surveyId: input.surveyId,
    totals: { candidates: invitations.length, queued: count("queued"), deferred: count("deferred"), suppressed: count("suppressed") },
    invitations,
    nextCursor: selected.length > SEND_SLICE ? slice[slice.length - 1]!.id : null,
  };
}

/** What the audit log keeps of a selection: the filter, or how many ids (not the whole list). */
function describe(selection: Selection) {
  if ("contactIds" in selection) return { contactIds: selection.contactIds.length };
  if ("accountIds" in selection) return { accountIds: selection.accountIds.slice(0, 50), count: selection.accountIds.length };
  return { filter: selection.filter };
}
