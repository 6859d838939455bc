// Reads for the admin pages (SPEC §12): the current run's stored results shaped for a page, each page's reads put in
// ONE db.batch (one D1 round trip) after the run row, so a page costs the run, its batch and the sign-in check.
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { accountRevenue, accounts, answers, cases, contacts, frequencyRules, journeyStages, responses, roles, scoreAccounts, scoreCoverage, scoreGroups, type ScoreAccount, type ScoreCoverage, type ScoreGroup, type ScoreRun, type Case } from "../../db/schema";
import { breachedExpr } from "../cases/read";
import { toView as ruleView, type RuleView } from "../frequency/rules";
import { invitationsQuery, pageOf, type InvitationListItem } from "../invitations/list";
import { responsesQuery, type ResponseListItem } from "../responses/list";
import { LOW_SAMPLE_N, MIXED_SIGNALS_GAP, meanAndTopBox, npsSummary, ratio, revenueWeightedNps, type MeanAndTopBox, type NpsSummary, type RevenueWeightedNps } from "./formulas";
import { parsePeriodKey, periodFromKey, quarterAt, quarterKey, shiftPeriodKey, t12Key, type Period } from "./periods";
import { calendarOf } from "./plan";
import { coverageFigures, groupChange, groupMetrics, periodRun, type CoverageFigures } from "./read";
import { periodRunsOfRun } from "./run";

/** The cases table under the alias the case queue's SQL (domain/cases/read.ts) reads it by. */
const queueCases = alias(cases, "k");

/** Quarters the Overview's trend chart shows. */
export const TREND_QUARTERS = 8;
export const AT_RISK_SHOWN = 10;

// ─── which run holds which period ───────────────────────────────────────────
// An incremental run keeps earlier runs' rows for periods whose inputs did not change (score_runs.period_runs maps a
// period to the run whose rows hold it); a full run holds all its periods itself.

/** The run whose rows hold a period. */
export const runIdFor = (run: ScoreRun, periodKey: string) => periodRun(run, periodKey) ?? run.id;
/** Every run holding some period of the current results. */
export const runIdsOf = (run: ScoreRun) => [...new Set([run.id, ...Object.values(periodRunsOfRun(run))])];
/** Keeps the rows of the run that holds their period (drops stale rows of older runs). */
const heldBy = (run: ScoreRun) => (row: { runId: string; period: string }) => row.runId === runIdFor(run, row.period);

/** The run's current quarter (the quarter of its as-of instant). */
export const currentQuarterKey = (run: ScoreRun) => quarterKey(quarterAt(new Date(run.asOf), calendarOf(run)));

export const isQuarterKey = (key: string) => parsePeriodKey(key)?.kind === "quarter";

/** Quarters that have results, newest first. */
const scoredQuarters = (rows: { period: string }[]) =>
  [...new Set(rows.map((r) => r.period).filter(isQuarterKey))].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));

export function periodOf(run: ScoreRun, key: string): Period {
  return periodFromKey(key, calendarOf(run))!;
}

// ─── figures ────────────────────────────────────────────────────────────────

export interface GroupFigures {
  nps: NpsSummary;
  npsRevenueWeighted: RevenueWeightedNps;
  osat: MeanAndTopBox;
  ces: MeanAndTopBox;
  responseRate: { invited: number; completed: number; rate: number | null };
}

export function groupFigures(row: ScoreGroup | undefined): GroupFigures {
  if (!row) {
    return {
      nps: npsSummary(0, 0, 0),
      npsRevenueWeighted: revenueWeightedNps({ m: 0, revenue: 0, revenueSquared: 0, weighted: 0, weightedBySquare: 0, weightedBySquareSquared: 0 }),
      osat: meanAndTopBox(0, 0, 0),
      ces: meanAndTopBox(0, 0, 0),
      responseRate: { invited: 0, completed: 0, rate: null },
    };
  }
  // The dashboard reads overall rows (cut "all"), which always carry a response rate.
  const { nps, npsRevenueWeighted, osat, ces } = groupMetrics(row);
  return { nps, npsRevenueWeighted, osat, ces, responseRate: { invited: row.invited, completed: row.completed, rate: ratio(row.completed, row.invited) } };
}

