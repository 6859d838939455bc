// GET /api/v1/scores/trend (SPEC §12): one metric over the stored quarters with intervals, overall or for one group.
import { createRoute, z } from "@hono/zod-openapi";
import { metricTrend, TREND_CUTS, TREND_METRICS } from "../../domain/scoring/dashboard";
import { requireCurrentRun } from "../../domain/scoring/read";
import { badRequest } from "../../lib/errors";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonResponse, problemResponses } from "./router";

const TrendQuery = z.object({
  metric: z.enum(TREND_METRICS).default("nps").openapi({
    description:
      "nps and npsRevenueWeighted in points (−100…100) with 95 % intervals; osatTopBox / cesTopBox shares (0–1) with Wilson intervals; osatMean, cesMean, responseRate and revenueCoverage without.",
  }),
  cut: z.enum(TREND_CUTS).default("all").openapi({ description: "all (organization-wide) or the cut the group belongs to." }),
  group: z.string().max(200).optional().openapi({ description: "The group of the cut (role key, stage key, country, segment, survey id); required unless cut=all." }),
});

const TrendPoint = z
  .object({
    period: z.string().openapi({ example: "2026-Q3" }),
    value: z.number().nullable(),
    interval: z.object({ low: z.number(), high: z.number() }).nullable(),
    n: z.number().int().openapi({ description: "Answers (nps, osat, ces), accounts (npsRevenueWeighted, revenueCoverage: accounts in scope) or invitations (responseRate)." }),
    lowSample: z.boolean(),
  })
  .openapi("TrendPoint");

export const trendRouter = createRouter();
trendRouter.use("/trend", adminOnly);

trendRouter.openapi(
  createRoute({
    method: "get",
    path: "/trend",
    tags: ["Scores"],
    summary: "A metric over every stored quarter, oldest first",
    request: { query: TrendQuery },
    responses: {
      200: jsonResponse(z.object({ metric: z.string(), cut: z.string(), group: z.string().nullable(), runId: z.string(), points: z.array(TrendPoint) }), "One point per scored quarter"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { metric, cut, group } = c.req.valid("query");
    if (cut !== "all" && !group) throw badRequest("Name the group of the cut, e.g. cut=country&group=DE.", [{ path: "group", message: "required unless cut=all" }]);
    if (cut === "all" && group) throw badRequest("cut=all has no groups; leave group out or choose a cut.", [{ path: "group", message: "only with a cut" }]);
    if (metric === "revenueCoverage" && cut !== "all") throw badRequest("Revenue coverage is organization-wide; use cut=all.", [{ path: "cut", message: "revenueCoverage is only overall" }]);
    const run = await requireCurrentRun(c.var.db);
    const points = await metricTrend(c.var.db, run, metric, cut, group ?? "");
    return c.json({ metric, cut, group: group ?? null, runId: run.id, points }, 200);
  },
);
