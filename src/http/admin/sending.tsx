import { Hono, type Context } from "hono";
import type { z } from "zod";
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accounts, contacts, frequencyRules, INVITATION_STATUSES, surveys, type InvitationStatus } from "../../db/schema";
import { emailHmac } from "../../domain/directory/suppression";
import { searchContacts } from "../../domain/directory/search";
import { explainEligibility } from "../../domain/frequency/eligibility";
import { createRule, deleteRule, toView, updateRule, type RuleView } from "../../domain/frequency/rules";
import { invitationsQuery, pageOf } from "../../domain/invitations/list";
import { periodFromKey, quarterAt, quarterKey, quarterPeriod, shiftQuarter } from "../../domain/scoring/periods";
import { planFrom, planReads, type Plan, type PlanInput, type PlanReads } from "../../domain/targeting/plan";
import { committeeCoverage } from "../../domain/targeting/revenue";
import { activeRelationalSurveys, programContextFrom, programContextReads } from "../../domain/targeting/waves";
import { sendSurvey } from "../../domain/targeting/sends";
import { ApiError, notFound } from "../../lib/errors";
import { RuleCreate, RulePatch } from "../api/frequency-rules";
import { PlanRequest, selectionOf, SendRequest } from "../api/sends";
import { formErrorsFrom, type FormErrors, type Option } from "../../views/admin/components";
import { eligibilityPage, type ExplainedCase } from "../../views/admin/eligibility";
import { invitationsPage, type InvitationFilterValues } from "../../views/admin/invitations";
import { emptyPlanner, plannerPage, sentPage, type PlannerValues } from "../../views/admin/planner";
import { ruleFormPage, ruleFormValues, rulesPage, type RuleChoices, type RuleFormValues } from "../../views/admin/rules";
import { coveragePage, sendingPage } from "../../views/admin/sending";
import { keyedOptions, roleRows, stageRows } from "./choices";
import { isFormKey, newFormKey } from "./form-keys";
import { deletedBefore, flashFrom, formBody, numberOrText, optional, text, texts, validate, type FormBody } from "./forms";
import type { AdminEnv } from "./session";

/** /admin/sending: frequency rules, the eligibility explainer, the send planner, invitations, program coverage. */
export const sending = new Hono<AdminEnv>();

const RULE_FLASH = { created: "Rule created.", saved: "Rule saved.", deleted: "Rule deleted.", gone: "That rule was already deleted (the form was sent again); nothing changed." };
const INVITATIONS_PAGE = 50;
const ACCOUNT_CHOICES = 500;
const PLAN_PAGE = 100;
/** The send form's one-time key is a form key (form-keys.ts); longer than this is not ours. */
const SEND_KEY_MAX = 200;

// ─── shared reads (query builders, so each page reads them in one batch) ───

const publishedSurveys = (db: Db) =>
  db
    .select({ id: surveys.id, name: surveys.name, journeyStage: surveys.journeyStage, kind: surveys.kind, targetRoles: surveys.targetRoles })
    .from(surveys)
    .where(and(eq(surveys.status, "active"), isNotNull(surveys.currentVersionId)))
    .orderBy(asc(surveys.name));
const allSurveys = (db: Db) => db.select({ id: surveys.id, name: surveys.name, journeyStage: surveys.journeyStage, kind: surveys.kind }).from(surveys).orderBy(asc(surveys.name));
const ruleRows = (db: Db) => db.select().from(frequencyRules).orderBy(asc(frequencyRules.id));
const largestAccounts = (db: Db) => db.select({ id: accounts.id, name: accounts.name }).from(accounts).orderBy(desc(accounts.annualRevenue), asc(accounts.id)).limit(ACCOUNT_CHOICES);

const surveyOptions = (rows: { id: string; name: string; journeyStage: string; kind: string }[]): Option[] =>
  rows.map((s) => ({ value: s.id, label: `${s.name} (${s.journeyStage}, ${s.kind})` }));
const ruleMap = (rows: (typeof frequencyRules.$inferSelect)[]) => new Map<string, RuleView>(rows.map((row) => [row.id, toView(row)]));

// ─── landing ───

sending.get("/", (c) => c.html(sendingPage({ nonce: c.var.nonce, viewer: c.var.viewer })));

