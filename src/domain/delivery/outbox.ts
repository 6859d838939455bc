import { desc, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { outbox, type OutboxMail } from "../../db/schema";

/** Local mail, newest first (ids are time-ordered); `before` is the last id of the previous page. */
export function listOutbox(db: Db, options: { before?: string; limit: number }): Promise<OutboxMail[]> {
  return db
    .select()
    .from(outbox)
    .where(options.before ? lt(outbox.id, options.before) : undefined)
    .orderBy(desc(outbox.id))
    .limit(options.limit)
    .all();
}
