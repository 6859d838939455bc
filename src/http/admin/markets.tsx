import { Hono } from "hono";
import { z } from "zod";
import { marketRanking, periodsOf, resolvePeriod } from "../../domain/scoring/read";
import { currentRun } from "../../domain/scoring/run";
import { ApiError } from "../../lib/errors";
import { marketsPage } from "../../views/admin/markets";
import { noScoresPage } from "../../views/admin/overview";
import { parseFilters } from "./forms";
import { notScored, quarterParam } from "./overview";
import type { AdminEnv } from "./session";

const MarketsQuery = z.object({
  period: z.string().optional(),
  by: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["country", "segment"]).default("country")),
});

/** /admin/markets: markets ranked by the lower bound of their 12-month NPS change (2 D1 round trips + sign-in). */
export const marketsRouter = new Hono<AdminEnv>();

marketsRouter.get("/", async (c) => {
  const q = parseFilters(MarketsQuery, c.req.query(), { by: "Markets by" });
  const key = quarterParam(q.period);
  const run = await currentRun(c.var.db);
  if (!run) return c.html(noScoresPage({ nonce: c.var.nonce, viewer: c.var.viewer, title: "Markets", active: "markets" }));
  const quarters = periodsOf(run).filter((p) => p.kind === "quarter").map((p) => p.key);
  let period;
  try {
    period = resolvePeriod(run, key);
  } catch {
    throw notScored(key);
  }
  const base = { period: period.key, quarters, by: q.by, finishedAt: run.finishedAt };
  try {
    const ranking = await marketRanking(c.var.db, run, period, q.by, { withIntervals: true });
    return c.html(marketsPage({ nonce: c.var.nonce, viewer: c.var.viewer, data: { ...base, ...ranking, period: period.key, unavailable: null } }));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    const unavailable = `${period.key} cannot be ranked: its trailing 12 months and the 12 months a year before must both be scored. Pick a more recent quarter.`;
    return c.html(marketsPage({ nonce: c.var.nonce, viewer: c.var.viewer, data: { ...base, current: "", yearEarlier: "", note: "", ranked: [], insufficientData: [], unavailable } }));
  }
});
