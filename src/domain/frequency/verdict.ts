import { sql, type SQL } from "drizzle-orm";

/** Why a contact can never be invited, whatever the rules say (SPEC §4). */
export type OptOutReason = "opted-out" | "bounced" | "erased";
export type Verdict = "queued" | "deferred" | "suppressed";

export interface BlockingRule {
  id: string;
  /** When this rule stops blocking (null for opt-outs, which never end by themselves). */
  until: string | null;
}

const ISO = `'%Y-%m-%dT%H:%M:%fZ'`;
/** `t` shifted by `days` (an SQL expression), exact to the millisecond: SQLite's day modifiers work in integer ms. */
const shift = (t: string, sign: "+" | "-", days: string) => `strftime(${ISO}, ${t}, '${sign}' || ${days} || ' days')`;

/** Whether a contact's role is among a survey's target roles (an empty list targets every role). */
export function isTargeted(role: SQL, targetRoles: SQL): SQL {
  return sql`(json_array_length(${targetRoles}) = 0 OR ${role} IN (SELECT value FROM json_each(${targetRoles})))`;
}

/** The reason a contact outside the survey's target roles is not invited (events, program, sends, plans, eligibility). */
export const NOT_TARGETED = "not-targeted";
/** A deferral that would outlast DEFER_LIMIT_DAYS becomes a suppression with this reason. */
export const DEFER_LIMIT = "defer-limit";

/** The opt-out reason of a contact: its status first, then the suppression list (HMAC of the address). */
export function optOutReason(contactStatus: SQL, suppressionReason: SQL): SQL {
  return sql`CASE ${contactStatus} WHEN 'unsubscribed' THEN 'opted-out' WHEN 'bounced' THEN 'bounced' WHEN 'erased' THEN 'erased'
    ELSE CASE ${suppressionReason} WHEN 'unsubscribed' THEN 'opted-out' WHEN 'bounced' THEN 'bounced' WHEN 'erased' THEN 'erased' END END`;
}

/**
 * Past events a rule counts, besides the scope (same contact / same account) and the window:
 * the rule's match on the event, and `per` narrowing to the candidate's survey or stage.
 */
const EVENT_FITS_RULE = `
  AND (r.match_kind IS NULL OR i.kind = r.match_kind)
  AND (r.match_survey_id IS NULL OR i.survey_id = r.match_survey_id)
  AND (r.match_journey_stage IS NULL OR i.journey_stage = r.match_journey_stage)
  AND (r.per IS NULL OR (r.per = 'survey' AND i.survey_id = r.survey_id) OR (r.per = 'stage' AND i.journey_stage = r.stage))
  AND (r.match_role IS NULL OR r.scope = 'contact' OR EXISTS (SELECT 1 FROM contacts x WHERE x.id = i.contact_id AND x.role = r.match_role))`;

const ADMITTED = `i.status <> 'failed'`;

/** How many earlier candidates of the same account a rule has seen admitted, from the walk's JSON state. */
const priorOf = (state: string, rule: string) => `coalesce(json_extract(${state}, '$."' || ${rule} || '"'), 0)`;

/** Whether candidate `s` is admitted given the account state `state`: free of contact rules, and under every account cap. */
const admits = (s: string, state: string) => `(${s}.free AND NOT EXISTS (SELECT 1 FROM account_use a
  WHERE a.cand_key = ${s}.cand_key AND a.used + ${priorOf(state, "a.rule_id")} >= a.max))`;

/** The account state after candidate `w`: if it was admitted, one more event for each account rule it matched that counts sends. */
const after = (w: string) => `CASE WHEN ${w}.admitted THEN (SELECT json_patch(${w}.prior, json_group_object(a.rule_id, ${priorOf(`${w}.prior`, "a.rule_id")} + 1))
  FROM account_use a WHERE a.cand_key = ${w}.cand_key AND a.counts = 'sent') ELSE ${w}.prior END`;

/**
 * The frequency rules evaluated in SQL for a set of candidates (the CTE `cand`), ending in the CTE `decision`
 * with one row per candidate: status (queued | deferred | suppressed), blocking_rule, until, rules (JSON list).
 *
 * `cand` must provide: cand_key (processing order), contact_id, account_id, role, survey_id, version_id, kind, stage,
 * now, opted_out (OptOutReason or NULL), defer_limit (a deferral past it is `defer-limit`), override (0/1), exempt (0/1),
 * pending_id (the contact's scheduled/deferred invitation of the same survey, or NULL).
 *
 * Candidates in one set share account caps in cand_key order, exactly as the send's one-by-one guarded inserts do: a
 * recursive walk per account carries how many earlier candidates each account rule has seen ADMITTED (`prior`), so a
 * candidate held back by any rule — contact or account — takes no account slot, whatever the set of rules. For a
 * single candidate prior is 0 and this is exactly the check of the guarded insert. `pending_id` (an invitation of the
 * same survey still scheduled or deferred) takes no slot either: the send answers with that one instead.
 */
