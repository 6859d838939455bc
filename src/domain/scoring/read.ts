// Reads of the current run's stored results (never recomputed on a request): the §7 formulas applied to the
// sufficient statistics the run stored, with changes against the previous quarter and a year earlier.
//
// A run recomputes only the periods whose inputs changed and keeps the others' rows where an earlier run wrote
// them, so a period's rows are those of `periodRun(run, period)`, not always `run.id` (publishedRows for a query
// over many periods). Changes are differences: NPS in points, means in points of their scale, shares in
// percentage points.
import { and, asc, eq, gt, or, sql, type SQL } from "drizzle-orm";
import { alias, type SQLiteColumn } from "drizzle-orm/sqlite-core";
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
import { parsePeriodKey, periodFromKey, shiftPeriodKey, type Period } from "./periods";
import { calendarOf } from "./plan";
import { currentRun, periodRunsOfRun } from "./run";

export const COVERAGE_TARGET = 0.8;

/** The run readers see, or a 404 that says how to get one. */
export async function requireCurrentRun(db: Db): Promise<ScoreRun> {
  const run = await currentRun(db);
  if (!run) {
    throw new ApiError(404, "No scores yet", "No scoring run has completed yet. An admin can start one with POST /api/v1/scoring/runs; the hourly run also computes them.");
  }
  return run;
}

/** The caveat of every significance flag served (§7.8). */
export const OVERLAP_NOTE =
  "Significance is approximate: the permanent-random-number rotation asks many of the same contacts a year later, so the two samples are not independent.";

/** The id of the run whose rows hold `periodKey` for readers of `run` (null when the run did not score it). */
export function periodRun(run: ScoreRun, periodKey: string | null): string | null {
  return periodKey === null ? null : (periodRunsOfRun(run)[periodKey] ?? null);
}

/** A condition selecting, in one query, the rows of every period of `run` from the run that holds each. */
export function publishedRows(table: { runId: SQLiteColumn; period: SQLiteColumn }, run: ScoreRun): SQL {
  return sql`(${table.runId}, ${table.period}) IN (SELECT value, key FROM json_each(${JSON.stringify(periodRunsOfRun(run))}))`;
}

/** Rows of `periods` (each from the run holding it). */
function rowsOf(table: { runId: SQLiteColumn; period: SQLiteColumn }, run: ScoreRun, periods: (string | null)[]): SQL {
  const held = periods.flatMap((p) => {
    const runId = periodRun(run, p);
    return runId && p ? [and(eq(table.runId, runId), eq(table.period, p))!] : [];
  });
  return held.length ? or(...held)! : sql`0`;
}

/** All periods of a run, newest first (quarters, then trailing 12 months). */
export function periodsOf(run: ScoreRun): Period[] {
  const keys = Object.keys(periodRunsOfRun(run));
  const newestFirst = (kind: Period["kind"]) => keys.filter((k) => parsePeriodKey(k)?.kind === kind).sort().reverse();
  return [...newestFirst("quarter"), ...newestFirst("t12")].map((k) => periodFromKey(k, calendarOf(run))!);
}

/** The requested period (default: the run's current quarter), refused with the list when the run has no such period. */
export function resolvePeriod(run: ScoreRun, key: string | undefined): Period {
  const periods = periodsOf(run);
  if (!key) return periods[0]!;
  const period = periods.find((p) => p.key === key);
  if (!period) {
    const quarters = periods.filter((p) => p.kind === "quarter");
    const range = quarters.length ? `${quarters[quarters.length - 1]!.key} to ${quarters[0]!.key} (and each quarter's -T12)` : "no period";
    throw new ApiError(404, "Period not scored", `The current scores cover ${range}; '${key}' is not among them.`, [
      { path: "period", message: "not a scored period" },
    ]);
  }
  return period;
}

const periodInfo = (p: Period) => ({ key: p.key, kind: p.kind, start: p.start, end: p.end });

// ─── groups (overall and cuts) ───────────────────────────────────────────────

/** Cuts whose groups have a response rate: invitations carry no country or segment. */
const CUTS_WITH_RATE: ReadonlySet<ScoreCut> = new Set(["all", "role", "stage", "survey"]);

