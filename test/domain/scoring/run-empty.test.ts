// Edge case of §7: a run over an organization with no answers at all (and accounts without revenue) completes and
// publishes empty figures — no division by zero, no NaN, nothing invented.
import { describe, expect, it } from "vitest";
import { accountScoresPage, overallScores, resolvePeriod, revenueCoverage } from "../../../src/domain/scoring/read";
import { advanceScoring, currentRun } from "../../../src/domain/scoring/run";
import { makeAccount, makeContact, testDb } from "../../support/fixtures";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const ALL_AT_ONCE = { trigger: "api" as const, maxQueries: 100_000, maxMillis: 600_000 };

describe("scoring run with no answers", () => {
  it("completes and reports empty scores, zero coverage amounts and unsurveyed accounts", async () => {
    const account = await makeAccount({ annualRevenue: 0, customerSince: "2020-01-01T00:00:00.000Z" });
    await makeContact(account.id);
    const state = (await advanceScoring(testDb(), NOW, ALL_AT_ONCE))!;
    expect(state.lastError).toBeNull();
    expect(state.status).toBe("complete");

    const db = testDb();
    const current = (await currentRun(db))!;
    const q4 = resolvePeriod(current, "2026-Q4");
    const overall = await overallScores(db, current, q4);
    expect(overall.nps).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, interval: null, lowSample: true });
    expect(overall.npsRevenueWeighted.nps).toBeNull();
    expect(overall.osat).toMatchObject({ n: 0, mean: null });
    expect(overall.ces).toMatchObject({ n: 0, mean: null });
    expect(overall.responseRate).toMatchObject({ invited: 0, completed: 0, rate: null });
    expect(JSON.stringify(overall)).not.toMatch(/NaN|Infinity/);

    const coverage = await revenueCoverage(db, current, q4);
    expect(coverage).toMatchObject({ totalRevenue: 0, coveredRevenue: 0 });
    expect(coverage.coverage ?? 0).toBe(0);
    const { safe, passive, atRisk, unaccounted } = coverage.amounts;
    expect(safe + passive + atRisk + unaccounted).toBe(coverage.totalRevenue);
    expect(JSON.stringify(coverage)).not.toMatch(/NaN|Infinity/);

    const page = await accountScoresPage(db, current, q4, undefined, 100);
    expect(page.find((a) => a.accountId === account.id)).toMatchObject({ category: "unsurveyed", score: null, inScope: false });
  });
});
