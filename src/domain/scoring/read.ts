// Reads of the current run's stored results (never recomputed on a request): the §7 formulas applied to the
// sufficient statistics the run stored, with changes against the previous quarter and a year earlier.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { accounts, scoreAccounts, scoreCoverage, scoreGroups, type ScoreAccount, type ScoreCoverage, type ScoreCut, type ScoreGroup, type ScoreRun } from "../../db/schema";
import { ApiError, notFound } from "../../lib/errors";
import {
  LOW_SAMPLE_N,
  MIXED_SIGNALS_GAP,
  marketChangeInterval,
  meanAndTopBox,
  npsChange,
  npsSummary,
  ratio,
  revenueWeightedNps,
  type Interval,
} from "./formulas";
import { shiftPeriodKey, type Period } from "./periods";
import { runPeriods } from "./plan";
import { currentRun } from "./run";

export const COVERAGE_TARGET = 0.8;

/** The run readers see, or a 404 that says how to get one. */
export async function requireCurrentRun(db: Db): Promise<ScoreRun> {
  const run = await currentRun(db);
  if (!run) {
    throw new ApiError(404, "No scores yet", "No scoring run has completed yet. An admin can start one with POST /api/v1/scoring/runs; the hourly run also computes them.");
  }
  return run;
}

/** All periods of a run, newest first (quarters, then trailing 12 months). */
export function periodsOf(run: ScoreRun): Period[] {
  const { quarters, t12s } = runPeriods(run);
  return [...quarters.reverse(), ...t12s.reverse()];
}

/** The requested period (default: the run's current quarter), refused with the list when the run has no such period. */
export function resolvePeriod(run: ScoreRun, key: string | undefined): Period {
  const periods = periodsOf(run);
  if (!key) return periods[0]!;
  const period = periods.find((p) => p.key === key);
  if (!period) {
    throw new ApiError(404, "Period not scored", `The current scores cover ${periods.map((p) => p.key).join(", ")}; '${key}' is not among them.`, [
      { path: "period", message: "not a scored period" },
    ]);
  }
  return period;
}

const periodInfo = (p: Period) => ({ key: p.key, kind: p.kind, start: p.start, end: p.end });

// ─── groups (overall and cuts) ───────────────────────────────────────────────

function groupMetrics(row: ScoreGroup) {
  return {
    nps: npsSummary(row.npsN, row.npsPromoters, row.npsDetractors),
    npsRevenueWeighted: revenueWeightedNps({
      m: row.rwM,
      revenue: row.rwRevenue,
      revenueSquared: row.rwRevenueSq,
      weighted: row.rwWeighted,
      weightedBySquare: row.rwWeightedBySq,
      weightedBySquareSquared: row.rwWeightedBySqSq,
    }),
    osat: meanAndTopBox(row.osatN, row.osatSum, row.osatTop),
    ces: meanAndTopBox(row.cesN, row.cesSum, row.cesTop),
    shareOfWallet: {
      n: row.sowN,
      mean: ratio(row.sowSum, row.sowN),
      accounts: row.sowRwM,
      revenueWeighted: ratio(row.sowRwWeighted, row.sowRwRevenue),
    },
    responseRate: { invited: row.invited, completed: row.completed, rate: ratio(row.completed, row.invited) },
  };
}
type GroupMetrics = ReturnType<typeof groupMetrics>;

const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** Differences in points (shares stay 0–1) against an earlier period's row of the same group. */
function groupChange(periodKey: string | null, current: ScoreGroup, earlier: ScoreGroup | undefined) {
  if (!periodKey || !earlier) return null;
  const now = groupMetrics(current);
  const then = groupMetrics(earlier);
  return {
    period: periodKey,
    nps: npsChange(
      { n: current.npsN, promoters: current.npsPromoters, detractors: current.npsDetractors },
      { n: earlier.npsN, promoters: earlier.npsPromoters, detractors: earlier.npsDetractors },
    ),
    npsRevenueWeighted: delta(now.npsRevenueWeighted.nps, then.npsRevenueWeighted.nps),
    osatMean: delta(now.osat.mean, then.osat.mean),
    cesMean: delta(now.ces.mean, then.ces.mean),
    shareOfWalletRevenueWeighted: delta(now.shareOfWallet.revenueWeighted, then.shareOfWallet.revenueWeighted),
    responseRate: delta(now.responseRate.rate, then.responseRate.rate),
  };
}

