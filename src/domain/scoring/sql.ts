// The SQL of a scoring run (SPEC §7). Every statement aggregates in SQLite (GROUP BY over sufficient statistics),
// touches one period, and is idempotent for its keys, so a step can be repeated after a cut-off.
import { sql, type SQL } from "drizzle-orm";
import type { ScoreCut } from "../../db/schema";
import type { Period } from "./periods";

/** Question types whose answers are scored; each has its valid range (others are ignored, never guessed). */
export const SCORED_TYPES = ["nps", "osat", "ces", "vendor_rank"] as const;
export type ScoredType = (typeof SCORED_TYPES)[number];

const VALID_RANGE: Record<Exclude<ScoredType, "vendor_rank">, [number, number]> = { nps: [0, 10], osat: [1, 5], ces: [1, 7] };

/** Statuses in which an invitation has ended (§7.9). */
const ENDED = sql`('completed', 'expired', 'failed', 'suppressed')`;

const inList = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

// ─── staging ─────────────────────────────────────────────────────────────────

/** Marks a period's staging incomplete and empties its smaller tables; score_latest follows in chunks. */
export const clearStaging = (period: string): SQL[] => [
  sql`DELETE FROM score_staged WHERE period = ${period}`,
  sql`DELETE FROM score_heard WHERE period = ${period}`,
  sql`DELETE FROM score_survey_cube WHERE period = ${period}`,
];

/** A bounded chunk of a period's staged answers (repeat until 0 changes: each statement stays short). */
export const clearLatestChunk = (period: string, limit = 25000): SQL =>
  sql`DELETE FROM score_latest WHERE (period, type, contact_id, survey_id) IN (
    SELECT period, type, contact_id, survey_id FROM score_latest WHERE period = ${period} LIMIT ${limit})`;

/** Cohort staging left under a key no longer scored, with its marker. */
export const clearCohort = (period: string): SQL[] => [
  sql`DELETE FROM score_staged WHERE period = ${cohortMarker(period)}`,
  sql`DELETE FROM score_cohort WHERE period = ${period}`,
];
export const cohortMarker = (quarter: string) => `cohort:${quarter}`;

