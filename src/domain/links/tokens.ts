import { errors, jwtVerify, SignJWT } from "jose";
import type { Env } from "../../env";

/** What a link lets its holder do: answer the survey, or unsubscribe the contact. */
export type LinkPurpose = "survey" | "unsubscribe";

/** Why a token was refused. Only ever logged or tested: respondents see a friendly page that reveals none of it. */
export type LinkFailure = "malformed" | "bad-signature" | "expired" | "wrong-purpose";

export type LinkCheck = { ok: true; invitationId: string } | { ok: false; reason: LinkFailure };

export type LinkEnv = Pick<Env, "LINK_KEYS" | "LINK_CURRENT_KID">;

const ALGORITHM = "HS256";
const DAY_MS = 86_400_000;
/** Survey links live as long as their invitation (30 days by default). */
export const SURVEY_LINK_DAYS = 30;
/** Unsubscribe links outlive the invitation: opting out must keep working long after the survey closed. */
export const UNSUBSCRIBE_LINK_DAYS = 365;

const encoder = new TextEncoder();

function linkKeys(env: LinkEnv): Record<string, string> {
  const keys = JSON.parse(env.LINK_KEYS) as Record<string, string>;
  if (!keys[env.LINK_CURRENT_KID]) throw new Error(`LINK_CURRENT_KID '${env.LINK_CURRENT_KID}' is not in LINK_KEYS`);
  return keys;
}

/** Signs a link token with the current key; `exp` defaults to now + 30 days (survey) or 365 days (unsubscribe). */
export async function signLink(
  env: LinkEnv,
  input: { invitationId: string; purpose: LinkPurpose; expiresAt?: Date },
  now: Date = new Date(),
): Promise<string> {
  const days = input.purpose === "survey" ? SURVEY_LINK_DAYS : UNSUBSCRIBE_LINK_DAYS;
  const expiresAt = input.expiresAt ?? new Date(now.getTime() + days * DAY_MS);
  const secret = linkKeys(env)[env.LINK_CURRENT_KID]!;
  return new SignJWT({ purpose: input.purpose })
    .setProtectedHeader({ alg: ALGORITHM, kid: env.LINK_CURRENT_KID, typ: "JWT" })
    .setSubject(input.invitationId)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(encoder.encode(secret));
}

/**
 * Verifies a link token: HS256 only (so `alg: none` and key-confusion tokens fail), any key still listed in
 * LINK_KEYS (a link signed with the previous key keeps working, one signed with a removed key does not),
 * not expired at `now`, and issued for `purpose`. The invitation row is checked by the caller.
 */
export async function verifyLink(env: LinkEnv, token: string, purpose: LinkPurpose, now: Date = new Date()): Promise<LinkCheck> {
  if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token) || token.length > 2048) return { ok: false, reason: "malformed" };
  const keys = linkKeys(env);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        // Own keys only: a kid such as "constructor" or "__proto__" must not reach Object.prototype (its members
        // stringify to public text, so anyone could sign with them).
        const secret = header.kid && Object.hasOwn(keys, header.kid) ? keys[header.kid] : undefined;
        if (typeof secret !== "string" || secret === "") throw new errors.JWSSignatureVerificationFailed("unknown kid");
        return encoder.encode(secret);
      },
      { algorithms: [ALGORITHM], currentDate: now, requiredClaims: ["sub", "exp"] },
    );
    if (payload.purpose !== purpose) return { ok: false, reason: "wrong-purpose" };
    if (typeof payload.sub !== "string" || payload.sub === "") return { ok: false, reason: "malformed" };
    return { ok: true, invitationId: payload.sub };
  } catch (error) {
    return { ok: false, reason: failureOf(error) };
  }
}

function failureOf(error: unknown): LinkFailure {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) return "bad-signature";
  return "malformed";
}

/** Absolute URLs for emails and the API: `/s/{token}` and `/u/{token}` under PUBLIC_URL. */
export async function invitationLinks(
  env: LinkEnv & Pick<Env, "PUBLIC_URL">,
  invitation: { id: string; expiresAt: string | null },
  now: Date = new Date(),
): Promise<{ surveyUrl: string; unsubscribeUrl: string }> {
  const base = env.PUBLIC_URL.replace(/\/+$/, "");
  const expiresAt = invitation.expiresAt ? new Date(invitation.expiresAt) : undefined;
  const [survey, unsubscribe] = await Promise.all([
    signLink(env, { invitationId: invitation.id, purpose: "survey", expiresAt }, now),
    signLink(env, { invitationId: invitation.id, purpose: "unsubscribe" }, now),
  ]);
  return { surveyUrl: `${base}/s/${survey}`, unsubscribeUrl: `${base}/u/${unsubscribe}` };
}
