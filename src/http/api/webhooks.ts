import { createRoute, z } from "@hono/zod-openapi";
import { WEBHOOK_EVENTS } from "../../db/schema";
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  MAX_ROTATION_HOURS,
  publicEndpoint,
  replayDelivery,
  rotateSecret,
  updateEndpoint,
} from "../../domain/webhooks/endpoints";
import { isLocalMode } from "../../domain/webhooks/urls";
import { adminOnly } from "../middleware/auth";
import { createRouter, decodeCursor, jsonBody, jsonResponse, page, PageQuery, problemResponses } from "./router";

const Events = z.array(z.enum(WEBHOOK_EVENTS)).min(1, "subscribe to at least one event");
const Url = z.string().trim().min(1).max(2000).openapi({ description: "https to a public host (no private, loopback or link-local address; http and local hosts only in local mode)." });

const EndpointCreate = z
  .strictObject({
    url: Url,
    events: Events,
    description: z.string().trim().max(200).nullable().optional(),
    format: z.enum(["standard", "slack"]).default("standard").openapi({ description: "slack: a Slack-compatible `text` body (still signed)." }),
  })
  .openapi("WebhookEndpointCreate");

const EndpointPatch = z
  .strictObject({
    url: Url.optional(),
    events: Events.optional(),
    description: z.string().trim().max(200).nullable().optional(),
    format: z.enum(["standard", "slack"]).optional(),
    status: z.enum(["active", "disabled"]).optional().openapi({ description: "active re-enables an endpoint disabled after 3 failing days." }),
  })
  .openapi("WebhookEndpointPatch");

export const Endpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    format: z.enum(["standard", "slack"]),
    status: z.enum(["active", "disabled"]),
    rotating: z.boolean().openapi({ description: "The previous secret still signs beside the new one." }),
    previousSecretUntil: z.string().nullable(),
    failingSince: z.string().nullable(),
    disabledAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");

const WithSecret = Endpoint.extend({ secret: z.string().openapi({ description: "whsec_…: shown once; verify deliveries with it (Standard Webhooks)." }) }).openapi("WebhookEndpointWithSecret");

const Delivery = z
  .object({
    id: z.string().openapi({ description: "The webhook-id header, the same on retries and replays." }),
    endpointId: z.string(),
    eventType: z.string(),
    status: z.enum(["pending", "delivered", "retrying", "dead"]),
    attempts: z.number().int(),
    windowStart: z.string(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    deadAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");

const DeliveryDetail = Delivery.extend({
  payload: z.unknown(),
  attemptLog: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      statusCode: z.number().int().nullable(),
      ok: z.boolean(),
      latencyMs: z.number().int(),
      error: z.string().nullable(),
      responseExcerpt: z.string().nullable(),
    }),
  ),
}).openapi("WebhookDeliveryDetail");

const Id = z.object({ id: z.string().min(1).max(100) });
const DeliveryIds = z.object({ id: z.string().min(1).max(100), deliveryId: z.string().min(1).max(200) });

export const webhooksRouter = createRouter();
webhooksRouter.use("*", adminOnly);

webhooksRouter.openapi(
  createRoute({ method: "get", path: "/", tags: ["Webhooks"], summary: "Webhook endpoints", responses: { 200: jsonResponse(z.object({ items: z.array(Endpoint) }), "Endpoints (never their secrets)"), ...problemResponses } }),
  async (c) => {
    const now = new Date();
    return c.json({ items: (await listEndpoints(c.var.db)).map((e) => publicEndpoint(e, now)) }, 200);
  },
);

webhooksRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Webhooks"],
    summary: "Add an endpoint",
    description: "Events: response.completed, response.updated, case.opened, case.closed, account.category_changed. The secret is in this answer only. Deliveries are signed per Standard Webhooks, retried with backoff for 24 h, each attempt logged.",
    request: { body: jsonBody(EndpointCreate) },
    responses: { 201: jsonResponse(WithSecret, "The endpoint and its secret (shown once)"), ...problemResponses, 422: problemResponses[400] },
  }),
  async (c) => {
    const { endpoint, secret } = await createEndpoint(c.var.db, c.var.actor.id, c.req.valid("json"), isLocalMode(c.env.PUBLIC_URL), new Date());
    c.header("Cache-Control", "no-store");
    return c.json({ ...endpoint, secret }, 201);
  },
);