/** A stored group row as figures: NPS, revenue-weighted NPS, OSAT, CES, share of wallet, response rate. */
export function groupMetrics(row: ScoreGroup) {
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
    responseRate: CUTS_WITH_RATE.has(row.cut) ? { invited: row.invited, completed: row.completed, rate: ratio(row.completed, row.invited) } : null,
  };
}
type GroupMetrics = ReturnType<typeof groupMetrics>;

const delta = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? null : a - b);
/** A change of a share (0–1) in percentage points. */
const pointsOfShare = (a: number | null | undefined, b: number | null | undefined) => {
  const d = delta(a, b);
  return d === null ? null : d * 100;
};

/** Differences against an earlier period's row of the same group: NPS in points, shares in percentage points. */
export function groupChange(periodKey: string | null, current: ScoreGroup, earlier: ScoreGroup | undefined) {
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
    osatTopBoxShare: pointsOfShare(now.osat.topBoxShare, then.osat.topBoxShare),
    cesTopBoxShare: pointsOfShare(now.ces.topBoxShare, then.ces.topBoxShare),
    shareOfWalletRevenueWeighted: pointsOfShare(now.shareOfWallet.revenueWeighted, then.shareOfWallet.revenueWeighted),
    responseRate: pointsOfShare(now.responseRate?.rate, then.responseRate?.rate),
  };
}

export interface GroupScores extends GroupMetrics {
  group: string;
  label: string | null;
  change: { previousQuarter: ReturnType<typeof groupChange>; yearEarlier: ReturnType<typeof groupChange> };
}

/** The name beside a group's key: role and stage labels, survey names (today's, from the directory). */
const GROUP_LABEL: Partial<Record<ScoreCut, SQL<string | null>>> = {
  role: sql<string | null>`(SELECT label FROM roles WHERE key = ${scoreGroups.groupKey})`,
  stage: sql<string | null>`(SELECT label FROM journey_stages WHERE key = ${scoreGroups.groupKey})`,
  survey: sql<string | null>`(SELECT name FROM surveys WHERE id = ${scoreGroups.groupKey})`,
};

/** Accounts without a country or segment form the explicit market "unknown". */
export const UNKNOWN_MARKET = "unknown";
const groupName = (cut: ScoreCut, key: string) => ((cut === "country" || cut === "segment") && key === "" ? UNKNOWN_MARKET : key);

async function groupRows(db: Db, run: ScoreRun, cut: ScoreCut, periods: (string | null)[]) {
  const rows = await db
    .select({ row: scoreGroups, label: GROUP_LABEL[cut] ?? sql<string | null>`NULL` })
    .from(scoreGroups)
    .where(and(eq(scoreGroups.cut, cut), rowsOf(scoreGroups, run, periods)))
    .orderBy(asc(scoreGroups.groupKey))
    .all();
  return rows.map(({ row, label }) => ({ ...row, label }));
}

