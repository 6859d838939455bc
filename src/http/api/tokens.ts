import { createRoute, z } from "@hono/zod-openapi";
import { createToken, getToken, listTokens, revokeToken } from "../../domain/access/tokens";
import { guard } from "../middleware/auth";
import { createRouter, decodeCursor, IdParam, jsonBody, jsonResponse, PageQuery, page, problemResponses } from "./router";

const Scope = z.enum(["admin", "integration", "read"]).openapi({
  description: "admin: everything; integration: journey events, eligibility and sends; read: read-only access to the directory and scores.",
});

export const ApiTokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(Scope),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiToken");

export const TokenCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ description: "Who or what uses the token, e.g. 'Salesforce sync'." }),
    scopes: z.array(Scope).min(1, "give at least one scope"),
  })
  .openapi("TokenCreate");

const CreatedToken = ApiTokenView.extend({
  token: z.string().openapi({ description: "The secret: shown this once, store it now. Only its SHA-256 is kept." }),
}).openapi("CreatedToken");

const TokenListQuery = PageQuery.extend({
  includeRevoked: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
});

export const tokensRouter = createRouter();
// Tokens grant access: only admins see or manage them.
tokensRouter.use("*", guard({ read: [], write: [] }));

tokensRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Access"],
    summary: "Create an API token (the secret is in this response only)",
    request: { body: jsonBody(TokenCreate) },
    responses: { 201: jsonResponse(CreatedToken, "Created"), ...problemResponses },
  }),
  async (c) => c.json(await createToken(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

tokensRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Access"],
    summary: "List API tokens, newest first (never their secrets)",
    request: { query: TokenListQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(ApiTokenView), nextCursor: z.string().nullable() }), "A page of tokens"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const rows = await listTokens(c.var.db, { before: decodeCursor(query.cursor), limit: query.limit, includeRevoked: query.includeRevoked });
    return c.json(page(rows, query.limit, (t) => t.id), 200);
  },
);

tokensRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Access"],
    summary: "Get an API token (never its secret)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ApiTokenView, "The token"), ...problemResponses },
  }),
  async (c) => c.json(await getToken(c.var.db, c.req.valid("param").id), 200),
);

tokensRouter.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Access"],
    summary: "Revoke an API token (immediately; idempotent)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ApiTokenView, "Revoked"), ...problemResponses },
  }),
  async (c) => c.json(await revokeToken(c.var.db, c.var.actor.id, c.req.valid("param").id), 200),
);
