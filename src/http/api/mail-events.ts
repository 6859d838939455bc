import { createRoute, z } from "@hono/zod-openapi";
import { applyMailEvent, MAIL_EVENT_PROVIDERS, verifyMailEvent } from "../../domain/delivery/mail-events";
import { ApiError, notFound } from "../../lib/errors";
import { createRouter, jsonResponse, problemResponses } from "./router";

/** Mounted before bearer authentication: the provider signs its webhooks instead (Standard Webhooks). */
export const mailEventsRouter = createRouter();

mailEventsRouter.openapi(
  createRoute({
    method: "post",
    path: "/{provider}",
    tags: ["Sending"],
    summary: "Mail provider webhook (signed): hard bounces and complaints mark the contact bounced and suppress the address",
    security: [],
    request: { params: z.object({ provider: z.string().openapi({ param: { name: "provider", in: "path" }, example: "resend" }) }) },
    responses: {
      200: jsonResponse(z.object({ type: z.string(), final: z.boolean(), contactsUpdated: z.number() }), "Handled"),
      ...problemResponses,
      503: { description: "Webhook secret not configured" },
    },
  }),
  async (c) => {
    const { provider } = c.req.valid("param");
    if (!(MAIL_EVENT_PROVIDERS as readonly string[]).includes(provider)) {
      throw notFound(`Mail provider '${provider}' (supported: ${MAIL_EVENT_PROVIDERS.join(", ")})`);
    }
    if (!c.env.MAIL_WEBHOOK_SECRET) {
      throw new ApiError(503, "Not configured", "Set the MAIL_WEBHOOK_SECRET secret (whsec_…) to receive mail events.");
    }
    const event = verifyMailEvent(c.env.MAIL_WEBHOOK_SECRET, await c.req.text(), c.req.raw.headers);
    const contactsUpdated = await applyMailEvent(c.var.db, c.env.HMAC_SECRET, provider, event, new Date());
    return c.json({ type: event.type, final: event.final, contactsUpdated }, 200);
  },
);
