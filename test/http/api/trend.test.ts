// GET /api/v1/scores/trend: a metric over the stored quarters with intervals, overall or for one group.
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { tokenWithScopes } from "../../support/tokens";
import { completeScoringRun } from "../admin/score-pages";

const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

describe("GET /api/v1/scores/trend", () => {
  it("says how to get scores before any run", async () => {
    const res = await api("GET", "/scores/trend");
    expect(res.status).toBe(404);
    expect((await json(res)).detail).toContain("POST /api/v1/scoring/runs");
  });

  it("gives every stored quarter of a metric with its interval, overall or for one group", async () => {
    const account = await makeAccount({ annualRevenue: 1000 });
    const survey = await makeSurvey();
    const now = new Date();
    const yearAgo = new Date(now.getTime() - 365 * 86400_000);
    for (const value of [10, 9, 2]) await makeResponse(await makeContact(account.id), survey, { submittedAt: now.toISOString(), answers: [{ type: "nps", value }, { type: "osat", value: 4 }] });
    await makeResponse(await makeContact(account.id), survey, { submittedAt: yearAgo.toISOString(), answers: [{ type: "nps", value: 0 }], snapshot: { country: "FR" } });
    await completeScoringRun();

    const res = await api("GET", "/scores/trend");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ metric: "nps", cut: "all", group: null });
    const periods = body.points.map((p: { period: string }) => p.period);
    expect(periods).toEqual([...periods].sort());
    expect(periods).toContain(quarterOf(yearAgo));
    expect(periods.every((p: string) => /^\d{4}-Q[1-4]$/.test(p))).toBe(true);
    // Now: 2 promoters, 1 detractor → NPS 33.3; n′ 6, P′ 0.458333, D′ 0.291667, NPS′ 0.166667, V′ 0.722222,
    // half-width 1.96·√(0.722222/6) = 0.680011 → −51.33 … 84.67.
    const current = body.points.find((p: { period: string }) => p.period === quarterOf(now));
    expect(current.value).toBeCloseTo(33.333, 2);
    expect(current.interval.low).toBeCloseTo(-51.334, 2);
    expect(current.interval.high).toBeCloseTo(84.668, 2);
    expect(current).toMatchObject({ n: 3, lowSample: true });
    expect(body.points.find((p: { period: string }) => p.period === quarterOf(yearAgo))).toMatchObject({ value: -100, n: 1 });

    // One group: FR only answered a year ago; OSAT top-2-box share 3/3 with a Wilson interval.
    const fr = await json(await api("GET", "/scores/trend?cut=country&group=FR"));
    expect(fr.points).toEqual([expect.objectContaining({ period: quarterOf(yearAgo), value: -100, n: 1 })]);
    const osat = await json(await api("GET", "/scores/trend?metric=osatTopBox"));
    const osatNow = osat.points.find((p: { period: string }) => p.period === quarterOf(now));
    expect(osatNow.value).toBe(1);
    expect(osatNow.interval.low).toBeCloseTo(0.4385, 3);
    const coverage = await json(await api("GET", "/scores/trend?metric=revenueCoverage"));
    expect(coverage.points.find((p: { period: string }) => p.period === quarterOf(now))).toMatchObject({ value: 1, n: 1 });
  });

  it("refuses incomplete or unknown choices, and lets read tokens in", async () => {
    for (const query of ["cut=country", "group=DE", "metric=happiness", "cut=planet&group=x", "metric=revenueCoverage&cut=role&group=champion"]) {
      const res = await api("GET", `/scores/trend?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", "/scores/trend", undefined, { token })).status).toBe(200);
    const integration = await tokenWithScopes(["integration"]);
    expect((await api("GET", "/scores/trend", undefined, { token: integration.token })).status).toBe(403);
  });
});
