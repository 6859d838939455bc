import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { contacts, invitations, surveys, type Invitation } from "../../db/schema";
import { conflict, notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { emailHmac, suppressionReason } from "../directory/suppression";
import { admitAll } from "../frequency/admit";

/**
 * An admin invites one contact to a survey's current published version directly, through the frequency rules
 * (`queued` when they allow it, else deferred/suppressed with the rule; `override` forces it, audited), with its
 * event and audit row in one batch; opted-out people are refused. A contact with this survey already scheduled or
 * deferred gets that invitation back (nothing new) unless an admin overrides.
 */
export async function createDirectInvitation(
  db: Db,
  hmacSecret: string,
  actor: string,
  input: { contactId: string; surveyId: string; override?: { reason: string } },
  now: Date,
): Promise<Invitation> {
  const [[contact], [survey]] = await db.batch([
    db.select().from(contacts).where(eq(contacts.id, input.contactId)),
    db.select().from(surveys).where(eq(surveys.id, input.surveyId)),
  ]);
  if (!contact) throw notFound(`Contact '${input.contactId}'`);
  if (!survey) throw notFound(`Survey '${input.surveyId}'`);
  if (contact.status !== "active") {
    throw conflict(`Contact '${contact.id}' is ${contact.status} and is never invited again.`, [{ path: "contactId", message: contact.status }]);
  }
  const suppressed = contact.email ? await suppressionReason(db, hmacSecret, contact.email) : null;
  if (suppressed) {
    throw conflict(`Contact '${contact.id}' is on the suppression list (${suppressed}) and is never invited again.`, [
      { path: "contactId", message: `suppressed: ${suppressed}` },
    ]);
  }
  if (survey.status !== "active" || !survey.currentVersionId) {
    throw conflict(`Survey '${survey.id}' is ${survey.status}${survey.currentVersionId ? "" : " and unpublished"}; publish and activate it first.`, [
      { path: "surveyId", message: "not an active, published survey" },
    ]);
  }

  // Through the guarded insert: the frequency rules decide (queued, deferred or suppressed with the rule),
  // unless an admin overrides them with a reason, which the invitation and the audit log keep.
  const id = newId("inv", now);
  const [result] = await admitAll(
    db,
    [{ invitationId: id, contactId: contact.id, surveyId: survey.id, cause: { type: "manual" }, emailHmac: contact.email ? await emailHmac(hmacSecret, contact.email) : null, override: input.override ?? null }],
    now,
    [auditInsert(db, { actor, action: input.override ? "invitation.override" : "invitation.create", entityType: "invitation", entityId: id, detail: { ...input } }, now)],
  );
  // Without an override, a contact who already has this survey pending gets that invitation back, not a second row.
  return (await db.select().from(invitations).where(eq(invitations.id, result?.invitationId ?? id)).get())!;
}
