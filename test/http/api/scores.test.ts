// The scores API over stored results: reads never recompute, bad input is a 4xx problem+json.
import { env } from "cloudflare:workers";
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

  it("reads as an analyst expects: names beside ids, an explicit unknown market, no rate where none is defined, units, category from/to", async () => {
    const account = await makeAccount({ annualRevenue: 700, country: null, name: "Nameless GmbH" });
    const survey = await makeSurvey({ name: "Onboarding pulse" });
    const now = new Date();
    const contact = await makeContact(account.id, { role: "champion" });
    await makeResponse(contact, survey, { submittedAt: new Date(now.getTime() - 91 * 86400_000).toISOString(), answers: [{ type: "nps", value: 10 }], snapshot: { country: null } });
    await makeResponse(contact, survey, { submittedAt: now.toISOString(), answers: [{ type: "nps", value: 2 }], snapshot: { country: null } });
    const started = await api("POST", "/scoring/runs", { full: true });
    expect(started.status).toBe(200);
    expect(await json(started)).toMatchObject({ kind: "full", state: "complete", progress: 1 });

    const bySurvey = await json(await api("GET", "/scores/by/survey"));
    expect(bySurvey.items.find((g: { group: string }) => g.group === survey.survey.id)).toMatchObject({ label: "Onboarding pulse" });
    expect(bySurvey.note).toMatch(/not independent/);
    const byCountry = await json(await api("GET", "/scores/by/country"));
    const unknown = byCountry.items.find((g: { group: string }) => g.group === "unknown");
    expect(unknown).toMatchObject({ label: null, responseRate: null });
    expect(byCountry.items.some((g: { group: string }) => g.group === "")).toBe(false);
    const byRole = await json(await api("GET", "/scores/by/role"));
    expect(byRole.items.find((g: { group: string }) => g.group === "champion").label).toBe("Champion");

    let cursor: string | null = null;
    let mine: any;
    do {
      const pageOf: any = await json(await api("GET", `/scores/by/account?limit=100${cursor ? `&cursor=${cursor}` : ""}`));
      mine ??= pageOf.items.find((a: { accountId: string }) => a.accountId === account.id);
      cursor = pageOf.nextCursor;
    } while (!mine && cursor);
    // Promoter last quarter (10), detractor now (2): the change names both categories and the score moves −8 points.
    expect(mine).toMatchObject({ name: "Nameless GmbH", accountStatus: "active", category: "detractor" });
    expect(mine.change.previousQuarter).toMatchObject({ category: { from: "promoter", to: "detractor" }, score: -8 });
    expect(mine.change.previousQuarter.nps.delta).toBe(-200);

    const runs = await json(await api("GET", "/scoring/runs?limit=1"));
    expect(runs.items[0]).toMatchObject({ state: "complete", kind: "full", trigger: "api" });
    expect(runs.items[0].durationMillis).toBeGreaterThanOrEqual(0);
    expect(runs.nextCursor).not.toBeNull();
    expect(await json(await api("GET", `/scoring/runs/${runs.items[0].id}`))).toMatchObject({ id: runs.items[0].id });
    expect((await api("GET", "/scoring/runs/run_nope")).status).toBe(404);
    // Nothing changed since: an incremental run recomputes nothing.
    const again = await json(await api("POST", "/scoring/runs"));
    expect(again).toMatchObject({ kind: "incremental", periodsComputed: 0, state: "complete" });
    expect((await api("POST", "/scoring/runs", { full: "yes" })).status).toBe(400);
    const staleTrigger = await env.DB.prepare("SELECT count(*) AS n FROM score_dirty").first<{ n: number }>();
    expect(staleTrigger!.n).toBe(0);
  });

  it("states every share change in percentage points and mean changes on their scale, as the OpenAPI document says", async () => {
    const account = await makeAccount({ annualRevenue: 500 });
    const survey = await makeSurvey({ name: "Units pulse" });
    const now = new Date();
    const earlier = new Date(now.getTime() - 91 * 86400_000).toISOString();
    const rate = async (submittedAt: string, type: "osat" | "ces", values: number[]) => {
      for (const value of values) await makeResponse(await makeContact(account.id), survey, { submittedAt, answers: [{ type, value }] });
    };
    // Now: OSAT 5,4,2,1 → top box (≥ 4) 2/4 = 0.50, mean 3.00; CES 7,5,5,1 → top box (≥ 5) 3/4 = 0.75, mean 4.50.
    // Previous quarter: OSAT 5,1,1,1,1 → 1/5 = 0.20, mean 1.80; CES 7,1 → 1/2 = 0.50, mean 4.00.
    await rate(now.toISOString(), "osat", [5, 4, 2, 1]);
    await rate(now.toISOString(), "ces", [7, 5, 5, 1]);
    await rate(earlier, "osat", [5, 1, 1, 1, 1]);
    await rate(earlier, "ces", [7, 1]);
    expect((await api("POST", "/scoring/runs", { full: true })).status).toBe(200);

    const bySurvey = await json(await api("GET", "/scores/by/survey"));
    const change = bySurvey.items.find((g: { group: string }) => g.group === survey.survey.id).change.previousQuarter;
    // Shares: 0.50 − 0.20 = +30 pp and 0.75 − 0.50 = +25 pp (both ×100, never one a fraction and one in points).
    expect(change.osatTopBoxShare).toBeCloseTo(30, 6);
    expect(change.cesTopBoxShare).toBeCloseTo(25, 6);
    // Means: 3.00 − 1.80 = +1.2 on the 1–5 scale; 4.50 − 4.00 = +0.5 on the 1–7 scale.
    expect(change.osatMean).toBeCloseTo(1.2, 6);
    expect(change.cesMean).toBeCloseTo(0.5, 6);

    const doc = await json(await api("GET", "/openapi.json"));
    const props = doc.components.schemas.GroupChange.properties;
    for (const share of ["osatTopBoxShare", "cesTopBoxShare", "shareOfWalletRevenueWeighted", "responseRate"]) {
      expect(props[share].description).toMatch(/percentage points/);
    }
    expect(props.osatMean.description).toMatch(/1–5 scale/);
    expect(props.cesMean.description).toMatch(/1–7 scale/);
  });

  it("sends no-store and nosniff on API responses, errors included", async () => {
    for (const res of [await api("GET", "/scores"), await api("GET", "/scores/accounts/acc_nope"), await api("GET", "/scores", undefined, { token: null })]) {
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});
