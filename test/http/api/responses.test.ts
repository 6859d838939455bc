// GET /api/v1/responses (filters, cursor, verbatims only for read scope or more) and /responses/{id} with revisions.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { tokenWithScopes } from "../../support/tokens";

describe("/api/v1/responses", () => {
  it("lists complete responses newest first with filters, names, verbatims and a cursor", async () => {
    const survey = await makeSurvey({ name: "Pulse API" });
    const account = await makeAccount({ name: "Api Account" });
    const base = Date.now();
    const at = (minutes: number) => new Date(base - minutes * 60_000).toISOString();
    const critic = await makeContact(account.id, { name: "Cri Tic", role: "finance" });
    const fan = await makeContact(account.id, { name: "Fan Tastic", role: "champion" });
    const first = await makeResponse(critic, survey, { submittedAt: at(1), answers: [{ type: "nps", value: 4 }, { type: "text", text: "Too expensive." }] });
    await makeResponse(fan, survey, { submittedAt: at(2), answers: [{ type: "nps", value: 10 }] });
    await makeResponse(fan, survey, { submittedAt: at(3), status: "partial", answers: [{ type: "nps", value: 1 }] });

    const all = await json(await api("GET", `/responses?accountId=${account.id}`));
    expect(all.items.map((r: { contactName: string }) => r.contactName)).toEqual(["Cri Tic", "Fan Tastic"]);
    expect(all.items[0]).toMatchObject({ id: first.response.id, surveyName: "Pulse API", accountName: "Api Account", role: "finance", nps: 4, verbatim: "Too expensive." });

    const detractors = await json(await api("GET", `/responses?accountId=${account.id}&band=detractor`));
    expect(detractors.items).toHaveLength(1);
    const withText = await json(await api("GET", `/responses?accountId=${account.id}&withText=true&role=finance`));
    expect(withText.items).toHaveLength(1);
    const fansOnly = await json(await api("GET", `/responses?accountId=${account.id}&role=champion`));
    expect(fansOnly.items.map((r: { contactName: string }) => r.contactName)).toEqual(["Fan Tastic"]);

    const page1 = await json(await api("GET", `/responses?accountId=${account.id}&limit=1`));
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await json(await api("GET", `/responses?accountId=${account.id}&limit=1&cursor=${page1.nextCursor}`));
    expect(page2.items.map((r: { contactName: string }) => r.contactName)).toEqual(["Fan Tastic"]);
    expect(page2.nextCursor).toBeNull();

    // Period filter: this quarter has both; a quarter years ago has none.
    const now = new Date(base);
    const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
    expect((await json(await api("GET", `/responses?accountId=${account.id}&period=${quarter}`))).items).toHaveLength(2);
    expect((await json(await api("GET", `/responses?accountId=${account.id}&period=2001-Q1`))).items).toHaveLength(0);

    // Integrations read the numbers, not the verbatims; read tokens read both.
    const integration = await tokenWithScopes(["integration"]);
    const forIntegration = await json(await api("GET", `/responses?accountId=${account.id}`, undefined, { token: integration.token }));
    expect(forIntegration.items[0]).toMatchObject({ nps: 4, verbatim: null });
    const reader = await tokenWithScopes(["read"]);
    expect((await json(await api("GET", `/responses?accountId=${account.id}`, undefined, { token: reader.token }))).items[0].verbatim).toBe("Too expensive.");
    expect((await api("GET", `/responses/${first.response.id}`, undefined, { token: integration.token })).status).toBe(403);
  });

  it("shows one response with its answers and the revisions of answers edited after submit", async () => {
    const survey = await makeSurvey();
    const contact = await makeContact((await makeAccount()).id, { name: "Ed Itor" });
    const { response } = await makeResponse(contact, survey, { submittedAt: new Date().toISOString(), answers: [{ type: "nps", value: 9, questionId: "nps" }] });
    await env.DB.prepare("INSERT INTO answer_revisions (response_id, question_id, old_value, changed_at) VALUES (?, 'nps', '3', ?)").bind(response.id, new Date().toISOString()).run();
    const res = await api("GET", `/responses/${response.id}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ id: response.id, status: "complete", contactName: "Ed Itor", nps: 9 });
    expect(body.answers).toEqual([expect.objectContaining({ questionId: "nps", type: "nps", numValue: 9 })]);
    expect(body.revisions).toEqual([expect.objectContaining({ questionId: "nps", oldValue: 3 })]);
    expect((await api("GET", "/responses/rsp_nope")).status).toBe(404);
  });

  it("refuses bad filters and cursors with problem+json", async () => {
    for (const query of ["band=warm", "cursor=%%%", "cursor=bm9wZQ", "period=2026-Q5", "withText=maybe", "limit=0", "from=yesterday"]) {
      const res = await api("GET", `/responses?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });
});
