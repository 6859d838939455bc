// Scores (SPEC §7): reads of the current run's stored results, and starting a run. Handlers parse and shape only.
import { createRoute, z } from "@hono/zod-openapi";
import { auditInsert } from "../../domain/audit/log";
import { accountHistory, accountScoresPage, cutScores, marketRanking, OVERLAP_NOTE, overallScores, requireCurrentRun, resolvePeriod, revenueCoverage } from "../../domain/scoring/read";
import { currentRun, getRun, listRuns, runningRun } from "../../domain/scoring/run";
import { runView } from "../../domain/scoring/runs";
import { notFound } from "../../lib/errors";
import { advanceScoringAndFollowUp, API_BUDGET } from "../../jobs/scoring";
import { adminOnly } from "../middleware/auth";
import { createRouter, decodeCursor, encodeCursor, IdParam, jsonResponse, page, PageQuery, problemResponses } from "./router";

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
const ResponseRate = z
  .object({ invited: z.number().int(), completed: z.number().int(), rate: z.number().nullable().openapi({ description: "Share 0–1 (completed / invited); null when nobody was invited." }) })
  .openapi("ResponseRate", { description: "Completed over invited in the period's cohort (invitations admitted in the period, completed whenever)." });
const NpsChange = z
  .object({
    delta: z.number().openapi({ description: "NPS points (−200 … 200)." }),
    z: z.number().nullable(),
    significant: z.boolean().openapi({ description: "|z| ≥ 1.96. Approximate: see the response's note (the two samples overlap)." }),
  })
  .openapi("NpsChange", { description: "Two-sample adjusted-Wald z test; approximate, because the same contacts are often asked again." });
const pointsDescription = "Difference in percentage points (a share of 0.40 then 0.45 is +5), like every share change here.";
const meanDescription = (scale: string) => `Difference of the means on the ${scale} scale (a mean of 3.9 then 4.2 is +0.3), not percentage points.`;
const OverlapNote = z.string().openapi({ description: "The caveat of every significance flag in this response: the two samples are not independent." });

const GroupChange = z
  .object({
    period: z.string(),
    nps: NpsChange.nullable(),
    npsRevenueWeighted: z.number().nullable().openapi({ description: "NPS points." }),
    osatMean: z.number().nullable().openapi({ description: meanDescription("1–5") }),
    cesMean: z.number().nullable().openapi({ description: meanDescription("1–7") }),
    osatTopBoxShare: z.number().nullable().openapi({ description: pointsDescription }),
    cesTopBoxShare: z.number().nullable().openapi({ description: pointsDescription }),
    shareOfWalletRevenueWeighted: z.number().nullable().openapi({ description: pointsDescription }),
    responseRate: z.number().nullable().openapi({ description: pointsDescription }),
  })
  .openapi("GroupChange", { description: "Current minus earlier: NPS in NPS points, means on their answer scale, every share (top box, share of wallet, response rate) in percentage points." });
const GroupScores = z
  .object({
    group: z.string().openapi({ description: "The cut's value (role key, stage key, country, segment, survey id); 'unknown' for responses without a country or segment; empty overall." }),
    label: z.string().nullable().openapi({ description: "The role's or stage's label, the survey's name; null for countries and segments." }),
    nps: Nps,
    npsRevenueWeighted: RevenueWeightedNps,
    osat: MeanAndTopBox,
    ces: MeanAndTopBox,
    shareOfWallet: z.object({ n: z.number().int(), mean: z.number().nullable(), accounts: z.number().int(), revenueWeighted: z.number().nullable() }),
    responseRate: ResponseRate.nullable().openapi({ description: "Null for country and segment cuts: invitations have no country or segment, so no rate is defined." }),
    change: z.object({ previousQuarter: GroupChange.nullable(), yearEarlier: GroupChange.nullable() }),
  })
  .openapi("GroupScores");
const OverallScores = GroupScores.extend({
  period: PeriodInfo,
  runId: z.string(),
  note: OverlapNote,
  truePromoterShare: z.object({
    promoters: z.number().int().nullable(),
    invitedContacts: z.number().int().nullable(),
    share: z.number().nullable(),
    description: z.string(),
  }),
}).openapi("OverallScores");

