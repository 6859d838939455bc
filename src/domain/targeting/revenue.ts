// The revenue rule (SPEC §5): accounts holding the top 80 % of revenue get at least one invited committee-role
// contact each quarter — a committee role not heard from in the trailing 12 months first — through the frequency
// rules, never forced past them. Where the caps (or the directory) make it impossible, the shortfall is reported.
import { sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import type { Db } from "../../db/client";
import type { Survey } from "../../db/schema";
import type { Period } from "../scoring/periods";
import { dueRanges, programCause, type PrnWindow } from "./program";
import { admitProgram, prnIn, type Budget, type SliceReport } from "./waves";
import type { SendDeps } from "./sends";

/** Share of total revenue the rule covers, largest accounts first. */
export const TOP_REVENUE_SHARE = 0.8;

/** Active accounts, largest first, while the revenue before them is under 80 % of the total (the account crossing the line is in). */
const TOP_ACCOUNTS = sql.raw(`top AS (
  SELECT id, name, annual_revenue, total FROM (
    SELECT a.id, a.name, a.annual_revenue,
           sum(a.annual_revenue) OVER (ORDER BY a.annual_revenue DESC, a.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,
           sum(a.annual_revenue) OVER () AS total
    FROM accounts a WHERE a.status = 'active' AND a.annual_revenue > 0)
  WHERE coalesce(before, 0) < ${TOP_REVENUE_SHARE} * total)`);

/** A committee-role contact of the account admitted (queued or later, not failed) in the quarter. */
const covered = (quarter: Pick<Period, "start" | "end">) => sql`EXISTS (
  SELECT 1 FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN roles r ON r.key = c.role AND r.committee = 1
  WHERE i.account_id = t.id AND i.admitted_at >= ${quarter.start} AND i.admitted_at < ${quarter.end} AND i.status <> 'failed')`;

/**
 * For each top account not yet covered this quarter, the one committee contact to try next: a role not heard from
 * in the trailing 12 months first, then one whose prn is in this wave's window anyway (so the rotation is not
 * disturbed), then by prn; contacts already tried in this wave are skipped.
 */
export async function topUpCommitteeCoverage(
  deps: SendDeps,
  survey: Survey,
  wave: { index: number; window: PrnWindow },
  quarter: Pick<Period, "start" | "end">,
  now: Date,
  budget: Budget,
): Promise<SliceReport> {
  const report: SliceReport = { surveyId: survey.id, wave: wave.index, workingDay: null, invitations: [] };
  if (budget.remaining <= 0) return report;
  const cause = programCause(survey.id, wave.index);
  const inThisWave = prnIn(dueRanges(wave.window, 0, 1));
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000).toISOString();
  const picks = await runAll<{ id: string; email: string | null }>(
    deps.db,
    sql`WITH ${TOP_ACCOUNTS},
      pick AS (
        SELECT c.id, c.email, row_number() OVER (PARTITION BY t.id ORDER BY
                 EXISTS (SELECT 1 FROM responses s WHERE s.account_id = t.id AND s.role = c.role AND s.status = 'complete' AND s.submitted_at >= ${yearAgo}),
                 ${inThisWave} DESC, c.prn) AS k
        FROM top t JOIN contacts c ON c.account_id = t.id AND c.status = 'active' JOIN roles r ON r.key = c.role AND r.committee = 1
        WHERE NOT ${covered(quarter)}
          AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.survey_id = ${survey.id} AND i.contact_id = c.id
                          AND i.cause_type = 'program' AND i.cause_id = ${cause}))
      SELECT id, email FROM pick WHERE k = 1 ORDER BY id LIMIT ${budget.remaining}`,
  );
  report.invitations = await admitProgram(deps, survey.id, cause, picks, now);
  budget.remaining -= picks.length;
  return report;
}

export interface CoverageRow {
  accountId: string;
  name: string;
  annualRevenue: number;
  covered: boolean;
  /** Null when covered; otherwise why not (no committee contact, or the rules that held each attempt back). */
  shortfall: null | { reason: "no-committee-contact" | "blocked" | "not-yet-tried"; blockingRules: string[] };
}

/** Per top-revenue account: covered this quarter, or the shortfall and its reason. */
export async function committeeCoverage(db: Db, quarter: Pick<Period, "start" | "end">): Promise<CoverageRow[]> {
  const rows = await runAll<{ accountId: string; name: string; annualRevenue: number; covered: number; committeeContacts: number; rules: string }>(
    db,
    sql`WITH ${TOP_ACCOUNTS}
      SELECT t.id AS accountId, t.name, t.annual_revenue AS annualRevenue, ${covered(quarter)} AS covered,
        (SELECT count(*) FROM contacts c JOIN roles r ON r.key = c.role AND r.committee = 1 WHERE c.account_id = t.id AND c.status = 'active') AS committeeContacts,
        (SELECT json_group_array(DISTINCT i.blocking_rule) FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN roles r ON r.key = c.role AND r.committee = 1
          WHERE i.account_id = t.id AND i.cause_type = 'program' AND i.created_at >= ${quarter.start} AND i.created_at < ${quarter.end}
            AND i.status IN ('suppressed', 'deferred')) AS rules
      FROM top t ORDER BY t.annual_revenue DESC, t.id`,
  );
  return rows.map((row) => {
    const rules = (JSON.parse(row.rules) as (string | null)[]).filter((r): r is string => !!r).sort();
    const reason = row.committeeContacts === 0 ? "no-committee-contact" : rules.length ? "blocked" : "not-yet-tried";
    return {
      accountId: row.accountId,
      name: row.name,
      annualRevenue: row.annualRevenue,
      covered: row.covered === 1,
      shortfall: row.covered === 1 ? null : { reason, blockingRules: rules },
    };
  });
}