/** Candidates of a set, in send order: how many earlier ones each account rule has seen admitted (`p`). */
const SHARED_PRIOR = `-- Accounts where some candidate matches two or more account rules: being held back by one rule keeps a candidate out
-- of the other's count, so only a walk in send order is exact there. Elsewhere each rule is independent and closed-form.
complex AS (SELECT account_id FROM account_use GROUP BY cand_key HAVING count(*) > 1),
seq AS (
  SELECT cand_key, account_id, free, row_number() OVER (PARTITION BY account_id ORDER BY cand_key) AS k
  FROM freedom WHERE account_id IN (SELECT account_id FROM complex)
),
walk(account_id, k, cand_key, prior, admitted) AS (
  SELECT s.account_id, s.k, s.cand_key, '{}', ${admits("s", "'{}'")} FROM seq s WHERE s.k = 1
  UNION ALL
  SELECT s.account_id, s.k, s.cand_key, ${after("w")}, ${admits("s", after("w"))}
  FROM walk w JOIN seq s ON s.account_id = w.account_id AND s.k = w.k + 1
),
-- p: how many earlier candidates of the account this rule has seen admitted. With one account rule per candidate, the
-- earlier free candidates are admitted until the cap is full: p = min(free before, max - used).
account_prior AS (
  SELECT a.*, ${priorOf("w.prior", "a.rule_id")} AS p FROM account_use a JOIN walk w ON w.cand_key = a.cand_key
  UNION ALL
  SELECT a.*, CASE WHEN a.counts = 'sent' THEN min(max(a.max - a.used, 0), coalesce(sum(f.free) OVER (PARTITION BY a.account_id, a.rule_id ORDER BY a.cand_key
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) ELSE 0 END
  FROM account_use a JOIN freedom f ON f.cand_key = a.cand_key WHERE a.account_id NOT IN (SELECT account_id FROM complex)
),`;
/** At most one enabled account rule: no candidate can match two, so the closed form alone is exact (a shorter statement). */
const CLOSED_PRIOR = `account_prior AS (
  SELECT a.*, CASE WHEN a.counts = 'sent' THEN min(max(a.max - a.used, 0), coalesce(sum(f.free) OVER (PARTITION BY a.account_id, a.rule_id ORDER BY a.cand_key
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) ELSE 0 END AS p
  FROM account_use a JOIN freedom f ON f.cand_key = a.cand_key
),`;
/** A single candidate (the guarded insert, a re-check, eligibility): nobody before it, p = 0 — a shorter statement. */
const SINGLE_PRIOR = `account_prior AS (SELECT a.*, 0 AS p FROM account_use a),`;

