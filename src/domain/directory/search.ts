import { and, asc, eq, gt, like, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accounts, contacts, roles } from "../../db/schema";

/**
 * Finding people and customers by what a person remembers of them: part of a name, an address, a CRM id. Returns
 * query builders, so a page can read them in the same batch as its other reads (one D1 round trip).
 */

/** `%text%` for LIKE, with LIKE's own wildcards taken literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const likeEscaped = (column: Parameters<typeof like>[0], text: string) => sql`${column} LIKE ${contains(text)} ESCAPE '\\'`;

export interface DirectorySearch {
  /** Part of a name, an email address or a CRM id; empty lists everything. */
  q?: string;
  /** Id of the last row of the previous page (rows come in id order). */
  after?: string;
  limit: number;
}

/** Accounts whose name or CRM id contains `q`, in id order; fetches limit + 1 rows so the caller knows about a next page. */
export function searchAccounts(db: Db, search: DirectorySearch) {
  const q = search.q?.trim();
  return db
    .select()
    .from(accounts)
    .where(and(q ? or(likeEscaped(accounts.name, q), likeEscaped(accounts.externalId, q), eq(accounts.id, q)) : undefined, search.after ? gt(accounts.id, search.after) : undefined))
    .orderBy(asc(accounts.id))
    .limit(search.limit + 1);
}

/** Contacts whose name or email contains `q` (or whose account's name does), with their account's name and role label. */
export function searchContacts(db: Db, search: DirectorySearch & { accountId?: string }) {
  const q = search.q?.trim();
  return db
    .select({
      id: contacts.id,
      name: contacts.name,
      email: contacts.email,
      role: contacts.role,
      roleLabel: sql<string | null>`${roles.label}`.as("role_label"),
      status: contacts.status,
      locale: contacts.locale,
      accountId: contacts.accountId,
      // Aliased: D1's batch answers rows as objects, so two columns named "name" would collide.
      accountName: sql<string>`${accounts.name}`.as("account_name"),
    })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .leftJoin(roles, eq(roles.key, contacts.role))
    .where(
      and(
        q ? or(likeEscaped(contacts.name, q), likeEscaped(contacts.email, q.toLowerCase()), likeEscaped(accounts.name, q), eq(contacts.id, q)) : undefined,
        search.accountId ? eq(contacts.accountId, search.accountId) : undefined,
        search.after ? gt(contacts.id, search.after) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(search.limit + 1);
}

export type ContactHit = Awaited<ReturnType<ReturnType<typeof searchContacts>["all"]>>[number];
