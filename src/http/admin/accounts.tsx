import { Hono } from "hono";
import { z } from "zod";
import { ACCOUNT_CATEGORIES, ACCOUNT_SORTS, accountList, accountPage as readAccountPage } from "../../domain/scoring/dashboard";
import { currentRun } from "../../domain/scoring/run";
import { ApiError } from "../../lib/errors";
import { accountPage } from "../../views/admin/account";
import { accountsPage, type AccountQuery } from "../../views/admin/accounts";
import { noScoresPage } from "../../views/admin/overview";
import { notScored, quarterParam } from "./overview";
import { optionalFilter, parseFilters } from "./forms";
import type { AdminEnv } from "./session";

export const ACCOUNTS_PER_PAGE = 50;

const AccountsQuery = z.object({
  period: z.string().optional(),
  category: optionalFilter(z.enum(ACCOUNT_CATEGORIES)),
  owner: optionalFilter(z.string().max(320)),
  segment: optionalFilter(z.string().max(100)),
  country: optionalFilter(z.string().max(2)),
  silent: optionalFilter(z.coerce.number().int("a whole number").min(0, "0 or more").max(40, "at most 40")),
  single: optionalFilter(z.enum(["yes", "no"])),
  sort: optionalFilter(z.enum(ACCOUNT_SORTS)),
  page: optionalFilter(z.coerce.number().int().min(1).max(10_000)),
});

const ACCOUNT_FILTER_LABELS = { category: "Category", silent: "Silent quarters", single: "Single-threaded", sort: "Sort by", page: "Page" };

/** /admin/accounts: the list and each account's page. */
export const accountsRouter = new Hono<AdminEnv>();

accountsRouter.get("/", async (c) => {
  const raw = c.req.query();
  const q = parseFilters(AccountsQuery, raw, ACCOUNT_FILTER_LABELS);
  const period = quarterParam(q.period);
  const run = await currentRun(c.var.db);
  if (!run) return c.html(noScoresPage({ nonce: c.var.nonce, viewer: c.var.viewer, title: "Accounts", active: "accounts" }));
  const page = q.page ?? 1;
  const filter = {
    category: q.category,
    owner: q.owner,
    segment: q.segment,
    country: q.country,
    silentQuarters: q.silent,
    singleThreaded: q.single === undefined ? undefined : q.single === "yes",
    sort: q.sort ?? "revenue",
    offset: (page - 1) * ACCOUNTS_PER_PAGE,
    limit: ACCOUNTS_PER_PAGE,
  } as const;
  const data = await accountList(c.var.db, run, period, filter);
  if (!data) throw notScored(period);
  const query: AccountQuery = { period: q.period || undefined, category: q.category, owner: q.owner, segment: q.segment, country: q.country, silent: q.silent?.toString(), single: q.single, sort: q.sort };
  return c.html(accountsPage({ nonce: c.var.nonce, viewer: c.var.viewer, data, query, filter, page }));
});

accountsRouter.get("/:id", async (c) => {
  const id = c.req.param("id");
  const run = await currentRun(c.var.db);
  const data = id.length <= 100 ? await readAccountPage(c.var.db, run ?? null, id, new Date()) : null;
  if (!data) throw new ApiError(404, "Account not found", "There is no account with this id. It may have been mistyped; find it in the accounts list.");
  return c.html(accountPage({ nonce: c.var.nonce, viewer: c.var.viewer, data }));
});
