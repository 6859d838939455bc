import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { normalizeEmail } from "../users/users";

export interface AccessConfig {
  /** e.g. "acme.cloudflareaccess.com" (with or without https://). */
  teamDomain: string;
  /** The Access application's audience tag. */
  aud: string;
}

/** The team's signing keys, fetched from its certs URL and cached by jose (one key set per team domain). */
export type AccessKeySource = (teamOrigin: string) => JWTVerifyGetKey;

const remoteKeySets = new Map<string, JWTVerifyGetKey>();
const remoteKeys: AccessKeySource = (teamOrigin) => {
  let keys = remoteKeySets.get(teamOrigin);
  if (!keys) remoteKeySets.set(teamOrigin, (keys = createRemoteJWKSet(new URL(`${teamOrigin}/cdn-cgi/access/certs`))));
  return keys;
};

let keySource: AccessKeySource = remoteKeys;

/** Tests serve a locally generated key set (jose's createLocalJWKSet) instead of the network; `null` restores the default. */
export function useAccessKeySource(source: AccessKeySource | null): void {
  keySource = source ?? remoteKeys;
}

export const teamOrigin = (teamDomain: string) => `https://${teamDomain.replace(/^https?:\/\//, "").replace(/\/+$/, "")}`;

/**
 * The email of a valid `Cf-Access-Jwt-Assertion`: signature against the team's keys, issuer = the team, `aud` = our
 * application, not expired. Null for anything else (the caller then refuses, saying nothing about why).
 */
export async function emailFromAccessAssertion(assertion: string, config: AccessConfig): Promise<string | null> {
  const issuer = teamOrigin(config.teamDomain);
  try {
    const { payload } = await jwtVerify(assertion, keySource(issuer), { issuer, audience: config.aud, algorithms: ["RS256", "ES256"] });
    return typeof payload.email === "string" && payload.email ? normalizeEmail(payload.email) : null;
  } catch {
    return null;
  }
}