/** A quarter's staging is complete: later runs reuse it until the quarter's responses change. */
export const markStaged = (period: string): SQL =>
  sql`INSERT OR REPLACE INTO score_staged (period, staged_at) VALUES (${period}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** Value and validity of an answer row `a` of the given type: share of wallet by the Wallet Allocation Rule for vendor_rank. */
function answerValue(type: ScoredType): { value: SQL; valid: SQL } {
  if (type === "vendor_rank") {
    return {
      value: sql`(1.0 - 1.0 * a.vendor_rank / (a.vendor_count + 1)) * 2.0 / a.vendor_count`,
      valid: sql`a.vendor_count >= 1 AND a.vendor_rank BETWEEN 1 AND a.vendor_count`,
    };
  }
  const [low, high] = VALID_RANGE[type];
  return { value: sql`a.num_value`, valid: sql`a.num_value BETWEEN ${low} AND ${high}` };
}

/**
 * A quarter's latest answers of one type: one row per (contact, survey), the latest by first submit (then id), and
 * flagged `is_latest` when it is the contact's latest across all surveys (§7: "across all surveys that contain that
 * type"). SQLite takes the bare columns of a GROUP BY from the row holding the single max(); submitted_at is
 * fixed-width text, so max(submitted_at || id) is the latest submit with the id breaking ties — several times faster
 * than a window function at the benchmark scale. `following`: the quarters after it (at most 3) whose staging the
 * spans look at — a run stages newest first, so they are already in place.
 */
export function stageQuarterLatest(period: Period, type: ScoredType, following: readonly string[]): SQL {
  const { value, valid } = answerValue(type);
  const row = { type: sql`${type}`, contact: sql.raw("s.contact_id"), survey: sql.raw("s.survey_id") };
  return sql`WITH s AS MATERIALIZED (
      SELECT r.contact_id, r.survey_id, max(r.submitted_at || r.id || ' ' || a.question_id) AS latest, ${value} AS value,
        r.account_id, r.role, r.journey_stage, r.country, r.segment
      FROM responses r JOIN answers a ON a.response_id = r.id AND a.type = ${type}
      WHERE r.status = 'complete' AND r.submitted_at >= ${period.start} AND r.submitted_at < ${period.end} AND ${valid}
      GROUP BY r.contact_id, r.survey_id
    ), across AS (SELECT contact_id, max(latest) AS latest FROM s GROUP BY contact_id)
    INSERT OR REPLACE INTO score_latest
      (period, type, contact_id, survey_id, value, account_id, role, stage, country, segment, is_latest, survey_span, contact_span)
    SELECT ${period.key}, ${type}, s.contact_id, s.survey_id, s.value, s.account_id, s.role, s.journey_stage, s.country, s.segment,
      s.latest = across.latest, ${span(following, row, true)}, ${span(following, row, false)}
    FROM s JOIN across ON across.contact_id = s.contact_id`;
}

/**
 * How many of the `following` quarters (0–3) pass before the contact answers this type again — in the same survey
 * (`perSurvey`) or in any; 3 when not within them (quarters not yet begun respan this one when they are staged). A
 * trailing 12 months ending k quarters after this one counts the row while span ≥ k: its latest answer lies in the
 * newest of its quarters where the contact answered (§7 "latest").
 */
function span(following: readonly string[], row: { type: SQL; contact: SQL; survey: SQL }, perSurvey: boolean): SQL {
  if (following.length === 0) return sql`3`;
  const sameSurvey = perSurvey ? sql` AND n.survey_id = ${row.survey}` : sql``;
  const cases = following.map(
    (quarter, i) =>
      sql`WHEN EXISTS (SELECT 1 FROM score_latest n WHERE n.period = ${quarter} AND n.type = ${row.type} AND n.contact_id = ${row.contact}${sameSurvey}) THEN ${i}`,
  );
  return sql`CASE ${sql.join(cases, sql` `)} ELSE 3 END`;
}

/** A staged quarter's spans, recomputed when one of the quarters after it was staged anew. */
export function updateSpans(period: string, following: readonly string[]): SQL {
  const row = { type: sql.raw("l.type"), contact: sql.raw("l.contact_id"), survey: sql.raw("l.survey_id") };
  return sql`UPDATE score_latest AS l SET survey_span = ${span(following, row, true)}, contact_span = ${span(following, row, false)}
    WHERE l.period = ${period}`;
}

/**
 * The staged rows a period counts, from a table keyed by quarter with a span column: a quarter's own; a trailing 12
 * months' come from its four quarters, each row while it stays the latest to the period's end (span ≥ the quarters
 * between). `quarters`: which of the period's quarters to read (default all).
 */
function spannedRows(period: Period, spanColumn: string, quarters: readonly string[] = period.quarters): SQL {
  if (period.kind === "quarter") return sql`period = ${period.key}`;
  const all = period.quarters;
  const distance = sql.join(all.map((quarter, i) => sql`WHEN ${quarter} THEN ${all.length - 1 - i}`), sql` `);
  return sql`period IN (${inList(quarters)}) AND ${sql.raw(spanColumn)} >= CASE period ${distance} END`;
}

/** Who completed any response in a quarter, with the role of the response snapshot. */
export function stageQuarterHeard(period: Period): SQL {
  return sql`INSERT OR IGNORE INTO score_heard (period, account_id, contact_id, role)
    SELECT DISTINCT ${period.key}, account_id, contact_id, role FROM responses
    WHERE status = 'complete' AND submitted_at >= ${period.start} AND submitted_at < ${period.end}`;
}

// ─── per account ─────────────────────────────────────────────────────────────

/**
 * One row per account that was a customer by the end of the period (churned ones too, so the account cut shows
 * them), or heard from in it, with its revenue from the history row valid at the end of the period; in scope when
 * active at some time during the period and that revenue > 0.
 */
export function insertAccounts(runId: string, period: Period, heardQuarters: readonly string[]): SQL {
  return sql`INSERT OR REPLACE INTO score_accounts (run_id, period, account_id, revenue, in_scope)
    SELECT ${runId}, ${period.key}, id, revenue, active AND revenue > 0 FROM (
      SELECT a.id,
        coalesce((SELECT ar.amount FROM account_revenue ar WHERE ar.account_id = a.id AND ar.valid_from < ${period.end}
                  ORDER BY ar.valid_from DESC LIMIT 1), 0) AS revenue,
        (a.customer_since IS NULL OR a.customer_since < ${period.end}) AND (a.churned_at IS NULL OR a.churned_at >= ${period.start}) AS active,
        (a.customer_since IS NULL OR a.customer_since < ${period.end}) AS existed
      FROM accounts a
    ) WHERE existed OR id IN (SELECT account_id FROM score_heard WHERE period IN (${inList(heardQuarters)}))`;
}

/** Sums per type over staged answers (one row per contact and type). `value` is an integer answer except for vendor_rank (a share). */
const TYPE_SUMS = sql`sum(type = 'nps') AS nps_n, sum(type = 'nps' AND value >= 9) AS nps_p, sum(type = 'nps' AND value <= 6) AS nps_d,
    sum(CASE WHEN type = 'nps' THEN value END) AS nps_sum,
    sum(type = 'osat') AS osat_n, sum(CASE WHEN type = 'osat' THEN value END) AS osat_sum, sum(type = 'osat' AND value >= 4) AS osat_top,
    sum(type = 'ces') AS ces_n, sum(CASE WHEN type = 'ces' THEN value END) AS ces_sum, sum(type = 'ces' AND value >= 5) AS ces_top,
    sum(type = 'vendor_rank') AS sow_n, sum(CASE WHEN type = 'vendor_rank' THEN value END) AS sow_sum`;

const CUBE_SUMS = ["nps_n", "nps_p", "nps_d", "nps_sum", "osat_n", "osat_sum", "osat_top", "ces_n", "ces_sum", "ces_top", "sow_n", "sow_sum"];
/** The same sums over cube rows. */
const SUMS_OF_CUBE = sql.raw(CUBE_SUMS.map((c) => `sum(${c}) AS ${c}`).join(", "));

/** The cube holds one period at a time: emptied before each quarter's build. */
export const clearCube = (): SQL => sql`DELETE FROM score_cube`;

/**
 * Contacts' latest answers (across surveys) summed per account and snapshot (role, stage, country, segment): one
 * scan of the staged answers, after which the latest-answer cuts and the account sums read a few rows per account.
 * A quarter's cube is its own latest answers. Its trailing 12 months add those of the 3 quarters before it that are
 * still latest at its end (a contact's latest lies in one quarter, so the two builds never count a contact twice;
 * the cube has no unique key and its readers re-aggregate).
 */
export function buildCube(period: Period): SQL {
  const quarters = period.kind === "quarter" ? period.quarters : period.quarters.slice(0, -1);
  return sql`INSERT INTO score_cube (period, account_id, role, stage, country, segment, ${sql.raw(CUBE_SUMS.join(", "))})
    SELECT ${period.key}, account_id, role, stage, country, segment, ${TYPE_SUMS}
    FROM score_latest WHERE ${spannedRows(period, "contact_span", quarters)} AND is_latest = 1
    GROUP BY account_id, role, stage, country, segment`;
}

/**
 * A quarter's answers per survey and account, summed by survey_span (migration 0092): the survey cut of the quarter
 * and of the trailing 12 months that include it read these instead of the staged answers.
 */
export function stageSurveyCube(period: string): SQL[] {
  return [
    sql`DELETE FROM score_survey_cube WHERE period = ${period}`,
    sql`INSERT INTO score_survey_cube (period, survey_id, account_id, span, ${sql.raw(CUBE_SUMS.join(", "))})
      SELECT ${period}, survey_id, account_id, survey_span, ${TYPE_SUMS}
      FROM score_latest WHERE period = ${period}
      GROUP BY survey_id, account_id, survey_span`,
  ];
}

/** §7.1/7.3/7.6/7.7 per account: NPS counts, role-weighted sums (weights in hundredths), role-mean gap, OSAT, CES, SoW. */
export function updateAccountAnswers(runId: string, period: Period): SQL {
  return sql`UPDATE score_accounts SET
      nps_n = s.nps_n, nps_promoters = s.nps_p, nps_detractors = s.nps_d,
      weight_sum = s.weight_sum, weighted_answer_sum = s.weighted_answer_sum, role_mean_gap = s.role_mean_gap,
      osat_n = s.osat_n, osat_sum = s.osat_sum, osat_top = s.osat_top,
      ces_n = s.ces_n, ces_sum = s.ces_sum, ces_top = s.ces_top,
      sow_n = s.sow_n, sow_sum = coalesce(s.sow_sum, 0)
    FROM (
      SELECT x.account_id,
        sum(x.nps_n) AS nps_n, sum(x.nps_p) AS nps_p, sum(x.nps_d) AS nps_d,
        sum(coalesce(ro.weight, 100) * x.nps_n) AS weight_sum,
        CAST(sum(coalesce(ro.weight, 100) * coalesce(x.nps_sum, 0)) AS INTEGER) AS weighted_answer_sum,
        max(1.0 * x.nps_sum / x.nps_n) - min(1.0 * x.nps_sum / x.nps_n) AS role_mean_gap,
        sum(x.osat_n) AS osat_n, CAST(coalesce(sum(x.osat_sum), 0) AS INTEGER) AS osat_sum, sum(x.osat_top) AS osat_top,
        sum(x.ces_n) AS ces_n, CAST(coalesce(sum(x.ces_sum), 0) AS INTEGER) AS ces_sum, sum(x.ces_top) AS ces_top,
        sum(x.sow_n) AS sow_n, sum(x.sow_sum) AS sow_sum
      FROM (
        SELECT account_id, role, ${SUMS_OF_CUBE} FROM score_cube GROUP BY account_id, role
      ) x LEFT JOIN roles ro ON ro.key = x.role
      GROUP BY x.account_id
    ) s
    WHERE score_accounts.run_id = ${runId} AND score_accounts.period = ${period.key} AND score_accounts.account_id = s.account_id`;
}

/**
 * §7.4 per account: heard from (any complete response) and a decision maker heard from in the period; committee
 * roles heard from and distinct contacts over the trailing 12 months to the end of the period. `alongside`: the
 * trailing 12 months of a quarter, filled by the same statement (its 12 months are the quarter's, all heard in it).
 */
export function updateAccountHeard(runId: string, period: Period, t12Quarters: readonly string[], alongside: string | null = null): SQL {
  const periods = alongside ? sql`${period.key}, ${alongside}` : sql`${period.key}`;
  const decisionMaker = sql`coalesce(ro.decision_maker, 0) = 1`;
  return sql`UPDATE score_accounts SET
      heard = CASE WHEN score_accounts.period = ${period.key} THEN s.heard ELSE 1 END,
      decision_maker_heard = CASE WHEN score_accounts.period = ${period.key} THEN s.decision_maker_heard ELSE s.decision_maker_heard_year END,
      committee_roles_heard = s.committee_roles_heard, contacts_heard_t12 = s.contacts
    FROM (
      SELECT h.account_id,
        max(h.period IN (${inList(period.quarters)})) AS heard,
        max(h.period IN (${inList(period.quarters)}) AND ${decisionMaker}) AS decision_maker_heard,
        max(${decisionMaker}) AS decision_maker_heard_year,
        count(DISTINCT CASE WHEN ro.committee = 1 THEN h.role END) AS committee_roles_heard,
        count(DISTINCT h.contact_id) AS contacts
      FROM score_heard h LEFT JOIN roles ro ON ro.key = h.role
      WHERE h.period IN (${inList(t12Quarters)})
      GROUP BY h.account_id
    ) s
    WHERE score_accounts.run_id = ${runId} AND score_accounts.period IN (${periods}) AND score_accounts.account_id = s.account_id`;
}

/**
 * The invitations admitted in a period (not failed: failed is never "admitted"), with whether each was completed;
 * `join`: more tables joined to each.
 */
function invitedCohort(period: Period, join: SQL = sql``): SQL {
  return sql`FROM ${admittedIndex}
    LEFT JOIN responses r ON r.invitation_id = i.id AND r.status = 'complete' ${join}
    WHERE i.admitted_at >= ${period.start} AND i.admitted_at < ${period.end} AND i.status <> 'failed'`;
}

// Without the hint SQLite may skip-scan invitations_account_admitted to save the GROUP BY sort, which reads the
// whole table in random order (2–4 s at the benchmark scale instead of 0.2 s).
const admittedIndex = sql.raw("invitations i INDEXED BY invitations_admitted");

const completedFlag = sql`(r.id IS NOT NULL OR i.status = 'completed')`;

/**
 * §7.5 cohort and §7.9 silence per account for a quarter, from its cohort staging: invited, completed, silent (all
 * ended, none completed).
 */
export function updateAccountInvitations(runId: string, period: Period): SQL {
  return sql`UPDATE score_accounts SET invited = s.invited, completed = s.completed,
      silent = (s.invited > 0 AND s.still_open = 0 AND s.completed = 0)
    FROM (
      SELECT account_id, sum(invited) AS invited, sum(completed) AS completed, sum(still_open) AS still_open
      FROM score_cohort WHERE period = ${period.key}
      GROUP BY account_id
    ) s
    WHERE score_accounts.run_id = ${runId} AND score_accounts.period = ${period.key} AND score_accounts.account_id = s.account_id`;
}

/** The rows of `periods` as this run will publish them: `periodRuns` is the run's JSON { period: run id }. */
const publishedIn = (periodRuns: string, periods: readonly string[]) =>
  sql`(run_id, period) IN (SELECT value, key FROM json_each(${periodRuns}) WHERE key IN (${inList(periods)}))`;

/** A trailing-12-months cohort is the sum of its quarters' cohorts (each invitation is admitted once). */
export function updateAccountInvitationsT12(runId: string, period: Period, periodRuns: string): SQL {
  return sql`UPDATE score_accounts SET invited = s.invited, completed = s.completed
    FROM (
      SELECT account_id, sum(invited) AS invited, sum(completed) AS completed FROM score_accounts
      WHERE ${publishedIn(periodRuns, period.quarters)} GROUP BY account_id
    ) s
    WHERE score_accounts.run_id = ${runId} AND score_accounts.period = ${period.key} AND score_accounts.account_id = s.account_id`;
}

/** Where the previous quarter's rows are (its key and the run holding them; none before the oldest quarter). */
export interface StreakSource {
  previous: string;
  previousRun: string | null;
}

/** §7.9 consecutive silent quarters: the previous quarter's count + 1 when silent, over the whole history. */
const streakExpression = (source: StreakSource) =>
  sql`CASE WHEN silent = 1 THEN 1 + coalesce((SELECT prev.silent_streak FROM score_accounts prev
      WHERE prev.run_id = ${source.previousRun ?? ""} AND prev.period = ${source.previous} AND prev.account_id = score_accounts.account_id), 0)
      ELSE 0 END`;

/**
 * §7.3 category, compared in integers (Σ w·x ≥ 9·Σ w promoter, ≥ 7·Σ w passive); without an NPS answer silent when
 * invited, else unsurveyed. §7.9 consecutive silent quarters continue the previous quarter's count.
 */
export function finishAccounts(runId: string, period: Period, source: StreakSource | null): SQL {
  const streak = period.kind === "quarter" && source ? streakExpression(source) : sql`NULL`;
  return sql`UPDATE score_accounts SET
      category = CASE
        WHEN nps_n > 0 AND weighted_answer_sum >= 9 * weight_sum THEN 'promoter'
        WHEN nps_n > 0 AND weighted_answer_sum >= 7 * weight_sum THEN 'passive'
        WHEN nps_n > 0 THEN 'detractor'
        WHEN invited > 0 THEN 'silent'
        ELSE 'unsurveyed' END,
      silent = ${period.kind === "quarter" ? sql`coalesce(silent, 0)` : sql`NULL`},
      silent_streak = ${streak}
    WHERE run_id = ${runId} AND period = ${period.key}`;
}

// ─── per cut ─────────────────────────────────────────────────────────────────

/**
 * The cuts of a period's answers, a statement each except the markets: country and segment are nearly always the
 * account's own, so both read one per-account pass over the cube.
 */
export const CUT_STATEMENTS = [["all"], ["role"], ["stage"], ["country", "segment"], ["survey"]] as const satisfies readonly (readonly ScoreCut[])[];
export type CutStatement = (typeof CUT_STATEMENTS)[number];

/**
 * What a cut groups, per cut, group and account: the cube's rows for the latest-answer cuts; the survey cube for the
 * survey cut, which counts each contact's latest answer within each survey; the accounts' own sums overall.
 */
function cutSource(runId: string, period: Period, cuts: CutStatement): SQL {
  const [cut] = cuts;
  if (cut === "survey") {
    return sql`SELECT 'survey' AS cut, survey_id AS g, account_id, ${SUMS_OF_CUBE}
      FROM score_survey_cube WHERE ${spannedRows(period, "span")} GROUP BY g, account_id`;
  }
  if (cut === "all") {
    return sql`SELECT 'all' AS cut, '' AS g, account_id, nps_n, nps_promoters AS nps_p, nps_detractors AS nps_d, osat_n, osat_sum, osat_top,
        ces_n, ces_sum, ces_top, sow_n, sow_sum
      FROM score_accounts WHERE run_id = ${runId} AND period = ${period.key} AND nps_n IS NOT NULL`;
  }
  if (cut === "country") {
    return sql`WITH markets AS MATERIALIZED (
        SELECT account_id, country, segment, ${SUMS_OF_CUBE} FROM score_cube GROUP BY account_id, country, segment)
      SELECT 'country' AS cut, coalesce(country, '') AS g, account_id, ${SUMS_OF_CUBE} FROM markets GROUP BY g, account_id
      UNION ALL SELECT 'segment', coalesce(segment, ''), account_id, ${SUMS_OF_CUBE} FROM markets GROUP BY 2, account_id`;
  }
  return sql`SELECT ${cut} AS cut, ${sql.raw(cut)} AS g, account_id, ${SUMS_OF_CUBE} FROM score_cube GROUP BY g, account_id`;
}

/**
 * §7.1/7.2/7.6/7.7 per group of a cut: answer counts and sums, and the revenue-weighted sums over accounts in scope
 * (NPS_a and SoW_a per account within the group, weighted by the account's revenue in the period).
 */
export function upsertCutAnswers(runId: string, period: Period, cuts: CutStatement): SQL {
  const rev = sql`(1.0 * sa.revenue)`;
  const npsA = sql`(100.0 * (x.nps_p - x.nps_d) / x.nps_n)`;
  const withNps = sql`x.nps_n > 0 AND sa.in_scope = 1`;
  const withSow = sql`x.sow_n > 0 AND sa.in_scope = 1`;
  return sql`INSERT INTO score_groups (run_id, period, cut, group_key, nps_n, nps_promoters, nps_detractors,
      osat_n, osat_sum, osat_top, ces_n, ces_sum, ces_top, sow_n, sow_sum,
      rw_m, rw_revenue, rw_revenue_sq, rw_weighted, rw_weighted_by_sq, rw_weighted_by_sq_sq, sow_rw_m, sow_rw_revenue, sow_rw_weighted)
    SELECT ${runId}, ${period.key}, x.cut, x.g,
      sum(x.nps_n), sum(x.nps_p), sum(x.nps_d),
      sum(x.osat_n), CAST(coalesce(sum(x.osat_sum), 0) AS INTEGER), sum(x.osat_top),
      sum(x.ces_n), CAST(coalesce(sum(x.ces_sum), 0) AS INTEGER), sum(x.ces_top),
      sum(x.sow_n), coalesce(sum(x.sow_sum), 0),
      coalesce(sum(${withNps}), 0),
      coalesce(sum(CASE WHEN ${withNps} THEN ${rev} END), 0),
      coalesce(sum(CASE WHEN ${withNps} THEN ${rev} * ${rev} END), 0),
      coalesce(sum(CASE WHEN ${withNps} THEN ${rev} * ${npsA} END), 0),
      coalesce(sum(CASE WHEN ${withNps} THEN ${rev} * ${rev} * ${npsA} END), 0),
      coalesce(sum(CASE WHEN ${withNps} THEN ${rev} * ${rev} * ${npsA} * ${npsA} END), 0),
      coalesce(sum(${withSow}), 0),
      coalesce(sum(CASE WHEN ${withSow} THEN ${rev} END), 0),
      coalesce(sum(CASE WHEN ${withSow} THEN ${rev} * x.sow_sum / x.sow_n END), 0)
    FROM (${cutSource(runId, period, cuts)}) x
    LEFT JOIN score_accounts sa ON sa.run_id = ${runId} AND sa.period = ${period.key} AND sa.account_id = x.account_id
    GROUP BY x.cut, x.g
    ON CONFLICT (run_id, period, cut, group_key) DO UPDATE SET ${setExcluded}`;
}

/** Columns of a cut's answers: a repeated step sets them again (its response rates are upserted beside them). */
const ANSWER_COLUMNS = [
  "nps_n", "nps_promoters", "nps_detractors", "osat_n", "osat_sum", "osat_top", "ces_n", "ces_sum", "ces_top", "sow_n", "sow_sum",
  "rw_m", "rw_revenue", "rw_revenue_sq", "rw_weighted", "rw_weighted_by_sq", "rw_weighted_by_sq_sq", "sow_rw_m", "sow_rw_revenue", "sow_rw_weighted",
];
const setExcluded = sql.raw(ANSWER_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", "));

/** Cuts with a response rate (§7.5): invitations know their survey and stage; the role is the contact's current role. */
export const RESPONSE_RATE_CUTS = ["all", "role", "stage", "survey"] as const satisfies readonly ScoreCut[];

const ON_CONFLICT_RATE = sql`ON CONFLICT (run_id, period, cut, group_key) DO UPDATE SET invited = excluded.invited, completed = excluded.completed`;

/**
 * §7.5 response rate of a quarter's cohort (invited, and completed whenever completed) overall, by stage and by
 * survey, from one count per (stage, survey).
 */
export function upsertResponseRates(runId: string, period: Period): SQL {
  return sql`WITH x AS MATERIALIZED (
      SELECT i.journey_stage AS stage, i.survey_id AS survey, count(*) AS invited, sum(${completedFlag}) AS completed
      ${invitedCohort(period)} GROUP BY stage, survey)
    INSERT INTO score_groups (run_id, period, cut, group_key, invited, completed)
    SELECT ${runId}, ${period.key}, cut, g, invited, completed FROM (
      SELECT 'all' AS cut, '' AS g, sum(invited) AS invited, sum(completed) AS completed FROM x
      UNION ALL SELECT 'stage', coalesce(stage, ''), sum(invited), sum(completed) FROM x GROUP BY 2
      UNION ALL SELECT 'survey', coalesce(survey, ''), sum(invited), sum(completed) FROM x GROUP BY 2
    ) WHERE invited > 0
    ${ON_CONFLICT_RATE}`;
}

/**
 * §7.5 response rate of a quarter's cohort by the contact's current role, from the cohort staging (counted per
 * contact, so each contact is looked up once).
 */
export function upsertRoleResponseRates(runId: string, period: Period): SQL {
  return sql`INSERT INTO score_groups (run_id, period, cut, group_key, invited, completed)
    SELECT ${runId}, ${period.key}, 'role', coalesce(c.role, '') AS g, sum(x.invited), sum(x.completed)
    FROM score_cohort x LEFT JOIN contacts c ON c.id = x.contact_id
    WHERE x.period = ${period.key}
    GROUP BY g
    ${ON_CONFLICT_RATE}`;
}

/** A trailing-12-months response rate sums its quarters' cohorts, for every response-rate cut at once. */
export function upsertCutInvitationsT12(runId: string, period: Period, periodRuns: string): SQL {
  return sql`INSERT INTO score_groups (run_id, period, cut, group_key, invited, completed)
    SELECT ${runId}, ${period.key}, cut, group_key, sum(invited), sum(completed) FROM score_groups
    WHERE ${publishedIn(periodRuns, period.quarters)} AND cut IN (${inList(RESPONSE_RATE_CUTS)})
    GROUP BY cut, group_key
    ${ON_CONFLICT_RATE}`;
}

// ─── per period ──────────────────────────────────────────────────────────────

/**
 * §7.4 revenue coverage: the four amounts safe / passive / at risk / unaccounted (silent + unsurveyed) partition the
 * in-scope total exactly; heard-from and decision-maker revenue beside it; §7.9 silent accounts and revenue.
 */
export function upsertCoverage(runId: string, period: Period): SQL {
  const revenueWhere = (condition: SQL) => sql`coalesce(sum(CASE WHEN ${condition} THEN revenue END), 0)`;
  const quarterOnly = (value: SQL) => (period.kind === "quarter" ? value : sql`NULL`);
  return sql`INSERT OR REPLACE INTO score_coverage (run_id, period, accounts_in_scope, total_revenue, covered_revenue,
      safe_revenue, passive_revenue, at_risk_revenue, silent_revenue, unsurveyed_revenue, heard_revenue, decision_maker_revenue,
      single_threaded_accounts, silent_quarter_accounts, silent_quarter_revenue, committee_roles)
    SELECT ${runId}, ${period.key}, count(*), coalesce(sum(revenue), 0), ${revenueWhere(sql`nps_n > 0`)},
      ${revenueWhere(sql`category = 'promoter'`)}, ${revenueWhere(sql`category = 'passive'`)}, ${revenueWhere(sql`category = 'detractor'`)},
      ${revenueWhere(sql`category = 'silent'`)}, ${revenueWhere(sql`category = 'unsurveyed'`)},
      ${revenueWhere(sql`heard = 1`)}, ${revenueWhere(sql`decision_maker_heard = 1`)},
      coalesce(sum(contacts_heard_t12 = 1), 0),
      ${quarterOnly(sql`coalesce(sum(silent = 1), 0)`)}, ${quarterOnly(revenueWhere(sql`silent = 1`))},
      (SELECT count(*) FROM roles WHERE committee = 1)
    FROM score_accounts WHERE run_id = ${runId} AND period = ${period.key} AND in_scope = 1`;
}

/**
 * §7.5 a quarter's cohort staging: one row per contact and account invited in the quarter (not failed) with its
 * invitations, completions and invitations still open, flagged when invited to a survey version with an NPS question,
 * with the latest NPS answer (by submit, then response id, then question id) to those invitations — the bare value
 * beside the single max() (see stageQuarterLatest). Counts are of distinct invitations: a response may hold two NPS
 * answers. Trailing 12 months combine four quarters' rows.
 */
export function stageCohort(period: Period): { clear: SQL[]; build: SQL[] } {
  return {
    clear: clearCohort(period.key),
    build: [
      sql`INSERT OR REPLACE INTO score_cohort (period, contact_id, account_id, invited, completed, still_open, invited_nps, latest, value)
        SELECT ${period.key}, i.contact_id, i.account_id, count(DISTINCT i.id), count(DISTINCT CASE WHEN ${completedFlag} THEN i.id END),
          count(DISTINCT CASE WHEN i.status NOT IN ${ENDED} THEN i.id END),
          total(i.survey_version_id IN (SELECT sv.id FROM survey_versions sv
            WHERE EXISTS (SELECT 1 FROM json_each(sv.questions) q WHERE json_extract(q.value, '$.type') = 'nps'))) > 0,
          max(r.submitted_at || r.id || ' ' || a.question_id), a.num_value
        ${invitedCohort(period, sql`LEFT JOIN answers a ON a.response_id = r.id AND a.type = 'nps' AND a.num_value BETWEEN 0 AND 10`)}
        GROUP BY i.contact_id, i.account_id`,
      markStaged(cohortMarker(period.key)),
    ],
  };
}

/**
 * §7.5 true promoter share of a period from its quarters' cohort staging: contacts whose latest NPS answer to an
 * invitation of the period is 9–10, over distinct contacts invited to a survey version with an NPS question (not
 * over respondents). An invitation lies in one quarter, so the latest across quarters is the greatest `latest`; one
 * pass per contact, with the value beside the single max() (a contact never answered has no latest and no value).
 */
export function updateTruePromoters(runId: string, period: Period): SQL {
  return sql`UPDATE score_coverage SET (nps_invited_contacts, true_promoters) = (
      SELECT coalesce(sum(invited_nps), 0), coalesce(sum(value >= 9), 0) FROM (
        SELECT contact_id, total(invited_nps) > 0 AS invited_nps, value, max(latest)
        FROM score_cohort WHERE period IN (${inList(period.quarters)}) GROUP BY contact_id))
    WHERE run_id = ${runId} AND period = ${period.key}`;
}

// ─── run bookkeeping ─────────────────────────────────────────────────────────

const ACCOUNT_COLUMNS = sql.raw(
  "period, account_id, revenue, in_scope, nps_n, nps_promoters, nps_detractors, weight_sum, weighted_answer_sum, role_mean_gap, " +
    "osat_n, osat_sum, osat_top, ces_n, ces_sum, ces_top, sow_n, sow_sum, heard, decision_maker_heard, committee_roles_heard, " +
    "contacts_heard_t12, invited, completed, silent, silent_streak, category",
);
const GROUP_COLUMNS = sql.raw(`period, cut, group_key, ${ANSWER_COLUMNS.join(", ")}, invited, completed`);
const COVERAGE_COLUMNS = sql.raw(
  "period, accounts_in_scope, total_revenue, covered_revenue, safe_revenue, passive_revenue, at_risk_revenue, silent_revenue, " +
    "unsurveyed_revenue, heard_revenue, decision_maker_revenue, single_threaded_accounts, silent_quarter_accounts, silent_quarter_revenue, " +
    "committee_roles, nps_invited_contacts, true_promoters",
);

/** A quarter's rows copied from the run holding them, so this run can update their silence streak. */
export const carryResults = (fromRun: string, toRun: string, period: string): SQL[] => [
  sql`INSERT OR REPLACE INTO score_accounts (run_id, ${ACCOUNT_COLUMNS}) SELECT ${toRun}, ${ACCOUNT_COLUMNS} FROM score_accounts WHERE run_id = ${fromRun} AND period = ${period}`,
  sql`INSERT OR REPLACE INTO score_groups (run_id, ${GROUP_COLUMNS}) SELECT ${toRun}, ${GROUP_COLUMNS} FROM score_groups WHERE run_id = ${fromRun} AND period = ${period}`,
  sql`INSERT OR REPLACE INTO score_coverage (run_id, ${COVERAGE_COLUMNS}) SELECT ${toRun}, ${COVERAGE_COLUMNS} FROM score_coverage WHERE run_id = ${fromRun} AND period = ${period}`,
];

/** §7.9 streaks of a carried quarter, recounted from the previous quarter's. */
export function updateSilenceStreak(runId: string, period: string, source: StreakSource): SQL {
  return sql`UPDATE score_accounts SET silent_streak = ${streakExpression(source)} WHERE run_id = ${runId} AND period = ${period}`;
}

/** Rows readers may still need: this run's and those of the current run's period_runs (JSON), chunk by chunk. */
const stale = (runId: string, keep: string) =>
  sql`run_id <> ${runId} AND (run_id, period) NOT IN (SELECT value, key FROM json_each(${keep}))`;

/** Results no reader needs any more, a bounded chunk per statement (repeat until 0 changes). */
export function pruneAccountsChunk(runId: string, keep: string, limit = 20000): SQL {
  return sql`DELETE FROM score_accounts WHERE rowid IN (SELECT rowid FROM score_accounts WHERE ${stale(runId, keep)} LIMIT ${limit})`;
}

export function pruneSmallResults(runId: string, keep: string): SQL[] {
  return [
    sql`DELETE FROM score_groups WHERE ${stale(runId, keep)}`,
    sql`DELETE FROM score_coverage WHERE ${stale(runId, keep)}`,
    sql`DELETE FROM score_runs WHERE status IN ('complete', 'failed') AND id <> ${runId}
      AND id NOT IN (SELECT DISTINCT value FROM json_each(${keep}))
      AND id NOT IN (SELECT id FROM score_runs WHERE status IN ('complete', 'failed') ORDER BY coalesce(finished_at, updated_at) DESC LIMIT 50)`,
  ];
}

/** The recorded changes a run took in (up to its watermark), a bounded chunk per statement (repeat until 0 changes). */
export function forgetDirtyChunk(through: number, limit = 20000): SQL {
  return sql`DELETE FROM score_dirty WHERE seq IN (SELECT seq FROM score_dirty WHERE seq <= ${through} ORDER BY seq LIMIT ${limit})`;
}