export interface GroupScores extends GroupMetrics {
  group: string;
  change: { previousQuarter: ReturnType<typeof groupChange>; yearEarlier: ReturnType<typeof groupChange> };
}

async function groupRows(db: Db, run: ScoreRun, cut: ScoreCut, periods: string[]) {
  return db
    .select()
    .from(scoreGroups)
    .where(and(eq(scoreGroups.runId, run.id), eq(scoreGroups.cut, cut), inArray(scoreGroups.period, periods)))
    .orderBy(asc(scoreGroups.groupKey))
    .all();
}

/** Every group of a cut in a period, with its changes. */
export async function cutScores(db: Db, run: ScoreRun, cut: ScoreCut, period: Period): Promise<GroupScores[]> {
  const previous = shiftPeriodKey(period.key, -1);
  const yearEarlier = shiftPeriodKey(period.key, -4);
  const rows = await groupRows(db, run, cut, [period.key, previous, yearEarlier].filter((p): p is string => p !== null));
  const find = (periodKey: string | null, group: string) => rows.find((r) => r.period === periodKey && r.groupKey === group);
  return rows
    .filter((r) => r.period === period.key)
    .map((row) => ({
      group: row.groupKey,
      ...groupMetrics(row),
      change: {
        previousQuarter: groupChange(previous, row, find(previous, row.groupKey)),
        yearEarlier: groupChange(yearEarlier, row, find(yearEarlier, row.groupKey)),
      },
    }));
}

/** The organization-wide scores of a period, with the true promoter share (§7.5) of the period's cohort. */
export async function overallScores(db: Db, run: ScoreRun, period: Period) {
  const [overall] = await cutScores(db, run, "all", period);
  const coverage = await coverageRow(db, run, period);
  return {
    period: periodInfo(period),
    runId: run.id,
    ...(overall ?? { group: "", ...groupMetrics(emptyGroup(run, period)), change: { previousQuarter: null, yearEarlier: null } }),
    truePromoterShare: {
      promoters: coverage?.truePromoters ?? null,
      invitedContacts: coverage?.npsInvitedContacts ?? null,
      share: coverage?.truePromoters == null || coverage.npsInvitedContacts == null ? null : ratio(coverage.truePromoters, coverage.npsInvitedContacts),
    },
  };
}

function emptyGroup(run: ScoreRun, period: Period): ScoreGroup {
  return {
    runId: run.id, period: period.key, cut: "all", groupKey: "",
    npsN: 0, npsPromoters: 0, npsDetractors: 0, osatN: 0, osatSum: 0, osatTop: 0, cesN: 0, cesSum: 0, cesTop: 0, sowN: 0, sowSum: 0,
    rwM: 0, rwRevenue: 0, rwRevenueSq: 0, rwWeighted: 0, rwWeightedBySq: 0, rwWeightedBySqSq: 0, sowRwM: 0, sowRwRevenue: 0, sowRwWeighted: 0,
    invited: 0, completed: 0,
  };
}

// ─── accounts ────────────────────────────────────────────────────────────────

function accountMetrics(row: ScoreAccount, committeeRoles: number) {
  return {
    revenue: row.revenue,
    inScope: row.inScope === 1,
    category: row.category,
    /** Role-weighted mean of the latest 0–10 answers (§7.3). */
    score: row.weightSum > 0 ? row.weightedAnswerSum / row.weightSum : null,
    nps: npsSummary(row.npsN, row.npsPromoters, row.npsDetractors),
    mixedSignals: row.roleMeanGap !== null && row.roleMeanGap >= MIXED_SIGNALS_GAP - 1e-9,
    roleMeanGap: row.roleMeanGap,
    osat: meanAndTopBox(row.osatN, row.osatSum, row.osatTop),
    ces: meanAndTopBox(row.cesN, row.cesSum, row.cesTop),
    shareOfWallet: { n: row.sowN, mean: ratio(row.sowSum, row.sowN) },
    heardFrom: row.heard === 1,
    decisionMakerHeard: row.decisionMakerHeard === 1,
    committeeCoverage: { rolesHeard: row.committeeRolesHeard, roles: committeeRoles, share: ratio(row.committeeRolesHeard, committeeRoles) },
    singleThreaded: row.contactsHeardT12 === 1,
    responseRate: { invited: row.invited, completed: row.completed, rate: ratio(row.completed, row.invited) },
    silence: row.silent === null ? null : { silent: row.silent === 1, consecutiveSilentQuarters: row.silentStreak ?? 0 },
  };
}

