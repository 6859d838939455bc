import { createRoute, z } from "@hono/zod-openapi";
import {
  archiveSurvey,
  createSurvey,
  getSurvey,
  listSurveys,
  listVersions,
  publishSurvey,
  SurveyCreate,
  SurveyPatch,
  updateSurvey,
} from "../../domain/surveys/surveys";
import { adminOnly } from "../middleware/auth";
import { createRouter, decodeCursor, IdParam, jsonBody, jsonResponse, PageQuery, page, problemResponses } from "./router";

const Localized = z.record(z.string(), z.string());
const Question = z
  .object({
    id: z.string(),
    type: z.enum(["nps", "osat", "ces", "rating", "choice", "multi", "text", "vendor_rank"]),
    text: Localized,
    required: z.boolean().optional(),
    options: z.array(z.object({ value: z.string(), label: Localized })).optional(),
    showIf: z
      .object({ questionId: z.string(), min: z.number().optional(), max: z.number().optional(), anyOf: z.array(z.string()).optional() })
      .optional(),
  })
  .openapi("Question", {
    description: "nps 0–10, osat 1–5, ces 1–7, rating 1–5, choice/multi with options, text (≤ 2,000 chars), vendor_rank. showIf names an EARLIER question: min/max for numeric ones, anyOf for choices.",
  });
const Texts = z.record(z.string(), z.object({ title: z.string(), intro: z.string(), emailSubject: z.string().optional() })).openapi("SurveyTexts", {
  description: "Per locale (BCP 47); the default locale is required.",
});

export const SurveyView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["relational", "transactional"]),
    journeyStage: z.string(),
    targetRoles: z.array(z.string()).openapi({ description: "Empty = all roles." }),
    defaultLocale: z.string(),
    texts: Texts,
    questions: z.array(Question).openapi({ description: "The editable draft; invitations use the published version." }),
    status: z.enum(["draft", "active", "archived"]),
    currentVersionId: z.string().nullable(),
    delayDays: z.number().int(),
    wavesPerYear: z.number().int(),
    fractionPerWave: z.number(),
    programEpoch: z.string().nullable().openapi({ description: "Start of wave 0 of a relational program (set on first publish)." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Survey");

export const SurveyVersionView = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    version: z.number().int(),
    questions: z.array(Question),
    texts: Texts,
    defaultLocale: z.string(),
    publishedAt: z.string(),
  })
  .openapi("SurveyVersion");

const SurveyCreateBody = SurveyCreate.openapi("SurveyCreate", {
  description: "Creates a draft with 1 to 5 questions (short surveys are the point). defaultLocale defaults to the organization's.",
});
const SurveyPatchBody = SurveyPatch.openapi("SurveyPatch", {
  description: "Edits the draft. questions, texts and defaultLocale reach respondents only when published again; the other fields apply at once.",
});

const SurveyListQuery = PageQuery.extend({
  status: z.enum(["draft", "active", "archived"]).optional(),
  kind: z.enum(["relational", "transactional"]).optional(),
  journeyStage: z.string().max(64).optional(),
});

// Guards sit on each route: other routers may share the /surveys prefix with other scopes.
export const surveysRouter = createRouter();

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/",
    tags: ["Surveys"],
    summary: "List surveys",
    request: { query: SurveyListQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(SurveyView), nextCursor: z.string().nullable() }), "A page of surveys"),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { cursor, ...filter } = c.req.valid("query");
    const rows = await listSurveys(c.var.db, { ...filter, after: decodeCursor(cursor) });
    return c.json(page(rows, filter.limit, (s) => s.id), 200);
  },
);

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/",
    tags: ["Surveys"],
    summary: "Create a survey draft",
    request: { body: jsonBody(SurveyCreateBody) },
    responses: { 201: jsonResponse(SurveyView, "Created as draft"), ...problemResponses },
  }),
  async (c) => c.json(await createSurvey(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/{id}",
    tags: ["Surveys"],
    summary: "Get a survey (its draft and status)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(SurveyView, "The survey"), ...problemResponses },
  }),
  async (c) => c.json(await getSurvey(c.var.db, c.req.valid("param").id), 200),
);

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "patch",
    path: "/{id}",
    tags: ["Surveys"],
    summary: "Edit a survey's draft",
    request: { params: IdParam, body: jsonBody(SurveyPatchBody) },
    responses: { 200: jsonResponse(SurveyView, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateSurvey(c.var.db, c.var.actor.id, c.req.valid("param").id, c.req.valid("json")), 200),
);

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/{id}/publish",
    tags: ["Surveys"],
    summary: "Publish the draft as a new immutable version and activate the survey",
    request: { params: IdParam },
    responses: {
      200: jsonResponse(z.object({ survey: SurveyView, version: SurveyVersionView }), "Published (an unchanged draft keeps its current version)"),
      ...problemResponses,
    },
  }),
  async (c) => c.json(await publishSurvey(c.var.db, c.var.actor.id, c.req.valid("param").id), 200),
);

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/{id}/archive",
    tags: ["Surveys"],
    summary: "Archive a survey: no new invitations; sent ones stay answerable until they expire",
    request: { params: IdParam },
    responses: { 200: jsonResponse(SurveyView, "Archived"), ...problemResponses },
  }),
  async (c) => c.json(await archiveSurvey(c.var.db, c.var.actor.id, c.req.valid("param").id), 200),
);

surveysRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "get",
    path: "/{id}/versions",
    tags: ["Surveys"],
    summary: "Published versions, newest first",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ items: z.array(SurveyVersionView) }), "Versions"), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    await getSurvey(c.var.db, id);
    return c.json({ items: await listVersions(c.var.db, id) }, 200);
  },
);