/** Changes against an earlier quarter (read.ts groupChange): NPS in points with its significance, shares in percentage points. */
export type FiguresChange = NonNullable<ReturnType<typeof groupChange>>;

export interface TrendPoint {
  period: string;
  nps: NpsSummary;
  npsRevenueWeighted: RevenueWeightedNps;
  osat: MeanAndTopBox;
  ces: MeanAndTopBox;
  coverage: number | null;
}

// ─── Overview ───────────────────────────────────────────────────────────────

export interface Overview {
  run: { id: string; finishedAt: string | null; asOf: string };
  period: string;
  /** Scored quarters, newest first (the quarter picker). */
  quarters: string[];
  coverage: CoverageFigures;
  figures: GroupFigures;
  change: { previousQuarter: FiguresChange | null; yearEarlier: FiguresChange | null };
  /** Up to 8 quarters ending with `period`, oldest first. */
  trend: TrendPoint[];
  atRisk: { accountId: string; name: string | null; ownerName: string | null; revenue: number; score: number | null; npsN: number }[];
  cases: { open: number; breached: number };
}

/**
 * Everything the Overview shows for one quarter in one round trip. `periodKey` unset: the run's current quarter.
 * Null when the run has no such quarter.
 */
export async function overview(db: Db, run: ScoreRun, periodKey: string | undefined, now: Date): Promise<Overview | null> {
  const period = periodKey ?? currentQuarterKey(run);
  const runIds = runIdsOf(run);
  const [coverageRows, groupRows, atRisk, caseCounts] = await db.batch([
    db.select().from(scoreCoverage).where(inArray(scoreCoverage.runId, runIds)),
    db.select().from(scoreGroups).where(and(inArray(scoreGroups.runId, runIds), eq(scoreGroups.cut, "all"), eq(scoreGroups.groupKey, ""))),
    db
      .select({ accountId: scoreAccounts.accountId, name: accounts.name, ownerName: accounts.ownerName, revenue: scoreAccounts.revenue, weightSum: scoreAccounts.weightSum, weightedAnswerSum: scoreAccounts.weightedAnswerSum, npsN: scoreAccounts.npsN })
      .from(scoreAccounts)
      .leftJoin(accounts, eq(accounts.id, scoreAccounts.accountId))
      .where(and(eq(scoreAccounts.runId, runIdFor(run, period)), eq(scoreAccounts.period, period), eq(scoreAccounts.category, "detractor"), eq(scoreAccounts.inScope, 1)))
      .orderBy(desc(scoreAccounts.revenue), asc(scoreAccounts.accountId))
      .limit(AT_RISK_SHOWN),
    // breached by the queue's own expression (it reads the cases table as k), so this count equals the queue's
    // "Breached only" list of cases not closed
    db
      .select({
        open: sql<number>`count(*)`.as("open_cases"),
        breached: sql<number>`COALESCE(SUM(CASE WHEN ${breachedExpr(now.toISOString())} THEN 1 ELSE 0 END), 0)`.as("breached_cases"),
      })
      .from(queueCases)
      .where(sql`${queueCases.status} != 'closed'`),
  ]);
  const coverageByPeriod = new Map(coverageRows.filter(heldBy(run)).map((r) => [r.period, r]));
  const groupsByPeriod = new Map(groupRows.filter(heldBy(run)).map((r) => [r.period, r]));
  if (!coverageByPeriod.has(period)) return null;
  const previous = shiftPeriodKey(period, -1)!;
  const yearEarlier = shiftPeriodKey(period, -4)!;
  const current = groupsByPeriod.get(period);
  const changeAgainst = (earlier: string) => (current ? groupChange(earlier, current, groupsByPeriod.get(earlier)) : null);
  const trend = Array.from({ length: TREND_QUARTERS }, (_, i) => shiftPeriodKey(period, i - TREND_QUARTERS + 1)!)
    .filter((key) => coverageByPeriod.has(key))
    .map((key) => ({ period: key, ...trendFigures(groupsByPeriod.get(key), coverageByPeriod.get(key)) }));
  return {
    run: { id: run.id, finishedAt: run.finishedAt, asOf: run.asOf },
    period,
    quarters: scoredQuarters(coverageRows.filter(heldBy(run))),
    coverage: coverageFigures(coverageByPeriod.get(period)),
    figures: groupFigures(groupsByPeriod.get(period)),
    change: {
      previousQuarter: changeAgainst(previous),
      yearEarlier: changeAgainst(yearEarlier),
    },
    trend,
    atRisk: atRisk.map((a) => ({ accountId: a.accountId, name: a.name, ownerName: a.ownerName, revenue: a.revenue, score: a.weightSum > 0 ? a.weightedAnswerSum / a.weightSum : null, npsN: a.npsN })),
    cases: { open: Number(caseCounts[0]?.open ?? 0), breached: Number(caseCounts[0]?.breached ?? 0) },
  };
}