// ─── frequency rules ───

sending.get("/rules", async (c) => {
  const rows = await ruleRows(c.var.db).all();
  return c.html(rulesPage({ nonce: c.var.nonce, viewer: c.var.viewer, rules: rows.map(toView), flash: flashFrom(c, RULE_FLASH) }));
});

/** The rule form's choices: reads a page batches with its own, and the options made from their rows. */
const ruleChoiceReads = (db: Db) => [allSurveys(db), stageRows(db), roleRows(db)] as const;
type RuleChoiceRows = readonly [Awaited<ReturnType<typeof allSurveys>>, Awaited<ReturnType<typeof stageRows>>, Awaited<ReturnType<typeof roleRows>>];
const ruleChoicesFrom = ([surveyRows, stages, roleList]: RuleChoiceRows): RuleChoices => ({ surveys: surveyOptions(surveyRows), stages: keyedOptions(stages), roles: keyedOptions(roleList) });

async function ruleChoices(db: Db): Promise<RuleChoices> {
  return ruleChoicesFrom(await db.batch(ruleChoiceReads(db)));
}

/** The rule form as typed, and the object the API's schema validates (match fields left blank are absent). */
function ruleFromForm(body: FormBody, withId: boolean): { values: RuleFormValues; input: Record<string, unknown> } {
  const values: RuleFormValues = {
    id: text(body, "id"),
    scope: text(body, "scope"),
    "match.kind": text(body, "match.kind"),
    "match.surveyId": text(body, "match.surveyId"),
    "match.journeyStage": text(body, "match.journeyStage"),
    "match.role": text(body, "match.role"),
    per: text(body, "per"),
    counts: text(body, "counts"),
    windowDays: text(body, "windowDays"),
    max: text(body, "max"),
    action: text(body, "action"),
    enabled: text(body, "enabled") !== "",
  };
  const match = Object.fromEntries(
    (["kind", "surveyId", "journeyStage", "role"] as const).flatMap((key) => (values[`match.${key}`] ? [[key, values[`match.${key}`]]] : [])),
  );
  const input = {
    ...(withId ? { id: values.id } : {}),
    scope: optional(values.scope),
    match,
    per: values.per || null,
    counts: optional(values.counts),
    windowDays: numberOrText(values.windowDays),
    max: numberOrText(values.max),
    action: optional(values.action),
    enabled: values.enabled,
  };
  return { values, input };
}

/** A refused rule form: the page again with what was typed and each problem beside its field (422, nothing written). */
async function refusedRule(c: Context<AdminEnv>, editing: string | null, values: RuleFormValues, errors: FormErrors, status: 409 | 422 = 422) {
  const choices = await ruleChoices(c.var.db);
  return c.html(ruleFormPage({ nonce: c.var.nonce, viewer: c.var.viewer, editing, values, errors, choices }), status);
}

/** Domain refusals with field paths (a duplicate id, a match naming nothing) are shown like schema problems. */
function fieldRefusal(error: unknown): { errors: FormErrors; status: 409 | 422 } | null {
  if (!(error instanceof ApiError) || !error.errors?.length || (error.status !== 409 && error.status !== 422)) return null;
  return { errors: formErrorsFrom(error.errors), status: error.status };
}

sending.get("/rules/new", async (c) =>
  c.html(ruleFormPage({ nonce: c.var.nonce, viewer: c.var.viewer, editing: null, values: ruleFormValues(), errors: {}, choices: await ruleChoices(c.var.db) })),
);

/** A new rule (`editing` null) or a changed one: validated by the API's schema, written, or refused beside its fields. */
async function saveRule<S extends z.ZodType>(c: Context<AdminEnv>, editing: string | null, schema: S, write: (rule: z.output<S>) => Promise<unknown>, done: keyof typeof RULE_FLASH) {
  const { values, input } = ruleFromForm(await formBody(c), editing === null);
  if (editing !== null) values.id = editing;
  const parsed = validate(schema, input);
  if (!parsed.ok) return refusedRule(c, editing, values, parsed.errors);
  try {
    await write(parsed.value);
  } catch (error) {
    const refusal = fieldRefusal(error);
    if (!refusal) throw error;
    return refusedRule(c, editing, values, refusal.errors, refusal.status);
  }
  return c.redirect(`/admin/sending/rules?done=${done}`, 303);
}

