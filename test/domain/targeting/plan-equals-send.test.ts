// SPEC §4/§5: the plan (POST /sends/plan) answers exactly what the send then writes — every verdict, rule and date —
// for ANY set of rules. Random rules (contact and account scope, several account rules at once, role matches, skip
// and defer), random histories, random candidates (opted-out, off-target, pending), then plan and send at one instant.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planSend } from "../../../src/domain/targeting/plan";
import { sendSurvey } from "../../../src/domain/targeting/sends";
import type { Selection } from "../../../src/domain/targeting/selection";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";

const DAY = 86_400_000;
const NOW = new Date("2026-09-15T10:00:00.000Z");
const ROLES = ["champion", "finance", "end_user"] as const;

const ruleArb = fc.record({
  scope: fc.constantFrom("contact", "account"),
  kind: fc.option(fc.constantFrom("relational", "transactional"), { nil: null }),
  role: fc.option(fc.constantFrom(...ROLES), { nil: null }),
  per: fc.option(fc.constantFrom("survey", "stage"), { nil: null }),
  windowDays: fc.integer({ min: 1, max: 60 }),
  max: fc.integer({ min: 1, max: 4 }),
  action: fc.constantFrom("skip", "defer", "defer"),
});

const contactArb = fc.record({
  role: fc.constantFrom(...ROLES),
  status: fc.constantFrom("active", "active", "active", "active", "unsubscribed"),
  account: fc.integer({ min: 0, max: 1 }),
  /** Days ago of past admitted invitations (other surveys, and this one). */
  history: fc.array(fc.record({ daysAgo: fc.double({ min: 0.01, max: 70, noNaN: true }), same: fc.boolean() }), { maxLength: 3 }),
  pending: fc.constantFrom(false, false, false, false, true),
  named: fc.boolean(),
});

const scenarioArb = fc.record({
  rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }),
  contacts: fc.array(contactArb, { minLength: 1, maxLength: 9 }),
  targetRoles: fc.subarray([...ROLES]),
  byAccount: fc.boolean(),
  kind: fc.constantFrom("relational", "transactional"),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

async function useRules(rules: Scenario["rules"]) {
  await env.DB.prepare("DELETE FROM frequency_rules").run();
  await env.DB.batch(
    rules.map((r, k) =>
      env.DB.prepare(
        "INSERT INTO frequency_rules (id, scope, match_kind, match_role, per, counts, window_days, max, action, enabled) VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?, 1)",
      ).bind(`r${k}-${r.scope}`, r.scope, r.kind, r.role, r.per, r.windowDays, r.max, r.action),
    ),
  );
}

async function setUp(s: Scenario) {
  await useRules(s.rules);
  const accounts = [await makeAccount(), await makeAccount()];
  const asked = await makeSurvey({ kind: s.kind, journeyStage: "support", targetRoles: s.targetRoles });
  const other = await makeSurvey({ kind: s.kind === "relational" ? "transactional" : "relational", journeyStage: "support" });
  const ids: string[] = [];
  const named: string[] = [];
  for (const c of s.contacts) {
    const contact = await makeContact(accounts[c.account]!.id, { role: c.role, status: c.status as "active" });
    ids.push(contact.id);
    if (c.named) named.push(contact.id);
    for (const h of c.history) {
      const admittedAt = new Date(NOW.getTime() - h.daysAgo * DAY).toISOString();
      await makeInvitation(contact, h.same ? asked : other, { admittedAt, sentAt: admittedAt, createdAt: admittedAt });
    }
    if (c.pending) {
      const due = new Date(NOW.getTime() + 3 * DAY).toISOString();
      await makeInvitation(contact, asked, { status: "deferred", admittedAt: null, sentAt: null, scheduledFor: due, deferredSince: NOW.toISOString(), blockingRule: "r0" });
    }
  }
  const selection: Selection = s.byAccount ? { accountIds: accounts.map((a) => a.id) } : { contactIds: named.length ? named : ids };
  return { surveyId: asked.survey.id, selection };
}

describe("plan equals send", () => {
  it("for random rules, histories and candidates, every verdict, rule and date of the plan is what the send writes", { timeout: 180_000 }, async () => {
    const db = testDb();
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { surveyId, selection } = await setUp(scenario);
        const plan = await planSend(db, { surveyId, selection, limit: 1000 }, NOW);
        const send = await sendSurvey({ db, queue: env.MAIL_QUEUE, hmacSecret: env.HMAC_SECRET }, "test", { surveyId, selection }, NOW);
        const planned = Object.fromEntries(plan.items.map((i) => [i.contactId, [i.wouldBe, i.blockingRule, i.until, i.pending]]));
        const written = Object.fromEntries(send.invitations.map((i) => [i.contactId, [i.status, i.blockingRule, i.scheduledFor, i.pending]]));
        expect(written).toEqual(planned);
        const { byRule: _byRule, ...totals } = plan.totals;
        expect(send.totals).toEqual(totals);
      }),
      { numRuns: 50, seed: 1313, endOnFailure: true },
    );
  });
});