function trendFigures(group: ScoreGroup | undefined, coverage: ScoreCoverage | undefined) {
  const f = groupFigures(group);
  return { nps: f.nps, npsRevenueWeighted: f.npsRevenueWeighted, osat: f.osat, ces: f.ces, coverage: coverage ? ratio(coverage.coveredRevenue, coverage.totalRevenue) : null };
}

// ─── trend (API) ────────────────────────────────────────────────────────────

export const TREND_METRICS = ["nps", "npsRevenueWeighted", "osatMean", "osatTopBox", "cesMean", "cesTopBox", "responseRate", "revenueCoverage"] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];
export const TREND_CUTS = ["all", "role", "stage", "country", "segment", "survey"] as const;

export interface TrendEntry {
  period: string;
  value: number | null;
  interval: { low: number; high: number } | null;
  n: number;
  lowSample: boolean;
}

/** One metric over every stored quarter (oldest first), overall or for one group of a cut. One round trip. */
export async function metricTrend(db: Db, run: ScoreRun, metric: TrendMetric, cut: (typeof TREND_CUTS)[number], group: string): Promise<TrendEntry[]> {
  const runIds = runIdsOf(run);
  if (metric === "revenueCoverage") {
    const rows = (await db.select().from(scoreCoverage).where(inArray(scoreCoverage.runId, runIds)).all()).filter(heldBy(run)).filter((r) => isQuarterKey(r.period));
    return rows
      .sort((a, b) => (a.period < b.period ? -1 : 1))
      .map((r) => ({ period: r.period, value: ratio(r.coveredRevenue, r.totalRevenue), interval: null, n: r.accountsInScope, lowSample: false }));
  }
  const rows = (
    await db
      .select()
      .from(scoreGroups)
      .where(and(inArray(scoreGroups.runId, runIds), eq(scoreGroups.cut, cut), eq(scoreGroups.groupKey, cut === "all" ? "" : group)))
      .all()
  )
    .filter(heldBy(run))
    .filter((r) => isQuarterKey(r.period))
    .sort((a, b) => (a.period < b.period ? -1 : 1));
  return rows.map((row) => ({ period: row.period, ...metricOf(groupFigures(row), metric) }));
}

function metricOf(f: GroupFigures, metric: Exclude<TrendMetric, "revenueCoverage">): Omit<TrendEntry, "period"> {
  switch (metric) {
    case "nps":
      return { value: f.nps.nps, interval: f.nps.interval, n: f.nps.n, lowSample: f.nps.lowSample };
    case "npsRevenueWeighted":
      return { value: f.npsRevenueWeighted.nps, interval: f.npsRevenueWeighted.interval, n: f.npsRevenueWeighted.accounts, lowSample: f.npsRevenueWeighted.lowSample };
    case "osatMean":
      return { value: f.osat.mean, interval: null, n: f.osat.n, lowSample: f.osat.n < LOW_SAMPLE_N };
    case "osatTopBox":
      return { value: f.osat.topBoxShare, interval: f.osat.topBoxInterval, n: f.osat.n, lowSample: f.osat.n < LOW_SAMPLE_N };
    case "cesMean":
      return { value: f.ces.mean, interval: null, n: f.ces.n, lowSample: f.ces.n < LOW_SAMPLE_N };
    case "cesTopBox":
      return { value: f.ces.topBoxShare, interval: f.ces.topBoxInterval, n: f.ces.n, lowSample: f.ces.n < LOW_SAMPLE_N };
    case "responseRate":
      return { value: f.responseRate.rate, interval: null, n: f.responseRate.invited, lowSample: f.responseRate.invited < LOW_SAMPLE_N };
  }
}

