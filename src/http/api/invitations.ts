import { createRoute, z } from "@hono/zod-openapi";
import { createDirectInvitation } from "../../domain/invitations/create";
import { revokeInvitation } from "../../domain/invitations/revoke";
import { invitationLinks } from "../../domain/links/tokens";
import { enqueueDeliveries } from "../../domain/targeting/enqueue";
import { INVITATION_STATUSES } from "../../db/schema";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

const InvitationCreate = z
  .strictObject({
    contactId: z.string().min(1).max(100),
    surveyId: z.string().min(1).max(100),
    override: z
      .strictObject({ reason: z.string().trim().min(3, "say why the frequency rules are overridden").max(500) })
      .optional()
      .openapi({ description: "Send even if a frequency rule would hold it back (never to opted-out people). Audited." }),
  })
  .openapi("InvitationCreate");

export const Invitation = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    surveyVersionId: z.string(),
    contactId: z.string(),
    accountId: z.string(),
    kind: z.enum(["relational", "transactional"]),
    journeyStage: z.string(),
    status: z.enum(INVITATION_STATUSES),
    blockingRule: z.string().nullable().openapi({ description: "Deferred/suppressed: the frequency rule (or opt-out) that held it back." }),
    scheduledFor: z.string().nullable().openapi({ description: "Deferred: when it is checked again." }),
    causeType: z.string(),
    admittedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    surveyUrl: z.string().openapi({ description: "The contact's personal survey link (/s/{token})." }),
    unsubscribeUrl: z.string(),
  })
  .openapi("Invitation");

export const invitationsRouter = createRouter();
invitationsRouter.use("*", adminOnly);

invitationsRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Sending"],
    summary: "Invite one contact now",
    description:
      "Creates a queued invitation to the survey's current published version and queues its email (the outbox in local mode). Unsubscribed, bounced or erased contacts are refused with 409.",
    request: { body: jsonBody(InvitationCreate) },
    responses: { 201: jsonResponse(Invitation, "Invitation queued"), ...problemResponses },
  }),
  async (c) => {
    const now = new Date();
    const invitation = await createDirectInvitation(c.var.db, c.env.HMAC_SECRET, c.var.actor.id, c.req.valid("json"), now);
    if (invitation.status === "queued") await enqueueDeliveries(c.env.MAIL_QUEUE, [invitation.id]);
    const links = await invitationLinks(c.env, invitation, now);
    const { id, surveyId, surveyVersionId, contactId, accountId, kind, journeyStage, status, blockingRule, scheduledFor, causeType, admittedAt, expiresAt, createdAt } = invitation;
    return c.json(
      { id, surveyId, surveyVersionId, contactId, accountId, kind, journeyStage, status, blockingRule, scheduledFor, causeType, admittedAt, expiresAt, createdAt, ...links },
      201,
    );
  },
);

const RevokedInvitation = Invitation.omit({ surveyUrl: true, unsubscribeUrl: true })
  .extend({ revokedAt: z.string().nullable() })
  .openapi("RevokedInvitation");

invitationsRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/revoke",
    tags: ["Sending"],
    summary: "Revoke an invitation",
    description:
      "Its survey link stops working at once (the contact sees a friendly 'closed' page; the unsubscribe link keeps working), nothing more is mailed for it, and a scheduled or deferred one becomes suppressed ('revoked'). Revoking again keeps the first time. Audited.",
    request: { params: z.object({ id: z.string().min(1).max(100) }) },
    responses: { 200: jsonResponse(RevokedInvitation, "Invitation revoked"), ...problemResponses },
  }),
  async (c) => {
    const invitation = await revokeInvitation(c.var.db, c.var.actor.id, c.req.valid("param").id, new Date());
    const { id, surveyId, surveyVersionId, contactId, accountId, kind, journeyStage, status, blockingRule, scheduledFor, causeType, admittedAt, expiresAt, createdAt, revokedAt } = invitation;
    return c.json({ id, surveyId, surveyVersionId, contactId, accountId, kind, journeyStage, status, blockingRule, scheduledFor, causeType, admittedAt, expiresAt, createdAt, revokedAt }, 200);
  },
);
