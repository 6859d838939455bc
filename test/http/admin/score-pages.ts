// Helpers of the score pages' tests (Overview, Accounts, Responses, Markets).
import { expect } from "vitest";
import { api, json, workerFetch } from "../../support/api";
import { adminSession, type AdminSession } from "../../support/admin";

let session: Promise<AdminSession> | null = null;

/** An admin page as a signed-in person sees it: with a session cookie, whose check counts in the page's round trips. */
export async function adminGet(path: string): Promise<Response> {
  session ??= adminSession();
  return workerFetch(path, { redirect: "manual", headers: { cookie: (await session).cookie } });
}
export const roundTrips = (res: Response) => Number(res.headers.get("X-D1-Round-Trips"));
export const byteSize = (html: string) => new TextEncoder().encode(html).length;

/** A score page as the house budgets it: 200, at most 3 D1 round trips, under 150 KB. Returns its HTML. */
export async function budgetedPage(path: string): Promise<string> {
  const res = await adminGet(path);
  expect(res.status).toBe(200);
  expect(roundTrips(res)).toBeLessThanOrEqual(3);
  const html = await res.text();
  expect(byteSize(html)).toBeLessThan(150 * 1024);
  return html;
}

/**
 * Runs scoring to completion. POST /scoring/runs works on the run a few seconds and answers 202 while the Worker's
 * queue carries it on: follow it with GET /scoring/runs/{id} until it is complete.
 */
export async function completeScoringRun(): Promise<void> {
  const res = await api("POST", "/scoring/runs");
  if (res.status === 200) return;
  expect(res.status).toBe(202);
  let run = await json<{ id: string; status: string }>(res);
  for (let poll = 0; poll < 240 && run.status === "running"; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    run = await json(await api("GET", `/scoring/runs/${run.id}`));
  }
  expect(run, "the scoring run did not complete within 60 s").toMatchObject({ status: "complete" });
}
