// GET /api/v1/invitations (SPEC §9, §12 Sending): invitations filtered by survey, status, rule, account, contact and
// wave, newest first, with names beside the ids. POST /invitations and revoke live in invitations.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { listInvitations } from "../../domain/invitations/list";
import { INVITATION_STATUSES } from "../../db/schema";
import { adminOnly } from "../middleware/auth";
import { createRouter, decodeCursor, encodeCursor, jsonResponse, problemResponses } from "./router";

const InvitationsQuery = z.object({
  surveyId: z.string().max(100).optional(),
  status: z.enum(INVITATION_STATUSES).optional(),
  rule: z.string().max(100).optional().openapi({ description: "The rule that blocked a deferred or suppressed invitation (rule id, opted-out, bounced, erased, defer-limit, revoked)." }),
  accountId: z.string().max(100).optional(),
  contactId: z.string().max(100).optional(),
  wave: z.coerce.number().int().min(0).max(100_000).optional().openapi({ description: "A relational program's wave index (with surveyId: that survey's wave)." }),
  cursor: z.string().max(200).optional().openapi({ description: "Opaque cursor from the previous page's nextCursor." }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const InvitationListItem = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    surveyName: z.string().nullable(),
    surveyVersionId: z.string(),
    contactId: z.string(),
    contactName: z.string().nullable(),
    contactEmail: z.string().nullable().openapi({ description: "Null once the contact was erased." }),
    accountId: z.string().openapi({ description: "The contact's account when the invitation was made." }),
    accountName: z.string().nullable(),
    kind: z.enum(["relational", "transactional"]),
    journeyStage: z.string(),
    status: z.enum(INVITATION_STATUSES),
    blockingRule: z.string().nullable(),
    causeType: z.string(),
    causeId: z.string().nullable(),
    scheduledFor: z.string().nullable(),
    admittedAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("InvitationListItem");

export const invitationsListRouter = createRouter();
invitationsListRouter.use("/", adminOnly);

invitationsListRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Sending"],
    summary: "List invitations, newest first",
    request: { query: InvitationsQuery },
    responses: { 200: jsonResponse(z.object({ items: z.array(InvitationListItem), nextCursor: z.string().nullable() }), "A page of invitations"), ...problemResponses },
  }),
  async (c) => {
    const { cursor, limit, ...filter } = c.req.valid("query");
    const { items, nextBefore } = await listInvitations(c.var.db, filter, { before: decodeCursor(cursor), limit });
    return c.json({ items, nextCursor: nextBefore ? encodeCursor(nextBefore) : null }, 200);
  },
);
