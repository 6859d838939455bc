import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CaseActor } from "../../domain/cases/access";
import { getCase, listCases, responsiveness } from "../../domain/cases/read";
import { sendRecheck } from "../../domain/cases/recheck";
import { getRouting, replaceRouting } from "../../domain/cases/routing";
import { actOnCase, MAX_NOTE_LENGTH, type CaseAction } from "../../domain/cases/work";
import { CASE_EVENT_KINDS } from "../../db/schema";
import { Email, Timestamp } from "../../lib/fields";
import { ApiError, badRequest } from "../../lib/errors";
import type { Actor, AppEnv } from "../context";
import { guard } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

/** Who acts on cases: a signed-in person by their role; a token by its scope (admin works every case, read only reads). */
export function caseActorOf(actor: Actor): CaseActor {
  const role = actor.role ?? (actor.scopes.includes("admin") ? "admin" : "analyst");
  return { id: actor.id, email: actor.email ?? null, role };
}

const CaseStatus = z.enum(["open", "acknowledged", "closed"]);

export const CaseListItem = z
  .object({
    id: z.string(),
    type: z.enum(["response", "silence"]),
    status: CaseStatus,
    accountId: z.string(),
    accountName: z.string(),
    contactId: z.string().nullable(),
    contactName: z.string().nullable(),
    severity: z.number().int().openapi({ description: "1–3" }),
    priority: z.number().openapi({ description: "severity × the account's revenue percentile (largest account 1)" }),
    team: z.string().nullable(),
    teamLabel: z.string().nullable().openapi({ description: "The team's label." }),
    assigneeEmail: z.string().nullable(),
    assigneeName: z.string().nullable().openapi({ description: "The assignee's name (null when the address is no user)." }),
    trigger: z.string().nullable().openapi({ description: "What opened it, e.g. 'NPS 3 (case at ≤ 6)'." }),
    verbatim: z.string().nullable(),
    dueAt: z.string().openapi({ description: "Acknowledge by: 2 business days for top-20 % accounts, 5 otherwise." }),
    openedAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    breached: z.boolean().openapi({ description: "Not acknowledged by its due time." }),
  })
  .openapi("CaseListItem");

const TimelineEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  actorName: z.string().nullable().openapi({ description: "The actor's name when the actor is a user." }),
  kind: z.enum(CASE_EVENT_KINDS),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const CaseDetail = CaseListItem.extend({
  responseId: z.string().nullable(),
  period: z.string().nullable(),
  revenuePercentile: z.number(),
  topAccount: z.boolean(),
  ownerEmail: z.string().nullable(),
  accountOwnerEmail: z.string().nullable(),
  accountOwnerName: z.string().nullable(),
  resolution: z.string().nullable(),
  recheckInvitationId: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  timeline: z.array(TimelineEntry),
}).openapi("Case");

const CaseQuery = z.object({
  scope: z.enum(["mine", "team", "all"]).default("all").openapi({ description: "mine: assigned to me or on my accounts (signed-in people); team: one team's (with team=)." }),
  team: z.string().max(50).optional(),
  status: z.enum(["active", "open", "acknowledged", "closed", "any"]).default("active").openapi({ description: "active = open or acknowledged." }),
  breached: z.enum(["true", "false"]).optional().transform((v) => (v === undefined ? undefined : v === "true")),
  accountId: z.string().max(100).optional(),
  cursor: z.string().regex(/^\d{1,6}$/, "use the nextCursor of the previous page").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const casesRouter = createRouter();
// Everyone signed in reads cases; working them is decided per case (admins, the account's owner, the assignee).
casesRouter.use("*", guard({ read: ["read"], write: ["read"] }));

casesRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Cases"],
    summary: "The follow-up queue",
    description: "Ordered by priority, breached cases first among equal priorities, then due date: the most important customers first.",
    request: { query: CaseQuery },
    responses: { 200: jsonResponse(z.object({ items: z.array(CaseListItem), nextCursor: z.string().nullable() }), "A page of the queue"), ...problemResponses },
  }),
  async (c) => {
    const q = c.req.valid("query");
    if (q.scope === "team" && !q.team) throw badRequest("scope=team needs team=<key>.", [{ path: "team", message: "required with scope=team" }]);
    const offset = q.cursor ? Number(q.cursor) : 0;
    const actor = caseActorOf(c.var.actor);
    const { items, more } = await listCases(c.var.db, { scope: q.scope, team: q.team, status: q.status, breached: q.breached, accountId: q.accountId }, actor.email, new Date(), { offset, limit: q.limit });
    c.header("Cache-Control", "no-store");
    return c.json({ items, nextCursor: more ? String(offset + q.limit) : null }, 200);
  },
);

