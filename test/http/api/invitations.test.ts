import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/lib/crypto";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";

const count = async (query: string, ...params: unknown[]) =>
  (await env.DB.prepare(query).bind(...params).first<{ n: number }>())?.n ?? 0;

describe("POST /api/v1/invitations", () => {
  it("queues an invitation for the current version, audits it, and returns a working survey link", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const { survey, version } = await makeSurvey();
    const before = Date.now();
    const res = await api("POST", "/invitations", { contactId: contact.id, surveyId: survey.id });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({
      contactId: contact.id,
      accountId: account.id,
      surveyId: survey.id,
      surveyVersionId: version.id,
      kind: "relational",
      journeyStage: "relationship",
      status: "queued",
      causeType: "manual",
    });
    const expiresIn = new Date(body.expiresAt).getTime() - new Date(body.admittedAt).getTime();
    expect(expiresIn).toBe(30 * 86_400_000);
    expect(new Date(body.admittedAt).getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(body.surveyUrl).toMatch(/^http:\/\/quorum\.test\/s\//);
    expect(body.unsubscribeUrl).toMatch(/^http:\/\/quorum\.test\/u\//);
    expect((await workerFetch(new URL(body.surveyUrl).pathname)).status).toBe(200);

    expect(await count("SELECT count(*) AS n FROM invitation_events WHERE invitation_id = ? AND status = 'queued'", body.id)).toBe(1);
    const audit = await env.DB.prepare("SELECT action, actor FROM audit_log WHERE entity_id = ?").bind(body.id).all();
    expect(audit.results).toEqual([{ action: "invitation.create", actor: "bootstrap" }]);

  });

  it("refuses opted-out contacts (409), unknown ids (404), unpublished surveys (409) and unknown fields (400), writing nothing", async () => {
    const account = await makeAccount();
    const { survey } = await makeSurvey();
    const draft = await makeSurvey({ status: "draft" });
    const active = await makeContact(account.id);
    for (const status of ["unsubscribed", "bounced", "erased"] as const) {
      const contact = await makeContact(account.id, { status });
      const res = await api("POST", "/invitations", { contactId: contact.id, surveyId: survey.id });
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await json(res)).detail).toContain(status);
    }
    expect((await api("POST", "/invitations", { contactId: "con_nope", surveyId: survey.id })).status).toBe(404);
    expect((await api("POST", "/invitations", { contactId: active.id, surveyId: "sur_nope" })).status).toBe(404);
    expect((await api("POST", "/invitations", { contactId: active.id, surveyId: draft.survey.id })).status).toBe(409);
    expect((await api("POST", "/invitations", { contactId: active.id, surveyId: survey.id, extra: 1 })).status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM invitations WHERE account_id = ?", account.id)).toBe(0);
  });

  it("never invites a contact again after they unsubscribed through their link", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const { survey } = await makeSurvey();
    const first = await json(await api("POST", "/invitations", { contactId: contact.id, surveyId: survey.id }));
    const unsubscribe = await workerFetch(new URL(first.unsubscribeUrl).pathname, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(unsubscribe.status).toBe(200);
    expect((await api("POST", "/invitations", { contactId: contact.id, surveyId: survey.id })).status).toBe(409);
  });

  it("needs the admin scope", async () => {
    const secret = `read-token-${crypto.randomUUID()}`;
    await env.DB.prepare("INSERT INTO api_tokens (id, name, token_hash, scopes) VALUES (?, 'reader', ?, '[\"read\"]')")
      .bind(`tok_${crypto.randomUUID()}`, await sha256Hex(secret))
      .run();
    const res = await api("POST", "/invitations", { contactId: "x", surveyId: "y" }, { token: secret });
    expect(res.status).toBe(403);
  });
});
