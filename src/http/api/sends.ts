import { createRoute, z } from "@hono/zod-openapi";
import { planSend } from "../../domain/targeting/plan";
import type { Selection } from "../../domain/targeting/selection";
import { sendSurvey } from "../../domain/targeting/sends";
import type { AppEnv } from "../context";
import { guard } from "../middleware/auth";
import { ApiError } from "../../lib/errors";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";
import type { Context } from "hono";
import { KEY_RETENTION_DAYS } from "../../db/request-keys";

const Ids = z.array(z.string().min(1)).min(1).max(10_000);
const Filter = z
  .strictObject({
    roles: z.array(z.string().min(1)).max(100).optional(),
    countries: z.array(z.string().length(2).transform((c) => c.toUpperCase())).max(300).optional(),
    segments: z.array(z.string().min(1)).max(100).optional(),
    minAnnualRevenue: z.number().int().min(0).optional(),
  })
  .openapi("ContactFilter", { description: "Active contacts of active accounts, in the survey's target roles, narrowed by these." });

const Override = z
  .strictObject({ reason: z.string().trim().min(3, "say why the caps are overridden").max(500) })
  .openapi("Override", { description: "Admin only: send past the frequency rules (never to opted-out people). Audited." });

const selectionFields = {
  surveyId: z.string().min(1),
  contactIds: Ids.optional(),
  accountIds: Ids.optional(),
  filter: Filter.optional(),
  override: Override.optional(),
  includeOffTarget: z
    .boolean()
    .optional()
    .openapi({ description: "Also invite contacts outside the survey's targetRoles (named ones are otherwise listed as not-targeted, nothing written)." }),
  cursor: z.string().min(1).optional().openapi({ description: "nextCursor of the previous response, to continue." }),
};

const exactlyOneSelection = (body: { contactIds?: unknown; accountIds?: unknown; filter?: unknown }, ctx: z.RefinementCtx) => {
  const given = (["contactIds", "accountIds", "filter"] as const).filter((key) => body[key] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({ code: "custom", path: [given[1] ?? "contactIds"], message: "give exactly one of contactIds, accountIds or filter" });
  }
};

export const SendRequest = z.strictObject(selectionFields).superRefine(exactlyOneSelection).openapi("SendRequest");
export const PlanRequest = z
  .strictObject({ ...selectionFields, limit: z.number().int().min(1).max(1000).default(200) })
  .superRefine(exactlyOneSelection)
  .openapi("PlanRequest");

const BlockingRule = z.object({ id: z.string(), until: z.string().nullable() });
const Status = z.enum(["queued", "deferred", "suppressed", "scheduled", "not-targeted"]).openapi({
  description: "queued/deferred/suppressed: the verdict; scheduled/deferred with pending=true: the invitation already pending; not-targeted: nothing written.",
});
const totalsFields = {
  candidates: z.number(),
  queued: z.number(),
  deferred: z.number(),
  suppressed: z.number(),
  notTargeted: z.number(),
  pending: z.number().openapi({ description: "Contacts who already had this survey scheduled or deferred: answered with that invitation." }),
};

const PlanResponse = z
  .object({
    surveyId: z.string(),
    totals: z.object({ ...totalsFields, byRule: z.record(z.string(), z.number()) }),
    items: z.array(
      z.object({
        contactId: z.string(),
        contactName: z.string().nullable(),
        accountId: z.string(),
        accountName: z.string(),
        wouldBe: Status,
        blockingRule: z.string().nullable(),
        until: z.string().nullable(),
        blockingRules: z.array(BlockingRule),
        pending: z.boolean(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("SendPlan");

const SendResponse = z
  .object({
    sendId: z.string(),
    surveyId: z.string(),
    totals: z.object(totalsFields),
    invitations: z.array(
      z.object({
        invitationId: z.string().nullable().openapi({ description: "null for not-targeted (nothing written)." }),
        contactId: z.string(),
        contactName: z.string().nullable(),
        accountName: z.string(),
        status: Status,
        blockingRule: z.string().nullable(),
        scheduledFor: z.string().nullable(),
        pending: z.boolean(),
      }),
    ),
    nextCursor: z.string().nullable(),
    replayed: z
      .boolean()
      .optional()
      .openapi({ description: "true when this answers a repeated Idempotency-Key: the first send's result, nothing written again." }),
  })
  .openapi("SendResult");

const SendHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({
      description:
        `A one-time key of this send (e.g. a UUID). The same key again (a retry) writes nothing and answers the first send's result with 200 and replayed: true; the same key with a different body is refused (422). Per token; each continuation with nextCursor needs its own key. A key is remembered for ${KEY_RETENTION_DAYS} days.`,
    }),
});

export function selectionOf(body: { contactIds?: string[]; accountIds?: string[]; filter?: z.infer<typeof Filter> }): Selection {
  if (body.contactIds) return { contactIds: body.contactIds };
  if (body.accountIds) return { accountIds: body.accountIds };
  return { filter: body.filter ?? {} };
}

/** Only an admin may force a send past the caps. */
export function assertMayOverride(c: Context<AppEnv>, override: unknown) {
  if (override && !c.var.actor.scopes.includes("admin")) {
    throw new ApiError(403, "Forbidden", "Only an admin token may override the frequency rules.");
  }
}

export const sendsRouter = createRouter();
sendsRouter.use("*", guard({ read: ["read", "integration"], write: ["integration"] }));

sendsRouter.openapi(
  createRoute({
    method: "post",
    path: "/plan",
    tags: ["Sending"],
    summary: "Dry run: who a send would invite and who not, with the rule (writes nothing)",
    request: { body: jsonBody(PlanRequest) },
    responses: { 200: jsonResponse(PlanResponse, "The plan"), ...problemResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    assertMayOverride(c, body.override);
    const plan = await planSend(
      c.var.db,
      {
        surveyId: body.surveyId,
        selection: selectionOf(body),
        override: !!body.override,
        includeOffTarget: body.includeOffTarget ?? false,
        cursor: body.cursor,
        limit: body.limit,
      },
      new Date(),
    );
    return c.json(plan, 200);
  },
);

sendsRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Sending"],
    summary: "Send a survey to contacts, accounts or a filter, through the frequency rules",
    description: "Handles up to 400 contacts per call; when nextCursor is set, POST again with it to continue.",
    request: { body: jsonBody(SendRequest), headers: SendHeaders },
    responses: { 201: jsonResponse(SendResponse, "Invitations decided"), 200: jsonResponse(SendResponse, "A repeated Idempotency-Key: the first send's result, nothing written"), ...problemResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    assertMayOverride(c, body.override);
    const outcome = await sendSurvey(
      { db: c.var.db, queue: c.env.MAIL_QUEUE, hmacSecret: c.env.HMAC_SECRET },
      c.var.actor.id,
      {
        surveyId: body.surveyId,
        selection: selectionOf(body),
        override: body.override ?? null,
        includeOffTarget: body.includeOffTarget ?? false,
        cursor: body.cursor,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      },
      new Date(),
    );
    return outcome.replayed ? c.json(outcome, 200) : c.json(outcome, 201);
  },
);
