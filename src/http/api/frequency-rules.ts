import { createRoute, z } from "@hono/zod-openapi";
import { createRule, deleteRule, getRule, listRules, updateRule } from "../../domain/frequency/rules";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

const RuleId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "use lower-case letters, digits and dashes, starting with a letter");

const Match = z
  .strictObject({
    kind: z.enum(["relational", "transactional"]).optional(),
    surveyId: z.string().min(1).optional(),
    journeyStage: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
  })
  .openapi("FrequencyRuleMatch", { description: "Which candidate invitations the rule applies to and which past events it counts; {} = any." });

const fields = {
  scope: z.enum(["contact", "account"]),
  match: Match,
  per: z.enum(["survey", "stage"]).nullable().openapi({ description: "Count only events of the candidate's survey (or journey stage)." }),
  counts: z.enum(["sent", "responded"]).openapi({ description: "sent = admitted invitations (not failed); responded = complete responses." }),
  windowDays: z.number().int().min(1, "at least 1 day").max(730, "at most 730 days"),
  max: z.number().int().min(1, "at least 1 (disable the rule or archive the survey to stop sends)").max(1000),
  action: z.enum(["skip", "defer"]),
  enabled: z.boolean(),
};

export const FrequencyRule = z
  .object({ id: z.string(), ...fields, createdAt: z.string(), updatedAt: z.string() })
  .openapi("FrequencyRule");

export const RuleCreate = z
  .strictObject({ id: RuleId, ...fields, match: Match.default({}), per: fields.per.optional(), enabled: fields.enabled.optional() })
  .openapi("FrequencyRuleCreate");
export const RulePatch = z
  .strictObject({ ...fields })
  .partial()
  .openapi("FrequencyRulePatch");
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

export const frequencyRulesRouter = createRouter();
frequencyRulesRouter.use("*", adminOnly);

frequencyRulesRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Sending"],
    summary: "List frequency rules",
    responses: { 200: jsonResponse(z.object({ items: z.array(FrequencyRule) }), "All rules"), ...problemResponses },
  }),
  async (c) => c.json({ items: await listRules(c.var.db) }, 200),
);

frequencyRulesRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Sending"],
    summary: "Create a frequency rule",
    request: { body: jsonBody(RuleCreate) },
    responses: { 201: jsonResponse(FrequencyRule, "Created"), ...problemResponses },
  }),
  async (c) => c.json(await createRule(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

frequencyRulesRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Sending"],
    summary: "Get a frequency rule",
    request: { params: IdParam },
    responses: { 200: jsonResponse(FrequencyRule, "The rule"), ...problemResponses },
  }),
  async (c) => c.json(await getRule(c.var.db, c.req.valid("param").id), 200),
);

frequencyRulesRouter.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["Sending"],
    summary: "Update a frequency rule (e.g. the defaults' window, max or action)",
    request: { params: IdParam, body: jsonBody(RulePatch) },
    responses: { 200: jsonResponse(FrequencyRule, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateRule(c.var.db, c.var.actor.id, c.req.valid("param").id, c.req.valid("json")), 200),
);

frequencyRulesRouter.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Sending"],
    summary: "Delete a frequency rule",
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...problemResponses },
  }),
  async (c) => {
    await deleteRule(c.var.db, c.var.actor.id, c.req.valid("param").id);
    return c.body(null, 204);
  },
);