// ─── accounts list ──────────────────────────────────────────────────────────

export const ACCOUNT_CATEGORIES = ["promoter", "passive", "detractor", "silent", "unsurveyed"] as const;
export const ACCOUNT_SORTS = ["revenue", "name", "score", "silent"] as const;

export interface AccountListFilter {
  category?: (typeof ACCOUNT_CATEGORIES)[number];
  owner?: string;
  segment?: string;
  country?: string;
  /** At least this many consecutive silent quarters. */
  silentQuarters?: number;
  singleThreaded?: boolean;
  sort: (typeof ACCOUNT_SORTS)[number];
  offset: number;
  limit: number;
}

export interface AccountListItem {
  accountId: string;
  name: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  segment: string | null;
  country: string | null;
  revenue: number;
  inScope: boolean;
  category: ScoreAccount["category"];
  score: number | null;
  npsN: number;
  committeeRolesHeard: number;
  singleThreaded: boolean;
  silentQuarters: number;
  mixedSignals: boolean;
}

const accountScore = sql<number | null>`CASE WHEN ${scoreAccounts.weightSum} > 0 THEN CAST(${scoreAccounts.weightedAnswerSum} AS REAL) / ${scoreAccounts.weightSum} END`;

function accountOrder(sort: AccountListFilter["sort"]): SQL[] {
  switch (sort) {
    case "name":
      return [asc(accounts.name), asc(scoreAccounts.accountId)];
    case "score":
      return [sql`${accountScore} IS NULL`, asc(accountScore), desc(scoreAccounts.revenue), asc(scoreAccounts.accountId)];
    case "silent":
      return [desc(sql`COALESCE(${scoreAccounts.silentStreak}, 0)`), desc(scoreAccounts.revenue), asc(scoreAccounts.accountId)];
    default:
      return [desc(scoreAccounts.revenue), asc(scoreAccounts.accountId)];
  }
}

export interface AccountList {
  period: string;
  quarters: string[];
  committeeRoles: number;
  items: AccountListItem[];
  hasMore: boolean;
  options: { owners: { email: string; name: string | null }[]; segments: string[]; countries: string[] };
}

