import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

const row = (id: string) => env.DB.prepare("SELECT status, blocking_rule, revoked_at FROM invitations WHERE id = ?").bind(id).first<any>();

describe("POST /api/v1/invitations/{id}/revoke", () => {
  it("kills the survey link at once (friendly 410), keeps the unsubscribe link, keeps the first time, audits", async () => {
    const contact = await makeContact((await makeAccount()).id, { locale: "de" });
    const { survey } = await makeSurvey();
    const created = await json(await api("POST", "/invitations", { contactId: contact.id, surveyId: survey.id }));
    const surveyPath = new URL(created.surveyUrl).pathname;
    expect((await workerFetch(surveyPath)).status).toBe(200);

    const res = await api("POST", `/invitations/${created.id}/revoke`);
    expect(res.status).toBe(200);
    const revoked = await json(res);
    expect(revoked).toMatchObject({ id: created.id, status: expect.any(String), revokedAt: expect.stringMatching(/^\d{4}-/) });

    const page = await workerFetch(surveyPath);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("Diese Umfrage ist beendet");
    const post = await workerFetch(surveyPath, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "q:nps=9&action=submit" });
    expect(post.status).toBe(410);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE invitation_id = ?").bind(created.id).first("n")).toBe(0);
    expect((await workerFetch(new URL(created.unsubscribeUrl).pathname)).status).toBe(200);

    const again = await json(await api("POST", `/invitations/${created.id}/revoke`));
    expect(again.revokedAt).toBe(revoked.revokedAt);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(created.id).all();
    expect(audit.results.map((r) => r.action)).toEqual(["invitation.create", "invitation.revoke", "invitation.revoke"]);
  });

  it("a deferred invitation becomes suppressed (revoked) so the dispatcher never admits it", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const survey = await makeSurvey();
    const held = await makeInvitation(contact, survey, { status: "deferred", admittedAt: null, sentAt: null, blockingRule: "contact-cooldown", scheduledFor: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await api("POST", `/invitations/${held.id}/revoke`)).status).toBe(200);
    expect(await row(held.id)).toMatchObject({ status: "suppressed", blocking_rule: "revoked", revoked_at: expect.any(String) });
    const events = await env.DB.prepare("SELECT status, detail FROM invitation_events WHERE invitation_id = ?").bind(held.id).all();
    expect(events.results).toEqual([{ status: "suppressed", detail: "revoked" }]);
  });

  it("answers 404 for an unknown invitation and 403 without the admin scope, changing nothing", async () => {
    expect((await api("POST", "/invitations/inv_nope/revoke")).status).toBe(404);
    const contact = await makeContact((await makeAccount()).id);
    const invitation = await makeInvitation(contact, await makeSurvey());
    const { token } = await tokenWithScopes(["integration"]);
    expect((await api("POST", `/invitations/${invitation.id}/revoke`, undefined, { token })).status).toBe(403);
    expect((await api("POST", `/invitations/${invitation.id}/revoke`, undefined, { token: null })).status).toBe(401);
    expect((await row(invitation.id)).revoked_at).toBeNull();
  });
});
