import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { answerRevisions, answers, cases, outbox, responses } from "../../../src/db/schema";
import { suppressionReason } from "../../../src/domain/directory/suppression";
import { newId } from "../../../src/lib/ids";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

/** A contact who answered (NPS 3 + a free-text why), has a case, a mail copy and one more invitation not yet sent. */
async function contactWithHistory() {
  const db = testDb();
  const account = await makeAccount();
  const contact = await makeContact(account.id, { name: "Erin Erasable" });
  const survey = await makeSurvey();
  const answered = await makeInvitation(contact, survey, { status: "completed" });
  const pending = await makeInvitation(contact, survey, { status: "deferred", admittedAt: null, sentAt: null });
  const responseId = newId("res");
  const now = new Date().toISOString();
  await db.batch([
    db.insert(responses).values({ id: responseId, invitationId: answered.id, surveyId: survey.survey.id, surveyVersionId: survey.version.id, contactId: contact.id, status: "complete", accountId: account.id, role: contact.role, journeyStage: "relationship", submittedAt: now }),
    db.insert(answers).values([
      { responseId, questionId: "nps", type: "nps", numValue: 3 },
      { responseId, questionId: "why", type: "text", textValue: "Erin here: support never calls back" },
    ]),
    db.insert(answerRevisions).values({ responseId, questionId: "why", oldValue: "first draft by Erin", changedAt: now }),
    db.insert(cases).values({ id: newId("cas"), type: "response", responseId, accountId: account.id, contactId: contact.id, severity: 3, priority: 3, verbatim: "support never calls back", dueAt: now, openedAt: now }),
    db.insert(outbox).values({ id: newId("out"), invitationId: answered.id, kind: "invitation", toEmail: contact.email!, fromName: "Olivia", subject: "Erin, a quick question", textBody: "Hi Erin", htmlBody: "<p>Hi Erin</p>", headers: {} }),
  ]);
  return { account, contact, responseId, pending };
}

describe("GDPR: /contacts/{id}/export and /erase", () => {
  it("exports everything held about a contact", async () => {
    const { contact, responseId, account } = await contactWithHistory();
    const res = await api("GET", `/contacts/${contact.id}/export`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.contact).toMatchObject({ id: contact.id, email: contact.email, name: "Erin Erasable" });
    expect(body.account).toEqual({ id: account.id, externalId: account.externalId, name: account.name });
    expect(body.suppression).toBeNull();
    expect(body.invitations).toHaveLength(2);
    expect(body.responses).toHaveLength(1);
    expect(body.responses[0]).toMatchObject({ id: responseId, status: "complete" });
    expect(body.responses[0].answers.map((a: { questionId: string }) => a.questionId).sort()).toEqual(["nps", "why"]);
    expect(body.responses[0].revisions).toHaveLength(1);
    expect(body.cases[0].verbatim).toBe("support never calls back");
    expect(body.mails[0].toEmail).toBe(contact.email);
  });

  it("erases personal data, keeps the numbers, suppresses the address and stops unsent invitations", async () => {
    const { contact, responseId, pending } = await contactWithHistory();
    const res = await api("POST", `/contacts/${contact.id}/erase`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: contact.id, email: null, name: null, status: "erased", role: contact.role, prn: contact.prn });

    const answerRows = await env.DB.prepare("SELECT question_id, num_value, text_value FROM answers WHERE response_id = ? ORDER BY question_id").bind(responseId).all();
    expect(answerRows.results).toEqual([
      { question_id: "nps", num_value: 3, text_value: null },
      { question_id: "why", num_value: null, text_value: null },
    ]);
    const revision = await env.DB.prepare("SELECT old_value FROM answer_revisions WHERE response_id = ?").bind(responseId).first();
    expect(revision).toEqual({ old_value: null });
    expect(await env.DB.prepare("SELECT verbatim FROM cases WHERE contact_id = ?").bind(contact.id).first()).toEqual({ verbatim: null });
    const mail = await env.DB.prepare("SELECT to_email, text_body FROM outbox o JOIN invitations i ON i.id = o.invitation_id WHERE i.contact_id = ?").bind(contact.id).first();
    expect(mail).toEqual({ to_email: "(erased)", text_body: "" });
    expect(await env.DB.prepare("SELECT status, blocking_rule FROM invitations WHERE id = ?").bind(pending.id).first()).toEqual({ status: "suppressed", blocking_rule: "erased" });
    expect(await env.DB.prepare("SELECT status FROM responses WHERE id = ?").bind(responseId).first()).toEqual({ status: "complete" });
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, contact.email!)).toBe("erased");

    const dump = JSON.stringify((await env.DB.prepare("SELECT * FROM audit_log WHERE entity_id = ?").bind(contact.id).all()).results);
    expect(dump).toContain("contact.erase");
    expect(dump).not.toContain(contact.email!);

    const reimport = await json(await api("POST", "/contacts/import", [{ email: contact.email, role: "champion", accountExternalId: "whatever" }]));
    expect(reimport.errors).toEqual([{ row: 1, field: "email", message: expect.stringContaining("erased") }]);
    expect((await json(await api("POST", `/contacts/${contact.id}/erase`))).status).toBe("erased");
    expect((await api("PATCH", `/contacts/${contact.id}`, { name: "Back again" })).status).toBe(409);
    expect((await json(await api("GET", `/contacts/${contact.id}/export`))).suppression).toBe("erased");
  });

  it("only the admin scope may export or erase", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", `/contacts/${contact.id}/export`, undefined, { token })).status).toBe(403);
    expect((await api("POST", `/contacts/${contact.id}/erase`, undefined, { token })).status).toBe(403);
    expect((await api("POST", "/contacts/con_missing/erase")).status).toBe(404);
  });
});
