import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { AuditEntry } from "./log";

/** Audit columns bound per row (the id is autoincrement): 16 entries per statement stays under D1's 100 parameters. */
const AUDIT_ROWS_PER_STATEMENT = 16;

/** Inserts for many audit entries (bulk changes such as imports), chunked; put them in the batch of the change. */
export function auditInserts(db: Db, entries: AuditEntry[], now: Date = new Date()) {
  const at = now.toISOString();
  const rows = entries.map((e) => ({ at, actor: e.actor, action: e.action, entityType: e.entityType, entityId: e.entityId ?? null, detail: e.detail ?? null }));
  const statements = [];
  for (let i = 0; i < rows.length; i += AUDIT_ROWS_PER_STATEMENT) statements.push(db.insert(auditLog).values(rows.slice(i, i + AUDIT_ROWS_PER_STATEMENT)));
  return statements;
}