sending.post("/rules", (c) => saveRule(c, null, RuleCreate, (rule) => createRule(c.var.db, c.var.actor.id, rule), "created"));

sending.get("/rules/:id", async (c) => {
  const db = c.var.db;
  const [rule, ...choiceRows] = await db.batch([db.select().from(frequencyRules).where(eq(frequencyRules.id, c.req.param("id"))), ...ruleChoiceReads(db)]);
  if (!rule[0]) throw notFound(`Frequency rule '${c.req.param("id")}'`);
  const choices = ruleChoicesFrom(choiceRows);
  return c.html(ruleFormPage({ nonce: c.var.nonce, viewer: c.var.viewer, editing: rule[0].id, values: ruleFormValues(toView(rule[0])), errors: {}, choices }));
});

sending.post("/rules/:id", (c) => {
  const id = c.req.param("id");
  return saveRule(c, id, RulePatch, (patch) => updateRule(c.var.db, c.var.actor.id, id, patch), "saved");
});

sending.post("/rules/:id/delete", async (c) => {
  // Back and Delete again finds the rule gone: the list says so rather than a "does not exist" error page.
  const gone = await deletedBefore(deleteRule(c.var.db, c.var.actor.id, c.req.param("id")));
  return c.redirect(`/admin/sending/rules?done=${gone ? "gone" : "deleted"}`, 303);
});

// ─── eligibility explainer ───

const CONTACT_HITS = 20;

sending.get("/eligibility", async (c) => {
  const db = c.var.db;
  const q = c.req.query("q")?.trim() ?? "";
  const surveyId = c.req.query("surveyId")?.trim() ?? "";
  const contactId = c.req.query("contactId")?.trim() ?? "";
  const [surveyRows, hits, picked, rules, roleList] = await db.batch([
    publishedSurveys(db),
    searchContacts(db, { q, limit: q ? CONTACT_HITS : 0 }),
    db
      .select({ id: contacts.id, name: contacts.name, email: contacts.email, role: contacts.role, accountName: sql<string>`${accounts.name}`.as("account_name") })
      .from(contacts)
      .innerJoin(accounts, eq(accounts.id, contacts.accountId))
      .where(eq(contacts.id, contactId)),
    ruleRows(db),
    roleRows(db),
  ]);
  const survey = surveyRows.find((s) => s.id === surveyId);
  const contact = picked[0];
  const error = surveyId && !survey ? "This survey is not published (or no longer exists); choose a published one." : null;
  if (contactId && !contact) throw notFound(`Contact '${contactId}'`);
  let explained: ExplainedCase | null = null;
  if (survey && contact) {
    const hmac = contact.email ? await emailHmac(c.env.HMAC_SECRET, contact.email) : null;
    const eligibility = await explainEligibility(db, { contactId: contact.id, surveyId: survey.id, emailHmac: hmac }, new Date());
    const roleLabel = (key: string) => roleList.find((r) => r.key === key)?.label ?? key;
    explained = {
      contact: { id: contact.id, name: contact.name, email: contact.email, accountName: contact.accountName, roleLabel: roleLabel(contact.role) },
      survey: { id: survey.id, name: survey.name, targetRoleLabels: survey.targetRoles.map(roleLabel) },
      eligibility,
    };
  }
  return c.html(
    eligibilityPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      q,
      surveyId,
      surveys: surveyOptions(surveyRows),
      // Without a search the batch's statement still reads one row (the search asks limit + 1): show none.
      hits: q ? hits.slice(0, CONTACT_HITS) : [],
      explained,
      rules: ruleMap(rules),
      error,
    }),
    error ? 422 : 200,
  );
});

// ─── send planner ───

/** The planner's input from a query string or a posted form (the same names). */
function plannerValues(read: (name: string) => string, readAll: (name: string) => string[]): PlannerValues {
  return {
    surveyId: read("surveyId"),
    contactIds: readAll("contactIds"),
    accountIds: readAll("accountIds"),
    roles: readAll("roles"),
    countries: read("countries"),
    segments: read("segments"),
    minAnnualRevenue: read("minAnnualRevenue"),
    includeOffTarget: read("includeOffTarget") !== "",
  };
}

