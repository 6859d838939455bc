import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  addSuppression,
  emailHmac,
  suppressionReason,
  suppressionReasonsByHmac,
  suppressionUpsertByHmac,
} from "../../../src/domain/directory/suppression";
import { hmacSha256Hex } from "../../../src/lib/crypto";
import { testDb } from "../../support/fixtures";

describe("suppression list", () => {
  it("hashes the trimmed, lower-cased address with the HMAC secret and never stores the address", async () => {
    expect(await emailHmac("k", "  Ann@Example.COM ")).toBe(await hmacSha256Hex("k", "ann@example.com"));
    await addSuppression(testDb(), env.HMAC_SECRET, "Ann@Example.com", "bounced");
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, "ann@example.com")).toBe("bounced");
    const dump = await env.DB.prepare("SELECT * FROM suppressions").all();
    expect(JSON.stringify(dump.results)).not.toContain("ann@");
  });

  it("a later reason replaces an earlier one, in a batch with other statements", async () => {
    const db = testDb();
    const hmac = await emailHmac(env.HMAC_SECRET, "bob@example.com");
    await db.batch([suppressionUpsertByHmac(db, hmac, "unsubscribed")]);
    await db.batch([suppressionUpsertByHmac(db, hmac, "erased")]);
    expect(await suppressionReason(db, env.HMAC_SECRET, "bob@example.com")).toBe("erased");
  });

  it("looks up many HMACs in chunks (more than 100 stays under the bound-parameter limit)", async () => {
    const db = testDb();
    const emails = Array.from({ length: 150 }, (_, i) => `bulk${i}@example.com`);
    const hmacs = await Promise.all(emails.map((e) => emailHmac(env.HMAC_SECRET, e)));
    await db.batch([suppressionUpsertByHmac(db, hmacs[3]!, "unsubscribed"), suppressionUpsertByHmac(db, hmacs[140]!, "bounced")]);
    const found = await suppressionReasonsByHmac(db, hmacs);
    expect([...found.entries()].sort()).toEqual([[hmacs[3], "unsubscribed"], [hmacs[140], "bounced"]].sort());
    expect(await suppressionReason(db, env.HMAC_SECRET, "nobody@example.com")).toBeNull();
  });
});
