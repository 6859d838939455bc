import { and, desc, eq, getTableColumns, gte, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiTokens, auditLog, users } from "../../db/schema";

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  /** ISO instant or date: entries at or after it. */
  from?: string;
  /** ISO instant or date: entries before it. */
  to?: string;
  /** Id of the last entry of the previous page: entries come newest first. */
  beforeId?: number;
  limit: number;
}

/** Newest first; fetches limit + 1 rows so the caller knows whether there is a next page. */
export function listAuditEntries(db: Db, filter: AuditFilter) {
  return db.select().from(auditLog).where(auditWhere(filter)).orderBy(desc(auditLog.id)).limit(filter.limit + 1).all();
}

/**
 * The same entries with the acting person's or token's name beside the stored actor (`user:usr_…`, a token id), for
 * people reading the log; the actor filter also takes a person's email. Still one statement.
 */
export function listAuditEntriesNamed(db: Db, filter: AuditFilter) {
  const actor = filter.actor;
  return db
    .select({ ...getTableColumns(auditLog), actorName: sql<string | null>`coalesce(${users.name}, ${apiTokens.name})`, actorEmail: users.email })
    .from(auditLog)
    .leftJoin(users, eq(auditLog.actor, sql`'user:' || ${users.id}`))
    .leftJoin(apiTokens, eq(auditLog.actor, apiTokens.id))
    .where(and(auditWhere({ ...filter, actor: undefined }), actor ? or(eq(auditLog.actor, actor), eq(users.email, actor.toLowerCase())) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit + 1)
    .all();
}

function auditWhere(filter: AuditFilter) {
  return and(
    filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.actor ? eq(auditLog.actor, filter.actor) : undefined,
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lt(auditLog.at, filter.to) : undefined,
    filter.beforeId !== undefined ? lt(auditLog.id, filter.beforeId) : undefined,
  );
}

/** Seconds within which a second creation of the same name by the same person is taken for a form sent twice. */
export const DOUBLE_SUBMIT_SECONDS = 60;

/**
 * Whether this actor created something of this name a moment ago (`token.create`, `survey.create`), read from the
 * audit row its creation wrote: how a form pressed twice, or re-sent after Back, is recognised without a new column.
 */
export async function createdJustNow(db: Db, input: { action: string; actor: string; name: string; now: Date }): Promise<boolean> {
  const since = new Date(input.now.getTime() - DOUBLE_SUBMIT_SECONDS * 1000).toISOString();
  const row = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.action, input.action), eq(auditLog.actor, input.actor), gte(auditLog.at, since), sql`json_extract(${auditLog.detail}, '$.name') = ${input.name}`))
    .limit(1)
    .get();
  return row !== undefined;
}
