// Scores (SPEC §7): reads of the current run's stored results, and starting a run. Handlers parse and shape only.
import { createRoute, z } from "@hono/zod-openapi";
import { auditInsert } from "../../domain/audit/log";
import { accountHistory, accountScoresPage, cutScores, marketRanking, overallScores, requireCurrentRun, resolvePeriod, revenueCoverage } from "../../domain/scoring/read";
import { advanceScoring, currentRun, runningRun } from "../../domain/scoring/run";
import { adminOnly } from "../middleware/auth";
import { createRouter, decodeCursor, encodeCursor, IdParam, jsonResponse, PageQuery, problemResponses } from "./router";

// ─── schemas ─────────────────────────────────────────────────────────────────

const PeriodKey = z
  .string()
  .regex(/^\d{4}-Q[1-4](-T12)?$/, "use a fiscal quarter like 2026-Q3, or 2026-Q3-T12 for the trailing 12 months to its end")
  .openapi({ example: "2026-Q3" });
const PeriodQuery = z.object({
  period: PeriodKey.optional().openapi({ description: "Fiscal quarter YYYY-Qn or trailing 12 months YYYY-Qn-T12; default the current quarter." }),
});

const Interval = z.object({ low: z.number(), high: z.number() }).openapi("Interval");
const PeriodInfo = z.object({ key: z.string(), kind: z.enum(["quarter", "t12"]), start: z.string(), end: z.string() }).openapi("ScorePeriod");
const Nps = z
  .object({
    n: z.number().int(),
    promoters: z.number().int(),
    passives: z.number().int(),
    detractors: z.number().int(),
    nps: z.number().nullable(),
    interval: Interval.nullable().openapi({ description: "Adjusted-Wald 95 % interval, clipped to [−100, 100]." }),
    lowSample: z.boolean().openapi({ description: "n < 30: the interval is centred on the adjusted NPS′, so the raw NPS may lie outside it." }),
  })
  .openapi("Nps");
const RevenueWeightedNps = z
  .object({ accounts: z.number().int(), nps: z.number().nullable(), effectiveN: z.number().nullable(), interval: Interval.nullable(), lowSample: z.boolean() })
  .openapi("RevenueWeightedNps");
const MeanAndTopBox = z
  .object({ n: z.number().int(), mean: z.number().nullable(), topBoxShare: z.number().nullable(), topBoxInterval: Interval.nullable().openapi({ description: "Wilson 95 %." }) })
  .openapi("MeanAndTopBox");
const ResponseRate = z.object({ invited: z.number().int(), completed: z.number().int(), rate: z.number().nullable() }).openapi("ResponseRate");
const NpsChange = z
  .object({ delta: z.number(), z: z.number().nullable(), significant: z.boolean() })
  .openapi("NpsChange", { description: "Two-sample adjusted-Wald z test; approximate (the same contacts are often asked again)." });

const GroupChange = z
  .object({
    period: z.string(),
    nps: NpsChange.nullable(),
    npsRevenueWeighted: z.number().nullable(),
    osatMean: z.number().nullable(),
    cesMean: z.number().nullable(),
    shareOfWalletRevenueWeighted: z.number().nullable(),
    responseRate: z.number().nullable(),
  })
  .openapi("GroupChange");
const GroupScores = z
  .object({
    group: z.string().openapi({ description: "The cut's value (role key, stage key, country, segment, survey id); empty when unknown or overall." }),
    nps: Nps,
    npsRevenueWeighted: RevenueWeightedNps,
    osat: MeanAndTopBox,
    ces: MeanAndTopBox,
    shareOfWallet: z.object({ n: z.number().int(), mean: z.number().nullable(), accounts: z.number().int(), revenueWeighted: z.number().nullable() }),
    responseRate: ResponseRate,
    change: z.object({ previousQuarter: GroupChange.nullable(), yearEarlier: GroupChange.nullable() }),
  })
  .openapi("GroupScores");
const OverallScores = GroupScores.extend({
  period: PeriodInfo,
  runId: z.string(),
  truePromoterShare: z.object({ promoters: z.number().int().nullable(), invitedContacts: z.number().int().nullable(), share: z.number().nullable() }),
}).openapi("OverallScores");

const AccountChange = z
  .object({
    period: z.string(),
    category: z.string().nullable(),
    score: z.number().nullable(),
    nps: NpsChange.nullable(),
    osatMean: z.number().nullable(),
    cesMean: z.number().nullable(),
    shareOfWallet: z.number().nullable(),
  })
  .openapi("AccountChange");