casesRouter.openapi(
  createRoute({
    method: "get",
    path: "/responsiveness",
    tags: ["Cases"],
    summary: "Responsiveness per assignee and team",
    description: "Median hours to acknowledge and the share closed within the SLA (over cases closed or past due), for cases opened in [from, to). Staff are measured on this, not on scores.",
    request: { query: z.object({ from: Timestamp.optional(), to: Timestamp.optional() }) },
    responses: {
      200: jsonResponse(
        z.object({
          items: z.array(
            z.object({
              by: z.enum(["assignee", "team"]),
              key: z.string().nullable(),
              label: z.string().nullable().openapi({ description: "The team's label or the assignee's name." }),
              cases: z.number().int(),
              acknowledged: z.number().int(),
              medianHoursToAcknowledge: z.number().nullable(),
              closedWithinSla: z.number().nullable(),
              slaBase: z.number().int(),
            }),
          ),
        }),
        "Responsiveness",
      ),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { from, to } = c.req.valid("query");
    return c.json({ items: await responsiveness(c.var.db, { from, to }, new Date()) }, 200);
  },
);

const TeamSchema = z.strictObject({
  key: z.string().trim().regex(/^[a-z][a-z0-9_-]{0,29}$/, "lower-case letters, digits, - and _, starting with a letter"),
  label: z.string().trim().min(1).max(60),
  assigneeEmail: Email.nullable().default(null).openapi({ description: "Takes the team's cases when the account owner is not a user." }),
});
const RouteSchema = z.strictObject({
  kind: z.enum(["choice", "keyword"]),
  questionId: z.string().trim().min(1).max(100).nullable().default(null).openapi({ description: "choice: the question whose answer is matched; keyword: limit to one text question (null: any)." }),
  match: z.string().trim().min(1).max(100).openapi({ description: "choice: the option value; keyword: matched at the start of a word, any case." }),
  team: z.string().trim().min(1).max(30),
});
const Routing = z.strictObject({ teams: z.array(TeamSchema).min(1).max(20), routes: z.array(RouteSchema).max(50) }).openapi("CaseRouting");

casesRouter.openapi(
  createRoute({
    method: "get",
    path: "/routing",
    tags: ["Cases"],
    summary: "Teams and routing rules",
    description: "A case's team is the first matching rule's (in order): a choice answer or a keyword in the text answers; else 'support'.",
    responses: { 200: jsonResponse(Routing, "The routing"), ...problemResponses },
  }),
  async (c) => c.json(await getRouting(c.var.db), 200),
);

casesRouter.openapi(
  createRoute({
    method: "put",
    path: "/routing",
    tags: ["Cases"],
    summary: "Replace teams and routing rules",
    description: "Admins only. Rules apply in the order given to cases opened from now on. Audited.",
    request: { body: jsonBody(Routing) },
    responses: { 200: jsonResponse(Routing, "The routing"), ...problemResponses, 422: problemResponses[400] },
  }),
  async (c) => {
    if (!c.var.actor.scopes.includes("admin")) throw new ApiError(403, "Forbidden", "Only admins change how cases are routed.");
    return c.json(await replaceRouting(c.var.db, c.var.actor.id, c.req.valid("json"), new Date()), 200);
  },
);

casesRouter.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Cases"],
    summary: "A case with its timeline",
    request: { params: z.object({ id: z.string().min(1).max(100) }) },
    responses: { 200: jsonResponse(CaseDetail, "The case"), ...problemResponses },
  }),
  async (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(await getCase(c.var.db, c.req.valid("param").id, new Date()), 200);
  },
);

