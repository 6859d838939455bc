import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { signLink } from "../../../src/domain/links/tokens";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { inviteUser, signInAs } from "../../support/people";
import { tokenWithScopes } from "../../support/tokens";

const caseOfInvitation = (invitationId: string) =>
  env.DB.prepare("SELECT k.* FROM cases k JOIN responses r ON r.id = k.response_id WHERE r.invitation_id = ?").bind(invitationId).first<Record<string, any>>();

/** A detractor answers through the respondent page; the real queue consumer opens the case after the response is stored. */
async function detractorAnswers(ownerEmail: string, why = "Support never called back.") {
  const account = await makeAccount({ ownerEmail, annualRevenue: 7_000_000_000 });
  const contact = await makeContact(account.id, { name: "Dana Detractor" });
  const invitation = await makeInvitation(contact, await makeSurvey());
  const token = await signLink(env, { invitationId: invitation.id, purpose: "survey" });
  const res = await workerFetch(`/s/${token}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams([["q:nps", "2"], ["q:why", why], ["action", "submit"]]).toString(),
  });
  expect(res.status).toBe(303);
  expect(Number(res.headers.get("x-d1-round-trips"))).toBe(1); // enqueuing is not a D1 round trip
  const row = await vi.waitFor(async () => {
    const found = await caseOfInvitation(invitation.id);
    if (!found) throw new Error("no case yet");
    return found;
  }, { timeout: 10_000, interval: 100 });
  return { account, contact, invitation, caseId: row.id as string };
}

describe("/api/v1/cases", () => {
  it("a detractor's answer opens a case from the queue, the owner is emailed a link, the queue lists it and the owner works it", async () => {
    const owner = await inviteUser("account_manager", { name: "Olivia Owner" });
    const { caseId, account } = await detractorAnswers(owner.email);

    const mail = await vi.waitFor(async () => {
      const row = await env.DB.prepare("SELECT text_body FROM outbox WHERE to_email = ? AND kind = 'case_opened'").bind(owner.email).first<{ text_body: string }>();
      if (!row) throw new Error("no mail yet");
      return row;
    });
    expect(mail.text_body).toContain("Support never called back.");
    expect(mail.text_body).toContain(`/admin/cases/${caseId}`);

    const list = await json(await api("GET", `/cases?accountId=${account.id}`));
    expect(list.items).toEqual([expect.objectContaining({ id: caseId, status: "open", assigneeEmail: owner.email, verbatim: "Support never called back.", breached: false })]);

    // The owner signs in; the same-origin session authorizes the API (writes need the CSRF header).
    const { cookie, csrf } = await signInAs(owner);
    const asOwner = (method: string, path: string, body?: unknown) => api(method, path, body, { token: null, headers: { cookie, "x-csrf-token": csrf } });
    const mine = await json(await asOwner("GET", "/cases?scope=mine"));
    expect(mine.items.map((c: { id: string }) => c.id)).toContain(caseId);

    expect((await asOwner("POST", `/cases/${caseId}/acknowledge`)).status).toBe(200);
    const noNote = await asOwner("POST", `/cases/${caseId}/close`, { resolution: "  " });
    expect(noNote.status).toBe(422);
    expect((await json(noNote)).errors).toEqual([{ path: "resolution", message: "required to close a case" }]);
    const missing = await asOwner("POST", `/cases/${caseId}/close`, {});
    expect(missing.status).toBe(400);
    const closed = await asOwner("POST", `/cases/${caseId}/close`, { resolution: "Called Dana, fixed the escalation path." });
    expect(closed.status).toBe(200);
    const body = await json(closed);
    expect(body).toMatchObject({ status: "closed", resolution: "Called Dana, fixed the escalation path." });
    expect(body.timeline.map((e: { kind: string; actor: string }) => [e.kind, e.actor])).toEqual([
      ["opened", "system"],
      ["acknowledged", owner.email],
      ["closed", owner.email],
    ]);
    const recheck = await asOwner("POST", `/cases/${caseId}/recheck`);
    expect(recheck.status).toBe(200);
    expect((await json(recheck)).recheckInvitationId).toMatch(/^inv_/);
    expect((await asOwner("POST", `/cases/${caseId}/recheck`)).status).toBe(409);
  });

  it("refuses another team's account manager (403) and read tokens (403), writing nothing", async () => {
    const owner = await inviteUser("account_manager");
    const stranger = await inviteUser("account_manager");
    const { caseId } = await detractorAnswers(owner.email);
    const { cookie, csrf } = await signInAs(stranger);
    const asStranger = await api("POST", `/cases/${caseId}/close`, { resolution: "not mine" }, { token: null, headers: { cookie, "x-csrf-token": csrf } });
    expect(asStranger.status).toBe(403);
    expect((await json(asStranger)).detail).toContain("another account team");
    const reader = await tokenWithScopes(["read"]);
    expect((await api("POST", `/cases/${caseId}/acknowledge`, undefined, { token: reader.token })).status).toBe(403);
    expect((await api("GET", `/cases/${caseId}`, undefined, { token: reader.token })).status).toBe(200);
    const row = (await env.DB.prepare("SELECT status FROM cases WHERE id = ?").bind(caseId).first<{ status: string }>())!;
    expect(row.status).toBe("open");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM case_events WHERE case_id = ?").bind(caseId).first()).toEqual({ n: 1 });
  });

  it("answers bad queries with 400 and unknown cases with 404", async () => {
    expect((await api("GET", "/cases?scope=team")).status).toBe(400);
    expect((await api("GET", "/cases?status=nope")).status).toBe(400);
    expect((await api("GET", "/cases?cursor=abc")).status).toBe(400);
    expect((await api("GET", "/cases/cas_missing")).status).toBe(404);
    expect((await api("POST", "/cases/cas_missing/acknowledge")).status).toBe(404);
    expect((await api("GET", "/cases/responsiveness?from=yesterday")).status).toBe(400);
    const ok = await api("GET", "/cases/responsiveness");
    expect(ok.status).toBe(200);
    expect(Array.isArray((await json(ok)).items)).toBe(true);
  });
});

describe("the re-check through the real flow", () => {
  it("is mailed once, answered on the respondent page, and the answer lands on the case timeline", async () => {
    const owner = await inviteUser("account_manager");
    const { caseId } = await detractorAnswers(owner.email);
    await api("POST", `/cases/${caseId}/close`, { resolution: "Fixed the routing." });
    const sent = await json(await api("POST", `/cases/${caseId}/recheck`));
    const invitationId = sent.recheckInvitationId as string;
    const mail = await vi.waitFor(async () => {
      const row = await env.DB.prepare("SELECT kind, subject FROM outbox WHERE invitation_id = ?").bind(invitationId).first<{ kind: string; subject: string }>();
      if (!row) throw new Error(`not mailed yet: ${JSON.stringify(await env.DB.prepare("SELECT status, last_error FROM deliveries WHERE invitation_id = ?").bind(invitationId).first())}`);
      return row;
    }, { timeout: 10_000, interval: 100 });
    expect(mail).toEqual({ kind: "recheck", subject: "Did we resolve it?" });
    const token = await signLink(env, { invitationId, purpose: "survey" });
    const page = await workerFetch(`/s/${token}`);
    expect(await page.text()).toContain("Did we resolve it?");
    const res = await workerFetch(`/s/${token}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([["q:resolved", "yes"], ["action", "submit"]]).toString(),
    });
    expect(res.status).toBe(303);
    const answer = await vi.waitFor(async () => {
      const detail = await json(await api("GET", `/cases/${caseId}`));
      const found = detail.timeline.find((e: { kind: string }) => e.kind === "recheck_answer");
      if (!found) throw new Error("no answer yet");
      return found;
    }, { timeout: 10_000, interval: 100 });
    expect(answer).toMatchObject({ actor: "contact", detail: { resolved: "yes" } });
  });
});

