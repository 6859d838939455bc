// Working a case (SPEC §8): acknowledge, assign, note, close with a resolution, reopen — each a guarded update with
// its timeline event and audit row in one batch, so a stale or double-submitted form changes nothing.
import { sql, type SQL } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import type { Case } from "../../db/schema";
import { conflict, notFound, unprocessable } from "../../lib/errors";
import type { LoopMessage } from "../messages";
import { emitWebhookEvent } from "../webhooks/emit";
import { assertMayWork, type CaseActor } from "./access";
import { caseEventData } from "./open";

export type CaseAction =
  | { type: "acknowledge" }
  | { type: "assign"; assigneeEmail: string }
  | { type: "note"; text: string }
  | { type: "close"; resolution: string }
  | { type: "reopen"; reason?: string };

export const MAX_NOTE_LENGTH = 2000;

interface CaseRow {
  id: string;
  status: Case["status"];
  assignee_email: string | null;
  account_owner_email: string | null;
  account_name: string | null;
}

/** The case with its account's owner, for the access check; 404 when it does not exist. */
export async function caseForWork(db: Db, caseId: string): Promise<CaseRow> {
  const [rows = []] = await runBatch<CaseRow>(db, [
    sql`SELECT k.id, k.status, k.assignee_email, a.owner_email AS account_owner_email, a.name AS account_name
      FROM cases k LEFT JOIN accounts a ON a.id = k.account_id WHERE k.id = ${caseId}`,
  ]);
  if (!rows[0]) throw notFound("This case");
  return rows[0];
}

interface Plan {
  /** Statuses the action applies to. */
  from: Case["status"][];
  set: SQL;
  kind: "acknowledged" | "assigned" | "note" | "closed" | "reopened";
  detail: Record<string, unknown>;
}

function planOf(action: CaseAction, at: string): Plan {
  switch (action.type) {
    case "acknowledge":
      return { from: ["open"], set: sql`status = 'acknowledged', acknowledged_at = coalesce(acknowledged_at, ${at})`, kind: "acknowledged", detail: {} };
    case "assign":
      return { from: ["open", "acknowledged"], set: sql`assignee_email = ${action.assigneeEmail}`, kind: "assigned", detail: { assignee: action.assigneeEmail } };
    case "note":
      return { from: ["open", "acknowledged", "closed"], set: sql`status = status`, kind: "note", detail: { text: action.text } };
    case "close":
      return {
        from: ["open", "acknowledged"],
        set: sql`status = 'closed', closed_at = ${at}, resolution = ${action.resolution}, acknowledged_at = coalesce(acknowledged_at, ${at})`,
        kind: "closed",
        detail: { resolution: action.resolution },
      };
    case "reopen":
      return { from: ["closed"], set: sql`status = 'open', closed_at = NULL, resolution = NULL`, kind: "reopened", detail: { reason: action.reason ?? null } };
  }
}

/** What an empty field is told (the only refusals validate makes; the case page shows them again after its redirect). */
export const EMPTY_FIELD_PROBLEM = { resolution: "required to close a case", text: "write the note" } as const;

function validate(action: CaseAction): CaseAction {
  if (action.type === "close") {
    const resolution = action.resolution.trim();
    if (!resolution) throw unprocessable("Closing a case needs a resolution note: say what was done.", [{ path: "resolution", message: EMPTY_FIELD_PROBLEM.resolution }]);
    return { ...action, resolution: resolution.slice(0, MAX_NOTE_LENGTH) };
  }
  if (action.type === "note") {
    const text = action.text.trim();
    if (!text) throw unprocessable("A note needs some text.", [{ path: "text", message: EMPTY_FIELD_PROBLEM.text }]);
    return { ...action, text: text.slice(0, MAX_NOTE_LENGTH) };
  }
  return action;
}

const STATUS_WORDS: Record<CaseAction["type"], string> = {
  acknowledge: "acknowledged",
  assign: "assigned",
  note: "noted",
  close: "closed",
  reopen: "reopened",
};

