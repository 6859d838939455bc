// Helpers of the score pages' tests (Overview, Accounts, Responses, Markets).
import { expect } from "vitest";
import { workerFetch } from "../../support/api";
import { adminSession, type AdminSession } from "../../support/admin";

export { completeScoringRun } from "../../support/scoring";

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