function accountChange(periodKey: string | null, current: ScoreAccount, earlier: ScoreAccount | null | undefined, committeeRoles: number) {
  if (!periodKey || !earlier) return null;
  const now = accountMetrics(current, committeeRoles);
  const then = accountMetrics(earlier, committeeRoles);
  return {
    period: periodKey,
    category: then.category,
    score: delta(now.score, then.score),
    nps: npsChange(
      { n: current.npsN, promoters: current.npsPromoters, detractors: current.npsDetractors },
      { n: earlier.npsN, promoters: earlier.npsPromoters, detractors: earlier.npsDetractors },
    ),
    osatMean: delta(now.osat.mean, then.osat.mean),
    cesMean: delta(now.ces.mean, then.ces.mean),
    shareOfWallet: delta(now.shareOfWallet.mean, then.shareOfWallet.mean),
  };
}

const previousRow = alias(scoreAccounts, "previous_row");
const yearEarlierRow = alias(scoreAccounts, "year_earlier_row");

/** One page of accounts for a period (ordered by account id), each with its changes. */
export async function accountScoresPage(db: Db, run: ScoreRun, period: Period, after: string | undefined, limit: number) {
  const previous = shiftPeriodKey(period.key, -1) ?? "";
  const yearEarlier = shiftPeriodKey(period.key, -4) ?? "";
  const rows = await db
    .select({ row: scoreAccounts, name: accounts.name, previous: previousRow, yearEarlier: yearEarlierRow })
    .from(scoreAccounts)
    .leftJoin(accounts, eq(accounts.id, scoreAccounts.accountId))
    .leftJoin(previousRow, and(eq(previousRow.runId, run.id), eq(previousRow.period, previous), eq(previousRow.accountId, scoreAccounts.accountId)))
    .leftJoin(yearEarlierRow, and(eq(yearEarlierRow.runId, run.id), eq(yearEarlierRow.period, yearEarlier), eq(yearEarlierRow.accountId, scoreAccounts.accountId)))
    .where(and(eq(scoreAccounts.runId, run.id), eq(scoreAccounts.period, period.key), after ? gt(scoreAccounts.accountId, after) : undefined))
    .orderBy(asc(scoreAccounts.accountId))
    .limit(limit + 1)
    .all();
  const committeeRoles = (await coverageRow(db, run, period))?.committeeRoles ?? 0;
  return rows.map(({ row, name, previous: p, yearEarlier: y }) => ({
    accountId: row.accountId,
    name,
    ...accountMetrics(row, committeeRoles),
    change: { previousQuarter: accountChange(previous, row, p, committeeRoles), yearEarlier: accountChange(yearEarlier, row, y, committeeRoles) },
  }));
}

/** Every period of the current run for one account, newest first. */
export async function accountHistory(db: Db, run: ScoreRun, accountId: string) {
  const rows = await db.select().from(scoreAccounts).where(and(eq(scoreAccounts.runId, run.id), eq(scoreAccounts.accountId, accountId))).all();
  if (rows.length === 0) {
    const exists = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).get();
    if (!exists) throw notFound(`Account '${accountId}'`);
  }
  const coverage = await db.select({ period: scoreCoverage.period, committeeRoles: scoreCoverage.committeeRoles }).from(scoreCoverage).where(eq(scoreCoverage.runId, run.id)).all();
  const committeeRoles = coverage[0]?.committeeRoles ?? 0;
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  return periodsOf(run)
    .filter((p) => byPeriod.has(p.key))
    .map((p) => {
      const row = byPeriod.get(p.key)!;
      const previous = shiftPeriodKey(p.key, -1);
      const yearEarlier = shiftPeriodKey(p.key, -4);
      return {
        period: periodInfo(p),
        ...accountMetrics(row, committeeRoles),
        change: {
          previousQuarter: accountChange(previous, row, previous ? byPeriod.get(previous) : null, committeeRoles),
          yearEarlier: accountChange(yearEarlier, row, yearEarlier ? byPeriod.get(yearEarlier) : null, committeeRoles),
        },
      };
    });
}

// ─── revenue coverage ────────────────────────────────────────────────────────

function coverageRow(db: Db, run: ScoreRun, period: Period): Promise<ScoreCoverage | undefined> {
  return db.select().from(scoreCoverage).where(and(eq(scoreCoverage.runId, run.id), eq(scoreCoverage.period, period.key))).get();
}

