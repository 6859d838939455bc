import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";

describe("POST /api/v1/invitations goes through the frequency rules", () => {
  it("holds a second invitation back with the rule, and an admin override with a reason sends it, audited", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const [first, second] = [await makeSurvey({ kind: "transactional", journeyStage: "support" }), await makeSurvey({ kind: "transactional", journeyStage: "support" })];
    expect(await json(await api("POST", "/invitations", { contactId: contact.id, surveyId: first.survey.id }))).toMatchObject({ status: "queued", blockingRule: null });

    const held = await json(await api("POST", "/invitations", { contactId: contact.id, surveyId: second.survey.id }));
    expect(held).toMatchObject({ status: "deferred", blockingRule: "contact-cooldown", admittedAt: null });
    expect(Date.parse(held.scheduledFor) - Date.now()).toBeGreaterThan(13.9 * 86_400_000);

    const forced = await json(await api("POST", "/invitations", { contactId: contact.id, surveyId: second.survey.id, override: { reason: "exec sponsor asked for it" } }));
    expect(forced).toMatchObject({ status: "queued", blockingRule: null });
    const row = await env.DB.prepare("SELECT override_reason FROM invitations WHERE id = ?").bind(forced.id).first();
    expect(row).toEqual({ override_reason: "exec sponsor asked for it" });
    const audit = await env.DB.prepare("SELECT action, detail FROM audit_log WHERE entity_id = ?").bind(forced.id).first<any>();
    expect(audit.action).toBe("invitation.override");
    expect(JSON.parse(audit.detail)).toMatchObject({ override: { reason: "exec sponsor asked for it" } });
  });
});
