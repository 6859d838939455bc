// The Overview reads the current scoring run: coverage bar with its table, figures with intervals and n, changes,
// trend, cases and at-risk accounts, in at most 3 D1 round trips; bad input is a clear page, never a 500.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { adminGet, budgetedPage, completeScoringRun } from "./score-pages";

describe("/admin overview", () => {
  it("says how to get figures before the first scoring run", async () => {
    const res = await adminGet("/admin");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("No scoring run has completed yet");
  });

  it("shows the quarter's coverage, scores, changes, trend, cases and at-risk accounts from stored results", async () => {
    const survey = await makeSurvey();
    const now = new Date().toISOString();
    const yearAgo = new Date(Date.now() - 365 * 86400_000).toISOString();
    const big = await makeAccount({ name: "Big Safe GmbH", annualRevenue: 600_000 });
    const risky = await makeAccount({ name: "Risky Giant AG", annualRevenue: 300_000, ownerName: "Rita Risk" });
    await makeAccount({ name: "Never Asked Ltd", annualRevenue: 100_000 });
    for (const [value, osat] of [[10, 5], [10, 4]]) await makeResponse(await makeContact(big.id), survey, { submittedAt: now, answers: [{ type: "nps", value: value! }, { type: "osat", value: osat! }] });
    await makeResponse(await makeContact(risky.id), survey, { submittedAt: now, answers: [{ type: "nps", value: 3 }, { type: "osat", value: 4 }] });
    await makeResponse(await makeContact(big.id), survey, { submittedAt: yearAgo, answers: [{ type: "nps", value: 0 }, { type: "osat", value: 4 }] });
    // Cases: one open and past due (breached), one acknowledged in time, one acknowledged after its due time (breached,
    // as the queue marks it), one closed → 3 not closed, 2 breached.
    const past = new Date(Date.now() - 86400_000).toISOString();
    const late = new Date(Date.now() - 3600_000).toISOString();
    for (const [id, status, due, acknowledgedAt] of [["case_ov1", "open", past, null], ["case_ov2", "acknowledged", past, past], ["case_ov5", "acknowledged", past, late], ["case_ov3", "closed", past, past]] as const) {
      await env.DB.prepare("INSERT INTO cases (id, type, account_id, status, severity, priority, due_at, opened_at, acknowledged_at) VALUES (?, 'response', ?, ?, 2, 1, ?, ?, ?)")
        .bind(id, risky.id, status, due, past, acknowledgedAt)
        .run();
    }
    await completeScoringRun();

    const html = await budgetedPage("/admin");
    // Coverage: 900,000 of 1,000,000 heard; safe 60 %, at risk 30 %, unsurveyed 10 %.
    expect(html).toContain("<strong>90.0 %</strong> of 1,000,000 revenue");
    expect(html).toContain("Meets the 80 % target");
    expect(html).toMatch(/Safe \(promoters\)<\/th><td class="num">600,000<\/td><td class="num">60.0 %/);
    expect(html).toMatch(/At risk \(detractors\)<\/th><td class="num">300,000<\/td><td class="num">30.0 %/);
    expect(html).toMatch(/Unaccounted: unsurveyed<\/th><td class="num">100,000<\/td><td class="num">10.0 %/);
    // The bar's "silent" (invited, no NPS answer) is named so it does not contradict the silent-accounts figure
    // (every invitation ended unanswered), which can be 0 while invitations are still open.
    expect(html).toMatch(/Unaccounted: silent \(invited, no NPS answer\)<\/th><td class="num">0<\/td>/);
    expect(html).toContain("80.0 % target");
    expect(html).toContain('role="img"');
    // NPS: 2 promoters, 1 detractor → +33, n = 3, low sample; a year earlier one detractor (−100) → +133.3 pts.
    expect(html).toMatch(/NPS<\/p><p class="figure-value">\+33<\/p>/);
    expect(html).toContain("n = 3");
    expect(html).toContain("Low sample");
    expect(html).toContain("+133.3 pts");
    // OSAT mean 13/3 = 4.333 now, 4 a year earlier: a difference of means on the scale, not points.
    expect(html).toMatch(/Mean vs a year earlier \([^)]*\): \+0\.33 on the 1–5 scale/);
    expect(html).not.toMatch(/Mean vs [^<]*pts/);
    // Revenue-weighted: Big (600,000, promoter) and Risky (300,000, detractor); effective n = 900²/(600² + 300²) = 1.8 → 2.
    expect(html).toContain("effective n = 2");
    expect(html).toContain("not independent");
    // Trend table has the year-earlier quarter too; the chart's paths come from d3-shape.
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+/);
    expect(html).toContain("NPS over 8 quarters");
    // Its text alternative and table: from the year-earlier quarter at −100 to this quarter at +33.
    expect(html).toMatch(/<desc id="nps-trend-desc">\d{4}-Q\d: −100; (\d{4}-Q\d: no answers; ){3}\d{4}-Q\d: \+33<\/desc>/);
    expect(html).toMatch(/<th scope="row">\d{4}-Q\d<\/th><td class="num">−100<\/td>/);
    // This quarter's row: NPS +33 (adjusted Wald, n = 3: −51 to +85) and the revenue-weighted NPS with its interval
    // and effective n too: (600k·100 − 300k·100)/900k = +33, ± 1.96·√(2·((2/3)²·66.7² + (1/3)²·133.3²)) = ±174 → clipped.
    expect(html).toContain('<td class="num">+33</td><td>−51 to +85 <span class="badge badge-warn">Low sample</span></td><td class="num">3</td><td class="num">+33</td><td>−100 to +100 <span class="badge badge-warn">Low sample</span></td><td class="num">2</td>');
    // Cases and at-risk accounts.
    expect(html).toMatch(/<strong>3<\/strong> cases not closed \(open or acknowledged\)/);
    // Breached as the queue counts it (not acknowledged by the due time), and a link to exactly those cases.
    expect(html).toContain('<span class="badge badge-bad">2 breached</span> · <a href="/admin/cases?breached=true">See the breached cases</a>');
    // The single-threaded count leads to those accounts (Risky Giant: one contact answered); no silent account, no link.
    const single = /<a href="(\/admin\/accounts\?period=\d{4}-Q[1-4]&amp;single=yes)">See the single-threaded accounts<\/a>/.exec(html);
    expect(single).not.toBeNull();
    const singleList = await (await adminGet(single![1]!.replaceAll("&amp;", "&"))).text();
    expect(singleList).toContain(">Risky Giant AG<");
    expect(singleList).not.toContain(">Big Safe GmbH<");
    expect(html).not.toContain("See the silent accounts");
    const queue = await (await adminGet("/admin/cases?breached=true")).text();
    expect(["case_ov1", "case_ov5", "case_ov2"].map((id) => queue.includes(`href="/admin/cases/${id}"`))).toEqual([true, true, false]);
    expect(html).toContain(`<a href="/admin/accounts/${risky.id}">Risky Giant AG</a>`);
    expect(html).not.toContain(">Big Safe GmbH</a>");
    expect(html).toContain("Figures from the scoring run completed");
    expect(html).toMatch(/\((just now|\d+ minutes? ago)\)/);
  });

  it("answers a malformed or unscored quarter with a page, never a 500", async () => {
    const bad = await adminGet("/admin?period=2026-Q9");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("text/html");
    expect(await bad.text()).toContain("is not a quarter");
    const unscored = await adminGet("/admin?period=1999-Q1");
    expect(unscored.status).toBe(404);
    expect(await unscored.text()).toContain("do not cover 1999-Q1");
  });
});
