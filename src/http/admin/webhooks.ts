import { desc, eq } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { webhookDeliveries, webhookEndpoints, WEBHOOK_EVENTS } from "../../db/schema";
import { createEndpoint, getDelivery, listEndpoints, publicEndpoint, replayDelivery, rotateSecret, updateEndpoint } from "../../domain/webhooks/endpoints";
import { checkWebhookUrl, isLocalMode } from "../../domain/webhooks/urls";
import { ApiError, notFound } from "../../lib/errors";
import { formErrorsFrom, type FormErrors } from "../../views/admin/components";
import { deliveryPage, endpointPage, webhooksPage, type EndpointValues } from "../../views/admin/webhooks";
import { claimFormKey, newFormKey } from "./form-keys";
import { flashFrom, formBody, text, texts } from "./forms";
import type { AdminEnv } from "./session";

/** Administration → Webhooks: endpoints (secret shown once), rotation, enable/disable, deliveries with attempts, replay. */
export const webhooksAdmin = new Hono<AdminEnv>();

const DELIVERIES_SHOWN = 50;
const FLASH = {
  replayed: "Queued again: the delivery goes out with the same webhook-id.",
  disabled: "Disabled: nothing more is delivered to it.",
  enabled: "Enabled again: new events are delivered; replay what it missed.",
};
const EMPTY: EndpointValues = { url: "", events: [], format: "standard", description: "" };

async function renderList(c: Context<AdminEnv>, form: { values?: EndpointValues; errors?: FormErrors; formKey?: string } = {}, status: 200 | 422 = 200) {
  const now = new Date();
  const endpoints = (await listEndpoints(c.var.db)).map((e) => publicEndpoint(e, now));
  return c.html(webhooksPage({ nonce: c.var.nonce, viewer: c.var.viewer, endpoints, values: form.values ?? EMPTY, errors: form.errors ?? {}, secret: null, flash: null, formKey: form.formKey ?? newFormKey() }), status);
}

async function renderEndpoint(c: Context<AdminEnv>, id: string, secret: string | null = null, status: 200 | 201 = 200) {
  const db = c.var.db;
  const [[endpoint], deliveries] = await db.batch([
    db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)),
    db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)).orderBy(desc(webhookDeliveries.id)).limit(DELIVERIES_SHOWN),
  ]);
  if (!endpoint) throw notFound(`Webhook endpoint '${id}'`);
  if (secret) c.header("Cache-Control", "no-store");
  return c.html(endpointPage({ nonce: c.var.nonce, viewer: c.var.viewer, endpoint: publicEndpoint(endpoint, new Date()), deliveries, secret, flash: flashFrom(c, FLASH) }), status);
}

webhooksAdmin.get("/", (c) => renderList(c));

webhooksAdmin.post("/", async (c) => {
  const body = await formBody(c);
  const values: EndpointValues = { url: text(body, "url"), events: texts(body, "events"), format: text(body, "format") || "standard", description: text(body, "description") };
  const errors: FormErrors = {};
  const events = values.events.filter((e): e is (typeof WEBHOOK_EVENTS)[number] => (WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (events.length === 0 || events.length !== values.events.length) errors.events = "Choose at least one event from the list.";
  const url = checkWebhookUrl(values.url, isLocalMode(c.env.PUBLIC_URL));
  if (!values.url) errors.url = "Enter the URL of your receiver.";
  else if (!url.ok) errors.url = url.message;
  if (!["standard", "slack"].includes(values.format)) errors.format = "Choose a format from the list.";
  if (values.description.length > 200) errors.description = "At most 200 characters.";
  if (Object.keys(errors).length) return renderList(c, { values, errors, formKey: text(body, "formKey") || undefined }, 422);
  // Claimed before writing: Back + "Add the endpoint" again, or reloading the page with the secret, adds nothing.
  const claim = await claimFormKey(c, body, "webhook.create");
  try {
    const { endpoint, secret } = await createEndpoint(
      c.var.db,
      c.var.actor.id,
      { url: values.url, events, format: values.format as "standard" | "slack", description: values.description || null },
      isLocalMode(c.env.PUBLIC_URL),
      new Date(),
    );
    return renderEndpoint(c, endpoint.id, secret, 201);
  } catch (error) {
    await claim.release();
    if (error instanceof ApiError && error.status === 422) return renderList(c, { values, errors: formErrorsFrom(error.errors), formKey: claim.key }, 422);
    throw error;
  }
});

webhooksAdmin.get("/:id", (c) => renderEndpoint(c, c.req.param("id")));

webhooksAdmin.post("/:id/rotate-secret", async (c) => {
  const { endpoint, secret } = await rotateSecret(c.var.db, c.var.actor.id, c.req.param("id"), 24, new Date());
  return renderEndpoint(c, endpoint.id, secret);
});

for (const [path, status] of [["disable", "disabled"], ["enable", "active"]] as const) {
  webhooksAdmin.post(`/:id/${path}`, async (c) => {
    const id = c.req.param("id");
    await updateEndpoint(c.var.db, c.var.actor.id, id, { status }, isLocalMode(c.env.PUBLIC_URL), new Date());
    return c.redirect(`/admin/webhooks/${encodeURIComponent(id)}?done=${path}d`, 303);
  });
}

webhooksAdmin.get("/:id/deliveries/:deliveryId", async (c) => {
  const id = c.req.param("id");
  const delivery = await getDelivery(c.var.db, id, c.req.param("deliveryId"));
  return c.html(deliveryPage({ nonce: c.var.nonce, viewer: c.var.viewer, endpointId: id, delivery }));
});

webhooksAdmin.post("/:id/deliveries/:deliveryId/replay", async (c) => {
  const id = c.req.param("id");
  await replayDelivery(c.var.db, c.env.LOOP_QUEUE, c.var.actor.id, id, c.req.param("deliveryId"), new Date());
  return c.redirect(`/admin/webhooks/${encodeURIComponent(id)}?done=replayed`, 303);
});
