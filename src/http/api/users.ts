import { createRoute, z } from "@hono/zod-openapi";
import { sendSignInLink } from "../../domain/access/sign-in-links";
import { mailProviderFor } from "../../domain/delivery/providers";
import { deactivateUser, getUser, inviteUser, listUsers, reactivateUser, updateUser } from "../../domain/users/users";
import { USER_ROLES, type User } from "../../db/schema";
import { conflict } from "../../lib/errors";
import { guard } from "../middleware/auth";
import { createRouter, decodeCursor, IdParam, jsonBody, jsonResponse, PageQuery, page, problemResponses } from "./router";

const Role = z.enum(USER_ROLES).openapi({
  description: "admin: everything; analyst: reads everything, verbatims included; account_manager: reads everything and works the cases of their accounts.",
});

export const UserView = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: Role,
    status: z.enum(["active", "deactivated"]),
    createdAt: z.string(),
    deactivatedAt: z.string().nullable(),
  })
  .openapi("User");

export const UserInvite = z
  .strictObject({
    email: z.email("enter an email address like name@example.com").max(320),
    name: z.string().trim().min(1, "enter the person's name").max(200),
    role: Role,
  })
  .openapi("UserInvite");

const UserUpdate = z
  .strictObject({ role: Role.optional(), name: z.string().trim().min(1).max(200).optional() })
  .refine((v) => v.role !== undefined || v.name !== undefined, { message: "change role or name", path: ["role"] })
  .openapi("UserUpdate");

const Me = z
  .object({
    actor: z.string().openapi({ description: "How the audit log names you: 'user:<id>' or a token id." }),
    user: UserView.nullable(),
    scopes: z.array(z.string()),
    csrfToken: z.string().nullable().openapi({ description: "With a session cookie: send it as X-CSRF-Token on writes. Null with a bearer token." }),
  })
  .openapi("Me");

const SignInLink = z.object({ url: z.string(), expiresAt: z.string() }).openapi("SignInLink");

const UserListQuery = PageQuery.extend({
  status: z.enum(["active", "deactivated"]).optional(),
  email: z.string().max(320).optional().openapi({ description: "Exact address (case-insensitive): find a person by email." }),
});

const view = (user: User) => UserView.parse(user);

export const usersRouter = createRouter();
// Everyone on our side may see who is who (names on cases and in the audit log); only admins change people.
usersRouter.use("*", guard({ read: ["read"], write: [] }));

usersRouter.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["People"],
    summary: "Who is calling: the signed-in person (or token), scopes, and the session's CSRF token",
    responses: { 200: jsonResponse(Me, "You"), ...problemResponses },
  }),
  async (c) => {
    const actor = c.var.actor;
    const user = actor.userId ? view(await getUser(c.var.db, actor.userId)) : null;
    return c.json({ actor: actor.id, user, scopes: actor.scopes, csrfToken: c.var.csrfToken ?? null }, 200);
  },
);

usersRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["People"],
    summary: "List users (people on our side), oldest first",
    request: { query: UserListQuery },
    responses: { 200: jsonResponse(z.object({ items: z.array(UserView), nextCursor: z.string().nullable() }), "A page of users"), ...problemResponses },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const rows = await listUsers(c.var.db, { after: decodeCursor(query.cursor), limit: query.limit, status: query.status, email: query.email });
    const result = page(rows, query.limit, (u) => u.id);
    return c.json({ items: result.items.map(view), nextCursor: result.nextCursor }, 200);
  },
);

usersRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["People"],
    summary: "Invite a person: they become an active user and receive a sign-in link by email",
    request: { body: jsonBody(UserInvite) },
    responses: { 201: jsonResponse(UserView, "Invited"), ...problemResponses },
  }),
  async (c) => {
    const user = await inviteUser(c.var.db, c.var.actor.id, c.req.valid("json"));
    await sendSignInLink(c.var.db, mailProviderFor(c.env, c.var.db), user, { publicUrl: c.env.PUBLIC_URL, invited: true });
    return c.json(view(user), 201);
  },
);

usersRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["People"],
    summary: "Get a user (audit entries name people as 'user:<id>')",
    request: { params: IdParam },
    responses: { 200: jsonResponse(UserView, "The user"), ...problemResponses },
  }),
  async (c) => c.json(view(await getUser(c.var.db, c.req.valid("param").id)), 200),
);

usersRouter.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["People"],
    summary: "Change a user's role or name (the last active admin stays an admin)",
    request: { params: IdParam, body: jsonBody(UserUpdate) },
    responses: { 200: jsonResponse(UserView, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(view(await updateUser(c.var.db, c.var.actor.id, c.req.valid("param").id, c.req.valid("json"))), 200),
);

usersRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/deactivate",
    tags: ["People"],
    summary: "Deactivate a user: their sessions and sign-in links end at once (idempotent)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(UserView, "Deactivated"), ...problemResponses },
  }),
  async (c) => c.json(view(await deactivateUser(c.var.db, c.var.actor.id, c.req.valid("param").id)), 200),
);

usersRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/reactivate",
    tags: ["People"],
    summary: "Reactivate a user (they sign in again by email link)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(UserView, "Reactivated"), ...problemResponses },
  }),
  async (c) => c.json(view(await reactivateUser(c.var.db, c.var.actor.id, c.req.valid("param").id)), 200),
);

usersRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/sign-in-link",
    tags: ["People"],
    summary: "Local mode only: issue a sign-in link for an active user and return it (npm start prints one for the demo admin)",
    description: "Also mailed (to the outbox). Refused unless MAIL_PROVIDER is 'outbox': in production links only travel by email.",
    request: { params: IdParam },
    responses: { 201: jsonResponse(SignInLink, "A fresh link, valid 15 minutes, single use"), ...problemResponses },
  }),
  async (c) => {
    if ((c.env.MAIL_PROVIDER ?? "outbox") !== "outbox") {
      throw conflict("Sign-in links are returned only in local mode (MAIL_PROVIDER=outbox); ask for one on the sign-in page.");
    }
    const user = await getUser(c.var.db, c.req.valid("param").id);
    if (user.status !== "active") throw conflict(`${user.email} is deactivated; reactivate them first.`);
    // Whoever holds the link can act as this person for a while: who asked for it is audited with the link.
    const link = await sendSignInLink(c.var.db, mailProviderFor(c.env, c.var.db), user, { publicUrl: c.env.PUBLIC_URL, requestedBy: c.var.actor.id });
    return c.json({ url: link.url, expiresAt: link.expiresAt }, 201);
  },
);