/** A page of the accounts of a quarter, filtered and sorted, with the values the filters offer. One round trip. */
export async function accountList(db: Db, run: ScoreRun, periodKey: string | undefined, filter: AccountListFilter): Promise<AccountList | null> {
  const period = periodKey ?? currentQuarterKey(run);
  const [rows, coverageRows, owners, segments, countries] = await db.batch([
    db
      .select({
        accountId: scoreAccounts.accountId,
        name: accounts.name,
        ownerName: accounts.ownerName,
        ownerEmail: accounts.ownerEmail,
        segment: accounts.segment,
        country: accounts.country,
        revenue: scoreAccounts.revenue,
        inScope: scoreAccounts.inScope,
        category: scoreAccounts.category,
        score: sql<number | null>`${accountScore}`.as("score"),
        npsN: scoreAccounts.npsN,
        committeeRolesHeard: scoreAccounts.committeeRolesHeard,
        contactsHeardT12: scoreAccounts.contactsHeardT12,
        silentStreak: scoreAccounts.silentStreak,
        roleMeanGap: scoreAccounts.roleMeanGap,
      })
      .from(scoreAccounts)
      .innerJoin(accounts, eq(accounts.id, scoreAccounts.accountId))
      .where(
        and(
          eq(scoreAccounts.runId, runIdFor(run, period)),
          eq(scoreAccounts.period, period),
          filter.category ? eq(scoreAccounts.category, filter.category) : undefined,
          filter.owner ? eq(accounts.ownerEmail, filter.owner) : undefined,
          filter.segment ? eq(accounts.segment, filter.segment) : undefined,
          filter.country ? eq(accounts.country, filter.country) : undefined,
          filter.silentQuarters ? gte(sql`COALESCE(${scoreAccounts.silentStreak}, 0)`, filter.silentQuarters) : undefined,
          filter.singleThreaded === undefined ? undefined : filter.singleThreaded ? eq(scoreAccounts.contactsHeardT12, 1) : sql`${scoreAccounts.contactsHeardT12} != 1`,
        ),
      )
      .orderBy(...accountOrder(filter.sort))
      .limit(filter.limit + 1)
      .offset(filter.offset),
    db.select({ runId: scoreCoverage.runId, period: scoreCoverage.period, committeeRoles: scoreCoverage.committeeRoles }).from(scoreCoverage).where(inArray(scoreCoverage.runId, runIdsOf(run))),
    db.selectDistinct({ email: accounts.ownerEmail, name: accounts.ownerName }).from(accounts).where(sql`${accounts.ownerEmail} IS NOT NULL`).orderBy(asc(accounts.ownerName), asc(accounts.ownerEmail)).limit(500),
    db.selectDistinct({ value: accounts.segment }).from(accounts).where(sql`${accounts.segment} IS NOT NULL`).orderBy(asc(accounts.segment)).limit(500),
    db.selectDistinct({ value: accounts.country }).from(accounts).where(sql`${accounts.country} IS NOT NULL`).orderBy(asc(accounts.country)).limit(300),
  ]);
  const held = coverageRows.filter(heldBy(run));
  const current = held.find((r) => r.period === period);
  if (!current) return null;
  return {
    period,
    quarters: scoredQuarters(held),
    committeeRoles: current.committeeRoles,
    hasMore: rows.length > filter.limit,
    items: rows.slice(0, filter.limit).map((r) => ({
      accountId: r.accountId,
      name: r.name,
      ownerName: r.ownerName,
      ownerEmail: r.ownerEmail,
      segment: r.segment,
      country: r.country,
      revenue: r.revenue,
      inScope: r.inScope === 1,
      category: r.category,
      score: r.score,
      npsN: r.npsN,
      committeeRolesHeard: r.committeeRolesHeard,
      singleThreaded: r.contactsHeardT12 === 1,
      silentQuarters: r.silentStreak ?? 0,
      mixedSignals: r.roleMeanGap !== null && r.roleMeanGap >= MIXED_SIGNALS_GAP - 1e-9,
    })),
    options: {
      owners: owners.filter((o): o is { email: string; name: string | null } => o.email !== null),
      segments: segments.map((s) => s.value).filter((v): v is string => v !== null),
      countries: countries.map((s) => s.value).filter((v): v is string => v !== null),
    },
  };
}

// ─── account page ───────────────────────────────────────────────────────────

export const ACCOUNT_PAGE_ROWS = 20;
/** Responses on the account page (the feed, filtered to the account, has the rest). */
export const ACCOUNT_PAGE_RESPONSES = 10;

export interface CommitteeRoleCoverage {
  role: string;
  label: string;
  heard: boolean;
  /** Contacts of the account who hold the role today (name or email). */
  holders: { contactId: string; name: string | null; email: string | null }[];
  /** Who answered in that role in the trailing 12 months (the response snapshot's role). */
  heardFrom: { contactId: string; name: string | null; lastAt: string }[];
}

export interface AccountQuarter {
  period: string;
  revenue: number;
  inScope: boolean;
  category: ScoreAccount["category"];
  score: number | null;
  nps: NpsSummary;
  committeeRolesHeard: number;
  singleThreaded: boolean;
  silent: boolean | null;
  silentQuarters: number;
  mixedSignals: boolean;
  roleMeanGap: number | null;
  invited: number;
  completed: number;
}