/** Every group of a cut in a period, with its changes. */
export async function cutScores(db: Db, run: ScoreRun, cut: ScoreCut, period: Period): Promise<GroupScores[]> {
  const previous = shiftPeriodKey(period.key, -1);
  const yearEarlier = shiftPeriodKey(period.key, -4);
  const rows = await groupRows(db, run, cut, [period.key, previous, yearEarlier]);
  const find = (periodKey: string | null, group: string) => rows.find((r) => r.period === periodKey && r.groupKey === group);
  return rows
    .filter((r) => r.period === period.key)
    .map((row) => ({
      group: groupName(cut, row.groupKey),
      label: row.label,
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
    note: OVERLAP_NOTE,
    ...(overall ?? { group: "", label: null, ...groupMetrics(emptyGroup(run, period)), change: { previousQuarter: null, yearEarlier: null } }),
    truePromoterShare: {
      promoters: coverage?.truePromoters ?? null,
      invitedContacts: coverage?.npsInvitedContacts ?? null,
      share: coverage?.truePromoters == null || coverage.npsInvitedContacts == null ? null : ratio(coverage.truePromoters, coverage.npsInvitedContacts),
      description: "Contacts whose latest NPS answer to an invitation of the period is 9–10, over distinct contacts invited to a survey with an NPS question (not over respondents).",
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
    /** §7.9: invited in the quarter, every invitation ended, none completed (null for trailing 12 months). */
    unresponsive: row.silent === null ? null : { unresponsive: row.silent === 1, consecutiveQuarters: row.silentStreak ?? 0 },
  };
}

function accountChange(periodKey: string | null, current: ScoreAccount, earlier: ScoreAccount | null | undefined, committeeRoles: number) {
  if (!periodKey || !earlier) return null;
  const now = accountMetrics(current, committeeRoles);
  const then = accountMetrics(earlier, committeeRoles);
  return {
    period: periodKey,
    category: { from: then.category, to: now.category },
    score: delta(now.score, then.score),
    nps: npsChange(
      { n: current.npsN, promoters: current.npsPromoters, detractors: current.npsDetractors },
      { n: earlier.npsN, promoters: earlier.npsPromoters, detractors: earlier.npsDetractors },
    ),
    osatMean: delta(now.osat.mean, then.osat.mean),
    cesMean: delta(now.ces.mean, then.ces.mean),
    shareOfWallet: pointsOfShare(now.shareOfWallet.mean, then.shareOfWallet.mean),
    responseRate: pointsOfShare(now.responseRate.rate, then.responseRate.rate),
  };
}

const previousRow = alias(scoreAccounts, "previous_row");
const yearEarlierRow = alias(scoreAccounts, "year_earlier_row");

/** One page of accounts for a period (ordered by account id), each with its changes. */
export async function accountScoresPage(db: Db, run: ScoreRun, period: Period, after: string | undefined, limit: number) {
  const previous = shiftPeriodKey(period.key, -1) ?? "";
  const yearEarlier = shiftPeriodKey(period.key, -4) ?? "";
  const rows = await db
    .select({ row: scoreAccounts, name: accounts.name, status: accounts.status, churnedAt: accounts.churnedAt, previous: previousRow, yearEarlier: yearEarlierRow })
    .from(scoreAccounts)
    .leftJoin(accounts, eq(accounts.id, scoreAccounts.accountId))
    .leftJoin(previousRow, and(eq(previousRow.runId, periodRun(run, previous) ?? ""), eq(previousRow.period, previous), eq(previousRow.accountId, scoreAccounts.accountId)))
    .leftJoin(yearEarlierRow, and(eq(yearEarlierRow.runId, periodRun(run, yearEarlier) ?? ""), eq(yearEarlierRow.period, yearEarlier), eq(yearEarlierRow.accountId, scoreAccounts.accountId)))
    .where(and(eq(scoreAccounts.runId, periodRun(run, period.key) ?? ""), eq(scoreAccounts.period, period.key), after ? gt(scoreAccounts.accountId, after) : undefined))
    .orderBy(asc(scoreAccounts.accountId))
    .limit(limit + 1)
    .all();
  const committeeRoles = (await coverageRow(db, run, period))?.committeeRoles ?? 0;
  return rows.map(({ row, name, status, churnedAt, previous: p, yearEarlier: y }) => ({
    accountId: row.accountId,
    name,
    accountStatus: status,
    churnedAt,
    ...accountMetrics(row, committeeRoles),
    change: { previousQuarter: accountChange(previous, row, p, committeeRoles), yearEarlier: accountChange(yearEarlier, row, y, committeeRoles) },
  }));
}

/** Every period of the current run for one account, newest first. */
export async function accountHistory(db: Db, run: ScoreRun, accountId: string) {
  const rows = await db.select().from(scoreAccounts).where(and(eq(scoreAccounts.accountId, accountId), publishedRows(scoreAccounts, run))).all();
  if (rows.length === 0) {
    const exists = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).get();
    if (!exists) throw notFound(`Account '${accountId}'`);
  }
  const coverage = await db.select({ committeeRoles: scoreCoverage.committeeRoles }).from(scoreCoverage).where(rowsOf(scoreCoverage, run, [periodsOf(run)[0]?.key ?? null])).get();
  const committeeRoles = coverage?.committeeRoles ?? 0;
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
  return db.select().from(scoreCoverage).where(rowsOf(scoreCoverage, run, [period.key])).get();
}

const NO_COVERAGE: Omit<ScoreCoverage, "runId" | "period" | "npsInvitedContacts" | "truePromoters"> = {
  accountsInScope: 0, totalRevenue: 0, coveredRevenue: 0, safeRevenue: 0, passiveRevenue: 0, atRiskRevenue: 0, silentRevenue: 0, unsurveyedRevenue: 0,
  heardRevenue: 0, decisionMakerRevenue: 0, singleThreadedAccounts: 0, silentQuarterAccounts: null, silentQuarterRevenue: null, committeeRoles: 0,
};

/** §7.4 a stored coverage row as figures: coverage against the 80 % target; safe + passive + at risk + unaccounted = total, exactly. */
export function coverageFigures(row: ScoreCoverage | undefined) {
  const c = row ?? NO_COVERAGE;
  const coverage = ratio(c.coveredRevenue, c.totalRevenue);
  return {
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
    committeeRoles: c.committeeRoles,
    unresponsive: c.silentQuarterAccounts === null ? null : { accounts: c.silentQuarterAccounts, revenue: c.silentQuarterRevenue ?? 0 },
  };
}
export type CoverageFigures = ReturnType<typeof coverageFigures>;

/** §7.4 revenue coverage of a period, as the API serves it. */
export async function revenueCoverage(db: Db, run: ScoreRun, period: Period) {
  const { committeeRoles: _, amounts, ...figures } = coverageFigures(await coverageRow(db, run, period));
  return {
    period: periodInfo(period),
    runId: run.id,
    ...figures,
    amountsNote:
      "safe + passive + atRisk + unaccounted = totalRevenue; unaccounted = silent (invited in the period, no NPS answer) + unsurveyed (not invited).",
    amounts,
  };
}

// ─── markets ─────────────────────────────────────────────────────────────────

/** One 12-month NPS of a market; the admin page also gets its interval (the API's MarketSide has nps and n only). */
interface MarketSide {
  nps: number | null;
  n: number;
  interval?: Interval | null;
}

interface MarketEntry {
  market: string;
  change: number;
  interval: Interval;
  current: MarketSide;
  yearEarlier: MarketSide;
}

/**
 * §7.8: each market's 12-month change (T12 NPS at p − T12 NPS a year earlier) with its interval, ranked by the
 * lower bound; markets with n < 30 in either period are listed apart.
 */
export async function marketRanking(db: Db, run: ScoreRun, period: Period, by: "country" | "segment", options: { withIntervals?: boolean } = {}) {
  const currentKey = `${period.quarter.fiscalYear}-Q${period.quarter.quarter}-T12`;
  const earlierKey = shiftPeriodKey(currentKey, -4)!;
  // A year earlier than the oldest data has no rows: its markets count as n = 0 (insufficient data), not as an error.
  const rows = await groupRows(db, run, by, [currentKey, earlierKey]);
  const ranked: MarketEntry[] = [];
  const insufficientData: Omit<MarketEntry, "change" | "interval">[] = [];
  for (const now of rows.filter((r) => r.period === currentKey)) {
    const then = rows.find((r) => r.period === earlierKey && r.groupKey === now.groupKey);
    const a = { n: now.npsN, promoters: now.npsPromoters, detractors: now.npsDetractors };
    const b = { n: then?.npsN ?? 0, promoters: then?.npsPromoters ?? 0, detractors: then?.npsDetractors ?? 0 };
    const sideOf = (s: typeof a): MarketSide => {
      const summary = npsSummary(s.n, s.promoters, s.detractors);
      return options.withIntervals ? { nps: summary.nps, n: s.n, interval: summary.interval } : { nps: summary.nps, n: s.n };
    };
    const current = sideOf(a);
    const yearEarlier = sideOf(b);
    if (a.n < LOW_SAMPLE_N || b.n < LOW_SAMPLE_N) {
      insufficientData.push({ market: groupName(by, now.groupKey), current, yearEarlier });
      continue;
    }
    ranked.push({ market: groupName(by, now.groupKey), change: npsChange(a, b)!.delta, interval: marketChangeInterval(a, b), current, yearEarlier });
  }
  ranked.sort((x, y) => y.interval.low - x.interval.low || x.market.localeCompare(y.market));
  return { period: periodInfo(period), by, current: currentKey, yearEarlier: earlierKey, note: OVERLAP_NOTE, ranked: ranked.map((m, i) => ({ rank: i + 1, ...m })), insufficientData };
}
