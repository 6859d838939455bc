// The scoring run end to end on a small hand-computed dataset (UTC, fiscal year = calendar year, NOW in 2026-Q4).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { accountRevenue, contacts, roles } from "../../../src/db/schema";
import { accountHistory, accountScoresPage, cutScores, overallScores, revenueCoverage, resolvePeriod } from "../../../src/domain/scoring/read";
import { advanceScoring, currentRun, getRun, runningRun } from "../../../src/domain/scoring/run";
import { eq } from "drizzle-orm";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const ALL_AT_ONCE = { trigger: "api" as const, maxQueries: 100_000, maxMillis: 600_000, pauseMillis: 0 };
const ids: Record<string, string> = {};

async function run(options: { full?: boolean } = {}) {
  const state = (await advanceScoring(testDb(), NOW, { ...ALL_AT_ONCE, ...options }))!;
  expect(state.lastError).toBeNull();
  expect(state.status).toBe("complete");
  return state;
}

beforeAll(async () => {
  const db = testDb();
  await db.insert(roles).values({ key: "heavy", label: "Heavy", weight: 300, committee: false, decisionMaker: false });
  const s1 = await makeSurvey();
  const s2 = await makeSurvey({ kind: "transactional", journeyStage: "support" });
  ids.s1 = s1.survey.id;
  ids.s2 = s2.survey.id;
  const since = "2020-01-01T00:00:00.000Z";

  // A: 600 in 2026-Q4; a raise to 5,000 after the quarter must not change Q4 (the history wins, not today's value).
  const a = await makeAccount({ annualRevenue: 600, customerSince: since });
  await db.insert(accountRevenue).values({ accountId: a.id, validFrom: "2027-01-05T00:00:00.000Z", amount: 5000 });
  const a1 = await makeContact(a.id, { role: "decision_maker" });
  const a2 = await makeContact(a.id, { role: "heavy" });
  await makeResponse(a1, s1, { submittedAt: "2026-10-05T10:00:00.000Z", answers: [{ type: "nps", value: 10 }] });
  await makeResponse(a1, s2, { submittedAt: "2026-11-01T10:00:00.000Z", answers: [{ type: "nps", value: 6 }, { type: "vendor_rank", vendorCount: 3, rank: 2 }] });
  await makeResponse(a2, s1, { submittedAt: "2026-08-01T10:00:00.000Z", answers: [{ type: "nps", value: 9 }] });
  await makeResponse(a2, s1, { submittedAt: "2026-10-07T10:00:00.000Z", answers: [{ type: "nps", value: 9 }, { type: "osat", value: 2 }] });

  // B: 200 until 2026-10-15, then 300 → Q3 uses 200, Q4 uses 300.
  const b = await makeAccount({ annualRevenue: 200, customerSince: since });
  await db.insert(accountRevenue).values({ accountId: b.id, validFrom: "2026-10-15T00:00:00.000Z", amount: 300 });
  const b1 = await makeContact(b.id, { role: "executive_sponsor" });
  const b2 = await makeContact(b.id, { role: "end_user" });
  await makeResponse(b1, s1, { submittedAt: "2026-08-02T10:00:00.000Z", answers: [{ type: "nps", value: 2 }] });
  await makeResponse(b1, s1, { submittedAt: "2026-10-08T10:00:00.000Z", answers: [{ type: "nps", value: 10 }, { type: "ces", value: 2 }] });
  await makeResponse(b2, s1, { submittedAt: "2026-10-09T10:00:00.000Z", answers: [{ type: "nps", value: 3 }, { type: "ces", value: 6 }] });

  // C: 100, one champion who later became an end user (the response snapshot keeps champion).
  const c = await makeAccount({ annualRevenue: 100, customerSince: since });
  const c1 = await makeContact(c.id, { role: "champion" });
  await makeResponse(c1, s1, { submittedAt: "2026-10-10T10:00:00.000Z", answers: [{ type: "nps", value: 9 }, { type: "osat", value: 5 }, { type: "vendor_rank", vendorCount: 1, rank: 1 }] });
  await db.update(contacts).set({ role: "end_user" }).where(eq(contacts.id, c1.id));

  // D: 1,000, invited in Q3 and Q4, never answered (both expired): silent two quarters running.
  const d = await makeAccount({ annualRevenue: 1000, customerSince: since });
  const d1 = await makeContact(d.id, { role: "finance" });
  await makeInvitation(d1, s1, { status: "expired", admittedAt: "2026-07-10T10:00:00.000Z" });
  await makeInvitation(d1, s1, { status: "expired", admittedAt: "2026-10-10T10:00:00.000Z" });

  // E: 2,000, never invited in Q4 (a Q3 invitation still open, with a partial response that must not count).
  const e = await makeAccount({ annualRevenue: 2000, customerSince: since });
  const e1 = await makeContact(e.id, { role: "champion" });
  await makeResponse(e1, s1, { submittedAt: "2026-09-20T10:00:00.000Z", status: "partial", answers: [{ type: "nps", value: 0 }] });

  // F: zero revenue, answered: scored as an account, outside every revenue figure.
  const f = await makeAccount({ annualRevenue: 0, customerSince: since });
  const f1 = await makeContact(f.id, { role: "champion" });
  await makeResponse(f1, s1, { submittedAt: "2026-10-11T10:00:00.000Z", answers: [{ type: "nps", value: 9 }] });

  // G: churned before Q4: not in Q4's scope.
  const g = await makeAccount({ annualRevenue: 500, customerSince: since, status: "churned", churnedAt: "2026-06-01T00:00:00.000Z" });
  Object.assign(ids, { a: a.id, b: b.id, c: c.id, d: d.id, e: e.id, f: f.id, g: g.id });
  await run();
});

