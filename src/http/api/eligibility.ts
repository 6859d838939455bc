import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { contacts } from "../../db/schema";
import { emailHmac } from "../../domain/directory/suppression";
import { explainEligibility } from "../../domain/frequency/eligibility";
import { assertSendable, surveyRow } from "../../domain/targeting/surveys";
import { guard } from "../middleware/auth";
import { notFound } from "../../lib/errors";
import { createRouter, jsonResponse, problemResponses } from "./router";

const Eligibility = z
  .object({
    eligible: z.boolean().openapi({ description: "Targeted by the survey and admitted by every frequency rule now." }),
    targeted: z.boolean().openapi({ description: "The contact's role is in the survey's targetRoles (empty = every role)." }),
    decision: z.enum(["queued", "deferred", "suppressed"]).openapi({ description: "What an invitation now would become under the frequency rules." }),
    blockingRule: z
      .string()
      .nullable()
      .openapi({ description: "The reason an invitation would carry: not-targeted, opted-out/bounced/erased, a rule id, or defer-limit." }),
    blockingRules: z.array(z.object({ id: z.string(), until: z.string().nullable() })),
    nextEligibleAt: z.string().nullable(),
    contactName: z.string().nullable(),
    accountName: z.string().nullable(),
  })
  .openapi("Eligibility");

/** Mounted at /contacts (before the directory's contacts router, so integrations may ask with their own scope). */
export const eligibilityRouter = createRouter();
eligibilityRouter.use("/:id/eligibility", guard({ read: ["read", "integration"], write: [] }));

eligibilityRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}/eligibility",
    tags: ["Sending"],
    summary: "May this contact be sent this survey now? Which rules block it, until when",
    request: {
      params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }),
      query: z.object({ surveyId: z.string().min(1, "name the survey: ?surveyId=…") }),
    },
    responses: { 200: jsonResponse(Eligibility, "The answer"), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { surveyId } = c.req.valid("query");
    // Contact and survey in one batch; the explanation is the second (and last) round trip.
    const [[contact], [survey]] = await c.var.db.batch([
      c.var.db.select({ email: contacts.email }).from(contacts).where(eq(contacts.id, id)),
      surveyRow(c.var.db, surveyId),
    ]);
    assertSendable(survey, surveyId);
    if (!contact) throw notFound(`Contact '${id}'`);
    const hmac = contact.email ? await emailHmac(c.env.HMAC_SECRET, contact.email) : null;
    return c.json(await explainEligibility(c.var.db, { contactId: id, surveyId, emailHmac: hmac }, new Date()), 200);
  },
);
