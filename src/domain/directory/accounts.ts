import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import { selectInChunks } from "../../db/batch";
import type { Db } from "../../db/client";
import { accountRevenue, accounts, type Account } from "../../db/schema";
import { badRequest, conflict, notFound } from "../../lib/errors";
import { CountryCode, Email, Money, Timestamp } from "../../lib/fields";
import { newId } from "../../lib/ids";
import { changeDetail } from "../audit/changes";
import { auditInsert } from "../audit/log";

/** Account fields as the API and the imports accept them (normalized on parse). */
/** Names end up in email headers (the owner's name as sender, the account in subjects): one line, no control characters. */
const SINGLE_LINE = /^[^\u0000-\u001f\u007f\u2028\u2029]*$/;
const ONE_LINE = "must be a single line (no line breaks or control characters)";

export const accountFields = {
  externalId: z.string().trim().min(1, "must not be empty").max(200),
  name: z.string().trim().min(1, "must not be empty").max(300).regex(SINGLE_LINE, ONE_LINE),
  annualRevenue: Money,
  status: z.enum(["active", "churned"]),
  customerSince: Timestamp.nullable(),
  churnedAt: Timestamp.nullable(),
  country: CountryCode.nullable(),
  segment: z.string().trim().max(100).nullable(),
  ownerEmail: Email.nullable(),
  ownerName: z.string().trim().max(200).regex(SINGLE_LINE, ONE_LINE).nullable(),
  parentId: z.string().max(100).nullable(),
};

/** When a revenue change took effect (default: now). Never later than now, never before the last recorded change. */
const revenueEffectiveFrom = Timestamp.optional();

export const AccountCreate = z.strictObject({
  externalId: accountFields.externalId,
  name: accountFields.name,
  annualRevenue: accountFields.annualRevenue,
  status: accountFields.status.optional(),
  customerSince: accountFields.customerSince.optional(),
  churnedAt: accountFields.churnedAt.optional(),
  country: accountFields.country.optional(),
  segment: accountFields.segment.optional(),
  ownerEmail: accountFields.ownerEmail.optional(),
  ownerName: accountFields.ownerName.optional(),
  parentId: accountFields.parentId.optional(),
  revenueEffectiveFrom,
});
export const AccountPatch = AccountCreate.partial();

export type AccountInput = z.output<typeof AccountCreate>;
export type AccountPatchInput = z.output<typeof AccountPatch>;
export type AccountFieldValues = Partial<Omit<AccountInput, "revenueEffectiveFrom">>;
export type RevenuePoint = { validFrom: string; amount: number };

export interface AccountFilter {
  status?: Account["status"];
  segment?: string;
  country?: string;
  ownerEmail?: string;
  parentId?: string;
  externalId?: string;
  after?: string;
  limit: number;
}

/** Ordered by id (creation order); fetches limit + 1 so the caller knows whether another page exists. */
export function listAccounts(db: Db, filter: AccountFilter) {
  return db
    .select()
    .from(accounts)
    .where(
      and(
        filter.status ? eq(accounts.status, filter.status) : undefined,
        filter.segment ? eq(accounts.segment, filter.segment) : undefined,
        filter.country ? eq(accounts.country, filter.country) : undefined,
        filter.ownerEmail ? eq(accounts.ownerEmail, filter.ownerEmail) : undefined,
        filter.parentId ? eq(accounts.parentId, filter.parentId) : undefined,
        filter.externalId ? eq(accounts.externalId, filter.externalId) : undefined,
        filter.after ? gt(accounts.id, filter.after) : undefined,
      ),
    )
    .orderBy(asc(accounts.id))
    .limit(filter.limit + 1)
    .all();
}

/** Accounts by their CRM ids, looked up in chunks that stay under D1's bound-parameter limit. */
export async function accountsByExternalId(db: Db, externalIds: string[]): Promise<Map<string, Account>> {
  const rows = await selectInChunks(db, externalIds, (chunk) => db.select().from(accounts).where(inArray(accounts.externalId, chunk)));
  return new Map(rows.map((account) => [account.externalId, account]));
}

/** The account with its revenue history, oldest change first. */
export async function getAccount(db: Db, id: string): Promise<Account & { revenueHistory: RevenuePoint[] }> {
  const [rows, history] = await db.batch([
    db.select().from(accounts).where(eq(accounts.id, id)),
    db
      .select({ validFrom: accountRevenue.validFrom, amount: accountRevenue.amount })
      .from(accountRevenue)
      .where(eq(accountRevenue.accountId, id))
      .orderBy(asc(accountRevenue.validFrom)),
  ]);
  if (!rows[0]) throw notFound(`Account '${id}'`);
  return { ...rows[0], revenueHistory: history };
}

/**
 * The column values that change when `input` is applied to `existing` (null: a new account), plus the revenue
 * history row a revenue change needs. Shared by the API and the imports so both follow the same rules:
 * churning stamps churnedAt (unless given), reactivating clears it; a first revenue is valid from customerSince.
 */