const AccountMetrics = z.object({
  revenue: z.number().int(),
  inScope: z.boolean(),
  category: z.enum(["promoter", "passive", "detractor", "silent", "unsurveyed"]).nullable(),
  score: z.number().nullable().openapi({ description: "Role-weighted mean of the latest 0–10 answers." }),
  nps: Nps,
  mixedSignals: z.boolean(),
  roleMeanGap: z.number().nullable(),
  osat: MeanAndTopBox,
  ces: MeanAndTopBox,
  shareOfWallet: z.object({ n: z.number().int(), mean: z.number().nullable() }),
  heardFrom: z.boolean(),
  decisionMakerHeard: z.boolean(),
  committeeCoverage: z.object({ rolesHeard: z.number().int(), roles: z.number().int(), share: z.number().nullable() }),
  singleThreaded: z.boolean(),
  responseRate: ResponseRate,
  silence: z.object({ silent: z.boolean(), consecutiveSilentQuarters: z.number().int() }).nullable(),
  change: z.object({ previousQuarter: AccountChange.nullable(), yearEarlier: AccountChange.nullable() }),
});
const AccountScores = AccountMetrics.extend({ accountId: z.string(), name: z.string().nullable() }).openapi("AccountScores");
const AccountPeriodScores = AccountMetrics.extend({ period: PeriodInfo }).openapi("AccountPeriodScores");

const Coverage = z
  .object({
    period: PeriodInfo,
    runId: z.string(),
    target: z.number(),
    accountsInScope: z.number().int(),
    totalRevenue: z.number().int(),
    coveredRevenue: z.number().int(),
    coverage: z.number().nullable(),
    meetsTarget: z.boolean(),
    amounts: z.object({
      safe: z.number().int(),
      passive: z.number().int(),
      atRisk: z.number().int(),
      unaccounted: z.number().int(),
      silent: z.number().int(),
      unsurveyed: z.number().int(),
    }),
    heardFromCoverage: z.number().nullable(),
    decisionMakerCoverage: z.number().nullable(),
    singleThreadedAccounts: z.number().int(),
    silence: z.object({ accounts: z.number().int(), revenue: z.number().int() }).nullable(),
  })
  .openapi("RevenueCoverage");

const MarketSide = z.object({ nps: z.number().nullable(), n: z.number().int() });
const Markets = z
  .object({
    period: PeriodInfo,
    by: z.enum(["country", "segment"]),
    current: z.string(),
    yearEarlier: z.string(),
    note: z.string(),
    ranked: z.array(z.object({ rank: z.number().int(), market: z.string(), change: z.number(), interval: Interval, current: MarketSide, yearEarlier: MarketSide })),
    insufficientData: z.array(z.object({ market: z.string(), current: MarketSide, yearEarlier: MarketSide })),
  })
  .openapi("MarketRanking");

const Run = z
  .object({
    id: z.string(),
    status: z.enum(["running", "complete"]),
    trigger: z.enum(["cron", "api"]),
    asOf: z.string(),
    step: z.number().int(),
    totalSteps: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi("ScoringRun");

const runView = (run: z.infer<typeof Run>) => ({
  id: run.id,
  status: run.status,
  trigger: run.trigger,
  asOf: run.asOf,
  step: run.step,
  totalSteps: run.totalSteps,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
  lastError: run.lastError,
});

// ─── /scores ─────────────────────────────────────────────────────────────────

export const scoresRouter = createRouter();
scoresRouter.use("*", adminOnly);

scoresRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Scores"],
    summary: "Organization-wide scores of a period",
    request: { query: PeriodQuery },
    responses: { 200: jsonResponse(OverallScores, "NPS, revenue-weighted NPS, OSAT, CES, share of wallet, response rate, true promoter share"), ...problemResponses },
  }),
  async (c) => {
    const run = await requireCurrentRun(c.var.db);
    return c.json(await overallScores(c.var.db, run, resolvePeriod(run, c.req.valid("query").period)), 200);
  },
);

const GroupCut = z.enum(["role", "stage", "country", "segment", "survey"]);
const CutParam = z.object({
  cut: z.enum(["account", ...GroupCut.options]).openapi({ param: { name: "cut", in: "path" }, description: "account, role, stage, country, segment or survey" }),
});