async function scores() {
  const db = testDb();
  const current = (await currentRun(db))!;
  return { db, run: current, q4: resolvePeriod(current, "2026-Q4"), q3: resolvePeriod(current, "2026-Q3") };
}

describe("scoring run on a hand-computed dataset", () => {
  it("scores the quarter overall from each contact's latest answer, complete responses only", async () => {
    const { db, run: current, q4 } = await scores();
    const overall = await overallScores(db, current, q4);
    // Latest per contact in Q4: a1 6 (S2 after S1's 10), a2 9, b1 10, b2 3, c1 9, f1 9 → n 6, P 4, D 2 → 100·2/6 = 33.33
    expect(overall.nps).toMatchObject({ n: 6, promoters: 4, passives: 0, detractors: 2, lowSample: true });
    expect(overall.nps.nps).toBeCloseTo(33.333, 2);
    // Revenue-weighted over in-scope accounts: A (600, NPS_a 0), B (300, 0), C (100, 100): NPS_w = 10,000/1,000 = 10;
    // n_eff = 1000²/(600² + 300² + 100²) = 1e6/460,000 = 2.17; Σw²(x − 10)² = .36·100 + .09·100 + .01·8100 = 126,
    // ·3/2 = 189, √ = 13.7477, ·1.96 = 26.9455 → −16.95 … 36.95
    expect(overall.npsRevenueWeighted.accounts).toBe(3);
    expect(overall.npsRevenueWeighted.nps).toBeCloseTo(10, 9);
    expect(overall.npsRevenueWeighted.effectiveN).toBeCloseTo(2.173913, 5);
    expect(overall.npsRevenueWeighted.interval!.low).toBeCloseTo(-16.9455, 3);
    expect(overall.npsRevenueWeighted.interval!.high).toBeCloseTo(36.9455, 3);
    // OSAT a2 2, c1 5: mean 3.5, top-2-box 1/2. CES b1 2, b2 6: mean 4, agree (5–7) 1/2.
    expect(overall.osat).toMatchObject({ n: 2, mean: 3.5, topBoxShare: 0.5 });
    expect(overall.ces).toMatchObject({ n: 2, mean: 4, topBoxShare: 0.5 });
    // SoW: a1 N=3 rank 2 → (1 − 2/4)·(2/3) = 1/3; c1 N=1 → 1. Mean (1/3 + 1)/2 = 2/3;
    // revenue-weighted (600·1/3 + 100·1)/700 = 300/700 = 0.428571
    expect(overall.shareOfWallet.n).toBe(2);
    expect(overall.shareOfWallet.mean).toBeCloseTo(2 / 3, 9);
    expect(overall.shareOfWallet.revenueWeighted).toBeCloseTo(3 / 7, 9);
    // Cohort: 8 invitations admitted in Q4 (7 answered, D's expired) → 7/8.
    expect(overall.responseRate).toEqual({ invited: 8, completed: 7, rate: 7 / 8 });
    // True promoter share: latest NPS answers to Q4 invitations that are 9–10: a2, b1, c1, f1 = 4, over 7 contacts invited.
    expect(overall.truePromoterShare).toMatchObject({ promoters: 4, invitedContacts: 7, share: 4 / 7 });
  });

  it("reports the change against the previous quarter", async () => {
    const { db, run: current, q4 } = await scores();
    const overall = await overallScores(db, current, q4);
    // Q3: a2 9 (P), b1 2 (D) → n 2, NPS 0. Change = 33.33 − 0.
    expect(overall.change.previousQuarter!.period).toBe("2026-Q3");
    expect(overall.change.previousQuarter!.nps!.delta).toBeCloseTo(33.333, 2);
    expect(overall.change.previousQuarter!.nps!.significant).toBe(false);
    expect(overall.change.yearEarlier).toBeNull();
  });

  it("gives each account its role-weighted score, category and mixed signals", async () => {
    const { db, run: current, q4 } = await scores();
    const page = await accountScoresPage(db, current, q4, undefined, 100);
    const byId = new Map(page.map((row) => [row.accountId, row]));
    // A: a1 6 (weight 100), a2 9 (weight 300): Σw = 400, Σw·x = 600 + 2,700 = 3,300; 3,300 < 9·400 = 3,600 and
    // ≥ 7·400 = 2,800 → passive, score 8.25. Role means 6 and 9 differ by 3 → no mixed signals.
    expect(byId.get(ids.a!)).toMatchObject({ revenue: 600, inScope: true, category: "passive", score: 8.25, mixedSignals: false });
    // B: 10 and 3 with weight 100 each: 1,300 < 1,400 → detractor, score 6.5; means differ by 7 → mixed signals.
    expect(byId.get(ids.b!)).toMatchObject({ revenue: 300, category: "detractor", score: 6.5, mixedSignals: true });
    expect(byId.get(ids.c!)).toMatchObject({ revenue: 100, category: "promoter", score: 9, singleThreaded: true });
    expect(byId.get(ids.c!)!.shareOfWallet).toEqual({ n: 1, mean: 1 });
    expect(byId.get(ids.d!)).toMatchObject({ revenue: 1000, category: "silent", score: null, unresponsive: { unresponsive: true, consecutiveQuarters: 2 } });
    expect(byId.get(ids.e!)).toMatchObject({ revenue: 2000, category: "unsurveyed", unresponsive: { unresponsive: false, consecutiveQuarters: 0 } });
    expect(byId.get(ids.f!)).toMatchObject({ revenue: 0, inScope: false, category: "promoter" });
    // G churned before Q4: listed with its status, outside the revenue scope.
    expect(byId.get(ids.g!)).toMatchObject({ accountStatus: "churned", inScope: false, category: "unsurveyed" });
    // Committee coverage (12 months to the end of Q4): A heard decision_maker (heavy is not a committee role) → 1 of 5.
    expect(byId.get(ids.a!)!.committeeCoverage).toEqual({ rolesHeard: 1, roles: 5, share: 0.2 });
    expect(byId.get(ids.a!)!.singleThreaded).toBe(false);
  });

  it("splits revenue coverage into safe / passive / at risk / unaccounted that add up to the total", async () => {
    const { db, run: current, q4, q3 } = await scores();
    const coverage = await revenueCoverage(db, current, q4);
    // In scope: A 600 + B 300 + C 100 + D 1,000 + E 2,000 = 4,000 (F has no revenue, G churned before Q4).
    // Covered A + B + C = 1,000 → 25 %. Safe C 100, passive A 600, at risk B 300, silent D 1,000, unsurveyed E 2,000.
    expect(coverage).toMatchObject({ accountsInScope: 5, totalRevenue: 4000, coveredRevenue: 1000, coverage: 0.25, meetsTarget: false, target: 0.8 });
    expect(coverage.amounts).toEqual({ safe: 100, passive: 600, atRisk: 300, unaccounted: 3000, silent: 1000, unsurveyed: 2000 });
    const { safe, passive, atRisk, unaccounted } = coverage.amounts;
    expect(safe + passive + atRisk + unaccounted).toBe(coverage.totalRevenue);
    // Heard from A, B, C = 1,000/4,000; a decision maker answered only at A: 600/4,000.
    expect(coverage.heardFromCoverage).toBe(0.25);
    expect(coverage.decisionMakerCoverage).toBe(0.15);
    expect(coverage.unresponsive).toEqual({ accounts: 1, revenue: 1000 });
    expect(coverage.singleThreadedAccounts).toBe(1);
    // Q3 uses B's revenue valid at the end of Q3 (200), before its raise: 600 + 200 + 100 + 1,000 + 2,000 = 3,900.
    expect((await revenueCoverage(db, current, q3)).totalRevenue).toBe(3900);
  });

  it("cuts by the response snapshot (role) and counts each contact's latest answer per survey", async () => {
    const { db, run: current, q4 } = await scores();
    const byRole = new Map((await cutScores(db, current, "role", q4)).map((g) => [g.group, g.nps]));
    // c1 is an end user today but answered as a champion: champion = c1 9, f1 9 → n 2, NPS 100; end_user = b2 3 only.
    expect(byRole.get("champion")).toMatchObject({ n: 2, nps: 100 });
    expect(byRole.get("end_user")).toMatchObject({ n: 1, nps: -100 });
    expect(byRole.get("decision_maker")).toMatchObject({ n: 1, nps: -100 });
    const bySurvey = new Map((await cutScores(db, current, "survey", q4)).map((g) => [g.group, g.nps]));
    // S1: a1 10, a2 9, b1 10, b2 3, c1 9, f1 9 → n 6, P 5, D 1 → 66.67. S2: a1 6 → −100.
    expect(bySurvey.get(ids.s1!)).toMatchObject({ n: 6, promoters: 5, detractors: 1 });
    expect(bySurvey.get(ids.s1!)!.nps).toBeCloseTo(66.667, 2);
    expect(bySurvey.get(ids.s2!)).toMatchObject({ n: 1, nps: -100 });
  });

  it("scores the trailing 12 months from the latest answer per contact over four quarters", async () => {
    const { db, run: current } = await scores();
    const t12 = await overallScores(db, current, resolvePeriod(current, "2026-Q4-T12"));
    // a2's and b1's Q3 answers are superseded by their Q4 answers: same six contacts as Q4.
    expect(t12.nps).toMatchObject({ n: 6, promoters: 4, detractors: 2 });
    // Cohort over Q1–Q4 2026: Q3 had 4 invitations (a2, b1, D, E) of which 2 answered; Q4 8 with 7 → 12 invited, 9 completed.
    expect(t12.responseRate).toEqual({ invited: 12, completed: 9, rate: 0.75 });
  });

  it("keeps an account's history per period", async () => {
    const { db, run: current } = await scores();
    const history = await accountHistory(db, current, ids.d!);
    expect(history.find((p) => p.period.key === "2026-Q3")).toMatchObject({ category: "silent", unresponsive: { unresponsive: true, consecutiveQuarters: 1 } });
  });

  it("is idempotent: a second full run writes the same rows under its own id", async () => {
    const first = (await currentRun(testDb()))!.id;
    const second = (await run({ full: true })).id;
    expect(second).not.toBe(first);
    for (const table of ["score_accounts", "score_groups", "score_coverage"]) {
      const rowsOf = async (runId: string) =>
        (await env.DB.prepare(`SELECT * FROM ${table} WHERE run_id = ? ORDER BY 2, 3, 4`).bind(runId).all()).results.map(({ run_id: _, ...rest }) => rest);
      expect(await rowsOf(second)).toEqual(await rowsOf(first));
    }
  });

  it("is resumable: a run cut off half-way leaves the previous results current; the next call finishes it", async () => {
    const db = testDb();
    const before = (await currentRun(db))!;
    const partial = (await advanceScoring(db, NOW, { ...ALL_AT_ONCE, full: true, maxQueries: 20 }))!;
    expect(partial.status).toBe("running");
    expect(partial.step).toBeGreaterThan(0);
    expect(partial.step).toBeLessThan(partial.totalSteps);
    expect((await currentRun(db))!.id).toBe(before.id);
    expect((await revenueCoverage(db, before, resolvePeriod(before, "2026-Q4"))).totalRevenue).toBe(4000);

    const finished = (await advanceScoring(db, NOW, ALL_AT_ONCE))!;
    expect(finished.id).toBe(partial.id);
    expect(finished.status).toBe("complete");
    expect(await runningRun(db)).toBeUndefined();
    expect((await currentRun(db))!.id).toBe(finished.id);
    // Older runs' results are pruned: only the previous current run and this one remain.
    const runs = await env.DB.prepare("SELECT DISTINCT run_id FROM score_accounts").all<{ run_id: string }>();
    expect(runs.results.map((r) => r.run_id).sort()).toEqual([before.id, finished.id].sort());
    // Quarter staging stays for the next incremental run; trailing-12-months staging is gone.
    const t12Staging = await env.DB.prepare("SELECT count(*) AS n FROM score_latest WHERE period LIKE '%-T12'").first<{ n: number }>();
    expect(t12Staging!.n).toBe(0);
  });

  it("leaves a run alone while another invocation holds its lease", async () => {
    const db = testDb();
    const partial = (await advanceScoring(db, NOW, { ...ALL_AT_ONCE, full: true, maxQueries: 10 }))!;
    await env.DB.prepare("UPDATE score_runs SET lease_owner = 'someone', lease_until = '2999-01-01T00:00:00.000Z' WHERE id = ?").bind(partial.id).run();
    const blocked = await advanceScoring(db, NOW, ALL_AT_ONCE);
    expect(blocked).toMatchObject({ id: partial.id, status: "running", progressing: false, step: partial.step });
    await env.DB.prepare("UPDATE score_runs SET lease_owner = NULL, lease_until = NULL WHERE id = ?").bind(partial.id).run();
    expect((await advanceScoring(db, NOW, ALL_AT_ONCE))!.status).toBe("complete");
  });

  it("does not resume a run planned for another step list (a deploy mid-run): it is marked failed and a new run takes over", async () => {
    const db = testDb();
    const partial = (await advanceScoring(db, NOW, { ...ALL_AT_ONCE, full: true, maxQueries: 10 }))!;
    expect(partial.status).toBe("running");
    await env.DB.prepare("UPDATE score_runs SET plan = json_set(plan, '$.version', 1), lease_owner = NULL, lease_until = NULL WHERE id = ?").bind(partial.id).run();
    const next = (await advanceScoring(db, NOW, { ...ALL_AT_ONCE, full: true }))!;
    expect(next.id).not.toBe(partial.id);
    expect(next.status).toBe("complete");
    expect(await getRun(db, partial.id)).toMatchObject({ status: "failed", lastError: expect.stringContaining("Superseded") });
  });

  it("uses the organization's fiscal year and time zone from settings", async () => {
    await env.DB.prepare("UPDATE settings SET fiscal_year_start_month = 4, time_zone = 'Europe/Berlin' WHERE id = 1").run();
    const state = await run();
    expect(state).toMatchObject({ fiscalYearStartMonth: 4, timeZone: "Europe/Berlin" });
    // 20 November 2026 lies in FY2027 (April 2026 – March 2027), third quarter (October – December), Berlin midnight.
    const period = resolvePeriod(state, undefined);
    expect(period).toMatchObject({ key: "2027-Q3", start: "2026-09-30T22:00:00.000Z", end: "2026-12-31T23:00:00.000Z" });
    await env.DB.prepare("UPDATE settings SET fiscal_year_start_month = 1, time_zone = 'UTC' WHERE id = 1").run();
  });
});
