import type { Db } from "../../db/client";
import { chunkRows } from "../../db/limits";
import { auditLog } from "../../db/schema";
import type { AuditEntry } from "./log";

/** Audit columns bound per row (the id is autoincrement). */
const AUDIT_COLUMNS = 6;

/** Inserts for many audit entries (bulk changes such as imports), chunked under D1's bound-parameter limit; batch them with the change. */
export function auditInserts(db: Db, entries: AuditEntry[], now: Date = new Date()) {
  const at = now.toISOString();
  const rows = entries.map((e) => ({ at, actor: e.actor, action: e.action, entityType: e.entityType, entityId: e.entityId ?? null, detail: e.detail ?? null }));
  return chunkRows(rows, AUDIT_COLUMNS).map((chunk) => db.insert(auditLog).values(chunk));
}