const AccountCategory = z.enum(["promoter", "passive", "detractor", "silent", "unsurveyed"]).openapi({
  description: "§7.3: by the role-weighted score; without an NPS answer 'silent' (invited in the period) or 'unsurveyed' (not invited).",
});
const AccountChange = z
  .object({
    period: z.string(),
    category: z.object({ from: AccountCategory.nullable(), to: AccountCategory.nullable() }).openapi({ description: "The category then and now." }),
    score: z.number().nullable().openapi({ description: "Points of the 0–10 scale." }),
    nps: NpsChange.nullable(),
    osatMean: z.number().nullable().openapi({ description: meanDescription("1–5") }),
    cesMean: z.number().nullable().openapi({ description: meanDescription("1–7") }),
    shareOfWallet: z.number().nullable().openapi({ description: pointsDescription }),
    responseRate: z.number().nullable().openapi({ description: pointsDescription }),
  })
  .openapi("AccountChange");
const AccountMetrics = z.object({
  revenue: z.number().int(),
  inScope: z.boolean(),
  category: AccountCategory.nullable(),
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
  unresponsive: z
    .object({ unresponsive: z.boolean(), consecutiveQuarters: z.number().int() })
    .nullable()
    .openapi({
      description:
        "§7.9 (not the 'silent' category): invited in the quarter, every invitation ended and none completed; consecutive such quarters over the whole history. Null for trailing 12 months.",
    }),
  change: z.object({ previousQuarter: AccountChange.nullable(), yearEarlier: AccountChange.nullable() }),
});
const AccountScores = AccountMetrics.extend({
  accountId: z.string(),
  name: z.string().nullable(),
  accountStatus: z.string().nullable().openapi({ description: "The account's status today (active, churned); churned accounts stay listed, outside the revenue scope after churning." }),
  churnedAt: z.string().nullable(),
}).openapi("AccountScores");
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
    amountsNote: z.string(),
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
    unresponsive: z
      .object({ accounts: z.number().int(), revenue: z.number().int() })
      .nullable()
      .openapi({ description: "§7.9 unresponsive accounts in scope (every invitation of the quarter ended, none completed) and their revenue; null for trailing 12 months." }),
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
    ranked: z.array(
      z.object({ rank: z.number().int(), market: z.string(), change: z.number().openapi({ description: "T12 NPS points now minus a year earlier." }), interval: Interval, current: MarketSide, yearEarlier: MarketSide }),
    ),
    insufficientData: z.array(z.object({ market: z.string(), current: MarketSide, yearEarlier: MarketSide })),
  })
  .openapi("MarketRanking");

const Run = z
  .object({
    id: z.string(),
    status: z.enum(["running", "complete", "failed"]),
    state: z.enum(["running", "waiting", "complete", "failed"]).openapi({
      description: "running: an invocation is working on it; waiting: between two invocations (a queue message continues it within moments) or cut off (the next scoring cron tick, every 10 minutes, takes it over once its 60 s lease ran out); complete; failed (after repeated errors).",
    }),
    kind: z.enum(["full", "incremental"]),
    trigger: z.enum(["cron", "api"]),
    asOf: z.string(),
    step: z.number().int(),
    totalSteps: z.number().int(),
    progress: z.number().openapi({ description: "Share of steps done, 0–1." }),
    periodsComputed: z.number().int().openapi({ description: "Periods this run recomputes; the others keep their stored rows." }),
    periodsScored: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMillis: z.number().int().openapi({ description: "Finished (or now) minus started." }),
    lastError: z.string().nullable(),
  })
  .openapi("ScoringRun");

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
        z.object({ period: PeriodInfo, cut: z.string(), note: OverlapNote, items: z.array(z.union([AccountScores, GroupScores])), nextCursor: z.string().nullable() }),
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
      return c.json({ period: info, cut, note: OVERLAP_NOTE, items, nextCursor: null }, 200);
    }
    const rows = await accountScoresPage(c.var.db, run, period, decodeCursor(query.cursor), query.limit);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return c.json({ period: info, cut, note: OVERLAP_NOTE, items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.accountId) : null }, 200);
  },
);

