import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_PER_ADDRESS, MAX_PER_CLIENT, recordAttempt, retryAfterSeconds, throttleKeys } from "../../../src/domain/access/throttle";
import { testDb } from "../../support/fixtures";

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, 0, 0) + minutes * 60_000);

describe("sign-in throttle", () => {
  it("waits until the oldest attempt in the 15-minute window leaves it (hand-computed)", async () => {
    const db = testDb();
    const keys = await throttleKeys(env.HMAC_SECRET, { email: "Pat@Example.com", client: "198.51.100.7" });
    // Attempts at 0, 1, 2, 3, 4 minutes: the address (limit 5) is full; the client (limit 20) is not.
    for (let m = 0; m < MAX_PER_ADDRESS; m++) await recordAttempt(db, keys, at(m));
    // At 5 min the oldest (0 min) leaves the window at 15 min: 10 minutes = 600 s.
    expect(await retryAfterSeconds(db, keys, at(5))).toBe(600);
    // At 14.5 min: 30 s left.
    expect(await retryAfterSeconds(db, keys, at(14.5))).toBe(30);
    // At 15 min the 0-minute attempt is out of the window: 4 in it, allowed again.
    expect(await retryAfterSeconds(db, keys, at(15))).toBeNull();
    // The same address in another case and from another client is the same address.
    const sameAddress = await throttleKeys(env.HMAC_SECRET, { email: "pat@example.com ", client: "203.0.113.9" });
    expect(await retryAfterSeconds(db, sameAddress, at(5))).toBe(600);
  });

  it("counts a client across addresses, and stores neither address nor IP in clear", async () => {
    const db = testDb();
    const client = "192.0.2.44";
    for (let i = 0; i < MAX_PER_CLIENT; i++) await recordAttempt(db, await throttleKeys(env.HMAC_SECRET, { email: `p${i}@example.com`, client }), at(100 + i * 0.25));
    const next = await throttleKeys(env.HMAC_SECRET, { email: "fresh@example.com", client });
    // Oldest at 100 min, now 106 min: 9 minutes to go.
    expect(await retryAfterSeconds(db, next, at(106))).toBe(540);
    const rows = await env.DB.prepare("SELECT key FROM sign_in_attempts").all<{ key: string }>();
    for (const { key } of rows.results) {
      expect(key).toMatch(/^(client|address):[0-9a-f]{64}$/);
      expect(key).not.toContain(client);
    }
  });
});