webhooksRouter.openapi(
  createRoute({ method: "get", path: "/{id}", tags: ["Webhooks"], summary: "An endpoint", request: { params: Id }, responses: { 200: jsonResponse(Endpoint, "The endpoint"), ...problemResponses } }),
  async (c) => c.json(publicEndpoint(await getEndpoint(c.var.db, c.req.valid("param").id), new Date()), 200),
);

webhooksRouter.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["Webhooks"],
    summary: "Change an endpoint (or enable it again)",
    request: { params: Id, body: jsonBody(EndpointPatch) },
    responses: { 200: jsonResponse(Endpoint, "The endpoint"), ...problemResponses, 422: problemResponses[400] },
  }),
  async (c) => c.json(await updateEndpoint(c.var.db, c.var.actor.id, c.req.valid("param").id, c.req.valid("json"), isLocalMode(c.env.PUBLIC_URL), new Date()), 200),
);

webhooksRouter.openapi(
  createRoute({ method: "delete", path: "/{id}", tags: ["Webhooks"], summary: "Remove an endpoint", request: { params: Id }, responses: { 204: { description: "Removed" }, ...problemResponses } }),
  async (c) => {
    await deleteEndpoint(c.var.db, c.var.actor.id, c.req.valid("param").id, new Date());
    return c.body(null, 204);
  },
);

webhooksRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/rotate-secret",
    tags: ["Webhooks"],
    summary: "Rotate the secret",
    description: "A new secret (in this answer only); the previous one keeps signing beside it for overlapHours (default 24), so receivers can switch without missing a delivery.",
    request: { params: Id, body: { required: false, content: { "application/json": { schema: z.strictObject({ overlapHours: z.number().int().min(0).max(MAX_ROTATION_HOURS).default(24) }) } } } },
    responses: { 200: jsonResponse(WithSecret, "The endpoint and its new secret"), ...problemResponses },
  }),
  async (c) => {
    const body = c.req.header("content-type")?.includes("application/json") ? c.req.valid("json") : { overlapHours: 24 };
    const { endpoint, secret } = await rotateSecret(c.var.db, c.var.actor.id, c.req.valid("param").id, body.overlapHours ?? 24, new Date());
    c.header("Cache-Control", "no-store");
    return c.json({ ...endpoint, secret }, 200);
  },
);

webhooksRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}/deliveries",
    tags: ["Webhooks"],
    summary: "Deliveries of an endpoint, newest first",
    request: { params: Id, query: PageQuery },
    responses: { 200: jsonResponse(z.object({ items: z.array(Delivery), nextCursor: z.string().nullable() }), "A page of deliveries"), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { cursor, limit } = c.req.valid("query");
    const rows = await listDeliveries(c.var.db, id, { before: decodeCursor(cursor), limit: limit + 1 });
    const { items, nextCursor } = page(rows, limit, (d) => d.id);
    return c.json({ items: items.map(({ payload: _p, eventKey: _k, ...d }) => d), nextCursor }, 200);
  },
);

webhooksRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}/deliveries/{deliveryId}",
    tags: ["Webhooks"],
    summary: "A delivery with its payload and every attempt",
    request: { params: DeliveryIds },
    responses: { 200: jsonResponse(DeliveryDetail, "The delivery"), ...problemResponses },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    return c.json(await getDelivery(c.var.db, id, deliveryId), 200);
  },
);

webhooksRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/deliveries/{deliveryId}/replay",
    tags: ["Webhooks"],
    summary: "Replay a delivery",
    description: "Any delivery (delivered, retrying or dead) of an active endpoint is queued again with the same webhook-id and a fresh 24 h retry window. Audited.",
    request: { params: DeliveryIds },
    responses: { 202: jsonResponse(DeliveryDetail, "Queued again"), ...problemResponses },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    return c.json(await replayDelivery(c.var.db, c.env.LOOP_QUEUE, c.var.actor.id, id, deliveryId, new Date()), 202);
  },
);
