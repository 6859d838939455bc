import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/lib/crypto";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";

const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();
const transactional = () => makeSurvey({ kind: "transactional", journeyStage: "support" });

async function integrationToken(): Promise<string> {
  const secret = `integration-${crypto.randomUUID()}`;
  await env.DB.prepare("INSERT INTO api_tokens (id, name, token_hash, scopes) VALUES (?, 'crm', ?, '[\"integration\"]')")
    .bind(`tok_${crypto.randomUUID()}`, await sha256Hex(secret))
    .run();
  return secret;
}

async function counts() {
  const row = await env.DB.prepare(
    "SELECT (SELECT count(*) FROM invitations) AS invitations, (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM invitation_events) AS history",
  ).first();
  return row;
}

describe("GET /api/v1/contacts/{id}/eligibility", () => {
  it("explains the cooldown with its end, and opt-outs without one", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const [earlier, asked] = [await transactional(), await transactional()];
    const sentAt = daysAgo(3);
    await makeInvitation(contact, earlier, { admittedAt: sentAt });

    const res = await api("GET", `/contacts/${contact.id}/eligibility?surveyId=${asked.survey.id}`, undefined, { token: await integrationToken() });
    expect(res.status).toBe(200);
    // Contact and survey in one batch, then the explanation, after the token's check: 4 (was 5).
    expect(Number(res.headers.get("X-D1-Round-Trips"))).toBeLessThanOrEqual(4);
    expect((await api("GET", `/contacts/con_nope/eligibility?surveyId=${asked.survey.id}`)).status).toBe(404);
    expect((await json(await api("GET", `/contacts/${contact.id}/eligibility?surveyId=sur_nope`))).detail).toMatch(/Survey 'sur_nope'/);
    const until = new Date(Date.parse(sentAt) + 14 * DAY).toISOString();
    expect(await json(res)).toEqual({
      eligible: false,
      targeted: true,
      decision: "deferred",
      blockingRule: "contact-cooldown",
      blockingRules: [{ id: "contact-cooldown", until }],
      nextEligibleAt: until,
      contactName: contact.name,
      accountName: account.name,
    });

    const fresh = await makeContact(account.id);
    expect(await json(await api("GET", `/contacts/${fresh.id}/eligibility?surveyId=${asked.survey.id}`))).toMatchObject({
      eligible: true,
      blockingRules: [],
    });
    const gone = await makeContact(account.id, { status: "unsubscribed" });
    expect(await json(await api("GET", `/contacts/${gone.id}/eligibility?surveyId=${asked.survey.id}`))).toMatchObject({
      eligible: false,
      targeted: true,
      decision: "suppressed",
      blockingRule: "opted-out",
      blockingRules: [{ id: "opted-out", until: null }],
      nextEligibleAt: null,
    });
  });

  it("answers 404 for an unknown contact or survey and 400 without surveyId", async () => {
    const contact = await makeContact((await makeAccount()).id);
    expect((await api("GET", `/contacts/nope/eligibility?surveyId=x`)).status).toBe(404);
    expect((await api("GET", `/contacts/${contact.id}/eligibility?surveyId=nope`)).status).toBe(404);
    expect((await api("GET", `/contacts/${contact.id}/eligibility`)).status).toBe(400);
  });
});

