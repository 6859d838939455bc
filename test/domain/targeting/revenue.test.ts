import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { waveWindow } from "../../../src/domain/targeting/program";
import { topUpCommitteeCoverage } from "../../../src/domain/targeting/revenue";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";

const NOW = new Date("2026-11-20T10:00:00.000Z");
const Q4 = { start: "2026-10-01T00:00:00.000Z", end: "2027-01-01T00:00:00.000Z" };

describe("revenue rule: top-80 % accounts get an invited committee contact each quarter", () => {
  it("invites a committee role not heard from first, never past the caps, and reports the shortfall per account", async () => {
    const program = await makeSurvey({ kind: "relational", programEpoch: Q4.start });
    const older = await makeSurvey({ kind: "relational" });
    const a = await makeAccount({ annualRevenue: 400_000 });
    const b = await makeAccount({ annualRevenue: 300_000 });
    const e = await makeAccount({ annualRevenue: 200_000 });
    const c = await makeAccount({ annualRevenue: 100_000 }); // below the 80 % line
    const dm = await makeContact(a.id, { role: "decision_maker", prn: 0.1 });
    const finance = await makeContact(a.id, { role: "finance", prn: 0.9 });
    await makeContact(a.id, { role: "end_user" });
    await makeContact(b.id, { role: "end_user" });
    const champion = await makeContact(e.id, { role: "champion" });
    await makeContact(c.id, { role: "champion" });

    // The decision maker answered in June (heard from); the champion was asked in August (relational cap: 150 days).
    const answered = await makeInvitation(dm, older, { status: "completed", admittedAt: "2026-05-30T09:00:00.000Z", sentAt: "2026-05-30T09:00:00.000Z" });
    await env.DB.prepare(
      `INSERT INTO responses (id, invitation_id, survey_id, survey_version_id, contact_id, status, account_id, role, journey_stage, submitted_at)
       VALUES (?, ?, ?, ?, ?, 'complete', ?, 'decision_maker', 'relationship', '2026-06-01T09:00:00.000Z')`,
    )
      .bind(`res_${answered.id}`, answered.id, older.survey.id, older.version.id, dm.id, a.id)
      .run();
    await makeInvitation(champion, older, { admittedAt: "2026-08-01T09:00:00.000Z", sentAt: "2026-08-01T09:00:00.000Z" });

    const deps = { db: createDb(env.DB), queue: env.MAIL_QUEUE, hmacSecret: env.HMAC_SECRET };
    const report = await topUpCommitteeCoverage(deps, program.survey, { index: 0, window: waveWindow(0, 0.5) }, Q4, NOW, { remaining: 50 });
    const decided = Object.fromEntries(report.invitations.map((i) => [i.contactId, [i.status, i.blockingRule]]));
    expect(decided).toEqual({ [finance.id]: ["queued", null], [champion.id]: ["suppressed", "relational-twice-a-year"] });

    // A second pass tries no one twice in the wave: A is covered, E has no other committee contact.
    const again = await topUpCommitteeCoverage(deps, program.survey, { index: 0, window: waveWindow(0, 0.5) }, Q4, NOW, { remaining: 50 });
    expect(again.invitations).toEqual([]);

    const coverage = await json(await api("GET", "/program/coverage?quarter=2026-Q4"));
    expect(coverage.accounts).toEqual([
      { accountId: a.id, name: a.name, annualRevenue: 400_000, covered: true, shortfall: null },
      { accountId: b.id, name: b.name, annualRevenue: 300_000, covered: false, shortfall: { reason: "no-committee-contact", blockingRules: [] } },
      { accountId: e.id, name: e.name, annualRevenue: 200_000, covered: false, shortfall: { reason: "blocked", blockingRules: ["relational-twice-a-year"] } },
    ]);
    expect(coverage.shortfalls).toBe(2);
    expect((await api("GET", "/program/coverage?quarter=2026-Q5")).status).toBe(400);
  });
});