describe("/api/v1/cases/routing", () => {
  it("replaces teams and rules (a choice answer before keywords); a rule naming an unknown team is refused with nothing changed", async () => {
    const before = await json(await api("GET", "/cases/routing"));
    expect(before.teams.map((t: { key: string }) => t.key).sort()).toEqual(["finance", "product", "sales", "support"]);
    const lead = await inviteUser("admin");
    const routing = {
      teams: [...before.teams, { key: "success", label: "Customer success", assigneeEmail: lead.email }],
      routes: [{ kind: "choice", questionId: "topic", match: "onboarding", team: "success" }, ...before.routes],
    };
    const put = await api("PUT", "/cases/routing", routing);
    expect(put.status).toBe(200);
    expect((await json(put)).routes[0]).toEqual({ kind: "choice", questionId: "topic", match: "onboarding", team: "success" });

    const bad = await api("PUT", "/cases/routing", { teams: before.teams, routes: [{ kind: "keyword", match: "x", team: "nobody" }] });
    expect(bad.status).toBe(422);
    expect((await json(bad)).errors).toEqual([{ path: "routes.0.team", message: "'nobody' is not one of the teams" }]);
    const noSupport = await api("PUT", "/cases/routing", { teams: [{ key: "sales", label: "Sales" }], routes: [] });
    expect(noSupport.status).toBe(422);
    const reader = await tokenWithScopes(["read"]);
    expect((await api("PUT", "/cases/routing", routing, { token: reader.token })).status).toBe(403);
    expect((await json(await api("GET", "/cases/routing"))).routes).toHaveLength(before.routes.length + 1);

    // A new case: the choice rule routes it to the new team, whose assignee takes it (the owner is no user).
    const account = await makeAccount({ ownerEmail: "not-a-user@quorum.test" });
    const contact = await makeContact(account.id);
    const survey = await makeSurvey({
      questions: [
        { id: "nps", type: "nps", text: { en: "NPS" }, required: true },
        { id: "topic", type: "choice", text: { en: "Topic" }, options: [{ value: "onboarding", label: { en: "Onboarding" } }, { value: "billing", label: { en: "Billing" } }] },
      ],
    });
    const invitation = await makeInvitation(contact, survey);
    const token = await signLink(env, { invitationId: invitation.id, purpose: "survey" });
    await workerFetch(`/s/${token}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([["q:nps", "1"], ["q:topic", "onboarding"], ["action", "submit"]]).toString(),
    });
    const opened = await vi.waitFor(async () => {
      const found = await caseOfInvitation(invitation.id);
      if (!found) throw new Error("no case yet");
      return found;
    }, { timeout: 10_000, interval: 100 });
    expect(opened).toMatchObject({ team: "success", assignee_email: lead.email });
  });
});
