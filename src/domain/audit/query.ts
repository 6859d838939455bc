import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";

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
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
        filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
        filter.actor ? eq(auditLog.actor, filter.actor) : undefined,
        filter.action ? eq(auditLog.action, filter.action) : undefined,
        filter.from ? gte(auditLog.at, filter.from) : undefined,
        filter.to ? lt(auditLog.at, filter.to) : undefined,
        filter.beforeId !== undefined ? lt(auditLog.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(filter.limit + 1)
    .all();
}
