// What a run that just became current changed, for the work that follows new scores (silence cases, webhooks):
// read from stored results only, one statement each.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { ScoreAccount, ScoreRun } from "../../db/schema";
import { parsePlan, periodRunsOfRun } from "./run";

export interface UnresponsiveAccount {
  accountId: string;
  period: string;
  /** Consecutive unresponsive quarters up to this one, over the whole history. */
  streak: number;
  revenue: number;
  /** Share of in-scope accounts with less revenue in the period, (0, 1]: the largest account is 1. */
  revenuePercentile: number;
  /** Among the smallest set of accounts, largest first, holding ≥ 20 % of the period's revenue (§7 "top X %"). */
  topRevenue: boolean;
}

/**
 * §7.9 unresponsive accounts (invited in the quarter, every invitation ended, none completed) in scope, in each
 * quarter the run recomputed or carried (the quarters whose results may be new), oldest first.
 */
export async function unresponsiveAccounts(db: Db, run: ScoreRun): Promise<UnresponsiveAccount[]> {
  const plan = parsePlan(run);
  const mapping = periodRunsOfRun(run);
  const quarters = [...new Set([...plan.compute, ...plan.carry])].filter((k) => !k.endsWith("-T12"));
  const held = JSON.stringify(Object.fromEntries(quarters.map((k) => [k, mapping[k] ?? run.id])));
  const rows = await db.all<{ account_id: string; period: string; silent_streak: number; revenue: number; percentile: number; top: number; silent: number }>(sql`
    SELECT account_id, period, silent_streak, revenue, silent,
      cume_dist() OVER (PARTITION BY period ORDER BY revenue) AS percentile,
      coalesce(sum(revenue) OVER (PARTITION BY period ORDER BY revenue DESC, account_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
        < 0.2 * sum(revenue) OVER (PARTITION BY period) AS top
    FROM score_accounts
    WHERE (run_id, period) IN (SELECT value, key FROM json_each(${held})) AND in_scope = 1`);
  return rows
    .filter((r) => r.silent === 1)
    .map((r) => ({ accountId: r.account_id, period: r.period, streak: r.silent_streak, revenue: r.revenue, revenuePercentile: r.percentile, topRevenue: r.top === 1 }))
    .sort((a, b) => a.period.localeCompare(b.period) || a.accountId.localeCompare(b.accountId));
}

export interface CategoryChange {
  accountId: string;
  period: string;
  from: ScoreAccount["category"];
  to: ScoreAccount["category"];
}

/**
 * Accounts whose category in a quarter differs from the previous current run's (the run's base), for the quarters
 * this run recomputed; an account new to a quarter changes from null. Only `current: true` limits it to the run's
 * current quarter (what account.category_changed announces).
 */
export async function categoryChanges(db: Db, run: ScoreRun, options: { currentOnly?: boolean } = {}): Promise<CategoryChange[]> {
  if (!run.baseRunId) return [];
  const base = await db.all<{ period_runs: string | null; id: string; as_of: string; time_zone: string; fiscal_year_start_month: number }>(
    sql`SELECT id, period_runs, as_of, time_zone, fiscal_year_start_month FROM score_runs WHERE id = ${run.baseRunId}`,
  );
  if (!base[0]) return [];
  const plan = parsePlan(run);
  const mine = periodRunsOfRun(run);
  const theirs = base[0].period_runs
    ? (JSON.parse(base[0].period_runs) as Record<string, string>)
    : periodRunsOfRun({ ...run, id: base[0].id, periodRuns: null, asOf: base[0].as_of, timeZone: base[0].time_zone, fiscalYearStartMonth: base[0].fiscal_year_start_month });
  const quarters = plan.compute.filter((k) => !k.endsWith("-T12") && (!options.currentOnly || k === plan.current));
  const pairs = JSON.stringify(quarters.map((k) => ({ period: k, now: mine[k] ?? run.id, then: theirs[k] ?? "" })));
  const rows = await db.all<{ account_id: string; period: string; from_category: string | null; to_category: string | null }>(sql`
    SELECT n.account_id, n.period, t.category AS from_category, n.category AS to_category
    FROM json_each(${pairs}) p
    JOIN score_accounts n ON n.run_id = p.value ->> 'now' AND n.period = p.value ->> 'period'
    LEFT JOIN score_accounts t ON t.run_id = p.value ->> 'then' AND t.period = n.period AND t.account_id = n.account_id
    WHERE t.category IS NOT n.category
    ORDER BY n.period, n.account_id`);
  return rows.map((r) => ({ accountId: r.account_id, period: r.period, from: r.from_category as CategoryChange["from"], to: r.to_category as CategoryChange["to"] }));
}
