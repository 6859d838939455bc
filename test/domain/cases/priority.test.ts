// This file controls every account in its (per-file) database, so revenue percentiles are known by hand.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleSubmittedResponse } from "../../../src/domain/cases/open";
import { listCases } from "../../../src/domain/cases/read";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { loopDeps } from "./support";

const NOW = new Date("2026-05-04T09:00:00.000Z"); // Monday

describe("priority = severity × revenue percentile; SLA by the top 20 % (one universe of 5 accounts)", () => {
  it("computes percentiles among active accounts and orders the queue by priority, breached first among ties, then due date", async () => {
    // Revenues 100…500: percentiles (share of active accounts with revenue ≤ own) 0.2, 0.4, 0.6, 0.8, 1.0.
    // A churned account does not count.
    await makeAccount({ annualRevenue: 10_000, status: "churned" });
    const accounts: Awaited<ReturnType<typeof makeAccount>>[] = [];
    for (const revenue of [100, 200, 300, 400, 500]) accounts.push(await makeAccount({ annualRevenue: revenue }));
    const survey = await makeSurvey();
    const open = async (accountIndex: number, nps: number, at = NOW) => {
      const contact = await makeContact(accounts[accountIndex]!.id);
      const { response } = await makeResponse(contact, survey, { submittedAt: at.toISOString(), answers: [{ type: "nps", value: nps }] });
      const outcome = await handleSubmittedResponse(loopDeps(), response.id, at);
      return (await env.DB.prepare("SELECT * FROM cases WHERE id = ?").bind(outcome.caseId).first<Record<string, any>>())!;
    };

    // 500 (p 1.0; the largest, top 20 % of revenue) × NPS 0 (severity 3) = 3; due in 2 business days.
    expect(await open(4, 0)).toMatchObject({ revenue_percentile: 1, top_account: 1, severity: 3, priority: 3, due_at: "2026-05-06T09:00:00.000Z" });
    // 400 (p 0.8; the 500 before it already hold 1/3 ≥ 20 % of revenue, so not top) × NPS 3 (severity 2) = 1.6; due in 5 business days.
    expect(await open(3, 3)).toMatchObject({ revenue_percentile: 0.8, top_account: 0, severity: 2, priority: 1.6, due_at: "2026-05-11T09:00:00.000Z" });
    // 200 (p 0.4) × NPS 0 (3) = 1.2 and 300 (p 0.6) × NPS 3 (2) = 1.2: a tie in priority.
    const tieLate = await open(1, 0, new Date("2026-05-04T09:00:00.000Z"));
    const tieEarlyOpenedLater = await open(2, 3, new Date("2026-04-20T09:00:00.000Z"));
    expect(tieLate.priority).toBe(1.2);
    expect(tieEarlyOpenedLater.priority).toBe(1.2);
    // 100 (p 0.2) × NPS 6 (1) = 0.2.
    const lowest = await open(0, 6);
    expect(lowest.priority).toBe(0.2);

    // On 2026-05-05 the case opened 2026-04-20 (5 business days: due 04-27) is breached; the other tie is not due yet.
    const at = new Date("2026-05-05T09:00:00.000Z");
    const queue = await listCases(loopDeps().db, { scope: "all", status: "active" }, null, at, { offset: 0, limit: 50 });
    const order = queue.items.map((c) => [c.priority, c.breached, c.id]);
    expect(order).toEqual([
      [3, false, expect.any(String)],
      [1.6, false, expect.any(String)],
      [1.2, true, tieEarlyOpenedLater.id],
      [1.2, false, tieLate.id],
      [0.2, false, lowest.id],
    ]);
    // Breached filter.
    const breached = await listCases(loopDeps().db, { scope: "all", status: "active", breached: true }, null, at, { offset: 0, limit: 50 });
    expect(breached.items.map((c) => c.id)).toEqual([tieEarlyOpenedLater.id]);
  });
});