export interface AccountPage {
  account: typeof accounts.$inferSelect;
  period: string | null;
  run: { id: string; finishedAt: string | null } | null;
  revenueHistory: { validFrom: string; amount: number }[];
  /** Scored quarters newest first. */
  quarters: AccountQuarter[];
  committee: CommitteeRoleCoverage[];
  /** Mean latest NPS answer per role in the period (mixed signals when two differ by ≥ 4). */
  roleMeans: { role: string; label: string; mean: number; n: number }[];
  /** Role key → label, for the responses' snapshot roles. */
  roleLabels: Record<string, string>;
  /** Journey stage key → label, for the responses' snapshot stages. */
  stageLabels: Record<string, string>;
  /** Frequency rules by id, so an invitation's blocking rule reads in words. */
  rules: Map<string, RuleView>;
  invitations: InvitationListItem[];
  moreInvitations: boolean;
  responses: ResponseListItem[];
  moreResponses: boolean;
  cases: { id: string; type: string; status: Case["status"]; severity: number; openedAt: string; dueAt: string; verbatim: string | null; period: string | null }[];
}

/**
 * One account: its stored quarters, revenue history, committee coverage per role over the trailing 12 months to the
 * end of the current quarter, role means, invitations, responses and cases. One round trip; null when unknown.
 */
export async function accountPage(db: Db, run: ScoreRun | null, accountId: string, now: Date): Promise<AccountPage | null> {
  const period = run ? currentQuarterKey(run) : null;
  const t12 = run && period ? periodOf(run, t12Key(parsePeriodKey(period)!.quarter)) : null;
  const quarter = run && period ? periodOf(run, period) : null;
  const since = t12?.start ?? new Date(now.getTime() - 365 * 86400_000).toISOString();
  const until = t12?.end ?? now.toISOString();
  const [accountRows, revenue, scoreRows, allRoles, holders, heard, roleMeans, invitationRows, responseRows, caseRows, stageRows, ruleRows] = await db.batch([
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db.select({ validFrom: accountRevenue.validFrom, amount: accountRevenue.amount }).from(accountRevenue).where(eq(accountRevenue.accountId, accountId)).orderBy(desc(accountRevenue.validFrom)).limit(40),
    db.select().from(scoreAccounts).where(and(inArray(scoreAccounts.runId, run ? runIdsOf(run) : [""]), eq(scoreAccounts.accountId, accountId))),
    db.select({ key: roles.key, label: roles.label, committee: roles.committee }).from(roles).orderBy(asc(roles.key)),
    db
      .select({ contactId: contacts.id, name: contacts.name, email: contacts.email, role: contacts.role })
      .from(contacts)
      .where(and(eq(contacts.accountId, accountId), sql`${contacts.status} != 'erased'`))
      .orderBy(asc(contacts.name))
      .limit(200),
    db
      .select({ contactId: responses.contactId, role: responses.role, name: contacts.name, lastAt: sql<string>`MAX(${responses.submittedAt})`.as("last_at") })
      .from(responses)
      .leftJoin(contacts, eq(contacts.id, responses.contactId))
      .where(and(eq(responses.accountId, accountId), eq(responses.status, "complete"), gte(responses.submittedAt, since), lt(responses.submittedAt, until)))
      .groupBy(responses.contactId, responses.role)
      .orderBy(desc(sql`MAX(${responses.submittedAt})`))
      .limit(200),
    roleMeansQuery(db, accountId, quarter?.start ?? since, quarter?.end ?? until),
    invitationsQuery(db, { accountId }, { limit: ACCOUNT_PAGE_ROWS }),
    responsesQuery(db, { accountId }, { limit: ACCOUNT_PAGE_RESPONSES }),
    db
      .select({ id: cases.id, type: cases.type, status: cases.status, severity: cases.severity, openedAt: cases.openedAt, dueAt: cases.dueAt, verbatim: cases.verbatim, period: cases.period })
      .from(cases)
      .where(eq(cases.accountId, accountId))
      .orderBy(desc(cases.openedAt))
      .limit(ACCOUNT_PAGE_ROWS),
    db.select({ key: journeyStages.key, label: journeyStages.label }).from(journeyStages),
    db.select().from(frequencyRules),
  ]);
  const account = accountRows[0];
  if (!account) return null;
  const labels = new Map(allRoles.map((r) => [r.key, r.label]));
  const committeeRoles = allRoles.filter((r) => r.committee);
  const held = run ? scoreRows.filter(heldBy(run)).filter((r) => isQuarterKey(r.period)) : [];
  const invitationPage = pageOf(invitationRows, ACCOUNT_PAGE_ROWS);
  return {
    account,
    period,
    run: run ? { id: run.id, finishedAt: run.finishedAt } : null,
    revenueHistory: revenue,
    quarters: held
      .sort((a, b) => (a.period < b.period ? 1 : -1))
      .map((r) => ({
        period: r.period,
        revenue: r.revenue,
        inScope: r.inScope === 1,
        category: r.category,
        score: r.weightSum > 0 ? r.weightedAnswerSum / r.weightSum : null,
        nps: npsSummary(r.npsN, r.npsPromoters, r.npsDetractors),
        committeeRolesHeard: r.committeeRolesHeard,
        singleThreaded: r.contactsHeardT12 === 1,
        silent: r.silent === null ? null : r.silent === 1,
        silentQuarters: r.silentStreak ?? 0,
        mixedSignals: r.roleMeanGap !== null && r.roleMeanGap >= MIXED_SIGNALS_GAP - 1e-9,
        roleMeanGap: r.roleMeanGap,
        invited: r.invited,
        completed: r.completed,
      })),
    committee: committeeRoles.map((role) => {
      const heardFrom = heard.filter((h) => h.role === role.key).map((h) => ({ contactId: h.contactId, name: h.name, lastAt: h.lastAt }));
      return {
        role: role.key,
        label: role.label,
        heard: heardFrom.length > 0,
        holders: holders.filter((h) => h.role === role.key).map((h) => ({ contactId: h.contactId, name: h.name, email: h.email })),
        heardFrom,
      };
    }),
    roleMeans: roleMeans.map((r) => ({ role: r.role, label: labels.get(r.role) ?? r.role, mean: Number(r.mean), n: Number(r.n) })),
    roleLabels: Object.fromEntries(labels),
    stageLabels: Object.fromEntries(stageRows.map((s) => [s.key, s.label])),
    rules: new Map<string, RuleView>(ruleRows.map((r) => [r.id, ruleView(r)])),
    invitations: invitationPage.items,
    moreInvitations: invitationPage.nextBefore !== null,
    responses: responseRows.slice(0, ACCOUNT_PAGE_RESPONSES),
    moreResponses: responseRows.length > ACCOUNT_PAGE_RESPONSES,
    cases: caseRows,
  };
}

