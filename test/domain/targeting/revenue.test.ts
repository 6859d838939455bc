import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { nextRegularSend } from "../../../src/domain/targeting/program";
import { topUpCommitteeCoverage } from "../../../src/domain/targeting/revenue";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";

const NOW = new Date("2026-11-20T10:00:00.000Z");
const Q4 = { start: "2026-10-01T00:00:00.000Z", end: "2027-01-01T00:00:00.000Z" };
const ctx = { calendar: { timeZone: "UTC", fiscalYearStartMonth: 1 }, holidays: new Set<string>() };

describe("revenue rule: top-80 % accounts get an invited committee contact each quarter", () => {
  it("tops up only a contact §4 admits now whose regular wave send it would not block, under its own cause, and explains every other candidate", async () => {
    // Wave 0 = Q4 holds prn [0, 0.5), wave 1 = Q1 2027 holds [0.5, 1): 65 working days each, so prn 0.2 was due on
    // working day 26 (early November, passed; next in wave 2, May 2027: 160+ days out, past the 150-day cap) while
    // prn 0.3 is due on day 39 (late November) and prn 0.7 on day 26 of Q1 2027 — a top-up now would block those.
    const program = await makeSurvey({ kind: "relational", programEpoch: Q4.start });
    const older = await makeSurvey({ kind: "relational" });
    expect(nextRegularSend(program.survey, ctx, 0.2, NOW)!.toISOString() > "2027-04-30").toBe(true);
    expect(nextRegularSend(program.survey, ctx, 0.3, NOW)!.toISOString() < "2026-12-01").toBe(true);

    const a = await makeAccount({ annualRevenue: 400_000 });
    const b = await makeAccount({ annualRevenue: 300_000 });
    const e = await makeAccount({ annualRevenue: 200_000 });
    const f = await makeAccount({ annualRevenue: 150_000 });
    const c = await makeAccount({ annualRevenue: 100_000 }); // below the 80 % line
    const dm = await makeContact(a.id, { role: "decision_maker", prn: 0.2 });
    const finance = await makeContact(a.id, { role: "finance", prn: 0.21 });
    const due = await makeContact(a.id, { role: "champion", prn: 0.3 });
    await makeContact(a.id, { role: "end_user" });
    await makeContact(b.id, { role: "end_user" });
    const asked = await makeContact(e.id, { role: "champion", prn: 0.22 });
    const nextQuarter = await makeContact(e.id, { role: "executive_sponsor", prn: 0.7 });
    const gone = await makeContact(e.id, { role: "finance", status: "unsubscribed", prn: 0.23 });
    const onlyOptedOut = await makeContact(f.id, { role: "decision_maker", status: "bounced", prn: 0.24 });
    await makeContact(c.id, { role: "champion", prn: 0.2 });

    // The decision maker answered in June (heard from: tried after the finance contact); the champion of E was asked
    // in August (relational cap of 150 days until late December).
    const answered = await makeInvitation(dm, older, { status: "completed", admittedAt: "2026-05-30T09:00:00.000Z", sentAt: "2026-05-30T09:00:00.000Z" });
    await env.DB.prepare(
      `INSERT INTO responses (id, invitation_id, survey_id, survey_version_id, contact_id, status, account_id, role, journey_stage, submitted_at)
       VALUES (?, ?, ?, ?, ?, 'complete', ?, 'decision_maker', 'relationship', '2026-06-01T09:00:00.000Z')`,
    )
      .bind(`res_${answered.id}`, answered.id, older.survey.id, older.version.id, dm.id, a.id)
      .run();
    await makeInvitation(asked, older, { admittedAt: "2026-08-01T09:00:00.000Z", sentAt: "2026-08-01T09:00:00.000Z" });

    const deps = { db: createDb(env.DB), queue: env.MAIL_QUEUE, hmacSecret: env.HMAC_SECRET };
    const report = await topUpCommitteeCoverage(deps, program.survey, ctx, Q4, NOW, { remaining: 50 });
    expect(report.invitations.map((i) => [i.contactId, i.status])).toEqual([[finance.id, "queued"]]);
    const cause = await env.DB.prepare("SELECT cause_type, cause_id FROM invitations WHERE contact_id = ?").bind(finance.id).first();
    expect(cause).toEqual({ cause_type: "program", cause_id: `${program.survey.id}:topup:2026-10-01` });

    // A second pass: A is covered, nobody else is admissible.
    const again = await topUpCommitteeCoverage(deps, program.survey, ctx, Q4, NOW, { remaining: 50 });
    expect(again.invitations).toEqual([]);

    const coverageResponse = await api("GET", "/program/coverage?quarter=2026-Q4");
    // Calendar, holidays and survey in one batch, the coverage in another (was five one by one).
    expect(Number(coverageResponse.headers.get("X-D1-Round-Trips"))).toBeLessThanOrEqual(2);
    const coverage = await json(coverageResponse);
    const byId = Object.fromEntries(coverage.accounts.map((row: any) => [row.accountId, row]));
    expect(Object.keys(byId).sort()).toEqual([a.id, b.id, e.id, f.id].sort());
    expect(byId[a.id]).toMatchObject({ covered: true, shortfall: null });
    expect(byId[b.id]).toMatchObject({ covered: false, shortfall: { reason: "no-committee-contact", blockingRules: [], candidates: [] } });
    expect(byId[e.id].shortfall.reason).toBe("blocked");
    expect(byId[e.id].shortfall.blockingRules).toEqual(["opted-out", "regular-send-due", "relational-twice-a-year"]);
    const reasons = Object.fromEntries(byId[e.id].shortfall.candidates.map((x: any) => [x.contactId, [x.reason, x.until?.slice(0, 7) ?? null]]));
    expect(reasons).toEqual({
      [asked.id]: ["relational-twice-a-year", "2026-12"],
      [nextQuarter.id]: ["regular-send-due", "2027-02"],
      [gone.id]: ["opted-out", null],
    });
    // Committee contacts that exist but opted out are not "no committee contact": they are named with their reason.
    expect(byId[f.id].shortfall).toEqual({
      reason: "blocked",
      blockingRules: ["bounced"],
      candidates: [{ contactId: onlyOptedOut.id, contactName: onlyOptedOut.name, role: "decision_maker", reason: "bounced", until: null }],
    });
    expect(coverage.shortfalls).toBe(3);
    expect(due.id).toBeTruthy();
    expect((await api("GET", "/program/coverage?quarter=2026-Q5")).status).toBe(400);
  });
});
