import { createRoute, z } from "@hono/zod-openapi";
import { AccountCreate, AccountPatch, createAccount, getAccount, listAccounts, updateAccount } from "../../domain/directory/accounts";
import { CountryCode, Email } from "../../lib/fields";
import { adminOnly } from "../middleware/auth";
import { createRouter, decodeCursor, IdParam, jsonBody, jsonResponse, PageQuery, page, problemResponses } from "./router";

export const AccountView = z
  .object({
    id: z.string(),
    externalId: z.string().openapi({ description: "The CRM's id; unique." }),
    name: z.string(),
    annualRevenue: z.number().int().openapi({ description: "Current value in whole units of the reporting currency." }),
    status: z.enum(["active", "churned"]),
    customerSince: z.string().nullable(),
    churnedAt: z.string().nullable(),
    country: z.string().nullable().openapi({ description: "ISO 3166-1 alpha-2, upper case." }),
    segment: z.string().nullable(),
    ownerEmail: z.string().nullable(),
    ownerName: z.string().nullable(),
    parentId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Account");

const RevenuePoint = z.object({ validFrom: z.string(), amount: z.number().int() }).openapi("RevenuePoint");
export const AccountDetail = AccountView.extend({
  revenueHistory: z.array(RevenuePoint).openapi({ description: "Every revenue change, oldest first; past periods use the amount valid at their end." }),
}).openapi("AccountDetail");

const dates = "A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 date-time; stored as a full UTC timestamp.";
const AccountCreateBody = AccountCreate.openapi("AccountCreate", {
  description: `revenueEffectiveFrom dates the revenue (default: customerSince for a new account, else now). ${dates}`,
});
const AccountPatchBody = AccountPatch.openapi("AccountPatch", {
  description: `A changed annualRevenue adds a revenue history row valid from revenueEffectiveFrom (default now; not in the future, after the last change). status churned stamps churnedAt. ${dates}`,
});

const AccountListQuery = PageQuery.extend({
  status: z.enum(["active", "churned"]).optional(),
  segment: z.string().max(100).optional(),
  country: CountryCode.optional(),
  ownerEmail: Email.optional(),
  parentId: z.string().max(100).optional(),
  externalId: z.string().max(200).optional(),
});

// Guards sit on each route, not on "*": other routers (eligibility, imports…) share the /accounts prefix with other scopes.
export const accountsRouter = createRouter();

accountsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/",
    tags: ["Directory"],
    summary: "List accounts (filters combine with AND)",
    request: { query: AccountListQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(AccountView), nextCursor: z.string().nullable() }), "A page of accounts"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { cursor, ...filter } = c.req.valid("query");
    const rows = await listAccounts(c.var.db, { ...filter, after: decodeCursor(cursor) });
    return c.json(page(rows, filter.limit, (a) => a.id), 200);
  },
);

accountsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/",
    tags: ["Directory"],
    summary: "Create an account",
    request: { body: jsonBody(AccountCreateBody) },
    responses: { 201: jsonResponse(AccountDetail, "Created"), ...problemResponses },
  }),
  async (c) => c.json(await createAccount(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

accountsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/{id}",
    tags: ["Directory"],
    summary: "Get an account with its revenue history",
    request: { params: IdParam },
    responses: { 200: jsonResponse(AccountDetail, "The account"), ...problemResponses },
  }),
  async (c) => c.json(await getAccount(c.var.db, c.req.valid("param").id), 200),
);

accountsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "patch",
    path: "/{id}",
    tags: ["Directory"],
    summary: "Update an account",
    request: { params: IdParam, body: jsonBody(AccountPatchBody) },
    responses: { 200: jsonResponse(AccountDetail, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateAccount(c.var.db, c.var.actor.id, c.req.valid("param").id, c.req.valid("json")), 200),
);
