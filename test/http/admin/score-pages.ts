// Helpers of the score pages' tests (Overview, Accounts, Responses, Markets).
import { expect } from "vitest";
import { api, workerFetch } from "../../support/api";
import { adminSession, type AdminSession } from "../../support/admin";

let session: Promise<AdminSession> | null = null;

/** An admin page as a signed-in person sees it: with a session cookie, whose check counts in the page's round trips. */
export async function adminGet(path: string): Promise<Response> {
  session ??= adminSession();
  return workerFetch(path, { redirect: "manual", headers: { cookie: (await session).cookie } });
}
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