scoresRouter.openapi(
  createRoute({
    method: "get",
    path: "/accounts/{id}",
    tags: ["Scores"],
    summary: "One account's scores in every scored period",
    request: { params: IdParam },
    responses: {
      200: jsonResponse(z.object({ accountId: z.string(), runId: z.string(), note: OverlapNote, periods: z.array(AccountPeriodScores) }), "Newest period first"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const run = await requireCurrentRun(c.var.db);
    return c.json({ accountId: id, runId: run.id, note: OVERLAP_NOTE, periods: await accountHistory(c.var.db, run, id) }, 200);
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

const StartRun = z
  .object({ full: z.boolean().default(false).openapi({ description: "Recompute every period, not only those whose inputs changed." }) })
  .strict()
  .openapi("StartScoringRun");

scoringRunsRouter.openapi(
  createRoute({
    method: "post",
    path: "/runs",
    tags: ["Scores"],
    summary: "Start a scoring run (or continue the one running)",
    description:
      "Recomputes the periods whose inputs changed since the current run (all of them with `full: true`). This request works on the run for a few seconds at most; the run then continues in the background, in one queue invocation after another, until it is complete. 200 when the run is complete; 202 while it is still running: follow it with `GET /api/v1/scoring/runs/{id}` (its `state`, `progress` and `step` of `totalSteps`) until `status` is `complete`. Readers keep seeing the previous run's figures until then. A POST while a run is in progress continues that run instead of starting another.",
    request: { body: { required: false, content: { "application/json": { schema: StartRun } } } },
    responses: { 200: jsonResponse(Run, "Complete"), 202: jsonResponse(Run, "Still running; it continues in the background (GET /api/v1/scoring/runs/{id})"), ...problemResponses },
  }),
  async (c) => {
    const now = new Date();
    const actor = c.var.actor.id;
    const body = (c.req.valid("json") as z.infer<typeof StartRun> | undefined) ?? { full: false };
    const run = (await advanceScoringAndFollowUp(c.env, c.var.db, now, { trigger: "api", requestedBy: actor, full: body.full, ...API_BUDGET }))!;
    await auditInsert(c.var.db, { actor, action: "scoring.run", entityType: "score_run", entityId: run.id, detail: { status: run.status, step: run.step, full: body.full } }, now);
    const view = runView(run, now);
    return run.status === "complete" ? c.json(view, 200) : c.json(view, 202);
  },
);

scoringRunsRouter.openapi(
  createRoute({
    method: "get",
    path: "/runs",
    tags: ["Scores"],
    summary: "Scoring runs, newest first, with their state, progress and duration",
    request: { query: PageQuery.extend({ status: z.enum(["running", "complete", "failed"]).optional() }) },
    responses: { 200: jsonResponse(z.object({ items: z.array(Run), nextCursor: z.string().nullable() }), "Runs"), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const now = new Date();
    const rows = await listRuns(c.var.db, decodeCursor(query.cursor), query.limit, query.status ? [query.status] : undefined);
    const { items, nextCursor } = page(rows, query.limit, (r) => r.id);
    return c.json({ items: items.map((r) => runView(r, now)), nextCursor }, 200);
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
    const now = new Date();
    const [current, running] = await Promise.all([currentRun(c.var.db), runningRun(c.var.db)]);
    return c.json({ current: current ? runView(current, now) : null, running: running ? runView(running, now) : null }, 200);
  },
);

scoringRunsRouter.openapi(
  createRoute({
    method: "get",
    path: "/runs/{id}",
    tags: ["Scores"],
    summary: "One scoring run",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Run, "The run"), ...problemResponses },
  }),
  async (c) => {
    const run = await getRun(c.var.db, c.req.valid("param").id);
    if (!run) throw notFound(`Scoring run '${c.req.valid("param").id}'`);
    return c.json(runView(run, new Date()), 200);
  },
);
