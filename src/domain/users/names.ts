import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { inListChunks } from "../../db/limits";

export interface ActorName {
  name: string;
  email: string;
}

/**
 * Names for audit actors ("user:<id>" → the person's name and email), one query per 90 people (a page of the log
 * needs one); other actors (token ids, "bootstrap", "system") have no entry and are shown as they are.
 */
export async function namesOfActors(db: Db, actors: string[]): Promise<Map<string, ActorName>> {
  const ids = [...new Set(actors.filter((a) => a.startsWith("user:")).map((a) => a.slice("user:".length)))];
  const names = new Map<string, ActorName>();
  for (const part of inListChunks(ids)) {
    const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, part)).all();
    for (const row of rows) names.set(`user:${row.id}`, { name: row.name, email: row.email });
  }
  return names;
}
