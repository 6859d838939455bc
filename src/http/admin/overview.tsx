import { Hono } from "hono";
import { isQuarterKey, overview } from "../../domain/scoring/dashboard";
import { currentRun } from "../../domain/scoring/run";
import { ApiError } from "../../lib/errors";
import { noScoresPage, overviewPage } from "../../views/admin/overview";
import type { AdminEnv } from "./session";

/** `?period=` of the score pages: a fiscal quarter, else a 400 page saying what to write. */
export function quarterParam(value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isQuarterKey(value)) throw new ApiError(400, "Unknown quarter", `'${value.slice(0, 40)}' is not a quarter. Use the form YYYY-Qn, e.g. 2026-Q3, or pick one from the list.`);
  return value;
}

export const notScored = (period: string | undefined) =>
  new ApiError(404, "Quarter not scored", `The current scores do not cover ${period ?? "this quarter"}. Pick a quarter from the list on the Overview.`);

/** /admin: the Overview — the quarter at a glance, read from the current scoring run (2 D1 round trips + sign-in). */
export const overviewRouter = new Hono<AdminEnv>();

overviewRouter.get("/", async (c) => {
  const period = quarterParam(c.req.query("period"));
  const run = await currentRun(c.var.db);
  if (!run) return c.html(noScoresPage({ nonce: c.var.nonce, viewer: c.var.viewer, title: "Overview", active: "overview" }));
  const data = await overview(c.var.db, run, period, new Date());
  if (!data) throw notScored(period);
  return c.html(overviewPage({ nonce: c.var.nonce, viewer: c.var.viewer, data }));
});
