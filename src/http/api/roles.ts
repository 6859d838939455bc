import { createRoute, z } from "@hono/zod-openapi";
import { createRole, deleteRole, getRole, listRoles, updateRole } from "../../domain/directory/roles";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

const RoleKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "use lower-case letters, digits and underscores, starting with a letter");

export const Role = z
  .object({
    key: RoleKey,
    label: z.string().min(1).max(200),
    weight: z.number().int().positive().openapi({ description: "Weight in hundredths (100 = 1.0)." }),
    committee: z.boolean().openapi({ description: "Part of the buying committee whose coverage is tracked." }),
    decisionMaker: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Role");

const RoleCreate = z
  .strictObject({
    key: RoleKey,
    label: z.string().min(1).max(200),
    weight: z.number().int().positive().max(100000).optional(),
    committee: z.boolean().optional(),
    decisionMaker: z.boolean().optional(),
  })
  .openapi("RoleCreate");

const RolePatch = RoleCreate.omit({ key: true }).partial().openapi("RolePatch");
const KeyParam = z.object({ key: z.string().openapi({ param: { name: "key", in: "path" } }) });

export const rolesRouter = createRouter();
rolesRouter.use("*", adminOnly);

rolesRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Directory"],
    summary: "List roles",
    responses: { 200: jsonResponse(z.object({ items: z.array(Role) }), "All roles"), ...problemResponses },
  }),
  async (c) => c.json({ items: await listRoles(c.var.db) }, 200),
);

rolesRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Directory"],
    summary: "Create a role",
    request: { body: jsonBody(RoleCreate) },
    responses: { 201: jsonResponse(Role, "Created"), ...problemResponses },
  }),
  async (c) => c.json(await createRole(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

rolesRouter.openapi(
  createRoute({
    method: "get",
    path: "/{key}",
    tags: ["Directory"],
    summary: "Get a role",
    request: { params: KeyParam },
    responses: { 200: jsonResponse(Role, "The role"), ...problemResponses },
  }),
  async (c) => c.json(await getRole(c.var.db, c.req.valid("param").key), 200),
);

rolesRouter.openapi(
  createRoute({
    method: "patch",
    path: "/{key}",
    tags: ["Directory"],
    summary: "Update a role",
    request: { params: KeyParam, body: jsonBody(RolePatch) },
    responses: { 200: jsonResponse(Role, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateRole(c.var.db, c.var.actor.id, c.req.valid("param").key, c.req.valid("json")), 200),
);

rolesRouter.openapi(
  createRoute({
    method: "delete",
    path: "/{key}",
    tags: ["Directory"],
    summary: "Delete a role no contact holds",
    request: { params: KeyParam },
    responses: { 204: { description: "Deleted" }, ...problemResponses },
  }),
  async (c) => {
    await deleteRole(c.var.db, c.var.actor.id, c.req.valid("param").key);
    return c.body(null, 204);
  },
);
