import { Hono, type Context } from "hono";
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import { assertMayWork } from "../../domain/cases/access";
import { caseDetailStatements, caseListStatement, responsivenessStatement, toCaseDetail, toListItem, toResponsiveness, type CaseFilter } from "../../domain/cases/read";
import { sendRecheck } from "../../domain/cases/recheck";
import { actOnCase, caseForWork, EMPTY_FIELD_PROBLEM, type CaseAction } from "../../domain/cases/work";
import { ApiError } from "../../lib/errors";
import { withQuery } from "../../views/admin/components";
import { casePage, casesPage } from "../../views/admin/cases";
import { caseActorOf } from "../api/cases";
import { claimFormKey, newFormKey } from "./form-keys";
import { flashFrom, formBody, text } from "./forms";
import type { AdminEnv } from "./session";

/** Cases (SPEC §12): the queue and a case page. Everyone reads; admins and the account's team work them (session.ts lets account managers post here). */
export const casesAdmin = new Hono<AdminEnv>();

const PAGE = 50;
const RESPONSIVENESS_DAYS = 90;

const FLASH = {
  acknowledge: "Acknowledged: the SLA clock stopped.",
  assign: "Assigned.",
  notes: "Note added.",
  close: "Closed with its resolution.",
  reopen: "Reopened.",
  recheck: "Re-check sent to the contact.",
  unchanged: "Already assigned to that person: nothing changed.",
};

const badFilter = (detail: string) => new ApiError(400, "That filter does not exist", detail);

function filterOf(c: Context<AdminEnv>): { filter: CaseFilter; offset: number; errors: Record<string, string> } {
  const q = (name: string) => c.req.query(name) ?? "";
  const scope = q("scope") || "all";
  const status = q("status") || "active";
  const breached = q("breached");
  const offset = q("offset") ? Number(q("offset")) : 0;
  if (!["all", "mine", "team"].includes(scope)) throw badFilter("Whose cases: all, mine or a team's.");
  if (!["active", "open", "acknowledged", "closed", "any"].includes(status)) throw badFilter("Status: open, acknowledged, closed or any.");
  if (breached && !["true", "false"].includes(breached)) throw badFilter("Overdue: breached only, not breached, or either.");
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000) throw badFilter("That page does not exist; start from the first page.");
  const team = q("team").slice(0, 50) || undefined;
  // "A team's" without a team: the queue again with the problem beside the Team field, the other choices kept
  const errors: Record<string, string> = scope === "team" && !team ? { team: "choose the team whose cases to show" } : {};
  return { filter: { scope: scope as CaseFilter["scope"], team, status: status as CaseFilter["status"], breached: breached ? breached === "true" : undefined }, offset, errors };
}

casesAdmin.get("/", async (c) => {
  const { filter, offset, errors } = filterOf(c);
  const now = new Date();
  const since = new Date(now.getTime() - RESPONSIVENESS_DAYS * 86_400_000).toISOString();
  const [rows = [], responsiveness = [], teams = []] = await runBatch(c.var.db, [
    caseListStatement(filter, c.var.viewer.email, now, { offset, limit: PAGE }),
    responsivenessStatement({ from: since }, now),
    sql`SELECT key, label FROM case_teams ORDER BY label`,
  ]);
  const query = { scope: filter.scope, team: filter.team, status: filter.status, breached: filter.breached === undefined ? undefined : String(filter.breached) };
  return c.html(
    casesPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      filter,
      teams: teams.map((t) => ({ value: String(t.key), label: String(t.label) })),
      items: rows.slice(0, PAGE).map(toListItem),
      next: rows.length > PAGE ? withQuery("/admin/cases", { ...query, offset: offset + PAGE }) : null,
      first: offset > 0 ? withQuery("/admin/cases", query) : null,
      responsiveness: toResponsiveness(responsiveness),
      errors,
    }),
    Object.keys(errors).length > 0 ? 400 : 200,
  );
});

