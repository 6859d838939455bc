import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accounts, answerRevisions, answers, cases, contacts, invitations, outbox, responses, type Contact } from "../../db/schema";
import { auditInsert } from "../audit/log";
import { getContact } from "./contacts";
import { emailHmac, suppressionReason, suppressionUpsertByHmac } from "./suppression";

/** Invitations not yet handed to the mail provider: erasure stops them. */
const UNSENT = ["scheduled", "deferred", "queued"] as const;

/**
 * GDPR erasure: removes the name, the address (kept only as an HMAC on the suppression list, so a CRM re-import
 * cannot bring the person back), free-text answers, verbatims and mail copies. Numbers (scores, role, account,
 * paradata) stay, anonymous, so past scores do not change. One batch; erasing twice changes nothing.
 */
export async function eraseContact(db: Db, actor: string, secret: string, id: string, now = new Date()): Promise<Contact> {
  const contact = await getContact(db, id);
  if (contact.status === "erased") return contact;
  const stamp = now.toISOString();
  const ofContact = db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, id));
  const invitationsOfContact = db.select({ id: invitations.id }).from(invitations).where(eq(invitations.contactId, id));
  const freeTextQuestion = and(inArray(answers.responseId, ofContact), eq(answers.type, "text"));
  const [[erased]] = await db.batch([
    db.update(contacts).set({ email: null, name: null, status: "erased", updatedAt: stamp }).where(eq(contacts.id, id)).returning(),
    db.update(answers).set({ textValue: null, updatedAt: stamp }).where(freeTextQuestion),
    db
      .update(answerRevisions)
      .set({ oldValue: null })
      .where(
        and(
          inArray(answerRevisions.responseId, ofContact),
          // Explicit table names: drizzle leaves columns unqualified in UPDATE, which would bind to the subquery's table.
          sql`answer_revisions.question_id IN (SELECT a.question_id FROM answers a WHERE a.response_id = answer_revisions.response_id AND a.type = 'text')`,
        ),
      ),
    db.update(cases).set({ verbatim: null }).where(eq(cases.contactId, id)),
    db
      .update(outbox)
      .set({ toEmail: "(erased)", subject: "(erased)", textBody: "", htmlBody: "", headers: {}, surveyUrl: null, unsubscribeUrl: null })
      .where(inArray(outbox.invitationId, invitationsOfContact)),
    db
      .update(invitations)
      .set({ status: "suppressed", blockingRule: "erased", updatedAt: stamp })
      .where(and(eq(invitations.contactId, id), inArray(invitations.status, [...UNSENT]))),
    ...(contact.email ? [suppressionUpsertByHmac(db, await emailHmac(secret, contact.email), "erased", now)] : []),
    auditInsert(db, { actor, action: "contact.erase", entityType: "contact", entityId: id, detail: { accountId: contact.accountId } }, now),
  ]);
  return erased!;
}

/** Everything held about a contact (GDPR access request), in one round trip plus the suppression lookup. */
export async function exportContact(db: Db, secret: string, id: string, now = new Date()) {
  const contact = await getContact(db, id);
  const responseIds = db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, id));
  const invitationIds = db.select({ id: invitations.id }).from(invitations).where(eq(invitations.contactId, id));
  const [account, invitationRows, responseRows, answerRows, revisionRows, caseRows, mailRows] = await db.batch([
    db.select({ id: accounts.id, externalId: accounts.externalId, name: accounts.name }).from(accounts).where(eq(accounts.id, contact.accountId)),
    db.select().from(invitations).where(eq(invitations.contactId, id)).orderBy(asc(invitations.createdAt)),
    db.select().from(responses).where(eq(responses.contactId, id)).orderBy(asc(responses.createdAt)),
    db.select().from(answers).where(inArray(answers.responseId, responseIds)),
    db.select().from(answerRevisions).where(inArray(answerRevisions.responseId, responseIds)).orderBy(asc(answerRevisions.id)),
    db.select().from(cases).where(eq(cases.contactId, id)).orderBy(asc(cases.openedAt)),
    db.select().from(outbox).where(inArray(outbox.invitationId, invitationIds)).orderBy(asc(outbox.createdAt)),
  ]);
  return {
    exportedAt: now.toISOString(),
    contact,
    account: account[0] ?? null,
    suppression: contact.email ? await suppressionReason(db, secret, contact.email) : contact.status === "erased" ? "erased" : null,
    invitations: invitationRows,
    responses: responseRows.map((response) => ({
      ...response,
      answers: answerRows.filter((a) => a.responseId === response.id),
      revisions: revisionRows.filter((r) => r.responseId === response.id),
    })),
    cases: caseRows,
    mails: mailRows,
  };
}