/** Each role's mean of its contacts' latest NPS answer in [from, to) (the response snapshot's role). */
function roleMeansQuery(db: Db, accountId: string, from: string, to: string) {
  const latest = db
    .select({
      role: responses.role,
      value: sql<number>`${answers.numValue}`.as("value"),
      rn: sql<number>`ROW_NUMBER() OVER (PARTITION BY ${responses.contactId} ORDER BY ${responses.submittedAt} DESC, ${responses.id} DESC)`.as("rn"),
    })
    .from(responses)
    .innerJoin(answers, and(eq(answers.responseId, responses.id), eq(answers.type, "nps"), isNotNull(answers.numValue)))
    .where(and(eq(responses.accountId, accountId), eq(responses.status, "complete"), gte(responses.submittedAt, from), lt(responses.submittedAt, to)))
    .as("latest");
  return db
    .select({ role: latest.role, mean: sql<number>`AVG(${latest.value})`.as("mean"), n: sql<number>`COUNT(*)`.as("n") })
    .from(latest)
    .where(eq(latest.rn, 1))
    .groupBy(latest.role)
    .orderBy(desc(sql`AVG(${latest.value})`));
}

// ─── markets ────────────────────────────────────────────────────────────────

/** The quarter whose 12-month change the Markets page ranks: the run's current quarter unless one is asked for. */
export const marketsPeriod = (run: ScoreRun, key: string | undefined): Period => periodOf(run, key ?? currentQuarterKey(run));

