// The case queue (SPEC §8, §12): priority first, breached cases first among equal priorities, then due date.
import { sql, type SQL } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { CaseEvent } from "../../db/schema";
import { notFound } from "../../lib/errors";

export interface CaseFilter {
  /** mine: assigned to me or on my accounts; team: one team's; all. */
  scope: "mine" | "team" | "all";
  team?: string;
  /** active = open or acknowledged. */
  status: "active" | "open" | "acknowledged" | "closed" | "any";
  breached?: boolean;
  accountId?: string;
}

export interface CaseListItem {
  id: string;
  type: "response" | "silence";
  status: "open" | "acknowledged" | "closed";
  accountId: string;
  accountName: string;
  contactId: string | null;
  contactName: string | null;
  severity: number;
  priority: number;
  team: string | null;
  /** The team's label (case_teams), null when the team is none or gone. */
  teamLabel: string | null;
  assigneeEmail: string | null;
  /** The assignee's name from users, null when the address is no user. */
  assigneeName: string | null;
  trigger: string | null;
  verbatim: string | null;
  dueAt: string;
  openedAt: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  breached: boolean;
}

/** Breached: not acknowledged by its due time (still unacknowledged now, or acknowledged late). */
export const breachedExpr = (now: string) => sql`(coalesce(k.acknowledged_at, ${now}) > k.due_at)`;

/** Names people read instead of keys and addresses (the same row, no extra round trip). */
const peopleAndTeamNames = sql.raw(`(SELECT t.label FROM case_teams t WHERE t.key = k.team) AS teamLabel,
      (SELECT u.name FROM users u WHERE u.email = k.assignee_email) AS assigneeName`);

const ORDER = sql.raw(`k.priority DESC, breached DESC, k.due_at ASC, k.id ASC`);

function whereOf(filter: CaseFilter, me: string | null, now: string): SQL {
  const parts: SQL[] = [sql`1 = 1`];
  if (filter.status === "active") parts.push(sql`k.status IN ('open', 'acknowledged')`);
  else if (filter.status !== "any") parts.push(sql`k.status = ${filter.status}`);
  if (filter.scope === "mine") parts.push(sql`(k.assignee_email = ${me ?? ""} OR a.owner_email = ${me ?? ""})`);
  if (filter.scope === "team" || filter.team) parts.push(sql`k.team = ${filter.team ?? ""}`);
  if (filter.breached !== undefined) parts.push(filter.breached ? breachedExpr(now) : sql`NOT ${breachedExpr(now)}`);
  if (filter.accountId) parts.push(sql`k.account_id = ${filter.accountId}`);
  return sql.join(parts, sql` AND `);
}

/** The statement of one page of the queue (limit + 1 rows: the caller knows whether there is more). */
export function caseListStatement(filter: CaseFilter, me: string | null, now: Date, page: { offset: number; limit: number }): SQL {
  const at = now.toISOString();
  return sql`SELECT k.id, k.type, k.status, k.account_id AS accountId, a.name AS accountName, k.contact_id AS contactId,
      c.name AS contactName, k.severity, k.priority, k.team, k.assignee_email AS assigneeEmail, k.trigger, k.verbatim,
      ${peopleAndTeamNames},
      k.due_at AS dueAt, k.opened_at AS openedAt, k.acknowledged_at AS acknowledgedAt, k.closed_at AS closedAt,
      ${breachedExpr(at)} AS breached
    FROM cases k JOIN accounts a ON a.id = k.account_id LEFT JOIN contacts c ON c.id = k.contact_id
    WHERE ${whereOf(filter, me, at)}
    ORDER BY ${ORDER} LIMIT ${page.limit + 1} OFFSET ${page.offset}`;
}

export const toListItem = (row: Record<string, unknown>): CaseListItem => ({ ...(row as unknown as CaseListItem), breached: Boolean(row.breached) });

export async function listCases(db: Db, filter: CaseFilter, me: string | null, now: Date, page: { offset: number; limit: number }) {
  const [rows = []] = await runBatch(db, [caseListStatement(filter, me, now, page)]);
  return { items: rows.slice(0, page.limit).map(toListItem), more: rows.length > page.limit };
}

export interface CaseDetail extends CaseListItem {
  responseId: string | null;
  period: string | null;
  revenuePercentile: number;
  topAccount: boolean;
  ownerEmail: string | null;
  resolution: string | null;
  recheckInvitationId: string | null;
  escalatedAt: string | null;
  accountOwnerEmail: string | null;
  /** The owner's user name, else the name the CRM gave the account's owner (an owner need not be a Quorum user). */
  accountOwnerName: string | null;
  timeline: (Pick<CaseEvent, "id" | "at" | "actor" | "kind" | "detail"> & { actorName: string | null })[];
}