const Params = z.object({ id: z.string().min(1).max(100) });

/** What every case action's route shares: POST /{id}/{action}, answered with the case after the change. */
const actionRoute = (action: string, summary: string, description: string) => ({
    method: "post" as const,
    path: `/{id}/${action}`,
    tags: ["Cases"],
    summary,
    description: `${description} Admins work every case; account managers the cases of their accounts and those assigned to them (403 otherwise); analysts read only. On the timeline and in the audit log.`,
    responses: { 200: jsonResponse(CaseDetail, "The case after the change"), ...problemResponses, 422: problemResponses[400] },
  });

async function workAndShow(c: Context<AppEnv>, id: string, action: CaseAction) {
  const now = new Date();
  await actOnCase({ db: c.var.db, queue: c.env.LOOP_QUEUE }, caseActorOf(c.var.actor), id, action, now);
  return c.json(await getCase(c.var.db, id, now), 200);
}

const Text = (what: string) => z.string().max(MAX_NOTE_LENGTH, `at most ${MAX_NOTE_LENGTH} characters`).openapi({ description: what });
const CaseAssign = z.strictObject({ assigneeEmail: Email }).openapi("CaseAssign");
const CaseNote = z.strictObject({ text: Text("The note") }).openapi("CaseNote");
const CaseClose = z.strictObject({ resolution: Text("What was done") }).openapi("CaseClose");
const CaseReopen = z.strictObject({ reason: Text("Why").optional() }).openapi("CaseReopen");

casesRouter.openapi(
  createRoute({ ...actionRoute("acknowledge", "Acknowledge a case", "open → acknowledged: someone is on it (stops the SLA clock)."), request: { params: Params } }),
  (c) => workAndShow(c, c.req.valid("param").id, { type: "acknowledge" }),
);
casesRouter.openapi(
  createRoute({ ...actionRoute("assign", "Assign a case", "To a user by email."), request: { params: Params, body: jsonBody(CaseAssign) } }),
  (c) => workAndShow(c, c.req.valid("param").id, { type: "assign", assigneeEmail: c.req.valid("json").assigneeEmail }),
);
casesRouter.openapi(
  createRoute({ ...actionRoute("notes", "Add a note", "A note on the timeline."), request: { params: Params, body: jsonBody(CaseNote) } }),
  (c) => workAndShow(c, c.req.valid("param").id, { type: "note", text: c.req.valid("json").text }),
);
casesRouter.openapi(
  createRoute({ ...actionRoute("close", "Close a case", "Needs a resolution note (what was done). Announced as case.closed."), request: { params: Params, body: jsonBody(CaseClose) } }),
  (c) => workAndShow(c, c.req.valid("param").id, { type: "close", resolution: c.req.valid("json").resolution }),
);
casesRouter.openapi(
  createRoute({ ...actionRoute("reopen", "Reopen a closed case", "closed → open."), request: { params: Params, body: jsonBody(CaseReopen) } }),
  (c) => workAndShow(c, c.req.valid("param").id, { type: "reopen", reason: c.req.valid("json").reason }),
);

casesRouter.openapi(
  createRoute({
    method: "post",
    path: "/{id}/recheck",
    tags: ["Cases"],
    summary: "Send the re-check",
    description: "The one-question survey 'did we resolve it?' to the case's contact: closed cases only, once per case, exempt from the frequency caps (never to opted-out people). Its answer lands on the timeline.",
    request: { params: Params },
    responses: { 200: jsonResponse(CaseDetail, "The case with the re-check on its timeline"), ...problemResponses },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const now = new Date();
    await sendRecheck({ db: c.var.db, mailQueue: c.env.MAIL_QUEUE, hmacSecret: c.env.HMAC_SECRET }, caseActorOf(c.var.actor), id, now);
    return c.json(await getCase(c.var.db, id, now), 200);
  },
);
