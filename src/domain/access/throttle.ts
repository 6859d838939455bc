import { and, count, gt, inArray, lt, min } from "drizzle-orm";
import type { Db } from "../../db/client";
import { signInAttempts } from "../../db/schema";
import { hmacSha256Hex } from "../../lib/crypto";
import { normalizeEmail } from "../users/users";

/** Sign-in attempts are counted over a sliding window of 15 minutes. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Link requests per address (a mailbox is never flooded) and failed or requested sign-ins per client. */
export const MAX_PER_ADDRESS = 5;
export const MAX_PER_CLIENT = 20;

export interface ThrottleKey {
  key: string;
  limit: number;
}

/** Keys are HMACs, so neither the address nor the client's IP is stored in clear. */
export async function throttleKeys(secret: string, who: { email?: string | null; client?: string | null }): Promise<ThrottleKey[]> {
  const keys: ThrottleKey[] = [{ key: `client:${await hmacSha256Hex(secret, `client:${who.client ?? "unknown"}`)}`, limit: MAX_PER_CLIENT }];
  if (who.email) keys.push({ key: `address:${await hmacSha256Hex(secret, `address:${normalizeEmail(who.email)}`)}`, limit: MAX_PER_ADDRESS });
  return keys;
}

/** Seconds until the next attempt is allowed, or null when none of the keys is over its limit. One query. */
export async function retryAfterSeconds(db: Db, keys: ThrottleKey[], now = new Date()): Promise<number | null> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  const rows = await db
    .select({ key: signInAttempts.key, n: count(), oldest: min(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(inArray(signInAttempts.key, keys.map((k) => k.key)), gt(signInAttempts.at, since)))
    .groupBy(signInAttempts.key)
    .all();
  let wait: number | null = null;
  for (const row of rows) {
    const limit = keys.find((k) => k.key === row.key)!.limit;
    if (row.n < limit || !row.oldest) continue;
    const seconds = Math.max(1, Math.ceil((new Date(row.oldest).getTime() + THROTTLE_WINDOW_MS - now.getTime()) / 1000));
    wait = Math.max(wait ?? 0, seconds);
  }
  return wait;
}

/** Counts one attempt against each key and sweeps attempts older than the window (the table stays small). */
export async function recordAttempt(db: Db, keys: ThrottleKey[], now = new Date()): Promise<void> {
  const at = now.toISOString();
  await db.batch([
    db.delete(signInAttempts).where(lt(signInAttempts.at, new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())),
    db.insert(signInAttempts).values(keys.map((k) => ({ key: k.key, at }))),
  ]);
}
