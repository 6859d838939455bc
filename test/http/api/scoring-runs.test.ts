// POST /api/v1/scoring/runs holds the admin's request for a few seconds at most: a run that needs more answers 202
// and continues in the background (scoring.continue queue messages) until GET /scoring/runs/{id} says complete.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { advanceScoring } from "../../../src/domain/scoring/run";
import type { Env } from "../../../src/env";
import worker from "../../../src/index";
import { API_BUDGET } from "../../../src/jobs/scoring";
import { recordingQueue } from "../../domain/cases/support";
import { ADMIN_TOKEN, api, json } from "../../support/api";
import { testDb } from "../../support/fixtures";
import { answersOverQuarters, continueOf, followToCompletion } from "../../jobs/scoring-queue";

/** POST /scoring/runs through the Worker, its queue a recorder: the response, its time and what it sent. */
async function postRun(body?: unknown) {
  const queue = recordingQueue();
  const request = new Request("http://quorum.test/api/v1/scoring/runs", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const began = Date.now();
  const res = await worker.fetch(request, { ...env, LOOP_QUEUE: queue } as unknown as Env, createExecutionContext());
  return { status: res.status, run: await json(res), millis: Date.now() - began, sent: queue.sent };
}

beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation(() => {}); // the consumer's trace lines: keep the output to the results
  // 24 quarters of history: a full run needs about three invocations' worth of D1 queries.
  await answersOverQuarters(24);
}, 60_000);

describe("POST /api/v1/scoring/runs", () => {
  it("answers 202 within its short budget for a run that needs more, which the queue then carries to completion", async () => {
    const { status, run, millis, sent } = await postRun({ full: true });
    expect(status).toBe(202);
    expect(run).toMatchObject({ status: "running", state: "waiting", trigger: "api", kind: "full" });
    expect(run.step).toBeGreaterThan(0);
    expect(run.progress).toBeLessThan(1);
    // A few seconds at most (the inline budget; a margin for a busy machine), never the whole run.
    expect(millis).toBeLessThan(API_BUDGET.maxMillis + 5_000);
    expect(sent).toEqual([continueOf(run.id)]);
    const audit = await json(await api("GET", `/audit-log?entityType=score_run&entityId=${run.id}`));
    expect(audit.items).toMatchObject([{ action: "scoring.run", detail: { status: "running", step: run.step, full: true } }]);

    expect(await json(await api("GET", `/scoring/runs/${run.id}`))).toMatchObject({ status: "running", step: run.step });
    const { last } = await followToCompletion(sent[0]!);
    expect(last).toEqual({ type: "run.completed", runId: run.id });
    expect(await json(await api("GET", `/scoring/runs/${run.id}`))).toMatchObject({ status: "complete", state: "complete", progress: 1 });
    expect(await json(await api("GET", "/scoring/runs/current"))).toMatchObject({ current: { id: run.id }, running: null });
  }, 120_000);

  it("answers 200 when the run completes within the request, and sends only run.completed", async () => {
    // Nothing changed since the last run: an incremental run with nothing to recompute completes inline.
    const { status, run, sent } = await postRun();
    expect(status).toBe(200);
    expect(run).toMatchObject({ status: "complete", kind: "incremental", periodsComputed: 0 });
    expect(sent).toEqual([{ type: "run.completed", runId: run.id }]);
  });

  it("answers 202 and sends nothing while another invocation holds the run", async () => {
    const started = (await advanceScoring(testDb(), new Date(), { trigger: "cron", full: true, maxQueries: 60, maxMillis: 60_000 }))!;
    await env.DB.prepare("UPDATE score_runs SET lease_owner = 'another', lease_until = '2999-01-01T00:00:00.000Z' WHERE id = ?").bind(started.id).run();
    const { status, run, sent } = await postRun();
    expect(status).toBe(202);
    expect(run).toMatchObject({ id: started.id, status: "running", state: "running", step: started.step });
    expect(sent).toEqual([]);
    await env.DB.prepare("UPDATE score_runs SET lease_owner = NULL, lease_until = NULL WHERE id = ?").bind(started.id).run();
    expect((await followToCompletion(continueOf(started.id))).last).toEqual({ type: "run.completed", runId: started.id });
  }, 60_000);

  it("continues in the background through the Worker's own queue until GET /scoring/runs/{id} says complete", async () => {
    const res = await api("POST", "/scoring/runs", { full: true });
    expect(res.status).toBe(202);
    const { id } = await json(res);
    let run: { status: string } = { status: "running" };
    for (let i = 0; i < 120 && run.status === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      run = await json(await api("GET", `/scoring/runs/${id}`));
    }
    expect(run).toMatchObject({ id, status: "complete", trigger: "api" });
  }, 90_000);

  it("says in the OpenAPI document that the run continues in the background and how to follow it", async () => {
    const doc = await json(await api("GET", "/openapi.json"));
    const post = Object.entries(doc.paths as Record<string, { post?: { description: string; responses: Record<string, { description: string }> } }>).find(
      ([path, item]) => path.endsWith("/scoring/runs") && item.post,
    )![1].post!;
    expect(post.description).toMatch(/continues in the background/);
    expect(post.description).toContain("GET /api/v1/scoring/runs/{id}");
    expect(post.responses["202"]!.description).toContain("GET /api/v1/scoring/runs/{id}");
  });
});