const rulesCtes = (ACCOUNT_PRIOR: string) => `
rule AS (
  SELECT c.cand_key, c.contact_id, c.account_id, c.survey_id, c.stage, c.now,
         r.id AS rule_id, r.scope, r.counts, r.max, r.window_days, r.action, r.per,
         r.match_kind, r.match_survey_id, r.match_journey_stage, r.match_role,
         ${shift("c.now", "-", "r.window_days")} AS since
  FROM cand c JOIN frequency_rules r ON r.enabled = 1 AND c.exempt = 0 AND c.override = 0
   AND (r.match_kind IS NULL OR r.match_kind = c.kind)
   AND (r.match_survey_id IS NULL OR r.match_survey_id = c.survey_id)
   AND (r.match_journey_stage IS NULL OR r.match_journey_stage = c.stage)
   AND (r.match_role IS NULL OR r.match_role = c.role)
),
ev AS (
  SELECT r.cand_key, r.rule_id, i.admitted_at AS at FROM rule r
    JOIN invitations i ON i.contact_id = r.contact_id AND i.admitted_at > r.since AND i.admitted_at <= r.now
    WHERE r.scope = 'contact' AND r.counts = 'sent' AND ${ADMITTED} ${EVENT_FITS_RULE}
  UNION ALL
  SELECT r.cand_key, r.rule_id, i.admitted_at FROM rule r
    JOIN invitations i ON i.account_id = r.account_id AND i.admitted_at > r.since AND i.admitted_at <= r.now
    WHERE r.scope = 'account' AND r.counts = 'sent' AND ${ADMITTED} ${EVENT_FITS_RULE}
  UNION ALL
  SELECT r.cand_key, r.rule_id, s.submitted_at FROM rule r
    JOIN responses s ON s.contact_id = r.contact_id AND s.submitted_at > r.since AND s.submitted_at <= r.now
    JOIN invitations i ON i.id = s.invitation_id
    WHERE r.scope = 'contact' AND r.counts = 'responded' AND s.status = 'complete' ${EVENT_FITS_RULE}
  UNION ALL
  SELECT r.cand_key, r.rule_id, s.submitted_at FROM rule r
    JOIN responses s ON s.account_id = r.account_id AND s.submitted_at > r.since AND s.submitted_at <= r.now
    JOIN invitations i ON i.id = s.invitation_id
    WHERE r.scope = 'account' AND r.counts = 'responded' AND s.status = 'complete' ${EVENT_FITS_RULE}
),
hit AS (
  SELECT cand_key, rule_id, at, row_number() OVER (PARTITION BY cand_key, rule_id ORDER BY at DESC) AS n FROM ev
),
contact_block AS (
  SELECT r.cand_key, r.rule_id, r.action, ${shift("h.at", "+", "r.window_days")} AS until
  FROM rule r JOIN hit h ON h.cand_key = r.cand_key AND h.rule_id = r.rule_id AND h.n = r.max
  WHERE r.scope = 'contact'
),
freedom AS (
  SELECT c.cand_key, c.account_id,
         (c.opted_out IS NULL AND c.pending_id IS NULL AND NOT EXISTS (SELECT 1 FROM contact_block b WHERE b.cand_key = c.cand_key)) AS free
  FROM cand c
),
account_use AS (
  SELECT r.cand_key, r.account_id, r.rule_id, r.action, r.max, r.window_days, r.now, r.counts, count(h.n) AS used
  FROM rule r LEFT JOIN hit h ON h.cand_key = r.cand_key AND h.rule_id = r.rule_id
  WHERE r.scope = 'account' GROUP BY r.cand_key, r.rule_id
),
${ACCOUNT_PRIOR}account_block AS (
  SELECT a.cand_key, a.rule_id, a.action,
         CASE WHEN a.p >= a.max THEN ${shift("a.now", "+", "a.window_days")} ELSE ${shift("h.at", "+", "a.window_days")} END AS until
  FROM account_prior a LEFT JOIN hit h ON h.cand_key = a.cand_key AND h.rule_id = a.rule_id AND h.n = a.max - a.p
  WHERE a.used + a.p >= a.max
),
blocking AS (SELECT * FROM contact_block UNION ALL SELECT * FROM account_block),
summary AS (
  SELECT cand_key,
         max(until) AS until,
         min(CASE WHEN action = 'skip' THEN rule_id END) AS skip_rule,
         -- the rule that sets the date: ISO times are fixed width (24 chars), so the id follows at position 26
         substr(max(until || ' ' || rule_id), 26) AS latest_rule,
         json_group_array(json_object('id', rule_id, 'until', until)) AS rules
  FROM blocking GROUP BY cand_key
),
decision AS (
  SELECT c.*, s.until, s.rules,
    CASE WHEN c.opted_out IS NOT NULL THEN 'suppressed'
         WHEN s.cand_key IS NULL THEN 'queued'
         WHEN s.skip_rule IS NOT NULL THEN 'suppressed'
         WHEN s.until > c.defer_limit THEN 'suppressed'
         ELSE 'deferred' END AS status,
    CASE WHEN c.opted_out IS NOT NULL THEN c.opted_out
         WHEN s.cand_key IS NULL THEN NULL
         WHEN s.skip_rule IS NOT NULL THEN s.skip_rule
         WHEN s.until > c.defer_limit THEN 'defer-limit'
         ELSE s.latest_rule END AS blocking_rule
  FROM cand c LEFT JOIN summary s ON s.cand_key = c.cand_key
)`;

const SET_CTES = rulesCtes(SHARED_PRIOR);
const CLOSED_CTES = rulesCtes(CLOSED_PRIOR);
const SINGLE_CTES = rulesCtes(SINGLE_PRIOR);

/**
 * `WITH cand AS (<candidates>), … decision AS (…)` — follow it with a statement that reads `decision`. `single`: one
 * candidate; `accountRules`: the number of enabled account rules when known (≤ 1 picks the shorter closed form).
 */
export function withDecision(candidates: SQL, options: { single?: boolean; accountRules?: number } = {}): SQL {
  if (options.single) return sql`WITH cand AS (${candidates}),${sql.raw(SINGLE_CTES)} `;
  if (options.accountRules !== undefined && options.accountRules <= 1) return sql`WITH cand AS (${candidates}),${sql.raw(CLOSED_CTES)} `;
  return sql`WITH RECURSIVE cand AS (${candidates}),${sql.raw(SET_CTES)} `;
}

/** How many account-scope rules are enabled: with at most one, a set of candidates needs no walk (see withDecision). */
export const ENABLED_ACCOUNT_RULES = sql`SELECT count(*) FROM frequency_rules WHERE enabled = 1 AND scope = 'account'`;

/** A deferral may last at most 30 days from when the invitation was first held back (then: `defer-limit`). */
export const DEFER_LIMIT_DAYS = 30;
export const deferLimit = (since: SQL) => sql`strftime(${sql.raw(ISO)}, ${since}, ${`+${DEFER_LIMIT_DAYS} days`})`;
/** Admitted invitations expire (and their links die) 30 days after admission by default. */
export const EXPIRY_DAYS = 30;
export const expiryFrom = (admittedAt: SQL) => sql`strftime(${sql.raw(ISO)}, ${admittedAt}, ${`+${EXPIRY_DAYS} days`})`;
