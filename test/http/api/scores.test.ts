// The scores API over stored results: reads never recompute, bad input is a 4xx problem+json.
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { tokenWithScopes } from "../../support/tokens";

/** `count` contacts of one account answering NPS `value` in `country` at `submittedAt`. */
async function answers(accountId: string, survey: Awaited<ReturnType<typeof makeSurvey>>, country: string, submittedAt: string, values: number[]) {
  for (const value of values) {
    const contact = await makeContact(accountId);
    await makeResponse(contact, survey, { submittedAt, answers: [{ type: "nps", value }], snapshot: { country } });
  }
}
const times = (count: number, value: number) => Array<number>(count).fill(value);

describe("/api/v1 scores", () => {
  it("says how to get scores before any run has completed", async () => {
    const res = await api("GET", "/scores");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await json(res)).detail).toContain("POST /api/v1/scoring/runs");
    expect(await json(await api("GET", "/scoring/runs/current"))).toEqual({ current: null, running: null });
  });

  it("an admin starts a run; reads see its results", async () => {
    const account = await makeAccount({ annualRevenue: 1000 });
    const survey = await makeSurvey();
    const now = new Date();
    const thisQuarter = now.toISOString();
    // DE this year: 20 promoters, 10 detractors (NPS 33.3); a year earlier: 10 P, 10 passives, 10 D (NPS 0).
    await answers(account.id, survey, "DE", thisQuarter, [...times(20, 10), ...times(10, 0)]);
    const yearAgo = new Date(now.getTime() - 365 * 86400_000).toISOString();
    await answers(account.id, survey, "DE", yearAgo, [...times(10, 10), ...times(10, 8), ...times(10, 0)]);
    // US: 30 passives now, 15 P / 15 D a year ago: change 0. FR: 2 answers now → insufficient data.
    await answers(account.id, survey, "US", thisQuarter, times(30, 7));
    await answers(account.id, survey, "US", yearAgo, [...times(15, 9), ...times(15, 5)]);
    await answers(account.id, survey, "FR", thisQuarter, [10, 10]);

    const started = await api("POST", "/scoring/runs");
    expect(started.status).toBe(200);
    const run = await json(started);
    expect(run).toMatchObject({ status: "complete", trigger: "api" });
    expect(await json(await api("GET", "/scoring/runs/current"))).toMatchObject({ current: { id: run.id }, running: null });

    const overall = await json(await api("GET", "/scores"));
    // This quarter: 20 + 30 passives + 2 FR promoters = 62 answers; P = 22, D = 10 → 100·12/62 = 19.35
    expect(overall.period.kind).toBe("quarter");
    expect(overall.nps).toMatchObject({ n: 62, promoters: 22, detractors: 10, lowSample: false });
    expect(overall.nps.nps).toBeCloseTo(19.355, 2);
    expect(overall.npsRevenueWeighted).toMatchObject({ accounts: 1, effectiveN: 1, interval: null, lowSample: true });

    const markets = await json(await api("GET", "/markets?by=country"));
    // DE: now n′ 33, NPS′ 0.303030, V′ 0.862718; then NPS′ 0, V′ 0.651515 → se 0.214210, interval −11.68 … 72.29.
    // US: NPS′ 0 both; V′ 0.045455 and 0.954545 → se 0.174078, interval −34.12 … 34.12. Ranked by lower bound: DE, US.
    expect(markets.ranked.map((m: { market: string }) => m.market)).toEqual(["DE", "US"]);
    expect(markets.ranked[0].change).toBeCloseTo(33.333, 2);
    expect(markets.ranked[0].interval.low).toBeCloseTo(-11.682, 2);
    expect(markets.ranked[0].interval.high).toBeCloseTo(72.288, 2);
    expect(markets.ranked[1].interval.low).toBeCloseTo(-34.119, 2);
    expect(markets.insufficientData).toEqual([{ market: "FR", current: { nps: 100, n: 2 }, yearEarlier: { nps: null, n: 0 } }]);
    expect(markets.note).toMatch(/not independent/);

    const coverage = await json(await api("GET", "/revenue-coverage"));
    expect(coverage).toMatchObject({ totalRevenue: 1000, coveredRevenue: 1000, coverage: 1, meetsTarget: true });

    const byCountry = await json(await api("GET", "/scores/by/country"));
    expect(byCountry.items.map((g: { group: string }) => g.group)).toEqual(["DE", "FR", "US"]);

    const byAccount = await json(await api("GET", "/scores/by/account?limit=1"));
    expect(byAccount.items).toHaveLength(1);
    expect(byAccount.items[0]).toMatchObject({ accountId: account.id, revenue: 1000 });

    const history = await json(await api("GET", `/scores/accounts/${account.id}`));
    expect(history.periods[0].period.kind).toBe("quarter");
    // Every quarter with data (a year ago to now: 5 quarters) and each one's trailing 12 months.
    expect(history.periods.length).toBe(10);
  });

  it("refuses bad input with problem+json a person can act on", async () => {
    const badPeriod = await api("GET", "/scores?period=2026-Q5");
    expect(badPeriod.status).toBe(400);
    expect((await json(badPeriod)).errors).toEqual([expect.objectContaining({ path: "period" })]);

    const notScored = await api("GET", "/revenue-coverage?period=1999-Q1");
    expect(notScored.status).toBe(404);
    expect((await json(notScored)).detail).toMatch(/cover .*-Q\d/);

    expect((await api("GET", "/scores/by/planet")).status).toBe(400);
    expect((await api("GET", "/markets?by=galaxy")).status).toBe(400);
    expect((await api("GET", "/scores/accounts/acc_nope")).status).toBe(404);
    expect((await api("GET", "/scores/by/account?cursor=%%%")).status).toBe(400);
  });

  it("lets read tokens read and only admins start a run", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", "/scores", undefined, { token })).status).toBe(200);
    expect((await api("GET", "/revenue-coverage", undefined, { token })).status).toBe(200);
    expect((await api("POST", "/scoring/runs", undefined, { token })).status).toBe(403);
    const integration = await tokenWithScopes(["integration"]);
    expect((await api("GET", "/scores", undefined, { token: integration.token })).status).toBe(403);
    expect((await api("GET", "/scores", undefined, { token: null })).status).toBe(401);
  });
});