/** Applies one action for `actor`: 403 outside their cases, 404 unknown case, 409 wrong status, 422 bad input. */
export async function actOnCase(
  deps: { db: Db; queue: Queue<LoopMessage> },
  actor: CaseActor,
  caseId: string,
  input: CaseAction,
  now: Date,
): Promise<Case> {
  const action = validate(input);
  const current = await caseForWork(deps.db, caseId);
  assertMayWork(actor, { id: caseId, assigneeEmail: current.assignee_email, accountOwnerEmail: current.account_owner_email, accountName: current.account_name });
  const at = now.toISOString();
  const plan = planOf(action, at);
  if (!plan.from.includes(current.status)) {
    throw conflict(`Case '${caseId}' is ${current.status} and cannot be ${STATUS_WORDS[action.type]}.`, [{ path: "status", message: current.status }]);
  }
  if (action.type === "assign") await assertUser(deps.db, action.assigneeEmail);
  const allowed = sql.raw(plan.from.map((s) => `'${s}'`).join(", "));
  const done = sql`EXISTS (SELECT 1 FROM cases WHERE id = ${caseId} AND updated_at = ${at})`;
  const detail = JSON.stringify(plan.detail);
  const [updated = []] = await runBatch(deps.db, [
    sql`UPDATE cases SET ${plan.set}, updated_at = ${at} WHERE id = ${caseId} AND status IN (${allowed}) RETURNING *`,
    sql`INSERT INTO case_events (case_id, at, actor, kind, detail) SELECT ${caseId}, ${at}, ${actor.email ?? actor.id}, ${plan.kind}, ${detail} WHERE ${done}`,
    sql`INSERT INTO audit_log (at, actor, action, entity_type, entity_id, detail)
      SELECT ${at}, ${actor.email ?? actor.id}, ${`case.${action.type}`}, 'case', ${caseId}, ${detail} WHERE ${done}`,
  ]);
  const row = updated[0];
  if (!row) throw conflict(`Case '${caseId}' changed while you were working on it; reload it and try again.`);
  if (action.type === "close") {
    await emitWebhookEvent(deps.db, deps.queue, { type: "case.closed", key: `case.closed:${caseId}:${at}`, data: caseEventData(row) }, now);
  }
  return toCase(row);
}

async function assertUser(db: Db, email: string) {
  const [rows = []] = await runBatch(db, [sql`SELECT 1 AS ok FROM users WHERE email = ${email.toLowerCase()}`]);
  if (!rows[0]) throw unprocessable(`'${email}' is not a user; invite them first, then assign.`, [{ path: "assigneeEmail", message: "not a user" }]);
}

/** A raw `cases` row (snake_case, from RETURNING *) as the drizzle row type. */
export function toCase(row: Record<string, unknown>): Case {
  return {
    id: row.id as string,
    type: row.type as Case["type"],
    responseId: (row.response_id as string | null) ?? null,
    accountId: row.account_id as string,
    contactId: (row.contact_id as string | null) ?? null,
    period: (row.period as string | null) ?? null,
    status: row.status as Case["status"],
    severity: Number(row.severity),
    revenuePercentile: Number(row.revenue_percentile),
    topAccount: Boolean(row.top_account),
    priority: Number(row.priority),
    team: (row.team as string | null) ?? null,
    ownerEmail: (row.owner_email as string | null) ?? null,
    assigneeEmail: (row.assignee_email as string | null) ?? null,
    verbatim: (row.verbatim as string | null) ?? null,
    trigger: (row.trigger as string | null) ?? null,
    dueAt: row.due_at as string,
    openedAt: row.opened_at as string,
    acknowledgedAt: (row.acknowledged_at as string | null) ?? null,
    closedAt: (row.closed_at as string | null) ?? null,
    resolution: (row.resolution as string | null) ?? null,
    notifiedAt: (row.notified_at as string | null) ?? null,
    escalatedAt: (row.escalated_at as string | null) ?? null,
    recheckInvitationId: (row.recheck_invitation_id as string | null) ?? null,
    updatedAt: row.updated_at as string,
  };
}

