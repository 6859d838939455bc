// Scoring runs in tests, as an API client runs them.
import { expect } from "vitest";
import { api, json } from "./api";

/**
 * Runs scoring to completion. POST /scoring/runs works on the run a few seconds and answers 202 while the Worker's
 * queue carries it on: follow it with GET /scoring/runs/{id} until it is complete. Returns the run's id.
 */
export async function completeScoringRun(options: { full?: boolean } = {}): Promise<string> {
  const res = await api("POST", "/scoring/runs", options.full ? { full: true } : undefined);
  expect([200, 202]).toContain(res.status);
  let run = await json<{ id: string; status: string }>(res);
  for (let poll = 0; poll < 240 && run.status === "running"; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    run = await json(await api("GET", `/scoring/runs/${run.id}`));
  }
  expect(run, "the scoring run did not complete within 60 s").toMatchObject({ status: "complete" });
  return run.id;
}