scoresRouter.openapi(
  createRoute({
    method: "get",
    path: "/by/{cut}",
    tags: ["Scores"],
    summary: "Scores of a period cut by account, role, journey stage, country, segment or survey",
    description: "The account cut is cursor-paginated (ordered by account id); the other cuts return every group.",
    request: { params: CutParam, query: PeriodQuery.extend(PageQuery.shape) },
    responses: {
      200: jsonResponse(
        z.object({ period: PeriodInfo, cut: z.string(), items: z.array(z.union([AccountScores, GroupScores])), nextCursor: z.string().nullable() }),
        "One entry per group",
      ),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { cut } = c.req.valid("param");
    const query = c.req.valid("query");
    const run = await requireCurrentRun(c.var.db);
    const period = resolvePeriod(run, query.period);
    const info = { key: period.key, kind: period.kind, start: period.start, end: period.end };
    if (cut !== "account") {
      const items = await cutScores(c.var.db, run, cut, period);
      return c.json({ period: info, cut, items, nextCursor: null }, 200);
    }
    const rows = await accountScoresPage(c.var.db, run, period, decodeCursor(query.cursor), query.limit);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return c.json({ period: info, cut, items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.accountId) : null }, 200);
  },
);

scoresRouter.openapi(
  createRoute({
    method: "get",
    path: "/accounts/{id}",
    tags: ["Scores"],
    summary: "One account's scores in every scored period",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ accountId: z.string(), runId: z.string(), periods: z.array(AccountPeriodScores) }), "Newest period first"), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const run = await requireCurrentRun(c.var.db);
    return c.json({ accountId: id, runId: run.id, periods: await accountHistory(c.var.db, run, id) }, 200);
  },
);

// ─── /revenue-coverage, /markets ─────────────────────────────────────────────

export const revenueCoverageRouter = createRouter();
revenueCoverageRouter.use("*", adminOnly);

revenueCoverageRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Scores"],
    summary: "Revenue coverage of a period against the 80 % target",
    request: { query: PeriodQuery },
    responses: { 200: jsonResponse(Coverage, "Coverage and the four amounts safe / passive / at risk / unaccounted"), ...problemResponses },
  }),
  async (c) => {
    const run = await requireCurrentRun(c.var.db);
    return c.json(await revenueCoverage(c.var.db, run, resolvePeriod(run, c.req.valid("query").period)), 200);
  },
);

export const marketsRouter = createRouter();
marketsRouter.use("*", adminOnly);

marketsRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Scores"],
    summary: "Markets ranked by the lower bound of their 12-month NPS change",
    request: {
      query: PeriodQuery.extend({ by: z.enum(["country", "segment"]).default("country").openapi({ description: "What a market is." }) }),
    },
    responses: { 200: jsonResponse(Markets, "Ranked markets, and those with n < 30 in either period apart"), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const run = await requireCurrentRun(c.var.db);
    return c.json(await marketRanking(c.var.db, run, resolvePeriod(run, query.period), query.by), 200);
  },
);

// ─── /scoring/runs ───────────────────────────────────────────────────────────

export const scoringRunsRouter = createRouter();
scoringRunsRouter.use("*", adminOnly);

scoringRunsRouter.openapi(
  createRoute({
    method: "post",
    path: "/runs",
    tags: ["Scores"],
    summary: "Start a scoring run (or continue the one running)",
    description:
      "Advances the run as far as this request's budget allows; a large organization's run continues on the hourly cron or on the next POST. 200 when the run is complete, 202 while it is still running.",
    responses: { 200: jsonResponse(Run, "Complete"), 202: jsonResponse(Run, "Still running"), ...problemResponses },
  }),
  async (c) => {
    const now = new Date();
    const actor = c.var.actor.id;
    const run = await advanceScoring(c.var.db, now, { trigger: "api", requestedBy: actor, maxQueries: 900, maxMillis: 25_000 });
    await auditInsert(c.var.db, { actor, action: "scoring.run", entityType: "score_run", entityId: run.id, detail: { status: run.status, step: run.step } }, now);
    return run.status === "complete" ? c.json(runView(run), 200) : c.json(runView(run), 202);
  },
);

scoringRunsRouter.openapi(
  createRoute({
    method: "get",
    path: "/runs/current",
    tags: ["Scores"],
    summary: "The run readers see, and the one in progress",
    responses: { 200: jsonResponse(z.object({ current: Run.nullable(), running: Run.nullable() }), "Runs"), ...problemResponses },
  }),
  async (c) => {
    const [current, running] = await Promise.all([currentRun(c.var.db), runningRun(c.var.db)]);
    return c.json({ current: current ? runView(current) : null, running: running ? runView(running) : null }, 200);
  },
);
