import { and, asc, eq, gt, or, sql, type SQLWrapper } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accounts, contacts, roles } from "../../db/schema";
import { ApiError } from "../../lib/errors";

/**
 * Finding people and customers by what a person remembers of them: part of a name, an address, a CRM id. Returns
 * query builders, so a page can read them in the same batch as its other reads (one D1 round trip).
 */

/**
 * `column` contains `text`, ignoring ASCII case as LIKE did. instr, not LIKE: D1 refuses a LIKE pattern over 50 bytes
 * ("LIKE or GLOB pattern too complex"), so a search for a long address or name answered 5xx; instr has no such limit
 * and no wildcards to escape.
 */
const containsText = (column: SQLWrapper, text: string) => sql`instr(lower(${column}), ${text.toLowerCase()}) > 0`;

/** Longer than any name, address or CRM id. */
export const MAX_SEARCH_LENGTH = 500;

/** The trimmed search text; a search longer than anything stored is refused with a 400 a person can act on. */
function searchText(q: string | undefined): string | undefined {
  const text = q?.trim();
  if (text && text.length > MAX_SEARCH_LENGTH) {
    throw new ApiError(400, "Search too long", `Search for at most ${MAX_SEARCH_LENGTH} characters: part of a name, an email address or a CRM id.`, [{ path: "q", message: `at most ${MAX_SEARCH_LENGTH} characters` }]);
  }
  return text;
}

export interface DirectorySearch {
  /** Part of a name, an email address or a CRM id; empty lists everything. */
  q?: string;
  /** Id of the last row of the previous page (rows come in id order). */
  after?: string;
  limit: number;
}

/** Accounts whose name or CRM id contains `q`, in id order; fetches limit + 1 rows so the caller knows about a next page. */
export function searchAccounts(db: Db, search: DirectorySearch) {
  const q = searchText(search.q);
  return db
    .select()
    .from(accounts)
    .where(and(q ? or(containsText(accounts.name, q), containsText(accounts.externalId, q), eq(accounts.id, q)) : undefined, search.after ? gt(accounts.id, search.after) : undefined))
    .orderBy(asc(accounts.id))
    .limit(search.limit + 1);
}

/** Contacts whose name or email contains `q` (or whose account's name does), with their account's name and role label. */
export function searchContacts(db: Db, search: DirectorySearch & { accountId?: string }) {
  const q = searchText(search.q);
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
        q ? or(containsText(contacts.name, q), containsText(contacts.email, q), containsText(accounts.name, q), eq(contacts.id, q)) : undefined,
        search.accountId ? eq(contacts.accountId, search.accountId) : undefined,
        search.after ? gt(contacts.id, search.after) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(search.limit + 1);
}

export type ContactHit = Awaited<ReturnType<ReturnType<typeof searchContacts>["all"]>>[number];
