import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  accounts,
  answerRevisions,
  answers,
  auditLog,
  caseEvents,
  cases,
  contactAddresses,
  contacts,
  deliveries,
  invitations,
  outbox,
  responses,
  webhookDeliveries,
  type Contact,
} from "../../db/schema";
import { auditInsert } from "../audit/log";
import { getContact } from "./contacts";
import { emailHmac, formerAddresses, suppressionReason, suppressionUpsertByHmac } from "./suppression";

/** Invitations not yet handed to the mail provider: erasure stops them. */
const UNSENT = ["scheduled", "deferred", "queued"] as const;

/** What replaces a personal value that has to stay in place (audit-log details, mail copies). */
export const ERASED = "(erased)";

/** Audit-detail keys whose values are personal whatever they hold (a name change is `name: { from, to }`). */
const PERSONAL_KEYS = new Set(["name", "email", "firstName", "lastName", "toEmail", "verbatim", "comment", "text", "textValue", "oldValue", "note"]);

/**
 * GDPR erasure: removes the name, every address the contact ever had (kept only as HMACs on the suppression list,
 * so a CRM re-import cannot bring the person back under any of them), free-text answers and their revisions,
 * verbatims, mail copies, delivery errors that quote the address, and the personal values inside audit-log details,
 * case timelines and webhook payloads (replaced by "(erased)"). Numbers (scores, role, account, paradata) stay, anonymous, so past scores do not change.
 * One batch; erasing twice changes nothing.
 */
export async function eraseContact(db: Db, actor: string, secret: string, id: string, now = new Date()): Promise<Contact> {
  const contact = await getContact(db, id);
  if (contact.status === "erased") return contact;
  const stamp = now.toISOString();
  const addresses = [...new Set([contact.email, ...(await formerAddresses(db, id))].filter((a): a is string => !!a))];
  const hmacs = await Promise.all(addresses.map((address) => emailHmac(secret, address)));
  const { auditRewrites, caseEventRewrites, payloadRewrites } = await scrubbedRecords(db, contact, addresses);
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
      .set({ toEmail: ERASED, subject: ERASED, textBody: "", htmlBody: "", headers: {}, surveyUrl: null, unsubscribeUrl: null })
      .where(inArray(outbox.invitationId, invitationsOfContact)),
    // Mail to our side about the contact's cases (case opened, breached) quotes its name and verbatim; it links the case.
    db
      .update(outbox)
      .set({ subject: ERASED, textBody: "", htmlBody: "" })
      .where(and(sql`outbox.invitation_id IS NULL`, sql`EXISTS (SELECT 1 FROM cases c WHERE c.contact_id = ${id} AND instr(outbox.text_body, c.id) > 0)`)),
    db.update(deliveries).set({ lastError: null }).where(inArray(deliveries.invitationId, invitationsOfContact)),
    db
      .update(invitations)
      .set({ status: "suppressed", blockingRule: "erased", updatedAt: stamp })
      .where(and(eq(invitations.contactId, id), inArray(invitations.status, [...UNSENT]))),
    ...hmacs.map((hmac) => suppressionUpsertByHmac(db, hmac, "erased", now)),
    db.delete(contactAddresses).where(eq(contactAddresses.contactId, id)),
    ...auditRewrites.map(({ id: entryId, detail }) => db.update(auditLog).set({ detail }).where(eq(auditLog.id, entryId))),
    ...caseEventRewrites.map(({ id: eventId, detail }) => db.update(caseEvents).set({ detail }).where(eq(caseEvents.id, eventId))),
    ...payloadRewrites.map(({ id: deliveryId, payload }) => db.update(webhookDeliveries).set({ payload }).where(eq(webhookDeliveries.id, deliveryId))),
    auditInsert(db, { actor, action: "contact.erase", entityType: "contact", entityId: id, detail: { accountId: contact.accountId, addressesSuppressed: addresses.length } }, now),
  ]);
  return erased!;
}

/**
 * What holds something personal about the contact, scrubbed ("(erased)" for its values), read in one round trip:
 * - audit entries: its own, those of its invitations, responses and cases, and any that quote one of its addresses;
 * - its case timeline details (notes, re-check answers);
 * - webhook payloads that carry its responses or cases (free-text answers, verbatims, addresses), so a replayed
 *   delivery never sends erased data again.
 * Only the records that change are returned.
 */
