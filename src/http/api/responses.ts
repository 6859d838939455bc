// GET /api/v1/responses and /responses/{id} (SPEC §9, §12): complete responses with their scores and verbatims.
// POST /responses/import lives in its own router (response-imports.ts), mounted before this one.
import { createRoute, z } from "@hono/zod-openapi";
import { decodeResponseCursor, encodeResponseCursor, listResponses, responseDetail, SCORE_BANDS, type ScoreBand } from "../../domain/responses/list";
import { periodFromKey } from "../../domain/scoring/periods";
import { getSettings } from "../../domain/settings/settings";
import { badRequest, notFound } from "../../lib/errors";
import { Timestamp } from "../../lib/fields";
import { adminOnly, guard } from "../middleware/auth";
import { createRouter, IdParam, jsonResponse, problemResponses } from "./router";

const ResponsesQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}-Q[1-4](-T12)?$/, "use a fiscal quarter like 2026-Q3, or 2026-Q3-T12 for the trailing 12 months to its end")
    .optional()
    .openapi({ description: "Submitted in this fiscal quarter (organization time zone) or trailing 12 months." }),
  from: Timestamp.optional().openapi({ description: "Submitted at or after this instant." }),
  to: Timestamp.optional().openapi({ description: "Submitted before this instant." }),
  surveyId: z.string().max(100).optional(),
  accountId: z.string().max(100).optional(),
  contactId: z.string().max(100).optional(),
  role: z.string().max(100).optional().openapi({ description: "The role in the response's snapshot." }),
  stage: z.string().max(100).optional().openapi({ description: "The journey stage in the response's snapshot." }),
  band: z.enum(Object.keys(SCORE_BANDS) as [ScoreBand, ...ScoreBand[]]).optional().openapi({ description: "NPS answer 9–10, 7–8 or 0–6." }),
  withText: z.enum(["true", "false"]).optional().openapi({ description: "true: only responses with a comment." }),
  cursor: z.string().max(400).optional().openapi({ description: "Opaque cursor from the previous page's nextCursor." }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ResponseItem = z
  .object({
    id: z.string(),
    submittedAt: z.string().openapi({ description: "First submit: the response's period never moves." }),
    surveyId: z.string(),
    surveyName: z.string().nullable(),
    contactId: z.string(),
    contactName: z.string().nullable(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    role: z.string(),
    journeyStage: z.string(),
    country: z.string().nullable(),
    segment: z.string().nullable(),
    nps: z.number().int().nullable(),
    osat: z.number().int().nullable(),
    ces: z.number().int().nullable(),
    verbatim: z.string().nullable().openapi({ description: "The text answers; null without a comment, and for tokens without the read scope." }),
  })
  .openapi("ResponseItem");

const Answer = z.object({
  questionId: z.string(),
  type: z.string(),
  numValue: z.number().int().nullable(),
  textValue: z.string().nullable(),
  choiceValues: z.array(z.string()).nullable(),
  vendorCount: z.number().int().nullable(),
  vendorRank: z.number().int().nullable(),
  updatedAt: z.string(),
});
const Revision = z.object({ questionId: z.string(), oldValue: z.unknown().openapi({ description: "The value before the edit." }), changedAt: z.string() });
const ResponseDetail = ResponseItem.extend({
  status: z.enum(["partial", "complete"]),
  submittedAt: z.string().nullable(),
  answers: z.array(Answer),
  revisions: z.array(Revision).openapi({ description: "Answers edited after submit: the old value and when it was replaced, oldest first." }),
}).openapi("ResponseDetail");

/** Verbatims need the read scope (or admin); integrations get the numbers only. */
const readsVerbatims = (scopes: string[]) => scopes.includes("admin") || scopes.includes("read");

export const responsesRouter = createRouter();
responsesRouter.use("/", guard({ read: ["read", "integration"], write: [] }));
responsesRouter.use("/:id", adminOnly);

responsesRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Responses"],
    summary: "Complete responses, newest submit first",
    description: "Filters combine. Verbatims need a token with the read scope (or admin); integration tokens get the scores without them.",
    request: { query: ResponsesQuery },
    responses: { 200: jsonResponse(z.object({ items: z.array(ResponseItem), nextCursor: z.string().nullable() }), "A page of responses"), ...problemResponses },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = q.cursor ? decodeResponseCursor(q.cursor) : undefined;
    if (after === null) throw badRequest("The cursor is not one this API handed out; start again without it.", [{ path: "cursor", message: "invalid cursor" }]);
    let from = q.from;
    let to = q.to;
    if (q.period) {
      const settings = await getSettings(c.var.db);
      const period = periodFromKey(q.period, settings)!;
      from = from && from > period.start ? from : period.start;
      to = to && to < period.end ? to : period.end;
    }
    const { items, next } = await listResponses(
      c.var.db,
      { from, to, surveyId: q.surveyId, accountId: q.accountId, contactId: q.contactId, role: q.role, stage: q.stage, band: q.band, withText: q.withText === "true" },
      { after, limit: q.limit },
    );
    const verbatims = readsVerbatims(c.var.actor.scopes);
    return c.json({ items: verbatims ? items : items.map((r) => ({ ...r, verbatim: null })), nextCursor: next ? encodeResponseCursor(next) : null }, 200);
  },
);

responsesRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Responses"],
    summary: "One response with every answer and the revisions of answers edited after submit",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ResponseDetail, "The response"), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const detail = await responseDetail(c.var.db, id);
    if (!detail) throw notFound(`Response '${id}'`);
    return c.json(
      { ...detail, revisions: detail.revisions.map((r) => ({ questionId: r.questionId, oldValue: r.oldValue, changedAt: r.changedAt })) },
      200,
    );
  },
);
