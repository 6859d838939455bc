// A scoring run that needs more than one invocation's budget continues at once in scoring.continue queue messages
// (SPEC §11), not at the next cron tick: the cron tick, the API and the consumer all follow up the same way.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { LoopMessage } from "../../src/domain/messages";
import { advanceScoring } from "../../src/domain/scoring/run";
import { advanceScoringAndFollowUp, runScoringTick } from "../../src/jobs/scoring";
import { recordingQueue } from "../domain/cases/support";
import { makeAccount, makeContact, makeSurvey, testDb } from "../support/fixtures";
import { makeResponse } from "../support/responses";
import { answersOverQuarters, consume, continueOf, followToCompletion, runRow } from "./scoring-queue";

const allRuns = async () => (await env.DB.prepare("SELECT * FROM score_runs ORDER BY id").all()).results;

/** A run started (full) with a small budget, so most of it is left: its id and the message its invocation sent. */
async function startedRun(): Promise<{ runId: string; message: LoopMessage }> {
  const queue = recordingQueue();
  const run = (await advanceScoringAndFollowUp({ LOOP_QUEUE: queue }, testDb(), new Date(), { trigger: "api", full: true, maxQueries: 60, maxMillis: 60_000 }))!;
  expect(run).toMatchObject({ status: "running", progressing: true });
  expect(queue.sent).toEqual([continueOf(run.id)]);
  return { runId: run.id, message: queue.sent[0]! };
}

async function anotherAnswer() {
  const contact = await makeContact((await makeAccount({ annualRevenue: 50 })).id);
  await makeResponse(contact, await makeSurvey(), { submittedAt: new Date().toISOString(), answers: [{ type: "nps", value: 10 }] });
}

beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation(() => {}); // each invocation's trace line: keep the output to the results
  await answersOverQuarters(24);
}, 60_000);

describe("a scoring run continued by queue messages", () => {
  it("the cron tick that stops short sends one scoring.continue; the consumer carries the same run to completion, rows as in one go", async () => {
    const queue = recordingQueue();
    await runScoringTick({ ...env, LOOP_QUEUE: queue }, new Date());
    const [started] = (await allRuns()) as { id: string; status: string; trigger: string; step: number }[];
    expect(started).toMatchObject({ status: "running", trigger: "cron" });
    expect(started!.step).toBeGreaterThan(0);
    expect(queue.sent).toEqual([continueOf(started!.id)]);

    const { steps, last } = await followToCompletion(queue.sent[0]!);
    // The tick and at least two queue invocations, each further along the same run; the last announces completion.
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps[0]).toBeGreaterThan(started!.step);
    expect(last).toEqual({ type: "run.completed", runId: started!.id });
    expect(await runRow(started!.id)).toMatchObject({ status: "complete", leaseOwner: null });
    expect(await allRuns()).toHaveLength(1);

    // The same data scored in one invocation gives the same rows.
    const oneGo = (await advanceScoring(testDb(), new Date(), { trigger: "api", full: true, maxQueries: 100_000, maxMillis: 600_000 }))!;
    expect(oneGo.status).toBe("complete");
    for (const table of ["score_accounts", "score_groups", "score_coverage"]) {
      const rowsOf = async (runId: string) =>
        (await env.DB.prepare(`SELECT * FROM ${table} WHERE run_id = ? ORDER BY 2, 3, 4, 5`).bind(runId).all()).results.map(({ run_id: _, ...rest }) => rest);
      const chained = await rowsOf(started!.id);
      expect(chained.length).toBeGreaterThan(0);
      expect(chained).toEqual(await rowsOf(oneGo.id));
    }
  }, 120_000);

  it("a scoring.continue for a complete, a failed or an unknown run is acked and changes nothing, even with new answers waiting", async () => {
    const [complete] = (await allRuns()) as { id: string }[];
    const stamp = new Date().toISOString();
    await env.DB.prepare(
      `INSERT INTO score_runs (id, status, trigger, as_of, time_zone, fiscal_year_start_month, step, total_steps, started_at, updated_at, finished_at, last_error, failures)
       VALUES ('run_failed_continue', 'failed', 'cron', ?1, 'UTC', 1, 3, 10, ?1, ?1, ?1, 'boom', 3)`,
    )
      .bind(stamp)
      .run();
    await anotherAnswer();
    const before = await allRuns();

    const { ids, acked, retried, sent } = await consume([continueOf(complete!.id), continueOf("run_failed_continue"), continueOf("run_unknown")]);
    expect(acked).toEqual(ids);
    expect(retried).toEqual([]);
    expect(sent).toEqual([]);
    expect(await allRuns()).toEqual(before);
  });

  it("an invocation that finds another holding the run's lease sends nothing; the run continues once the lease is free", async () => {
    const { runId, message } = await startedRun();
    await env.DB.prepare("UPDATE score_runs SET lease_owner = 'another', lease_until = '2999-01-01T00:00:00.000Z' WHERE id = ?").bind(runId).run();
    const held = (await runRow(runId))!;

    const { ids, acked, sent } = await consume([message]);
    expect(acked).toEqual(ids);
    expect(sent).toEqual([]);
    const tick = recordingQueue();
    await runScoringTick({ ...env, LOOP_QUEUE: tick }, new Date());
    expect(tick.sent).toEqual([]);
    expect(await runRow(runId)).toEqual(held);

    await env.DB.prepare("UPDATE score_runs SET lease_owner = NULL, lease_until = NULL WHERE id = ?").bind(runId).run();
    expect((await followToCompletion(message)).last).toEqual({ type: "run.completed", runId });
  }, 60_000);

  it("advances a run once per invocation: a duplicate scoring.continue in the same batch is acked without a second advance", async () => {
    const { runId, message } = await startedRun();
    const { ids, acked, sent } = await consume([message, message]);
    expect(acked).toEqual(ids);
    // A second advance would have sent a second scoring.continue (the full run needs three invocations).
    expect(sent).toEqual([continueOf(runId)]);
    expect((await followToCompletion(sent[0]!)).last).toEqual({ type: "run.completed", runId });
  }, 60_000);

  it("retries a scoring.continue whose invocation failed (the failure is recorded on the run), and the retry carries on", async () => {
    const { runId, message } = await startedRun();
    const { plan } = (await env.DB.prepare("SELECT plan FROM score_runs WHERE id = ?").bind(runId).first<{ plan: string }>())!;
    // A plan of this version whose steps cannot be derived: the invocation fails (an unreadable plan would be superseded).
    await env.DB.prepare("UPDATE score_runs SET plan = json_set(plan, '$.current', 'not a quarter') WHERE id = ?").bind(runId).run();

    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const failed = await consume([message]);
    expect(quiet).toHaveBeenCalledWith("loop message failed", JSON.stringify(message), expect.any(Error));
    quiet.mockRestore();
    expect(failed.acked).toEqual([]);
    expect(failed.retried).toEqual(failed.ids);
    expect(failed.sent).toEqual([]);
    expect(await runRow(runId)).toMatchObject({ status: "running", failures: 1, leaseOwner: null, lastError: expect.any(String) });

    await env.DB.prepare("UPDATE score_runs SET plan = ? WHERE id = ?").bind(plan, runId).run();
    expect((await followToCompletion(message)).last).toEqual({ type: "run.completed", runId });
    expect(await runRow(runId)).toMatchObject({ status: "complete", failures: 0, lastError: null });
  }, 60_000);
});