const list = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/** The request the API would receive for this input: accounts when chosen, else the filter. */
function sendRequestOf(values: PlannerValues): Record<string, unknown> {
  const filter = Object.fromEntries(
    Object.entries({
      roles: values.roles.length ? values.roles : undefined,
      countries: values.countries ? list(values.countries) : undefined,
      segments: values.segments ? list(values.segments) : undefined,
      minAnnualRevenue: numberOrText(values.minAnnualRevenue),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    surveyId: values.surveyId,
    ...(values.contactIds.length ? { contactIds: values.contactIds } : values.accountIds.length ? { accountIds: values.accountIds } : { filter }),
    ...(values.includeOffTarget ? { includeOffTarget: true } : {}),
  };
}

/**
 * The API's field paths (filter.countries.0, filter.minAnnualRevenue) as the planner's form names its fields
 * (countries, minAnnualRevenue), so each problem stands beside its field and the summary links to it.
 */
function plannerErrors(errors: FormErrors): FormErrors {
  const named: FormErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const field = /^filter\.(roles|countries|segments|minAnnualRevenue)(\.\d+)?$/.exec(path)?.[1];
    const key = field ?? path;
    named[key] ??= field === "countries" ? "use two-letter ISO country codes separated by commas, e.g. DE, FR" : message;
  }
  return named;
}

sending.get("/planner", async (c) => {
  const db = c.var.db;
  const values = c.req.query("surveyId") === undefined ? emptyPlanner : plannerValues((n) => c.req.query(n)?.trim() ?? "", (n) => (c.req.queries(n) ?? []).map((v) => v.trim()).filter(Boolean));
  const cursor = c.req.query("cursor") || null;
  const planKey = c.req.query("planKey") ?? "";
  let errors: FormErrors = {};
  let input: PlanInput | null = null;
  if (values !== emptyPlanner) {
    const parsed = validate(PlanRequest, { ...sendRequestOf(values), limit: PLAN_PAGE, ...(cursor ? { cursor } : {}) });
    if (!parsed.ok) errors = plannerErrors(parsed.errors);
    else {
      const body = parsed.value;
      input = { surveyId: body.surveyId, selection: selectionOf(body), includeOffTarget: body.includeOffTarget, cursor: body.cursor, limit: body.limit };
    }
  }
  // The form's choices and the plan's own reads in one batch; then the plan's statement (one for up to 200 accounts).
  const [surveyRows, accountRows, roleList, rules, ...reads] = await db.batch([publishedSurveys(db), largestAccounts(db), roleRows(db), ruleRows(db), ...(input ? planReads(db, input) : [])]);
  let plan: Plan | null = null;
  if (input && !surveyRows.some((s) => s.id === input.surveyId)) errors = { surveyId: "Choose a published survey." };
  else if (input) plan = await planFrom(db, input, reads as PlanReads, new Date());
  return c.html(
    plannerPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      values,
      errors,
      surveys: surveyOptions(surveyRows),
      accounts: accountRows.map((a) => ({ value: a.id, label: a.name })),
      roles: keyedOptions(roleList),
      plan,
      cursor,
      rules: ruleMap(rules),
      sendKey: isFormKey(planKey) ? planKey : newFormKey(),
      nextPlanKey: newFormKey(),
    }),
    Object.keys(errors).length ? 422 : 200,
  );
});