/** §7.4: coverage against the 80 % target; safe + passive + at risk + unaccounted = total, exactly. */
export async function revenueCoverage(db: Db, run: ScoreRun, period: Period) {
  const row = await coverageRow(db, run, period);
  const c = row ?? { accountsInScope: 0, totalRevenue: 0, coveredRevenue: 0, safeRevenue: 0, passiveRevenue: 0, atRiskRevenue: 0, silentRevenue: 0, unsurveyedRevenue: 0, heardRevenue: 0, decisionMakerRevenue: 0, singleThreadedAccounts: 0, silentQuarterAccounts: null, silentQuarterRevenue: null, committeeRoles: 0 };
  const coverage = ratio(c.coveredRevenue, c.totalRevenue);
  return {
    period: periodInfo(period),
    runId: run.id,
    target: COVERAGE_TARGET,
    accountsInScope: c.accountsInScope,
    totalRevenue: c.totalRevenue,
    coveredRevenue: c.coveredRevenue,
    coverage,
    meetsTarget: coverage !== null && coverage >= COVERAGE_TARGET,
    amounts: {
      safe: c.safeRevenue,
      passive: c.passiveRevenue,
      atRisk: c.atRiskRevenue,
      unaccounted: c.silentRevenue + c.unsurveyedRevenue,
      silent: c.silentRevenue,
      unsurveyed: c.unsurveyedRevenue,
    },
    heardFromCoverage: ratio(c.heardRevenue, c.totalRevenue),
    decisionMakerCoverage: ratio(c.decisionMakerRevenue, c.totalRevenue),
    singleThreadedAccounts: c.singleThreadedAccounts,
    silence: c.silentQuarterAccounts === null ? null : { accounts: c.silentQuarterAccounts, revenue: c.silentQuarterRevenue ?? 0 },
  };
}

// ─── markets ─────────────────────────────────────────────────────────────────

export const MARKET_NOTE =
  "Approximate: the permanent-random-number rotation asks many of the same contacts a year later, so the two samples are not independent.";

interface MarketEntry {
  market: string;
  change: number;
  interval: Interval;
  current: { nps: number | null; n: number };
  yearEarlier: { nps: number | null; n: number };
}

/**
 * §7.8: each market's 12-month change (T12 NPS at p − T12 NPS a year earlier) with its interval, ranked by the
 * lower bound; markets with n < 30 in either period are listed apart.
 */
export async function marketRanking(db: Db, run: ScoreRun, period: Period, by: "country" | "segment") {
  const currentKey = `${period.quarter.fiscalYear}-Q${period.quarter.quarter}-T12`;
  const earlierKey = shiftPeriodKey(currentKey, -4)!;
  const scored = new Set(periodsOf(run).map((p) => p.key));
  if (!scored.has(currentKey) || !scored.has(earlierKey)) {
    throw new ApiError(404, "Period not ranked", `Markets are ranked for quarters whose trailing 12 months and the year before are both scored; ${period.key} is not one of them.`, [
      { path: "period", message: "no 12-month change for this period" },
    ]);
  }
  const rows = await groupRows(db, run, by, [currentKey, earlierKey]);
  const ranked: MarketEntry[] = [];
  const insufficientData: Omit<MarketEntry, "change" | "interval">[] = [];
  for (const now of rows.filter((r) => r.period === currentKey)) {
    const then = rows.find((r) => r.period === earlierKey && r.groupKey === now.groupKey);
    const a = { n: now.npsN, promoters: now.npsPromoters, detractors: now.npsDetractors };
    const b = { n: then?.npsN ?? 0, promoters: then?.npsPromoters ?? 0, detractors: then?.npsDetractors ?? 0 };
    const current = { nps: npsSummary(a.n, a.promoters, a.detractors).nps, n: a.n };
    const yearEarlier = { nps: npsSummary(b.n, b.promoters, b.detractors).nps, n: b.n };
    if (a.n < LOW_SAMPLE_N || b.n < LOW_SAMPLE_N) {
      insufficientData.push({ market: now.groupKey, current, yearEarlier });
      continue;
    }
    ranked.push({ market: now.groupKey, change: npsChange(a, b)!.delta, interval: marketChangeInterval(a, b), current, yearEarlier });
  }
  ranked.sort((x, y) => y.interval.low - x.interval.low || x.market.localeCompare(y.market));
  return { period: periodInfo(period), by, current: currentKey, yearEarlier: earlierKey, note: MARKET_NOTE, ranked: ranked.map((m, i) => ({ rank: i + 1, ...m })), insufficientData };
}