async function renderCase(c: Context<AdminEnv>, form: { errors?: Record<string, string>; values?: { resolution?: string; note?: string }; formKey?: string } = {}, status: 200 | 409 | 422 = 200) {
  const id = c.req.param("id")!;
  const now = new Date();
  const [rows = [], events = [], users = []] = await runBatch(c.var.db, [
    ...caseDetailStatements(id, now),
    sql`SELECT email, name FROM users WHERE status = 'active' ORDER BY name, email LIMIT 500`,
  ]);
  const item = toCaseDetail(id, rows, events);
  let mayWork = true;
  try {
    assertMayWork(caseActorOf(c.var.actor), { id, assigneeEmail: item.assigneeEmail, accountOwnerEmail: item.accountOwnerEmail });
  } catch {
    mayWork = false;
  }
  return c.html(
    casePage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      item,
      users: users.map((u) => ({ value: String(u.email), label: `${u.name} (${u.email})` })),
      userNames: new Map(users.map((u) => [String(u.email).toLowerCase(), `${u.name} (${u.email})`])),
      mayWork,
      errors: form.errors ?? {},
      values: form.values ?? {},
      flash: flashFrom(c, FLASH),
      formKey: form.formKey ?? newFormKey(),
    }),
    status,
  );
}

/** The problem of a refused form, after its redirect (work.ts refuses only an empty field). */
const REFUSED: Record<string, Record<string, string>> = {
  notes: { text: EMPTY_FIELD_PROBLEM.text },
  close: { resolution: EMPTY_FIELD_PROBLEM.resolution },
};

casesAdmin.get("/:id", (c) => {
  const refused = c.req.query("refused") ?? "";
  return Object.hasOwn(REFUSED, refused) ? renderCase(c, { errors: REFUSED[refused] }) : renderCase(c);
});

const ACTIONS = ["acknowledge", "assign", "notes", "close", "reopen", "recheck"] as const;
type ActionName = (typeof ACTIONS)[number];

function actionOf(name: ActionName, body: Record<string, unknown>): CaseAction | null {
  const field = (key: string) => text(body as never, key);
  switch (name) {
    case "acknowledge":
      return { type: "acknowledge" };
    case "assign":
      return { type: "assign", assigneeEmail: field("assigneeEmail").toLowerCase() };
    case "notes":
      return { type: "note", text: field("text") };
    case "close":
      return { type: "close", resolution: field("resolution") };
    case "reopen":
      return { type: "reopen" };
    case "recheck":
      return null;
  }
}

async function alreadyAssigned(c: Context<AdminEnv>, actor: ReturnType<typeof caseActorOf>, id: string, email: string): Promise<boolean> {
  const current = await caseForWork(c.var.db, id);
  assertMayWork(actor, { id, assigneeEmail: current.assignee_email, accountOwnerEmail: current.account_owner_email, accountName: current.account_name });
  return current.status !== "closed" && !!email && current.assignee_email?.toLowerCase() === email;
}

casesAdmin.post("/:id/:action", async (c) => {
  const id = c.req.param("id");
  const name = c.req.param("action") as ActionName;
  if (!ACTIONS.includes(name)) throw new ApiError(404, "Not found", "There is no such action on a case.");
  const body = await formBody(c);
  const action = actionOf(name, body);
  const actor = caseActorOf(c.var.actor);
  const now = new Date();
  // A note is the one action its status does not guard: its form carries a one-time key, so Back + "Add the note" adds nothing.
  const claim = name === "notes" ? await claimFormKey(c, body, "case.note") : null;
  // "Assign" with the list left on the current assignee (or sent twice) changes nothing: no second "Assigned" in the timeline
  if (action?.type === "assign" && (await alreadyAssigned(c, actor, id, action.assigneeEmail))) {
    return c.redirect(`/admin/cases/${encodeURIComponent(id)}?done=unchanged`, 303);
  }
  try {
    if (action) await actOnCase({ db: c.var.db, queue: c.env.LOOP_QUEUE }, actor, id, action, now);
    else await sendRecheck({ db: c.var.db, mailQueue: c.env.MAIL_QUEUE, hmacSecret: c.env.HMAC_SECRET }, actor, id, now);
  } catch (error) {
    await claim?.release();
    // A field left empty: back to the case page with the problem beside the field (nothing typed is lost, since only an
    // empty field is refused), so reloading the answer does not post the form again.
    if (error instanceof ApiError && error.status === 422 && error.errors?.length && (name === "notes" || name === "close")) {
      return c.redirect(`/admin/cases/${encodeURIComponent(id)}?refused=${name}`, 303);
    }
    throw error;
  }
  return c.redirect(`/admin/cases/${encodeURIComponent(id)}?done=${name}`, 303);
});
