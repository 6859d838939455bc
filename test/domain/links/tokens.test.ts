import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { signLink, verifyLink } from "../../../src/domain/links/tokens";

const now = new Date("2026-03-01T12:00:00.000Z");
const keys = JSON.parse(env.LINK_KEYS) as Record<string, string>;
const encode = (s: string) => new TextEncoder().encode(s);
const base64url = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

describe("survey and unsubscribe links", () => {
  it("round-trips the invitation id for the purpose it was signed for, with the current kid and a 30-day exp", async () => {
    const token = await signLink(env, { invitationId: "inv_1", purpose: "survey" }, now);
    const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))));
    expect(header).toMatchObject({ alg: "HS256", kid: "k2" });
    expect(payload).toMatchObject({ sub: "inv_1", purpose: "survey", exp: now.getTime() / 1000 + 30 * 86400 });
    expect(await verifyLink(env, token, "survey", now)).toEqual({ ok: true, invitationId: "inv_1" });
  });

  it("refuses a token used for another purpose", async () => {
    const token = await signLink(env, { invitationId: "inv_1", purpose: "unsubscribe" }, now);
    expect(await verifyLink(env, token, "survey", now)).toEqual({ ok: false, reason: "wrong-purpose" });
  });

  it("accepts the previous key during rotation and refuses a key that was removed", async () => {
    const previous = await new SignJWT({ purpose: "survey" })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setSubject("inv_old")
      .setExpirationTime(now.getTime() / 1000 + 3600)
      .sign(encode(keys.k1!));
    expect(await verifyLink(env, previous, "survey", now)).toEqual({ ok: true, invitationId: "inv_old" });

    const rotated = { ...env, LINK_KEYS: JSON.stringify({ k2: keys.k2 }) };
    expect(await verifyLink(rotated, previous, "survey", now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a kid that names an Object.prototype member, signed with that member's public string form", async () => {
    for (const kid of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const publicText = String(({} as Record<string, unknown>)[kid]);
      const forged = await new SignJWT({ purpose: "survey" })
        .setProtectedHeader({ alg: "HS256", kid })
        .setSubject("inv_1")
        .setExpirationTime(now.getTime() / 1000 + 3600)
        .sign(encode(publicText));
      expect(await verifyLink(env, forged, "survey", now), kid).toEqual({ ok: false, reason: "bad-signature" });
    }
  });

  it("refuses a wrong signature, alg none, an expired token and garbage", async () => {
    const forged = await new SignJWT({ purpose: "survey" })
      .setProtectedHeader({ alg: "HS256", kid: "k2" })
      .setSubject("inv_1")
      .setExpirationTime(now.getTime() / 1000 + 3600)
      .sign(encode("not-the-secret-at-all-0123456789"));
    expect(await verifyLink(env, forged, "survey", now)).toEqual({ ok: false, reason: "bad-signature" });

    const none = `${base64url({ alg: "none", kid: "k2" })}.${base64url({ sub: "inv_1", purpose: "survey", exp: now.getTime() / 1000 + 3600 })}.`;
    expect((await verifyLink(env, none, "survey", now)).ok).toBe(false);

    const token = await signLink(env, { invitationId: "inv_1", purpose: "survey", expiresAt: new Date(now.getTime() + 1000) }, now);
    expect(await verifyLink(env, token, "survey", new Date(now.getTime() + 2000))).toEqual({ ok: false, reason: "expired" });

    expect(await verifyLink(env, "not-a-token", "survey", now)).toEqual({ ok: false, reason: "malformed" });
    expect(await verifyLink(env, "a.b.c", "survey", now)).toEqual({ ok: false, reason: "malformed" });
  });
});
