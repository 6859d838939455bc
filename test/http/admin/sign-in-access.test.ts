import { env } from "cloudflare:workers";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useAccessKeySource } from "../../../src/domain/access/cloudflare-access";
import { api, workerFetch } from "../../support/api";
import { inviteUser, setCookies, uniqueEmail } from "../../support/people";

// vitest.config.ts binds ACCESS_TEAM_DOMAIN / ACCESS_AUD; the team's key set is generated here and served to the
// verifier without the network.
const TEAM = `https://${env.ACCESS_TEAM_DOMAIN}`;
const AUD = env.ACCESS_AUD!;
let privateKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const team = await generateKeyPair("RS256", { extractable: true });
  const stranger = await generateKeyPair("RS256", { extractable: true });
  privateKey = team.privateKey as CryptoKey;
  strangerKey = stranger.privateKey as CryptoKey;
  const jwk: JWK = { ...(await exportJWK(team.publicKey)), kid: "team-key", alg: "RS256", use: "sig" };
  const keys = createLocalJWKSet({ keys: [jwk] });
  useAccessKeySource((origin) => {
    if (origin !== TEAM) throw new Error(`unexpected team ${origin}`);
    return keys;
  });
});
afterAll(() => useAccessKeySource(null));

function assertion(email: string, options: { aud?: string; key?: CryptoKey; issuer?: string; expired?: boolean } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email, type: "app" })
    .setProtectedHeader({ alg: "RS256", kid: "team-key" })
    .setIssuer(options.issuer ?? TEAM)
    .setAudience(options.aud ?? AUD)
    .setSubject(`sub-${email}`)
    .setIssuedAt(now - 60)
    .setExpirationTime(options.expired ? now - 30 : now + 600)
    .sign(options.key ?? privateKey);
}

const viaAccess = async (jwt: string, path = "/admin/people") => workerFetch(path, { redirect: "manual", headers: { "cf-access-jwt-assertion": jwt } });
const sessions = async () => (await env.DB.prepare("SELECT count(*) AS n FROM admin_sessions").first<{ n: number }>())!.n;

describe("Cloudflare Access", () => {
  it("opens a session for an active user with a valid assertion, and the session names them", async () => {
    const user = await inviteUser("account_manager", { name: "Ama Nager" });
    const res = await viaAccess(await assertion(user.email.toUpperCase()));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Ama Nager <span class="visually-hidden">signed in as</span>(Account manager)');
    const cookie = setCookies(res).find((c) => c.startsWith("quorum_session="))!.split(";")[0]!;
    expect((await workerFetch("/admin/people", { redirect: "manual", headers: { cookie } })).status).toBe(200);
    const login = await env.DB.prepare("SELECT detail FROM audit_log WHERE action = 'admin.login' AND actor = ?").bind(`user:${user.id}`).first<{ detail: string }>();
    expect(JSON.parse(login!.detail)).toEqual({ via: "cloudflare_access" });
  });

  it("refuses a wrong audience, another issuer, a bad signature, an expired token, an unknown or deactivated email — no session", async () => {
    const user = await inviteUser("analyst");
    const gone = await inviteUser("analyst");
    expect((await api("POST", `/users/${gone.id}/deactivate`)).status).toBe(200);
    const before = await sessions();
    const refused = [
      await assertion(user.email, { aud: "someone-elses-app" }),
      await assertion(user.email, { issuer: "https://evil.cloudflareaccess.com" }),
      await assertion(user.email, { key: strangerKey }),
      await assertion(user.email, { expired: true }),
      await assertion(uniqueEmail("unknown")),
      await assertion(gone.email),
      "not-a-jwt",
    ];
    for (const jwt of refused) {
      const res = await viaAccess(jwt);
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      expect(await res.text()).toContain("not an active Quorum user");
      expect(setCookies(res)).toEqual([]);
    }
    expect(await sessions()).toBe(before);
  });
});
