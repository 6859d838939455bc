import { createRoute, z } from "@hono/zod-openapi";
import { ContactCreate, ContactPatch, createContact, getContact, listContacts, updateContact } from "../../domain/directory/contacts";
import { eraseContact, exportContact } from "../../domain/directory/privacy";
import { adminOnly, guard } from "../middleware/auth";
import { createRouter, decodeCursor, IdParam, jsonBody, jsonResponse, PageQuery, page, problemResponses } from "./router";

export const ContactView = z
  .object({
    id: z.string(),
    accountId: z.string(),
    email: z.string().nullable().openapi({ description: "Lower-cased; null once erased." }),
    name: z.string().nullable(),
    role: z.string(),
    locale: z.string(),
    status: z.enum(["active", "unsubscribed", "bounced", "erased"]),
    prn: z.number().openapi({ description: "Permanent random number in [0, 1), drawn at creation; selects relational waves." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Contact");

const ContactCreateBody = ContactCreate.openapi("ContactCreate", {
  description: "email is stored lower-cased and must be unique and not on the suppression list; role must be an existing role key; locale defaults to the organization's.",
});
const ContactPatchBody = ContactPatch.openapi("ContactPatch", {
  description: "Moving to another account keeps the contact; past invitations keep their account. status unsubscribed/bounced also suppresses the address.",
});

const ContactListQuery = PageQuery.extend({
  accountId: z.string().max(100).optional(),
  role: z.string().max(64).optional(),
  status: z.enum(["active", "unsubscribed", "bounced", "erased"]).optional(),
  email: z.string().max(254).optional(),
});

// Guards sit on each route, not on "*": other routers (eligibility, imports…) share the /contacts prefix with other scopes.
export const contactsRouter = createRouter();

contactsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/",
    tags: ["Directory"],
    summary: "List contacts (filters combine with AND)",
    request: { query: ContactListQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(ContactView), nextCursor: z.string().nullable() }), "A page of contacts"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { cursor, ...filter } = c.req.valid("query");
    const rows = await listContacts(c.var.db, { ...filter, after: decodeCursor(cursor) });
    return c.json(page(rows, filter.limit, (x) => x.id), 200);
  },
);

contactsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/",
    tags: ["Directory"],
    summary: "Create a contact",
    request: { body: jsonBody(ContactCreateBody) },
    responses: { 201: jsonResponse(ContactView, "Created"), ...problemResponses },
  }),
  async (c) => c.json(await createContact(c.var.db, c.var.actor.id, c.env.HMAC_SECRET, c.req.valid("json")), 201),
);

contactsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/{id}",
    tags: ["Directory"],
    summary: "Get a contact",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ContactView, "The contact"), ...problemResponses },
  }),
  async (c) => c.json(await getContact(c.var.db, c.req.valid("param").id), 200),
);

contactsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "patch",
    path: "/{id}",
    tags: ["Directory"],
    summary: "Update a contact",
    request: { params: IdParam, body: jsonBody(ContactPatchBody) },
    responses: { 200: jsonResponse(ContactView, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateContact(c.var.db, c.var.actor.id, c.env.HMAC_SECRET, c.req.valid("param").id, c.req.valid("json")), 200),
);

/** Personal data leaves or disappears only through an admin token. */
const adminScopeOnly = guard({ read: [], write: [] });

contactsRouter.openapi(
  createRoute({
    middleware: adminScopeOnly,
    method: "post",
    path: "/{id}/erase",
    tags: ["Privacy"],
    summary: "Erase a contact's personal data (GDPR)",
    description:
      "Removes name, email, free-text answers, case verbatims and mail copies; stops unsent invitations; keeps the address only as an HMAC on the suppression list (reason erased) so a re-import cannot bring it back. Anonymous numbers stay, so scores do not change. Idempotent.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ContactView, "Erased"), ...problemResponses },
  }),
  async (c) => c.json(await eraseContact(c.var.db, c.var.actor.id, c.env.HMAC_SECRET, c.req.valid("param").id), 200),
);

contactsRouter.openapi(
  createRoute({
    middleware: adminScopeOnly,
    method: "get",
    path: "/{id}/export",
    tags: ["Privacy"],
    summary: "Everything held about a contact (GDPR access request)",
    request: { params: IdParam },
    responses: {
      200: jsonResponse(
        z
          .object({
            exportedAt: z.string(),
            contact: ContactView,
            formerAddresses: z
              .array(z.object({ email: z.string().nullable(), replacedAt: z.string() }))
              .openapi({ description: "Every address the contact had before the current one, and when it was replaced." }),
            account: z.object({ id: z.string(), externalId: z.string(), name: z.string() }).nullable(),
            suppression: z.string().nullable(),
            invitations: z.array(z.record(z.string(), z.unknown())),
            responses: z.array(z.record(z.string(), z.unknown())),
            cases: z.array(z.record(z.string(), z.unknown())),
            mails: z.array(z.record(z.string(), z.unknown())),
          })
          .openapi("ContactExport"),
        "The export",
      ),
      ...problemResponses,
    },
  }),
  async (c) => c.json(await exportContact(c.var.db, c.env.HMAC_SECRET, c.req.valid("param").id), 200),
);