export function accountChanges(
  existing: Account | null,
  input: AccountFieldValues,
  now: Date,
  effectiveFrom?: string,
): { values: AccountFieldValues; revenue: RevenuePoint | null } {
  const values: AccountFieldValues = {};
  for (const [key, value] of Object.entries(input) as [keyof AccountFieldValues, unknown][]) {
    if (value !== undefined && (!existing || existing[key] !== value)) (values as Record<string, unknown>)[key] = value;
  }
  const status = input.status ?? existing?.status ?? "active";
  if (status === "churned" && !(input.churnedAt ?? existing?.churnedAt)) values.churnedAt = now.toISOString();
  if (status === "active" && existing?.churnedAt) values.churnedAt = null;
  if (status === "active" && !existing?.churnedAt) delete values.churnedAt;
  const revenueChanged = input.annualRevenue !== undefined && (!existing || existing.annualRevenue !== input.annualRevenue);
  const validFrom = effectiveFrom ?? (existing ? now.toISOString() : (input.customerSince ?? now.toISOString()));
  const revenue = revenueChanged ? { validFrom, amount: input.annualRevenue! } : null;
  return { values, revenue };
}

/** Insert of a revenue history row; a second change at the very same instant replaces the first. */
export function revenueInsert(db: Db, accountId: string, points: RevenuePoint[]) {
  return db
    .insert(accountRevenue)
    .values(points.map((p) => ({ accountId, ...p })))
    .onConflictDoUpdate({ target: [accountRevenue.accountId, accountRevenue.validFrom], set: { amount: accountRevenue.amount } });
}

export async function createAccount(db: Db, actor: string, input: AccountInput, now = new Date()) {
  const { revenueEffectiveFrom: effectiveFrom, ...fields } = input;
  await assertExternalIdFree(db, fields.externalId);
  if (fields.parentId) await assertParent(db, fields.parentId, null);
  assertNotFuture(effectiveFrom, now);
  const id = newId("acc", now);
  const { values, revenue } = accountChanges(null, fields, now, effectiveFrom);
  const stamp = now.toISOString();
  await db.batch([
    db.insert(accounts).values({ ...values, id, externalId: fields.externalId, name: fields.name, annualRevenue: fields.annualRevenue, createdAt: stamp, updatedAt: stamp }),
    revenueInsert(db, id, [revenue!]),
    auditInsert(db, { actor, action: "account.create", entityType: "account", entityId: id, detail: values }, now),
  ]);
  return getAccount(db, id);
}

export async function updateAccount(db: Db, actor: string, id: string, patch: AccountPatchInput, now = new Date()) {
  const { revenueEffectiveFrom: effectiveFrom, ...fields } = patch;
  const existing = await getAccount(db, id);
  if (fields.externalId && fields.externalId !== existing.externalId) await assertExternalIdFree(db, fields.externalId, id);
  if (fields.parentId) await assertParent(db, fields.parentId, id);
  assertNotFuture(effectiveFrom, now);
  const { values, revenue } = accountChanges(existing, fields, now, effectiveFrom);
  if (effectiveFrom && !revenue) {
    throw badRequest("revenueEffectiveFrom dates a revenue change; send it together with a new annualRevenue.", [
      { path: "revenueEffectiveFrom", message: "only with a changed annualRevenue" },
    ]);
  }
  if (revenue) assertAfterHistory(revenue.validFrom, existing.revenueHistory);
  if (Object.keys(values).length === 0) return existing;
  await db.batch([
    db.update(accounts).set({ ...values, updatedAt: now.toISOString() }).where(eq(accounts.id, id)),
    ...(revenue ? [revenueInsert(db, id, [revenue])] : []),
    auditInsert(db, { actor, action: "account.update", entityType: "account", entityId: id, detail: changeDetail(existing, values) }, now),
  ]);
  return getAccount(db, id);
}

async function assertExternalIdFree(db: Db, externalId: string, exceptId?: string) {
  const taken = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.externalId, externalId), exceptId ? ne(accounts.id, exceptId) : undefined))
    .get();
  if (taken) {
    throw conflict(`Account ${taken.id} already has externalId '${externalId}'; update that account instead (PATCH /accounts/${taken.id}).`, [
      { path: "externalId", message: "already used by another account" },
    ]);
  }
}

async function assertParent(db: Db, parentId: string, selfId: string | null) {
  if (parentId === selfId) throw badRequest("An account cannot be its own parent.", [{ path: "parentId", message: "must be another account" }]);
  const parent = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, parentId)).get();
  if (!parent) throw badRequest(`No account has id '${parentId}'.`, [{ path: "parentId", message: "no such account" }]);
}

function assertNotFuture(effectiveFrom: string | undefined, now: Date) {
  if (effectiveFrom && effectiveFrom > now.toISOString()) {
    throw badRequest("A revenue change cannot take effect in the future; send it when it happens.", [
      { path: "revenueEffectiveFrom", message: "must not be in the future" },
    ]);
  }
}

/** History is append-only: a backdated change may not slip in before (or onto) an already recorded one. */
function assertAfterHistory(validFrom: string, history: RevenuePoint[]) {
  const latest = history[history.length - 1];
  if (latest && validFrom <= latest.validFrom) {
    throw conflict(`The revenue history already has a change at ${latest.validFrom}; a new change must take effect after it.`, [
      { path: "revenueEffectiveFrom", message: `must be after ${latest.validFrom}` },
    ]);
  }
}
