import { createRoute, z } from "@hono/zod-openapi";
import { listAuditEntries } from "../../domain/audit/query";
import { adminOnly } from "../middleware/auth";
import { badRequest } from "../../lib/errors";
import { createRouter, decodeCursor, jsonResponse, PageQuery, page, problemResponses } from "./router";

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string().openapi({ description: "Token id, 'bootstrap', 'system', or a user email." }),
    action: z.string().openapi({ example: "account.update" }),
    entityType: z.string(),
    entityId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("AuditEntry");

const AuditQuery = PageQuery.extend({
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
});

export const auditLogRouter = createRouter();
auditLogRouter.use("*", adminOnly);

auditLogRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Access"],
    summary: "Read the audit log, newest first",
    request: { query: AuditQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }), "A page of entries"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { cursor, ...filter } = c.req.valid("query");
    const rows = await listAuditEntries(c.var.db, { ...filter, beforeId: auditCursor(cursor) });
    return c.json(page(rows, filter.limit, (entry) => String(entry.id)), 200);
  },
);

function auditCursor(cursor: string | undefined): number | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return undefined;
  const id = Number(decoded);
  if (!Number.isSafeInteger(id)) throw badRequest("The cursor is not one this API handed out; start again without it.", [{ path: "cursor", message: "invalid cursor" }]);
  return id;
}
