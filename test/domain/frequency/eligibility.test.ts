import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { explainEligibility } from "../../../src/domain/frequency/eligibility";
import { createRule } from "../../../src/domain/frequency/rules";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";

const DAY = 86_400_000;
const NOW = new Date("2026-06-10T10:00:00.000Z");
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

describe("eligibility explains targeting and defer-limit", () => {
  it("a contact outside the survey's target roles is targeted:false, not eligible, for good (no date)", async () => {
    const account = await makeAccount();
    const finance = await makeContact(account.id, { role: "finance", name: "Fin Ance" });
    const champion = await makeContact(account.id, { role: "champion" });
    const { survey } = await makeSurvey({ kind: "transactional", journeyStage: "support", targetRoles: ["champion"] });
    const off = await explainEligibility(testDb(), { contactId: finance.id, surveyId: survey.id, emailHmac: null }, NOW);
    expect(off).toEqual({
      eligible: false,
      targeted: false,
      decision: "queued",
      blockingRule: "not-targeted",
      blockingRules: [{ id: "not-targeted", until: null }],
      nextEligibleAt: null,
      contactName: "Fin Ance",
      accountName: account.name,
    });
    const on = await explainEligibility(testDb(), { contactId: champion.id, surveyId: survey.id, emailHmac: null }, NOW);
    expect(on).toMatchObject({ eligible: true, targeted: true, blockingRule: null, blockingRules: [], nextEligibleAt: NOW.toISOString() });
  });

  it("names defer-limit when the deferral would end more than 30 days out; exactly 30 days is still a deferral", async () => {
    const { survey, version } = await makeSurvey({ kind: "transactional", journeyStage: "support" });
    const asked = { survey, version };
    // 31 days ago: transactional-monthly (30 d) and the cooldown (14 d) have lapsed; only the custom rule counts it.
    for (const windowDays of [61, 62]) {
      await createRule(testDb(), "test", { id: `long-${windowDays}`, scope: "contact", match: { surveyId: survey.id }, counts: "sent", windowDays, max: 1, action: "defer", enabled: false });
    }
    const contact = await makeContact((await makeAccount()).id);
    await makeInvitation(contact, asked, { admittedAt: ago(31) });
    const db = testDb();
    await env.DB.prepare("UPDATE frequency_rules SET enabled = 1 WHERE id = 'long-61'").run();
    const atLimit = await explainEligibility(db, { contactId: contact.id, surveyId: survey.id, emailHmac: null }, NOW);
    const thirty = new Date(NOW.getTime() + 30 * DAY).toISOString();
    expect(atLimit).toMatchObject({ eligible: false, decision: "deferred", blockingRule: "long-61", nextEligibleAt: thirty });

    await env.DB.prepare("UPDATE frequency_rules SET enabled = CASE id WHEN 'long-62' THEN 1 ELSE 0 END WHERE id LIKE 'long-%'").run();
    const past = await explainEligibility(db, { contactId: contact.id, surveyId: survey.id, emailHmac: null }, NOW);
    const thirtyOne = new Date(NOW.getTime() + 31 * DAY).toISOString();
    expect(past).toMatchObject({
      eligible: false,
      decision: "suppressed",
      blockingRule: "defer-limit",
      blockingRules: [{ id: "defer-limit", until: thirtyOne }, { id: "long-62", until: thirtyOne }],
      nextEligibleAt: thirtyOne,
    });
  });
});
