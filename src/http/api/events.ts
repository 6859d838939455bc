import { createRoute, z } from "@hono/zod-openapi";
import { receiveJourneyEvent } from "../../domain/targeting/events";
import { Timestamp } from "../../lib/fields";
import { guard } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

const JourneyEvent = z
  .strictObject({
    id: z.string().trim().min(1).max(200).openapi({ description: "Idempotency key: the same id twice creates nothing new." }),
    type: z.literal("stage.reached"),
    stage: z.string().min(1),
    accountExternalId: z.string().min(1),
    contactEmail: z.string().trim().email("not a valid email address").optional(),
    occurredAt: Timestamp,
  })
  .openapi("JourneyEvent");

const EventResult = z
  .object({
    eventId: z.string(),
    duplicate: z.boolean(),
    invitations: z.array(
      z.object({
        invitationId: z.string().nullable().openapi({ description: "null for a named contact the survey does not target (nothing written)." }),
        contactId: z.string(),
        surveyId: z.string(),
        status: z.string().openapi({ description: "The invitation's status (a pending one found instead of a second row included), or not-targeted." }),
        blockingRule: z.string().nullable(),
        scheduledFor: z.string().nullable(),
      }),
    ),
  })
  .openapi("JourneyEventResult");

export const eventsRouter = createRouter();
eventsRouter.use("*", guard({ read: ["read", "integration"], write: ["integration"] }));

eventsRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Sending"],
    summary: "Report a journey event (idempotent by id): invites the account's contacts in the stage surveys' roles",
    request: { body: jsonBody(JourneyEvent) },
    responses: {
      201: jsonResponse(EventResult, "Recorded; invitations decided"),
      200: jsonResponse(EventResult, "Seen before: nothing new was created"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const outcome = await receiveJourneyEvent(
      { db: c.var.db, queue: c.env.MAIL_QUEUE, hmacSecret: c.env.HMAC_SECRET },
      c.var.actor.id,
      c.req.valid("json"),
      new Date(),
    );
    return c.json(outcome, outcome.duplicate ? 200 : 201);
  },
);