async function scrubbedRecords(db: Db, contact: Contact, addresses: string[]) {
  const related = [
    db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, contact.id)),
    db.select({ id: invitations.id }).from(invitations).where(eq(invitations.contactId, contact.id)),
    db.select({ id: cases.id }).from(cases).where(eq(cases.contactId, contact.id)),
  ];
  const [entries, events, deliveries] = await db.batch([
    db
      .select({ id: auditLog.id, detail: auditLog.detail })
      .from(auditLog)
      .where(
        and(
          sql`${auditLog.detail} IS NOT NULL`,
          or(
            eq(auditLog.entityId, contact.id),
            ...related.map((ids) => inArray(auditLog.entityId, ids)),
            ...addresses.map((address) => sql`instr(lower(${auditLog.detail}), ${address}) > 0`),
          ),
        ),
      ),
    db
      .select({ id: caseEvents.id, detail: caseEvents.detail })
      .from(caseEvents)
      .where(and(sql`${caseEvents.detail} IS NOT NULL`, inArray(caseEvents.caseId, db.select({ id: cases.id }).from(cases).where(eq(cases.contactId, contact.id))))),
    db
      .select({ id: webhookDeliveries.id, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(or(sql`instr(${webhookDeliveries.payload}, ${contact.id}) > 0`, ...addresses.map((address) => sql`instr(lower(${webhookDeliveries.payload}), ${address}) > 0`))),
  ]);
  const personal = personalValues(contact, addresses);
  const changedDetails = <Id>(rows: { id: Id; detail: unknown }[]) =>
    rows.flatMap((row) => {
      const detail = scrub(row.detail, personal) as Record<string, unknown>;
      return JSON.stringify(detail) === JSON.stringify(row.detail) ? [] : [{ id: row.id, detail }];
    });
  const payloadRewrites = deliveries.flatMap((delivery) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(delivery.payload);
    } catch {
      return [{ id: delivery.id, payload: JSON.stringify({ erased: true }) }];
    }
    const payload = JSON.stringify(scrub(parsed, personal));
    return payload === delivery.payload ? [] : [{ id: delivery.id, payload }];
  });
  return { auditRewrites: changedDetails(entries), caseEventRewrites: changedDetails(events), payloadRewrites };
}

const personalValues = (contact: Contact, addresses: string[]) =>
  [...addresses, ...(contact.name && contact.name.length >= 3 ? [contact.name] : [])].map((value) => value.toLowerCase());

function scrub(value: unknown, personal: string[], key?: string): unknown {
  if (value === null || value === undefined) return value;
  if (key !== undefined && PERSONAL_KEYS.has(key)) return ERASED;
  if (typeof value === "string") return personal.some((p) => value.toLowerCase().includes(p)) ? ERASED : value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, personal));
  if (typeof value === "object") {
    // An answer as webhooks carry it: { type: "text", value: "…" } holds free text whatever its key.
    const freeText = (value as Record<string, unknown>).type === "text";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, freeText && k === "value" && v !== null ? ERASED : scrub(v, personal, k)]));
  }
  return value;
}

/** Everything held about a contact (GDPR access request), in one round trip plus the suppression lookup. */
export async function exportContact(db: Db, secret: string, id: string, now = new Date()) {
  const contact = await getContact(db, id);
  const responseIds = db.select({ id: responses.id }).from(responses).where(eq(responses.contactId, id));
  const invitationIds = db.select({ id: invitations.id }).from(invitations).where(eq(invitations.contactId, id));
  const [account, invitationRows, responseRows, answerRows, revisionRows, caseRows, mailRows, addressRows] = await db.batch([
    db.select({ id: accounts.id, externalId: accounts.externalId, name: accounts.name }).from(accounts).where(eq(accounts.id, contact.accountId)),
    db.select().from(invitations).where(eq(invitations.contactId, id)).orderBy(asc(invitations.createdAt)),
    db.select().from(responses).where(eq(responses.contactId, id)).orderBy(asc(responses.createdAt)),
    db.select().from(answers).where(inArray(answers.responseId, responseIds)),
    db.select().from(answerRevisions).where(inArray(answerRevisions.responseId, responseIds)).orderBy(asc(answerRevisions.id)),
    db.select().from(cases).where(eq(cases.contactId, id)).orderBy(asc(cases.openedAt)),
    db.select().from(outbox).where(inArray(outbox.invitationId, invitationIds)).orderBy(asc(outbox.createdAt)),
    db.select({ email: contactAddresses.email, replacedAt: contactAddresses.replacedAt }).from(contactAddresses).where(eq(contactAddresses.contactId, id)).orderBy(asc(contactAddresses.replacedAt)),
  ]);
  return {
    exportedAt: now.toISOString(),
    contact,
    formerAddresses: addressRows,
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