/** One case with its timeline: the statements, so a page can put them in its own batch. */
export function caseDetailStatements(caseId: string, now: Date): SQL[] {
  const at = now.toISOString();
  return [
    sql`SELECT k.id, k.type, k.status, k.account_id AS accountId, a.name AS accountName, k.contact_id AS contactId,
        c.name AS contactName, k.severity, k.priority, k.team, k.assignee_email AS assigneeEmail, k.trigger, k.verbatim,
      ${peopleAndTeamNames},
        k.due_at AS dueAt, k.opened_at AS openedAt, k.acknowledged_at AS acknowledgedAt, k.closed_at AS closedAt,
        ${breachedExpr(at)} AS breached, k.response_id AS responseId, k.period, k.revenue_percentile AS revenuePercentile,
        k.top_account AS topAccount, k.owner_email AS ownerEmail, k.resolution, k.recheck_invitation_id AS recheckInvitationId,
        k.escalated_at AS escalatedAt, a.owner_email AS accountOwnerEmail,
        coalesce((SELECT u.name FROM users u WHERE u.email = a.owner_email), a.owner_name) AS accountOwnerName
      FROM cases k JOIN accounts a ON a.id = k.account_id LEFT JOIN contacts c ON c.id = k.contact_id WHERE k.id = ${caseId}`,
    sql`SELECT e.id, e.at, e.actor,
        coalesce((SELECT u.name FROM users u WHERE u.email = e.actor), (SELECT t.name FROM api_tokens t WHERE t.id = e.actor)) AS actorName,
        e.kind, e.detail
      FROM case_events e WHERE e.case_id = ${caseId} ORDER BY e.id`,
  ];
}

export function toCaseDetail(caseId: string, rows: Record<string, unknown>[], events: Record<string, unknown>[]): CaseDetail {
  const row = rows[0];
  if (!row) throw notFound("This case");
  return {
    ...(row as unknown as CaseDetail),
    breached: Boolean(row.breached),
    topAccount: Boolean(row.topAccount),
    timeline: events.map((e) => ({
      id: Number(e.id),
      at: e.at as string,
      actor: e.actor as string,
      actorName: (e.actorName as string | null) ?? null,
      kind: e.kind as CaseEvent["kind"],
      detail: typeof e.detail === "string" ? (JSON.parse(e.detail) as Record<string, unknown>) : null,
    })),
  };
}

export async function getCase(db: Db, caseId: string, now: Date): Promise<CaseDetail> {
  const [rows = [], events = []] = await runBatch(db, caseDetailStatements(caseId, now));
  return toCaseDetail(caseId, rows, events);
}

export interface Responsiveness {
  by: "assignee" | "team";
  key: string | null;
  /** The team's label or the assignee's name, null when unknown. */
  label: string | null;
  cases: number;
  acknowledged: number;
  /** Median hours from opening to acknowledgement, over acknowledged cases (null: none yet). */
  medianHoursToAcknowledge: number | null;
  /** Cases closed by their due time, over cases closed or past due (null: none yet). */
  closedWithinSla: number | null;
  slaBase: number;
}

/**
 * Per assignee and per team (SPEC §8: staff are measured on this, not on scores): median time to acknowledge and the
 * share closed within the SLA, over cases opened in [from, to).
 */
export function responsivenessStatement(range: { from?: string; to?: string }, now: Date): SQL {
  const at = now.toISOString();
  const inRange = sql`k.opened_at >= ${range.from ?? ""} AND k.opened_at < ${range.to ?? "9999"}`;
  return sql`WITH base AS (
      SELECT 'assignee' AS grp, k.assignee_email AS grp_key, k.* FROM cases k WHERE ${inRange}
      UNION ALL SELECT 'team', k.team, k.* FROM cases k WHERE ${inRange}
    ),
    ack AS (
      SELECT grp, grp_key, (julianday(acknowledged_at) - julianday(opened_at)) * 24 AS hours,
             row_number() OVER (PARTITION BY grp, grp_key ORDER BY julianday(acknowledged_at) - julianday(opened_at)) AS rn,
             count(*) OVER (PARTITION BY grp, grp_key) AS n
      FROM base WHERE acknowledged_at IS NOT NULL
    ),
    median AS (SELECT grp, grp_key, avg(hours) AS hours FROM ack WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY grp, grp_key)
    SELECT b.grp AS grp, b.grp_key AS grpKey,
      CASE b.grp WHEN 'team' THEN (SELECT t.label FROM case_teams t WHERE t.key = b.grp_key)
                 ELSE (SELECT u.name FROM users u WHERE u.email = b.grp_key) END AS label,
      count(*) AS cases, count(b.acknowledged_at) AS acknowledged,
      (SELECT round(m.hours, 2) FROM median m WHERE m.grp = b.grp AND m.grp_key IS b.grp_key) AS medianHoursToAcknowledge,
      sum(b.status = 'closed' AND b.closed_at <= b.due_at) AS closedInSla,
      sum(b.status = 'closed' OR b.due_at <= ${at}) AS slaBase
    FROM base b GROUP BY b.grp, b.grp_key ORDER BY b.grp, b.grp_key`;
}

export function toResponsiveness(rows: Record<string, unknown>[]): Responsiveness[] {
  return rows.map((r) => {
    const base = Number(r.slaBase ?? 0);
    return {
      by: r.grp as Responsiveness["by"],
      key: (r.grpKey as string | null) ?? null,
      label: (r.label as string | null) ?? null,
      cases: Number(r.cases),
      acknowledged: Number(r.acknowledged),
      medianHoursToAcknowledge: r.medianHoursToAcknowledge === null ? null : Number(r.medianHoursToAcknowledge),
      closedWithinSla: base > 0 ? Math.round((Number(r.closedInSla) / base) * 10_000) / 10_000 : null,
      slaBase: base,
    };
  });
}

export async function responsiveness(db: Db, range: { from?: string; to?: string }, now: Date): Promise<Responsiveness[]> {
  const [rows = []] = await runBatch(db, [responsivenessStatement(range, now)]);
  return toResponsiveness(rows);
}