sending.post("/planner/send", async (c) => {
  const body = await formBody(c);
  const values = plannerValues((n) => text(body, n), (n) => texts(body, n));
  const cursor = text(body, "cursor");
  const parsed = validate(SendRequest, { ...sendRequestOf(values), ...(cursor ? { cursor } : {}) });
  if (!parsed.ok) {
    throw new ApiError(422, "Nothing was sent", `The send is incomplete: ${Object.values(parsed.errors).join("; ")}. Go back to the planner and check the form.`);
  }
  const input = parsed.value;
  // The form's one-time key (made when the plan was shown): pressing Send twice, or back and Send again, sends once.
  const idempotencyKey = text(body, "idempotencyKey");
  if (idempotencyKey.length > SEND_KEY_MAX) throw new ApiError(422, "Nothing was sent", "The form's send key is malformed. Go back to the planner and plan the send again.");
  const outcome = await sendSurvey(
    { db: c.var.db, queue: c.env.MAIL_QUEUE, hmacSecret: c.env.HMAC_SECRET },
    c.var.actor.id,
    {
      surveyId: input.surveyId,
      selection: selectionOf(input),
      override: null,
      cursor: input.cursor,
      ...(input.includeOffTarget ? { includeOffTarget: true } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
    new Date(),
  );
  const survey = await c.var.db.select({ name: surveys.name }).from(surveys).where(eq(surveys.id, input.surveyId)).get();
  const page = { nonce: c.var.nonce, viewer: c.var.viewer, values, outcome, surveyName: survey?.name ?? input.surveyId, sendKey: newFormKey() };
  return c.html(sentPage(page), outcome.replayed ? 200 : 201);
});

// ─── invitations ───

sending.get("/invitations", async (c) => {
  const db = c.var.db;
  const f: InvitationFilterValues = {
    surveyId: c.req.query("surveyId")?.trim() ?? "",
    status: c.req.query("status")?.trim() ?? "",
    rule: c.req.query("rule")?.trim() ?? "",
    accountId: c.req.query("accountId")?.trim() ?? "",
    wave: c.req.query("wave")?.trim() ?? "",
  };
  const before = c.req.query("before") || null;
  const errors: FormErrors = {};
  if (f.status && !INVITATION_STATUSES.includes(f.status as InvitationStatus)) errors.status = "Choose a status from the list.";
  const wave = f.wave === "" ? undefined : Number(f.wave);
  if (wave !== undefined && !(Number.isInteger(wave) && wave >= 0)) errors.wave = "A wave is a whole number, 0 or more.";
  const refused = Object.keys(errors).length > 0;
  // The list is read on its own: its joined columns share names ("name"), which rows of a D1 batch cannot tell apart.
  const [[surveyRows, accountRows, rules], rows] = await Promise.all([
    db.batch([allSurveys(db), largestAccounts(db), ruleRows(db)]),
    invitationsQuery(
      db,
      refused
        ? {}
        : {
            surveyId: f.surveyId || undefined,
            status: (f.status || undefined) as InvitationStatus | undefined,
            rule: f.rule || undefined,
            accountId: f.accountId || undefined,
            wave,
          },
      { before: before ?? undefined, limit: refused ? 0 : INVITATIONS_PAGE },
    ).all(),
  ]);
  const page = pageOf(refused ? [] : rows, INVITATIONS_PAGE);
  return c.html(
    invitationsPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      filter: f,
      errors,
      surveys: surveyOptions(surveyRows),
      accounts: accountRows.map((a) => ({ value: a.id, label: a.name })),
      ruleIds: rules.map((r) => r.id),
      items: page.items,
      nextBefore: page.nextBefore,
      before,
      rules: ruleMap(rules),
    }),
    refused ? 422 : 200,
  );
});

// ─── program coverage ───

sending.get("/coverage", async (c) => {
  const db = c.var.db;
  const now = new Date();
  // The program's calendar and the oldest active relational survey in one batch with the rules: the page stays in budget.
  const [settingRows, holidayRows, relational, rules] = await db.batch([...programContextReads(db, now), activeRelationalSurveys(db).limit(1), ruleRows(db)]);
  const ctx = programContextFrom(settingRows, holidayRows);
  const calendar = ctx.calendar;
  const current = quarterAt(now, calendar);
  const quarters = Array.from({ length: 8 }, (_, i) => quarterKey(shiftQuarter(current, -i)));
  const key = c.req.query("quarter")?.trim() || quarterKey(current);
  const period = periodFromKey(key, calendar);
  const options = (quarters.includes(key) || !period ? quarters : [key, ...quarters]).map((q) => ({ value: q, label: q }));
  const page = { nonce: c.var.nonce, viewer: c.var.viewer, quarter: key, quarters: options, rules: ruleMap(rules), survey: relational[0]?.name ?? null };
  if (!period || period.kind !== "quarter") return c.html(coveragePage({ ...page, rows: [], error: "Use a quarter such as 2026-Q3." }), 422);
  const rows = await committeeCoverage(db, relational[0] ?? null, ctx, quarterPeriod(period.quarter, calendar), now);
  return c.html(coveragePage({ ...page, rows, error: null }));
});
