// POST /api/v1/responses/import: past answers from another feedback tool become complete responses in their periods.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { overallScores, resolvePeriod } from "../../../src/domain/scoring/read";
import { advanceScoring, currentRun } from "../../../src/domain/scoring/run";
import { api, json } from "../../support/api";
import { delightedHistory, qualtricsHistory, surveyMonkeyHistory } from "../../support/crm-exports";
import { makeAccount, makeContact, makeSurvey, testDb } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

const post = (body: string, query: Record<string, string> = {}, token?: string) =>
  api("POST", `/responses/import?${new URLSearchParams(query)}`, body, { headers: { "content-type": "text/csv" }, ...(token ? { token } : {}) });
const all = async <T = Record<string, unknown>>(sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

async function twoCustomers() {
  const account = await makeAccount({ annualRevenue: 400_000, country: "FR", segment: "Mid-market" });
  const a = await makeContact(account.id, { role: "decision_maker" });
  const b = await makeContact(account.id, { role: "finance" });
  const survey = await makeSurvey();
  return { account, a, b, survey };
}

describe("POST /api/v1/responses/import", () => {
  it("is reached (not shadowed by /responses/{id}) and needs the admin scope", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await post("Email,Date,Score\nx@y.test,2024-01-01,9\n", { surveyId: "srv_none" }, token)).status).toBe(403);
    const missing = await post("Email,Date,Score\nx@y.test,2024-01-01,9\n", { surveyId: "srv_none" });
    expect(missing.status).toBe(404);
    expect((await json(missing)).detail).toContain("srv_none");
  });

  it("stores a Delighted export as complete responses in their original periods, snapshot at import, marked imported, nothing sent or queued", async () => {
    const { account, a, b, survey } = await twoCustomers();
    const outboxBefore = await count("SELECT count(*) AS n FROM outbox");
    const casesBefore = await count("SELECT count(*) AS n FROM cases");
    const res = await post(delightedHistory([a.email!, b.email!]), { surveyId: survey.survey.id });
    expect(res.status).toBe(200);
    const report = await json(res);
    expect(report).toMatchObject({ dryRun: false, created: 4, unchanged: 0, errors: [] });
    expect(report.mapping).toEqual({ Email: "email", Score: "score", Comment: "comment", "Response Timestamp": "submittedAt" });
    expect(report.ignoredColumns).toEqual(["Response ID"]);

    const rows = await all<Record<string, unknown>>(
      "SELECT r.*, i.status AS inv_status, i.admitted_at, i.sent_at, i.completed_at FROM responses r JOIN invitations i ON i.id = r.invitation_id WHERE r.contact_id IN (?, ?) ORDER BY r.submitted_at",
      a.id,
      b.id,
    );
    expect(rows.map((r) => [r.contact_id, r.submitted_at])).toEqual([
      [a.id, "2025-02-03T13:22:10.000Z"],
      [b.id, "2025-02-20T09:00:00.000Z"],
      [a.id, "2025-05-10T15:30:00.000Z"],
      [b.id, "2025-08-14T14:45:00.000Z"],
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "complete", account_id: account.id, country: "FR", segment: "Mid-market", revenue: 400_000, journey_stage: survey.survey.journeyStage, survey_version_id: survey.version.id });
      expect(row.imported_at).toEqual(expect.any(String));
      expect(row).toMatchObject({ inv_status: "completed", admitted_at: null, sent_at: null, completed_at: row.submitted_at });
    }
    expect(rows.map((r) => r.role)).toEqual(["decision_maker", "finance", "decision_maker", "finance"]);
    const answers = await all("SELECT question_id, num_value, text_value FROM answers WHERE response_id = ? ORDER BY question_id", rows[3]!.id);
    expect(answers).toEqual([
      { question_id: "nps", num_value: 3, text_value: null },
      { question_id: "why", num_value: null, text_value: 'Support never calls back, "urgent" tickets wait a week' },
    ]);
    // No email, no case for old answers.
    expect(await count("SELECT count(*) AS n FROM outbox")).toBe(outboxBefore);
    expect(await count("SELECT count(*) AS n FROM cases")).toBe(casesBefore);
    expect(await count("SELECT count(*) AS n FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE i.contact_id IN (?, ?)", a.id, b.id)).toBe(0);

    // Re-importing the same export changes nothing.
    const again = await json(await post(delightedHistory([a.email!, b.email!]), { surveyId: survey.survey.id }));
    expect(again).toMatchObject({ created: 0, unchanged: 4 });
    expect(await count("SELECT count(*) AS n FROM responses WHERE contact_id IN (?, ?)", a.id, b.id)).toBe(4);

    // They count in scoring like any complete response: 2025-Q1 a 10 (promoter), b 6 (detractor) → n 2, NPS 0; Q3 b 3 → −100.
    const db = testDb();
    const state = await advanceScoring(db, new Date("2025-12-01T00:00:00.000Z"), { trigger: "api", maxQueries: 100_000, maxMillis: 600_000 });
    expect(state?.status).toBe("complete");
    const run = (await currentRun(db))!;
    const q1 = (await overallScores(db, run, resolvePeriod(run, "2025-Q1"))).nps;
    expect(q1).toMatchObject({ n: 2, promoters: 1, detractors: 1, nps: 0 });
    expect((await overallScores(db, run, resolvePeriod(run, "2025-Q3"))).nps).toMatchObject({ n: 1, detractors: 1, nps: -100 });
  });

  it("reads a Qualtrics export (its two extra header rows left out) with a mapping for its question columns", async () => {
    const { a, b, survey } = await twoCustomers();
    const report = await json(await post(qualtricsHistory([a.email!, b.email!]), { surveyId: survey.survey.id, mapping: JSON.stringify({ Q1: "score", Q2: "comment" }) }));
    expect(report).toMatchObject({ created: 2, errors: [] });
    expect(report.mapping).toMatchObject({ RecordedDate: "submittedAt", RecipientEmail: "email", Q1: "score", Q2: "comment" });
    expect(await all("SELECT r.submitted_at, a.num_value FROM responses r JOIN answers a ON a.response_id = r.id AND a.type = 'nps' WHERE r.contact_id IN (?, ?) ORDER BY r.submitted_at", a.id, b.id)).toEqual([
      { submitted_at: "2024-03-15T10:24:02.000Z", num_value: 9 },
      { submitted_at: "2024-04-02T08:01:11.000Z", num_value: 4 },
    ]);
  });

  it("reads a SurveyMonkey export as it comes (second header row, NPS question text, US date-times)", async () => {
    const { a, b, survey } = await twoCustomers();
    const report = await json(await post(surveyMonkeyHistory([a.email!, b.email!]), { surveyId: survey.survey.id }));
    expect(report).toMatchObject({ created: 2, errors: [], dateFormat: "MM/DD/YYYY" });
    expect(await all("SELECT r.submitted_at, a.num_value FROM responses r JOIN answers a ON a.response_id = r.id AND a.type = 'nps' WHERE r.contact_id IN (?, ?) ORDER BY r.submitted_at", a.id, b.id)).toEqual([
      { submitted_at: "2024-03-15T10:22:33.000Z", num_value: 7 },
      { submitted_at: "2024-06-30T16:06:40.000Z", num_value: 10 },
    ]);
    expect(await all("SELECT text_value FROM answers WHERE type = 'text' AND response_id IN (SELECT id FROM responses WHERE contact_id = ?)", a.id)).toEqual([{ text_value: "Slow onboarding, but good people" }]);
  });

  it("dryRun reports every row and writes nothing", async () => {
    const { a, survey } = await twoCustomers();
    const before = await count("SELECT count(*) AS n FROM responses");
    const report = await json(await post(`Email,Date,Score,Comment\n${a.email},2023-03-01,9,Fine\n`, { surveyId: survey.survey.id, dryRun: "true" }));
    expect(report).toMatchObject({ dryRun: true, created: 1, rows: [{ row: 2, outcome: "created", key: a.email }] });
    expect(await count("SELECT count(*) AS n FROM responses")).toBe(before);
  });

  it("places a date without a time at noon UTC, the same calendar day in every organization time zone", async () => {
    const { a, survey } = await twoCustomers();
    await post(`Email,Date,Score\n${a.email},2023-04-01,8\n`, { surveyId: survey.survey.id });
    expect(await all("SELECT submitted_at FROM responses WHERE contact_id = ?", a.id)).toEqual([{ submitted_at: "2023-04-01T12:00:00.000Z" }]);
  });

  it("reports bad rows by number and imports the good ones: unknown person, score out of range, future date, ambiguous date, duplicate, bad survey name", async () => {
    const { a, b, survey } = await twoCustomers();
    const csv = [
      "Email,Date,NPS,Survey,Comment",
      `${a.email},2022-01-10,9,${survey.survey.name},`,
      `nobody@nowhere.test,2022-01-11,9,${survey.survey.name},`,
      `${b.email},2022-01-12,11,${survey.survey.name},`,
      `${b.email},2099-01-12,5,${survey.survey.name},`,
      `${b.email},03/04/2022,5,${survey.survey.name},`,
      `${a.email},2022-01-10,9,${survey.survey.name},`,
      `${b.email},2022-02-01,7,Some Other Survey,`,
      `${b.email},2022-02-02,10 - Extremely likely,${survey.survey.name.toUpperCase()},Love it`,
    ].join("\r\n");
    const report = await json(await post(csv));
    expect(report.created).toBe(2);
    expect(report.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [3, "email"],
      [4, "score"],
      [5, "submittedAt"],
      [6, "submittedAt"],
      [7, "submittedAt"],
      [8, "survey"],
    ]);
    expect(report.errors[1].message).toBe("11 is outside NPS's 0–10");
    expect(report.errors[3].message).toContain("dateFormat");
    expect(report.errors[5].message).toContain("Some Other Survey");
    expect(await all("SELECT r.submitted_at, a.num_value FROM responses r JOIN answers a ON a.response_id = r.id AND a.type = 'nps' WHERE r.contact_id = ?", b.id)).toEqual([
      { submitted_at: "2022-02-02T12:00:00.000Z", num_value: 10 },
    ]);
  });

  it("is documented in the OpenAPI document with its options, as the directory imports are", async () => {
    const doc = await json(await api("GET", "/openapi.json"));
    const history = doc.paths["/responses/import"].post;
    expect(history.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["dateFormat", "dryRun", "mapping", "surveyId"]);
    expect(Object.keys(history.requestBody.content)).toEqual(["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel", "application/json"]);
    const accounts = doc.paths["/accounts/import"].post;
    expect(accounts.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["dateFormat", "dryRun", "mapping", "numberFormat", "valueMaps"]);
    expect(doc.components.schemas.ImportReport.required).toEqual(expect.arrayContaining(["dryRun", "rows", "mapping", "ignoredColumns", "numberFormat", "dateFormat"]));
  });

  it("needs a survey: surveyId or a Survey column; and the key columns", async () => {
    const noSurvey = await post("Email,Date,Score\nx@y.test,2024-01-01,9\n");
    expect(noSurvey.status).toBe(400);
    expect((await json(noSurvey)).errors).toEqual([{ path: "surveyId", message: "required without a survey column" }]);
    const noScore = await post("Email,Date\nx@y.test,2024-01-01\n", { surveyId: "x" });
    expect(noScore.status).toBe(400);
    expect((await json(noScore)).errors).toEqual([{ path: "score", message: "column missing" }]);
  });

  it("does not import answers for an erased person", async () => {
    const { a, survey } = await twoCustomers();
    const email = a.email!;
    await api("POST", `/contacts/${a.id}/erase`);
    const report = await json(await post(`Email,Date,Score\n${email},2021-01-01,9\n`, { surveyId: survey.survey.id }));
    expect(report.created).toBe(0);
    expect(report.errors).toEqual([{ row: 2, field: "email", message: expect.stringContaining("no contact has the address") }]);
  });
});
