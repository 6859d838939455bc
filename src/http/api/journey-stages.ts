import { createRoute, z } from "@hono/zod-openapi";
import {
  createJourneyStage,
  deleteJourneyStage,
  getJourneyStage,
  listJourneyStages,
  updateJourneyStage,
} from "../../domain/directory/journey-stages";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

const StageKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "use lower-case letters, digits and underscores, starting with a letter");

export const JourneyStage = z
  .object({
    key: StageKey,
    label: z.string(),
    position: z.number().int().openapi({ description: "Order of the stage in the customer journey (ascending)." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("JourneyStage");

const JourneyStageCreate = z
  .strictObject({
    key: StageKey,
    label: z.string().trim().min(1).max(200),
    position: z.number().int().min(0).max(10000).optional().openapi({ description: "Defaults to after the last stage." }),
  })
  .openapi("JourneyStageCreate");

const JourneyStagePatch = JourneyStageCreate.omit({ key: true }).partial().openapi("JourneyStagePatch");
const KeyParam = z.object({ key: z.string().openapi({ param: { name: "key", in: "path" } }) });

export const journeyStagesRouter = createRouter();
journeyStagesRouter.use("*", adminOnly);

journeyStagesRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Directory"],
    summary: "List journey stages in journey order",
    responses: { 200: jsonResponse(z.object({ items: z.array(JourneyStage) }), "All stages"), ...problemResponses },
  }),
  async (c) => c.json({ items: await listJourneyStages(c.var.db) }, 200),
);

journeyStagesRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Directory"],
    summary: "Create a journey stage",
    request: { body: jsonBody(JourneyStageCreate) },
    responses: { 201: jsonResponse(JourneyStage, "Created"), ...problemResponses },
  }),
  async (c) => c.json(await createJourneyStage(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

journeyStagesRouter.openapi(
  createRoute({
    method: "get",
    path: "/{key}",
    tags: ["Directory"],
    summary: "Get a journey stage",
    request: { params: KeyParam },
    responses: { 200: jsonResponse(JourneyStage, "The stage"), ...problemResponses },
  }),
  async (c) => c.json(await getJourneyStage(c.var.db, c.req.valid("param").key), 200),
);

journeyStagesRouter.openapi(
  createRoute({
    method: "patch",
    path: "/{key}",
    tags: ["Directory"],
    summary: "Update a journey stage",
    request: { params: KeyParam, body: jsonBody(JourneyStagePatch) },
    responses: { 200: jsonResponse(JourneyStage, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateJourneyStage(c.var.db, c.var.actor.id, c.req.valid("param").key, c.req.valid("json")), 200),
);

journeyStagesRouter.openapi(
  createRoute({
    method: "delete",
    path: "/{key}",
    tags: ["Directory"],
    summary: "Delete a journey stage no survey or rule uses",
    request: { params: KeyParam },
    responses: { 204: { description: "Deleted" }, ...problemResponses },
  }),
  async (c) => {
    await deleteJourneyStage(c.var.db, c.var.actor.id, c.req.valid("param").key);
    return c.body(null, 204);
  },
);