describe("POST /api/v1/sends/plan and /sends", () => {
  it("plans who would be invited and why, writing nothing, and the send then does exactly that", async () => {
    const account = await makeAccount();
    const survey = await transactional();
    const recent = await makeContact(account.id);
    await makeInvitation(recent, await transactional(), { admittedAt: daysAgo(2) });
    const optedOut = await makeContact(account.id, { status: "bounced" });
    const free = await Promise.all(Array.from({ length: 6 }, () => makeContact(account.id)));
    const before = await counts();

    const plan = await json(await api("POST", "/sends/plan", { surveyId: survey.survey.id, accountIds: [account.id] }));
    // Bounced contacts are not selected by account; the recent one waits; of 6 free ones the account cap (5 a week,
    // 1 already used) lets 4 through and defers 2.
    expect(plan.totals).toEqual({
      candidates: 7,
      queued: 4,
      deferred: 3,
      suppressed: 0,
      notTargeted: 0,
      pending: 0,
      byRule: { "contact-cooldown": 1, "account-weekly": 2 },
    });
    expect(plan.items.find((i: any) => i.contactId === recent.id)).toMatchObject({ wouldBe: "deferred", blockingRule: "contact-cooldown" });
    expect(plan.items.some((i: any) => i.contactId === optedOut.id)).toBe(false);
    expect(await counts()).toEqual(before);

    const named = await json(await api("POST", "/sends/plan", { surveyId: survey.survey.id, contactIds: [optedOut.id] }));
    expect(named.items).toEqual([
      expect.objectContaining({ contactId: optedOut.id, wouldBe: "suppressed", blockingRule: "bounced", blockingRules: [{ id: "bounced", until: null }] }),
    ]);

    const sent = await api("POST", "/sends", { surveyId: survey.survey.id, accountIds: [account.id] });
    expect(sent.status).toBe(201);
    const outcome = await json(sent);
    expect(outcome.totals).toEqual({ candidates: 7, queued: 4, deferred: 3, suppressed: 0, notTargeted: 0, pending: 0 });
    const planned = Object.fromEntries(plan.items.map((i: any) => [i.contactId, i.wouldBe]));
    const actual = Object.fromEntries(outcome.invitations.map((i: any) => [i.contactId, i.status]));
    expect(actual).toEqual(planned);
    expect(free.filter((c) => actual[c.id] === "queued")).toHaveLength(4);
    const audit = await env.DB.prepare("SELECT action, detail FROM audit_log WHERE entity_id = ? ORDER BY id DESC").bind(survey.survey.id).first<any>();
    expect(audit.action).toBe("send.create");
  });

  it("pages plan items with a cursor while totals always cover the whole selection", async () => {
    const survey = await transactional();
    const accounts = [await makeAccount(), await makeAccount()];
    const people = [];
    for (const account of accounts) for (let k = 0; k < 3; k++) people.push(await makeContact(account.id));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await json(await api("POST", "/sends/plan", { surveyId: survey.survey.id, accountIds: accounts.map((a) => a.id), limit: 4, cursor }));
      expect(page.totals.candidates).toBe(6);
      seen.push(...page.items.map((i: any) => i.contactId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(people.map((p) => p.id).sort());
  });

  it("refuses unknown contacts (422, which ones), two selections at once (400), and an override without the admin scope (403)", async () => {
    const survey = await transactional();
    const before = await counts();
    const unknown = await json(await api("POST", "/sends", { surveyId: survey.survey.id, contactIds: ["con_missing"] }));
    expect(unknown.status).toBe(422);
    expect(unknown.errors).toEqual([{ path: "contactIds", message: "no such id 'con_missing'" }]);
    const both = await json(await api("POST", "/sends", { surveyId: survey.survey.id, contactIds: ["a"], accountIds: ["b"] }));
    expect(both.status).toBe(400);
    const contact = await makeContact((await makeAccount()).id);
    const forced = await api("POST", "/sends", { surveyId: survey.survey.id, contactIds: [contact.id], override: { reason: "exec asked" } }, { token: await integrationToken() });
    expect(forced.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("lets an admin override the caps with a reason, audited", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const survey = await transactional();
    await makeInvitation(contact, survey, { admittedAt: daysAgo(1) });
    const res = await json(await api("POST", "/sends", { surveyId: survey.survey.id, contactIds: [contact.id], override: { reason: "renewal escalation" } }));
    expect(res.invitations).toEqual([expect.objectContaining({ contactId: contact.id, status: "queued" })]);
    const audit = await env.DB.prepare("SELECT action, detail FROM audit_log WHERE action = 'send.override' AND entity_id = ?").bind(survey.survey.id).first<any>();
    expect(JSON.parse(audit.detail)).toMatchObject({ override: { reason: "renewal escalation" } });
  });
});

describe("atomic caps under concurrent triggers", () => {
  it("25 concurrent sends to one contact admit exactly one", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const surveys = await Promise.all(Array.from({ length: 25 }, () => transactional()));
    const responses = await Promise.all(surveys.map((s) => api("POST", "/sends", { surveyId: s.survey.id, contactIds: [contact.id] })));
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(201));
    const rows = await env.DB.prepare("SELECT status, count(*) AS n FROM invitations WHERE contact_id = ? GROUP BY status ORDER BY status").bind(contact.id).all();
    expect(rows.results).toEqual([
      { status: "deferred", n: 24 },
      { status: "queued", n: 1 },
    ]);
  });

  it("25 concurrent sends to different contacts of one account admit exactly five (account-weekly)", async () => {
    const account = await makeAccount();
    const people = await Promise.all(Array.from({ length: 25 }, () => makeContact(account.id)));
    const survey = await transactional();
    await Promise.all(people.map((p) => api("POST", "/sends", { surveyId: survey.survey.id, contactIds: [p.id] })));
    const rows = await env.DB.prepare("SELECT status, blocking_rule AS rule, count(*) AS n FROM invitations WHERE account_id = ? GROUP BY 1, 2 ORDER BY 1")
      .bind(account.id)
      .all();
    expect(rows.results).toEqual([
      { status: "deferred", rule: "account-weekly", n: 20 },
      { status: "queued", rule: null, n: 5 },
    ]);
  });
});

describe("POST /api/v1/sends with an Idempotency-Key", () => {
  it("writes once: a retry (even concurrent) answers the first result with 200 and replayed, a different body with the key is refused", async () => {
    const token = await integrationToken();
    const account = await makeAccount();
    const fresh = await makeContact(account.id);
    const gone = await makeContact(account.id, { status: "unsubscribed" });
    const survey = await transactional();
    const body = { surveyId: survey.survey.id, contactIds: [fresh.id, gone.id] };
    const headers = { "idempotency-key": `retry-${crypto.randomUUID()}` };
    const rows = () => env.DB.prepare("SELECT count(*) AS n FROM invitations WHERE survey_id = ?").bind(survey.survey.id).first<{ n: number }>().then((r) => r!.n);
    // This send's writes only (the queue delivers the queued invitation meanwhile, adding its own history rows).
    const writes = () =>
      env.DB.prepare("SELECT (SELECT count(*) FROM invitations WHERE survey_id = ?1) AS invitations, (SELECT count(*) FROM audit_log WHERE entity_id = ?1) AS audit")
        .bind(survey.survey.id)
        .first();

    const first = await api("POST", "/sends", body, { token, headers });
    expect(first.status).toBe(201);
    const sent = await json(first);
    expect(sent.totals).toMatchObject({ queued: 1, suppressed: 1 });
    expect(await rows()).toBe(2);
    const before = await writes();

    const retries = await Promise.all([api("POST", "/sends", body, { token, headers }), api("POST", "/sends", body, { token, headers })]);
    for (const retry of retries) {
      expect(retry.status).toBe(200);
      expect(await json(retry)).toEqual({ ...sent, replayed: true });
    }
    expect(await writes()).toEqual(before);

    const other = await api("POST", "/sends", { ...body, contactIds: [fresh.id] }, { token, headers });
    expect(other.status).toBe(422);
    expect(await writes()).toEqual(before);

    // Without a key, a repeated send still writes (a deferral, another suppressed row), as before.
    expect((await api("POST", "/sends", body, { token })).status).toBe(201);
    expect(await rows()).toBe(4);
  });

  it("refuses a malformed key and documents the header in the OpenAPI document", async () => {
    const res = await api("POST", "/sends", { surveyId: "x", contactIds: ["y"] }, { token: await integrationToken(), headers: { "idempotency-key": "has space" } });
    expect(res.status).toBe(400);
    const doc = await json(await api("GET", "/openapi.json"));
    const send = (doc.paths["/sends"] ?? doc.paths["/sends/"]).post;
    expect(send.parameters).toEqual([expect.objectContaining({ name: "idempotency-key", in: "header", required: false })]);
    expect(Object.keys(send.responses)).toEqual(expect.arrayContaining(["200", "201"]));
  });
});
