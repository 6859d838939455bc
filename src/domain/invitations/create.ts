import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { contacts, invitationEvents, invitations, surveys, type Invitation } from "../../db/schema";
import { conflict, notFound } from "../../http/problem";
import { newId } from "../../lib/ids";
import { auditInsert } from "../audit/log";
import { suppressionReason } from "../directory/suppression";
import { SURVEY_LINK_DAYS } from "../links/tokens";

const DAY_MS = 86_400_000;

/**
 * An admin invites one contact to a survey's current published version directly: `queued` at once (admitted now,
 * expiring after 30 days), with its event and audit row in one batch. Frequency caps do not apply here yet (the
 * frequency issue routes this through the guarded insert with an admin override); opted-out people are refused.
 */
export async function createDirectInvitation(
  db: Db,
  hmacSecret: string,
  actor: string,
  input: { contactId: string; surveyId: string },
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

  const at = now.toISOString();
  const id = newId("inv", now);
  const [[created]] = await db.batch([
    db
      .insert(invitations)
      .values({
        id,
        surveyId: survey.id,
        surveyVersionId: survey.currentVersionId,
        contactId: contact.id,
        accountId: contact.accountId,
        kind: survey.kind,
        journeyStage: survey.journeyStage,
        status: "queued",
        causeType: "manual",
        admittedAt: at,
        expiresAt: new Date(now.getTime() + SURVEY_LINK_DAYS * DAY_MS).toISOString(),
        createdAt: at,
        updatedAt: at,
      })
      .returning(),
    db.insert(invitationEvents).values({ invitationId: id, status: "queued", at, detail: "direct" }),
    auditInsert(db, { actor, action: "invitation.create", entityType: "invitation", entityId: id, detail: input }, now),
  ]);
  return created!;
}
