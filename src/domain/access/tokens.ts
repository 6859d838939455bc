import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiTokens, type ApiToken, type TokenScope } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { sha256Hex } from "../../lib/crypto";
import { newId, randomSecret } from "../../lib/ids";
import { auditInsert } from "../audit/log";

/** What the API shows of a token: never the hash, never the secret. */
export type TokenView = Omit<ApiToken, "tokenHash">;

const view = ({ tokenHash: _hash, ...rest }: ApiToken): TokenView => rest;

/** Creates a token; the secret is returned this once and only its SHA-256 is stored. */
export async function createToken(
  db: Db,
  actor: string,
  input: { name: string; scopes: TokenScope[] },
  now = new Date(),
): Promise<TokenView & { token: string }> {
  const id = newId("tok", now);
  const secret = `qrm_${randomSecret()}`;
  const scopes = [...new Set(input.scopes)];
  const [[created]] = await db.batch([
    db
      .insert(apiTokens)
      .values({ id, name: input.name, scopes, tokenHash: await sha256Hex(secret), createdAt: now.toISOString() })
      .returning(),
    auditInsert(db, { actor, action: "token.create", entityType: "api_token", entityId: id, detail: { name: input.name, scopes } }, now),
  ]);
  return { ...view(created!), token: secret };
}

/** Newest first; `before` is the last id of the previous page. */
export async function listTokens(db: Db, options: { before?: string; limit: number; includeRevoked: boolean }): Promise<TokenView[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(options.before ? lt(apiTokens.id, options.before) : undefined, options.includeRevoked ? undefined : isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.id))
    .limit(options.limit + 1)
    .all();
  return rows.map(view);
}

export async function getToken(db: Db, id: string): Promise<TokenView> {
  const token = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).get();
  if (!token) throw notFound(`API token '${id}'`);
  return view(token);
}

/** Revoking is immediate (every request looks the token up) and idempotent: the first revocation time stays. */
export async function revokeToken(db: Db, actor: string, id: string, now = new Date()): Promise<TokenView> {
  const token = await getToken(db, id);
  if (token.revokedAt) return token;
  const [[revoked]] = await db.batch([
    db.update(apiTokens).set({ revokedAt: now.toISOString() }).where(eq(apiTokens.id, id)).returning(),
    auditInsert(db, { actor, action: "token.revoke", entityType: "api_token", entityId: id, detail: { name: token.name } }, now),
  ]);
  return view(revoked!);
}
