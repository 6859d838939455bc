import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * The insert for one audit entry. Put it in the same `db.batch([...])` as the change it records,
 * so a change and its audit row are written together or not at all.
 */
export function auditInsert(db: Db, entry: AuditEntry, now: Date = new Date()) {
  return db.insert(auditLog).values({
    at: now.toISOString(),
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    detail: entry.detail ?? null,
  });
}
