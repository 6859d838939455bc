// The scoring run's completion hook: silence cases (once per account and quarter) and account.category_changed
// webhooks, through POST /api/v1/scoring/runs as an admin would trigger it, then the run.completed queue message that
// the run leaves for the loop consumer, handed to the Worker's queue handler directly so the test controls when it runs.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { LoopMessage } from "../../../src/domain/messages";
import worker from "../../../src/index";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { completeScoringRun } from "../../support/scoring";
import { makeUser, outboxTo, uniqueEmail } from "./support";

async function runScoring(full = false) {
  return followUp(await completeScoringRun({ full }));
}

/** Delivers the run.completed message to the Worker's queue consumer, twice (a redelivery must change nothing). */
async function followUp(runId: string) {
  for (const attempt of [1, 2]) {
    const batch = createMessageBatch<LoopMessage>("quorum-loop", [{ id: `run-${attempt}`, timestamp: new Date(), attempts: attempt, body: { type: "run.completed", runId } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch as never, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`run-${attempt}`]);
  }
}

describe("after a scoring run", () => {
  it("opens a silence case for a silent top-revenue account once, and announces category changes", async () => {
    const now = new Date();
    const survey = await makeSurvey();
    // The largest account: invited this quarter, the invitation expired unanswered → silent.
    const owner = uniqueEmail("silent-owner");
    await makeUser(owner);
    const silent = await makeAccount({ annualRevenue: 5_000_000, ownerEmail: owner });
    const quiet = await makeContact(silent.id, { role: "decision_maker" });
    await makeInvitation(quiet, survey, { status: "expired", admittedAt: new Date(now.getTime() - 3 * 86400_000).toISOString(), sentAt: new Date(now.getTime() - 3 * 86400_000).toISOString(), expiresAt: new Date(now.getTime() - 3600_000).toISOString() });
    // A small account that will answer later (its category changes between the runs).
    const changing = await makeAccount({ annualRevenue: 10_000 });
    const fan = await makeContact(changing.id, { role: "decision_maker" });
    const endpoint = await json(await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/categories", events: ["account.category_changed"] }));
    const opened = await json(await api("POST", "/webhooks", { url: "https://hooks.acme-customer.com/opened", events: ["case.opened"] }));

    await runScoring(true);
    const cases = () => env.DB.prepare("SELECT period, type, top_account, trigger FROM cases WHERE account_id = ?").bind(silent.id).all();
    const first = (await cases()).results;
    expect(first).toEqual([{ period: expect.stringMatching(/^\d{4}-Q[1-4]$/), type: "silence", top_account: 1, trigger: "silent 1 quarter in a row" }]);

    await makeResponse(fan, survey, { submittedAt: new Date(now.getTime() - 60_000).toISOString(), answers: [{ type: "nps", value: 10 }] });
    await runScoring();
    expect((await cases()).results).toEqual(first); // once per (account, period)
    const timeline = await env.DB.prepare("SELECT e.kind, e.actor FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.account_id = ?").bind(silent.id).all();
    expect(timeline.results).toEqual([{ kind: "opened", actor: "system" }]);
    // The owner is told once (two runs, each run.completed delivered twice), in the top accounts' SLA: 2 business days.
    const mails = await outboxTo(owner);
    expect(mails.map((m) => [m.kind, m.subject])).toEqual([["case_opened", `New case: ${silent.name} has gone silent`]]);
    const { opened_at, due_at, assignee_email } = (await env.DB.prepare("SELECT opened_at, due_at, assignee_email FROM cases WHERE account_id = ?").bind(silent.id).first<{ opened_at: string; due_at: string; assignee_email: string }>())!;
    expect(assignee_email).toBe(owner);
    const businessDaysLater = (from: string, days: number) => {
      const d = new Date(from);
      while (days > 0) {
        d.setUTCDate(d.getUTCDate() + 1);
        if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days--;
      }
      return d.toISOString();
    };
    expect(due_at).toBe(businessDaysLater(opened_at, 2)); // UTC, no holidays in this file
    const openedEvents = await env.DB.prepare("SELECT payload FROM webhook_deliveries WHERE endpoint_id = ? AND event_type = 'case.opened'").bind(opened.id).all<{ payload: string }>();
    const silenceOpened = openedEvents.results.map((r) => JSON.parse(r.payload).data).filter((d) => d.accountId === silent.id);
    expect(silenceOpened).toEqual([expect.objectContaining({ type: "silence", period: first[0]!.period, status: "open" })]); // announced once
    const announced = await env.DB.prepare("SELECT payload FROM webhook_deliveries WHERE endpoint_id = ? AND event_type = 'account.category_changed'").bind(endpoint.id).all<{ payload: string }>();
    const changes = announced.results.map((r) => JSON.parse(r.payload).data);
    expect(changes).toContainEqual(expect.objectContaining({ accountId: changing.id, to: "promoter" }));
    expect(changes.filter((c) => c.accountId === changing.id && c.to === "promoter")).toHaveLength(1); // redelivered: announced once
  });
});
