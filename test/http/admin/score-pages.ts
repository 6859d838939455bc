// Helpers of the score pages' tests (Overview, Accounts, Responses, Markets).
import { expect } from "vitest";
import { ADMIN_TOKEN, api, workerFetch } from "../../support/api";

/** An admin page as the admin token sees it (bearer: no session, no CSRF). */
export const adminGet = (path: string) => workerFetch(path, { redirect: "manual", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
export const roundTrips = (res: Response) => Number(res.headers.get("X-D1-Round-Trips"));
export const byteSize = (html: string) => new TextEncoder().encode(html).length;

/** Runs scoring to completion (a large run continues over several calls). */
export async function completeScoringRun(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const res = await api("POST", "/scoring/runs");
    if (res.status === 200) return;
    expect(res.status).toBe(202);
  }
  throw new Error("the scoring run did not complete in 30 calls");
}
