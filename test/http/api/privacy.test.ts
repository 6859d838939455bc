import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { answerRevisions, answers, cases, outbox, responses } from "../../../src/db/schema";
import { suppressionReason } from "../../../src/domain/directory/suppression";
import { newId } from "../../../src/lib/ids";
import { cutScores, overallScores, resolvePeriod } from "../../../src/domain/scoring/read";
import { advanceScoring, currentRun } from "../../../src/domain/scoring/run";
import { api, json } from "../../support/api";
import { makeResponse } from "../../support/responses";
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

  it("erases the former names and every former address: the audit log read with a read token holds none of them, all addresses are suppressed", async () => {
    const account = await makeAccount();
    const first = `first-${Date.now().toString(36)}@customer.test`;
    const created = await json(await api("POST", "/contacts", { accountId: account.id, email: first, name: "Rosalind Former", role: "champion" }));
    expect((await api("PATCH", `/contacts/${created.id}`, { name: "Rosalind Married" })).status).toBe(200);
    const second = first.replace("first-", "second-");
    expect((await api("PATCH", `/contacts/${created.id}`, { email: second })).status).toBe(200);
    const third = first.replace("first-", "third-");
    expect((await api("PATCH", `/contacts/${created.id}`, { email: third })).status).toBe(200);
    const { token } = await tokenWithScopes(["read"]);
    const before = JSON.stringify(await json(await api("GET", `/audit-log?entityId=${created.id}`, undefined, { token })));
    expect(before).toContain("Rosalind Former");

    expect((await api("POST", `/contacts/${created.id}/erase`)).status).toBe(200);
    const after = JSON.stringify(await json(await api("GET", `/audit-log?entityId=${created.id}`, undefined, { token })));
    for (const personal of ["Rosalind", "Former", "Married", first, second, third]) expect(after).not.toContain(personal);
    expect(after).toContain("(erased)");
    expect(after).toContain("contact.erase");
    for (const address of [first, second, third]) expect(await suppressionReason(testDb(), env.HMAC_SECRET, address)).toBe("erased");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM contact_addresses WHERE contact_id = ?").bind(created.id).first()).toEqual({ n: 0 });
    const reimport = await json(await api("POST", "/contacts/import", [first, second, third].map((email) => ({ email, role: "champion", accountExternalId: account.externalId }))));
    expect(reimport.created).toBe(0);
    expect(reimport.errors.map((e: { message: string }) => e.message)).toEqual([expect.stringContaining("erased"), expect.stringContaining("erased"), expect.stringContaining("erased")]);
  });

  it("scrubs the case timeline, the case mails to our side and the webhook payloads that carry the contact's answers", async () => {
    const { contact, responseId } = await contactWithHistory();
    const caseId = (await env.DB.prepare("SELECT id FROM cases WHERE contact_id = ?").bind(contact.id).first<{ id: string }>())!.id;
    const now = new Date().toISOString();
    await env.DB.prepare("INSERT INTO case_events (case_id, at, actor, kind, detail) VALUES (?, ?, 'user:1', 'note', ?)").bind(caseId, now, JSON.stringify({ text: "Called Erin on her mobile" })).run();
    const payload = JSON.stringify({ type: "response.completed", data: { responseId, contactId: contact.id, answers: [{ questionId: "nps", type: "nps", value: 3 }, { questionId: "why", type: "text", value: "Erin here: support never calls back" }] } });
    const deliveryId = `msg_${responseId}`;
    await env.DB.prepare("INSERT INTO webhook_deliveries (id, endpoint_id, event_type, event_key, payload, window_start, created_at) VALUES (?, 'whe_1', 'response.completed', ?, ?, ?, ?)").bind(deliveryId, `k-${responseId}`, payload, now, now).run();

    const noticeId = `out_notice_${caseId}`;
    await env.DB.prepare("INSERT INTO outbox (id, invitation_id, kind, to_email, from_name, subject, text_body, html_body, headers) VALUES (?, NULL, 'case_opened', 'olivia@quorum.test', 'Quorum', 'New case: Erin Erasable at Acme — NPS 3', ?, '<p>Erin</p>', '{}')")
      .bind(noticeId, `Erin Erasable at Acme answered NPS 3.\nIn their words:\nsupport never calls back\nOpen the case: https://q.test/admin/cases/${caseId}`)
      .run();

    await api("POST", `/contacts/${contact.id}/erase`);
    expect(await env.DB.prepare("SELECT subject, text_body, html_body FROM outbox WHERE id = ?").bind(noticeId).first()).toEqual({ subject: "(erased)", text_body: "", html_body: "" });
    expect(await env.DB.prepare("SELECT detail FROM case_events WHERE case_id = ? AND kind = 'note'").bind(caseId).first()).toEqual({ detail: JSON.stringify({ text: "(erased)" }) });
    const scrubbed = JSON.parse((await env.DB.prepare("SELECT payload FROM webhook_deliveries WHERE id = ?").bind(deliveryId).first<{ payload: string }>())!.payload);
    expect(scrubbed.data.answers).toEqual([{ questionId: "nps", type: "nps", value: 3 }, { questionId: "why", type: "text", value: "(erased)" }]);
    expect(scrubbed.data.contactId).toBe(contact.id);
  });

  it("exports the former addresses with everything else", async () => {
    const contact = await makeContact((await makeAccount()).id);
    await api("PATCH", `/contacts/${contact.id}`, { email: `moved-${contact.email}` });
    const body = await json(await api("GET", `/contacts/${contact.id}/export`));
    expect(body.formerAddresses).toEqual([{ email: contact.email, replacedAt: expect.any(String) }]);
  });

  it("keeps every score the same before and after an erasure", async () => {
    const db = testDb();
    const NOW = new Date("2024-12-15T00:00:00.000Z");
    const survey = await makeSurvey();
    const account = await makeAccount({ annualRevenue: 900, customerSince: "2020-01-01T00:00:00.000Z" });
    const other = await makeAccount({ annualRevenue: 300, customerSince: "2020-01-01T00:00:00.000Z" });
    const erased = await makeContact(account.id, { role: "decision_maker", name: "Gone Soon" });
    const stays = await makeContact(account.id, { role: "champion" });
    const third = await makeContact(other.id, { role: "end_user" });
    await makeResponse(erased, survey, { submittedAt: "2024-10-02T10:00:00.000Z", answers: [{ type: "nps", value: 2 }, { type: "text", text: "Gone Soon says: too slow", questionId: "why" }, { type: "osat", value: 2 }] });
    await makeResponse(erased, survey, { submittedAt: "2024-07-02T10:00:00.000Z", answers: [{ type: "nps", value: 9 }] });
    await makeResponse(stays, survey, { submittedAt: "2024-10-05T10:00:00.000Z", answers: [{ type: "nps", value: 10 }] });
    await makeResponse(third, survey, { submittedAt: "2024-11-05T10:00:00.000Z", answers: [{ type: "nps", value: 7 }, { type: "osat", value: 4 }] });
    const scores = async () => {
      const state = await advanceScoring(db, NOW, { trigger: "api", maxQueries: 100_000, maxMillis: 600_000 });
      expect(state?.status).toBe("complete");
      const run = (await currentRun(db))!;
      const periods = ["2024-Q3", "2024-Q4", "2024-Q4-T12"].map((key) => resolvePeriod(run, key));
      return Promise.all(periods.flatMap((p) => [overallScores(db, run, p), cutScores(db, run, "role", p)]));
    };
    const before = await scores();
    expect((before[2] as Awaited<ReturnType<typeof overallScores>>).nps.n).toBe(3);
    expect((await api("POST", `/contacts/${erased.id}/erase`)).status).toBe(200);
    const after = await scores();
    // A new run (its own id), the very same figures.
    const figures = (results: unknown[]) => JSON.stringify(results).replace(/"runId":"[^"]+"/g, "");
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
    expect(figures(after)).toBe(figures(before));
  });
});
