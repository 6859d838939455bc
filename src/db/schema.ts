// The one source of row types. Every table here has its DDL in migrations/ (flat NNNN_name.sql files).
// Timestamps are ISO-8601 UTC strings from Date#toISOString() (fixed width, so they compare as text);
// money is integer whole units of the deployment's reporting currency; booleans are 0/1 integers.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);
const updatedAt = () => text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);
const bool = (name: string) => integer(name, { mode: "boolean" });

// ─── organization ────────────────────────────────────────────────────────────

/** One row (id = 1): the organization this deployment serves. */
export const settings = sqliteTable("settings", {
  id: integer("id").primaryKey(),
  organizationName: text("organization_name").notNull(),
  timeZone: text("time_zone").notNull(),
  fiscalYearStartMonth: integer("fiscal_year_start_month").notNull(),
  defaultLocale: text("default_locale").notNull(),
  caseNpsMax: integer("case_nps_max").notNull(),
  caseOsatMax: integer("case_osat_max").notNull(),
  caseCesMax: integer("case_ces_max").notNull(),
  caseSlaTopDays: integer("case_sla_top_days").notNull().default(2), // business days to acknowledge, top 20 % of revenue
  caseSlaOtherDays: integer("case_sla_other_days").notNull().default(5), // …every other account
  // Send window (issue 13, migration 0031): scheduled sends go out only on working days between these local times.
  sendWindowStart: text("send_window_start").notNull().default("09:00"),
  sendWindowEnd: text("send_window_end").notNull().default("17:00"),
  updatedAt: updatedAt(),
});

export const holidays = sqliteTable("holidays", {
  date: text("date").primaryKey(), // YYYY-MM-DD in the organization's time zone
  label: text("label").notNull(),
});

/** People on our side: admins, account owners, case assignees. */
export const USER_ROLES = ["admin", "analyst", "account_manager"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(), // stored lower-cased
  name: text("name").notNull(),
  createdAt: createdAt(),
  role: text("role", { enum: USER_ROLES }).notNull().default("analyst"),
  status: text("status", { enum: ["active", "deactivated"] }).notNull().default("active"),
  deactivatedAt: text("deactivated_at"),
});
export type User = typeof users.$inferSelect;

export const apiTokens = sqliteTable("api_tokens", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(), // hex SHA-256 of the secret; the secret itself is never stored
  scopes: text("scopes", { mode: "json" }).$type<TokenScope[]>().notNull(),
  createdAt: createdAt(),
  revokedAt: text("revoked_at"),
  lastUsedAt: text("last_used_at"),
});
export type TokenScope = "admin" | "integration" | "read";

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(), // token id, "bootstrap", "system", or a user email
    action: text("action").notNull(), // e.g. "account.create", "survey.publish", "send.override"
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_log_entity").on(t.entityType, t.entityId), index("audit_log_at").on(t.at)],
);

// ─── directory ───────────────────────────────────────────────────────────────

export const roles = sqliteTable("roles", {
  key: text("key").primaryKey(),
  label: text("label").notNull(),
  weight: integer("weight").notNull().default(100), // hundredths, so sums stay exact integers
  committee: bool("committee").notNull().default(false),
  decisionMaker: bool("decision_maker").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const journeyStages = sqliteTable("journey_stages", {
  key: text("key").primaryKey(),
  label: text("label").notNull(),
  position: integer("position").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    externalId: text("external_id").notNull().unique(),
    name: text("name").notNull(),
    annualRevenue: integer("annual_revenue").notNull(), // current value; history in account_revenue
    status: text("status", { enum: ["active", "churned"] }).notNull().default("active"),
    customerSince: text("customer_since"),
    churnedAt: text("churned_at"),
    country: text("country"), // ISO 3166-1 alpha-2, upper case
    segment: text("segment"),
    ownerEmail: text("owner_email"),
    ownerName: text("owner_name"),
    parentId: text("parent_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("accounts_status").on(t.status), index("accounts_owner").on(t.ownerEmail)],
);

/** Every revenue change is a new row, so past quarters are never rewritten. */
export const accountRevenue = sqliteTable(
  "account_revenue",
  {
    accountId: text("account_id").notNull(),
    validFrom: text("valid_from").notNull(),
    amount: integer("amount").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.validFrom] })],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    email: text("email").unique(), // lower-cased; null once erased
    name: text("name"),
    role: text("role").notNull(),
    locale: text("locale").notNull().default("en"),
    status: text("status", { enum: ["active", "unsubscribed", "bounced", "erased"] }).notNull().default("active"),
    prn: real("prn").notNull(), // permanent random number in [0, 1), drawn once at creation
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contacts_account").on(t.accountId, t.status), index("contacts_prn").on(t.status, t.prn)],
);

/** HMAC of an address: opted-out, bounced and erased people never come back through a CRM re-import. */
export const suppressions = sqliteTable("suppressions", {
  emailHmac: text("email_hmac").primaryKey(),
  reason: text("reason", { enum: ["unsubscribed", "bounced", "erased"] }).notNull(),
  createdAt: createdAt(),
});

// ─── surveys ─────────────────────────────────────────────────────────────────

export const surveys = sqliteTable("surveys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind", { enum: ["relational", "transactional"] }).notNull(),
  journeyStage: text("journey_stage").notNull(),
  targetRoles: text("target_roles", { mode: "json" }).$type<string[]>().notNull(), // empty = all roles
  defaultLocale: text("default_locale").notNull().default("en"),
  texts: text("texts", { mode: "json" }).$type<Record<string, SurveyTexts>>().notNull(),
  questions: text("questions", { mode: "json" }).$type<Question[]>().notNull(), // the editable draft
  status: text("status", { enum: ["draft", "active", "archived"] }).notNull().default("draft"),
  currentVersionId: text("current_version_id"),
  delayDays: integer("delay_days").notNull().default(0),
  wavesPerYear: integer("waves_per_year").notNull().default(4),
  fractionPerWave: real("fraction_per_wave").notNull().default(0.5),
  programEpoch: text("program_epoch"), // start of wave 0 for relational programs
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Publishing freezes questions and texts: invitations and responses point here, so edits never rewrite history. */
export const surveyVersions = sqliteTable(
  "survey_versions",
  {
    id: text("id").primaryKey(),
    surveyId: text("survey_id").notNull(),
    version: integer("version").notNull(),
    questions: text("questions", { mode: "json" }).$type<Question[]>().notNull(),
    texts: text("texts", { mode: "json" }).$type<Record<string, SurveyTexts>>().notNull(),
    defaultLocale: text("default_locale").notNull(),
    publishedAt: text("published_at").notNull(),
  },
  (t) => [uniqueIndex("survey_versions_number").on(t.surveyId, t.version)],
);

export type QuestionType = "nps" | "osat" | "ces" | "rating" | "choice" | "multi" | "text" | "vendor_rank";

/** Localized per locale: `{ en: "…", de: "…" }`. */
export type LocalizedText = Record<string, string>;

export interface ShowIf {
  questionId: string;
  /** Shown when the earlier numeric answer lies in [min, max], or the earlier choice is one of `anyOf`. */
  min?: number;
  max?: number;
  anyOf?: string[];
}

export interface Question {
  id: string;
  type: QuestionType;
  text: LocalizedText;
  required?: boolean;
  options?: { value: string; label: LocalizedText }[]; // choice / multi
  showIf?: ShowIf;
}

export interface SurveyTexts {
  title: string;
  /** Why we ask and what we will do with the answer (shown on the page and in the email). */
  intro: string;
  emailSubject?: string;
}

// ─── sending ─────────────────────────────────────────────────────────────────

export const frequencyRules = sqliteTable("frequency_rules", {
  id: text("id").primaryKey(),
  scope: text("scope", { enum: ["contact", "account"] }).notNull(),
  matchKind: text("match_kind", { enum: ["relational", "transactional"] }),
  matchSurveyId: text("match_survey_id"),
  matchJourneyStage: text("match_journey_stage"),
  matchRole: text("match_role"),
  per: text("per", { enum: ["survey", "stage"] }),
  counts: text("counts", { enum: ["sent", "responded"] }).notNull(),
  windowDays: integer("window_days").notNull(),
  max: integer("max").notNull(),
  action: text("action", { enum: ["skip", "defer"] }).notNull(),
  enabled: bool("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const INVITATION_STATUSES = [
  "scheduled",
  "suppressed",
  "deferred",
  "queued",
  "sent",
  "opened",
  "started",
  "completed",
  "expired",
  "failed",
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    surveyId: text("survey_id").notNull(),
    surveyVersionId: text("survey_version_id").notNull(),
    contactId: text("contact_id").notNull(),
    accountId: text("account_id").notNull(), // the contact's account when sent; never moves with the contact
    // Denormalized from the survey version so frequency rules count in one indexed statement.
    kind: text("kind", { enum: ["relational", "transactional"] }).notNull(),
    journeyStage: text("journey_stage").notNull(),
    status: text("status", { enum: INVITATION_STATUSES }).notNull(),
    blockingRule: text("blocking_rule"), // rule id (or opted-out / bounced / erased / defer-limit)
    causeType: text("cause_type", { enum: ["event", "program", "manual", "recheck", "override"] }).notNull(),
    causeId: text("cause_id"), // event id, "survey:wave", case id…
    scheduledFor: text("scheduled_for"), // due time of a scheduled (delayDays) or deferred invitation
    deferredSince: text("deferred_since"),
    admittedAt: text("admitted_at"), // when it became queued: what `sent` frequency rules count
    sentAt: text("sent_at"),
    openedAt: text("opened_at"),
    startedAt: text("started_at"),
    completedAt: text("completed_at"),
    expiresAt: text("expires_at"),
    reminderSentAt: text("reminder_sent_at"),
    revokedAt: text("revoked_at"),
    overrideReason: text("override_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("invitations_contact_admitted").on(t.contactId, t.admittedAt),
    index("invitations_account_admitted").on(t.accountId, t.admittedAt),
    index("invitations_status_due").on(t.status, t.scheduledFor),
    index("invitations_survey_contact").on(t.surveyId, t.contactId),
    index("invitations_admitted").on(t.admittedAt),
    // A program wave (cause_id "survey:wave") or a journey event invites a contact at most once (migration 0030).
    uniqueIndex("invitations_cause_once")
      .on(t.surveyId, t.contactId, t.causeType, t.causeId)
      .where(sql`cause_type IN ('program', 'event')`),
  ],
);

/** Status history: one row per transition. */
export const invitationEvents = sqliteTable(
  "invitation_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    invitationId: text("invitation_id").notNull(),
    status: text("status").notNull(),
    at: text("at").notNull(),
    detail: text("detail"),
  },
  (t) => [index("invitation_events_invitation").on(t.invitationId)],
);

/** Journey events are idempotent by their id. */
export const journeyEvents = sqliteTable("journey_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  stage: text("stage").notNull(),
  accountId: text("account_id").notNull(),
  contactId: text("contact_id"),
  occurredAt: text("occurred_at").notNull(),
  receivedAt: text("received_at").notNull(),
  result: text("result", { mode: "json" }).$type<Record<string, unknown>>(),
});

/** Local mail: what would have been sent, with clickable links (also the record of real sends' content). */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    invitationId: text("invitation_id"),
    kind: text("kind", { enum: ["invitation", "reminder", "recheck", "case_opened", "case_breached", "webhook_disabled", "sign_in"] }).notNull(),
    toEmail: text("to_email").notNull(),
    fromName: text("from_name").notNull(),
    replyTo: text("reply_to"),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    surveyUrl: text("survey_url"),
    unsubscribeUrl: text("unsubscribe_url"),
    createdAt: createdAt(),
  },
  (t) => [index("outbox_created").on(t.createdAt)],
);

/** Delivery ledger: a send's idempotency key is claimed here before the provider is called. */
export const deliveries = sqliteTable("deliveries", {
  idempotencyKey: text("idempotency_key").primaryKey(),
  invitationId: text("invitation_id").notNull(),
  kind: text("kind", { enum: ["invitation", "reminder", "recheck"] }).notNull(),
  status: text("status", { enum: ["claimed", "sent", "failed"] }).notNull(),
  attempts: integer("attempts").notNull().default(0),
  provider: text("provider").notNull(),
  providerMessageId: text("provider_message_id"),
  lastError: text("last_error"),
  claimedAt: text("claimed_at").notNull(),
  sentAt: text("sent_at"),
});

// ─── responses ───────────────────────────────────────────────────────────────

export const responses = sqliteTable(
  "responses",
  {
    id: text("id").primaryKey(),
    invitationId: text("invitation_id").notNull().unique(), // at most one response per invitation
    surveyId: text("survey_id").notNull(),
    surveyVersionId: text("survey_version_id").notNull(),
    contactId: text("contact_id").notNull(),
    status: text("status", { enum: ["partial", "complete"] }).notNull(),
    // Point-in-time snapshot: scores use these, never today's directory values.
    accountId: text("account_id").notNull(),
    role: text("role").notNull(),
    journeyStage: text("journey_stage").notNull(),
    country: text("country"),
    segment: text("segment"),
    revenue: integer("revenue"),
    // Paradata (never an IP address).
    firstOpenedAt: text("first_opened_at"),
    firstAnswerAt: text("first_answer_at"),
    submittedAt: text("submitted_at"), // FIRST submit: the response's period never moves
    secondsToComplete: integer("seconds_to_complete"),
    priorUnansweredInvitations: integer("prior_unanswered_invitations"),
    priorReminders: integer("prior_reminders"),
    deviceClass: text("device_class", { enum: ["mobile", "desktop"] }),
    importedAt: text("imported_at"), // set on answers imported from another feedback tool (history import, migration 0070)
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("responses_status_submitted").on(t.status, t.submittedAt),
    index("responses_contact").on(t.contactId, t.submittedAt),
    index("responses_account").on(t.accountId, t.submittedAt),
  ],
);

export const answers = sqliteTable(
  "answers",
  {
    responseId: text("response_id").notNull(),
    questionId: text("question_id").notNull(),
    type: text("type").$type<QuestionType>().notNull(),
    numValue: integer("num_value"), // nps 0–10, osat 1–5, ces 1–7, rating 1–5
    textValue: text("text_value"), // text (≤ 2,000 chars) or the choice value
    choiceValues: text("choice_values", { mode: "json" }).$type<string[]>(), // multi
    vendorCount: integer("vendor_count"), // vendor_rank: N providers used
    vendorRank: integer("vendor_rank"), // vendor_rank: our rank among them (1 = first)
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.questionId] }), index("answers_type").on(t.type, t.responseId)],
);

/** Edits after submit keep the old value and when it was replaced. */
export const answerRevisions = sqliteTable(
  "answer_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    responseId: text("response_id").notNull(),
    questionId: text("question_id").notNull(),
    oldValue: text("old_value", { mode: "json" }).$type<unknown>(),
    changedAt: text("changed_at").notNull(),
  },
  (t) => [index("answer_revisions_response").on(t.responseId)],
);

// ─── closing the loop ────────────────────────────────────────────────────────

export const cases = sqliteTable(
  "cases",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["response", "silence"] }).notNull(),
    responseId: text("response_id"), // at most one case per response (unique index)
    accountId: text("account_id").notNull(),
    contactId: text("contact_id"),
    period: text("period"), // silence cases: at most one per (account, period)
    status: text("status", { enum: ["open", "acknowledged", "closed"] }).notNull().default("open"),
    severity: integer("severity").notNull(), // 1–3
    revenuePercentile: real("revenue_percentile").notNull().default(0), // (0, 1], largest account 1
    topAccount: bool("top_account").notNull().default(false), // top 20 % of revenue: 2 business days instead of 5
    priority: real("priority").notNull(), // severity × revenue percentile
    team: text("team"),
    ownerEmail: text("owner_email"),
    assigneeEmail: text("assignee_email"), // users.email (the user of the account owner, else the team's)
    verbatim: text("verbatim"),
    trigger: text("trigger"), // e.g. "nps 3 ≤ 6", "silent 2 quarters"
    dueAt: text("due_at").notNull(),
    openedAt: text("opened_at").notNull(),
    acknowledgedAt: text("acknowledged_at"),
    closedAt: text("closed_at"),
    resolution: text("resolution"),
    notifiedAt: text("notified_at"), // the assignee's "case opened" email claimed
    escalatedAt: text("escalated_at"), // breached: the one escalation email claimed
    recheckInvitationId: text("recheck_invitation_id"),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("cases_response_once").on(t.responseId),
    uniqueIndex("cases_silence_once").on(t.accountId, t.period).where(sql`type = 'silence'`),
    index("cases_queue").on(t.status, t.priority, t.dueAt),
    index("cases_assignee").on(t.assigneeEmail, t.status),
    index("cases_account").on(t.accountId),
    index("cases_breach").on(t.status, t.acknowledgedAt, t.dueAt),
  ],
);

export const CASE_EVENT_KINDS = [
  "opened",
  "reevaluated",
  "acknowledged",
  "assigned",
  "note",
  "closed",
  "reopened",
  "breached",
  "recheck_sent",
  "recheck_answer",
] as const;

/** A case's timeline: status changes, notes, assignment, escalation, the re-check and its answer. */
export const caseEvents = sqliteTable(
  "case_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: text("case_id").notNull(),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    kind: text("kind", { enum: CASE_EVENT_KINDS }).notNull(),
    ref: text("ref"), // makes an event idempotent where it must happen once (e.g. the re-check answer of a response)
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("case_events_case").on(t.caseId, t.id), uniqueIndex("case_events_once").on(t.caseId, t.kind, t.ref)],
);

/** Teams cases are routed to; a team's assignee takes cases whose account owner is no user. */
export const caseTeams = sqliteTable("case_teams", {
  key: text("key").primaryKey(),
  label: text("label").notNull(),
  assigneeEmail: text("assignee_email"),
});

/** Routing rules, first match by position: a choice answer (question + value) or a keyword in the text answers. */
export const caseRoutes = sqliteTable("case_routes", {
  id: text("id").primaryKey(),
  position: integer("position").notNull(),
  kind: text("kind", { enum: ["choice", "keyword"] }).notNull(),
  questionId: text("question_id"),
  match: text("match").notNull(),
  team: text("team").notNull(),
});

export const WEBHOOK_EVENTS = ["response.completed", "response.updated", "case.opened", "case.closed", "account.category_changed"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  events: text("events", { mode: "json" }).$type<WebhookEvent[]>().notNull(),
  format: text("format", { enum: ["standard", "slack"] }).notNull().default("standard"),
  secret: text("secret").notNull(), // whsec_…: needed to sign, so kept (shown once through the API)
  previousSecret: text("previous_secret"), // during rotation both sign
  previousSecretUntil: text("previous_secret_until"),
  status: text("status", { enum: ["active", "disabled"] }).notNull().default("active"),
  failingSince: text("failing_since"),
  disabledAt: text("disabled_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(), // the webhook-id header: the same on every retry and replay
    endpointId: text("endpoint_id").notNull(),
    eventType: text("event_type").notNull(),
    eventKey: text("event_key").notNull(), // one delivery per endpoint and event occurrence (redelivered messages)
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "retrying", "dead"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    windowStart: text("window_start").notNull(), // retries back off for 24 h from here (a replay starts a new window)
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: text("delivered_at"),
    deadAt: text("dead_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("webhook_deliveries_once").on(t.endpointId, t.eventKey), index("webhook_deliveries_endpoint").on(t.endpointId, t.createdAt), index("webhook_deliveries_event").on(t.eventKey, t.status)],
);

export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    at: text("at").notNull(),
    statusCode: integer("status_code"),
    ok: bool("ok").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    error: text("error"),
    responseExcerpt: text("response_excerpt"),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId, t.id)],
);

export type Account = typeof accounts.$inferSelect;
export type Contact = typeof contacts.$inferSelect;
export type Role = typeof roles.$inferSelect;
export type JourneyStage = typeof journeyStages.$inferSelect;
export type Survey = typeof surveys.$inferSelect;
export type SurveyVersion = typeof surveyVersions.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type Response = typeof responses.$inferSelect;
export type Answer = typeof answers.$inferSelect;
export type FrequencyRule = typeof frequencyRules.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type OutboxMail = typeof outbox.$inferSelect;
export type Case = typeof cases.$inferSelect;
export type CaseEvent = typeof caseEvents.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

// ─── scoring (SPEC §7; migrations 0040–0049) ─────────────────────────────────
// A run computes every period's results under its run id; the latest complete run is current, so a run cut
// off half-way leaves the previous results readable. score_latest / score_heard are the running run's staging.

export const scoreRuns = sqliteTable(
  "score_runs",
  {
    id: text("id").primaryKey(),
    status: text("status", { enum: ["running", "complete", "failed"] }).notNull(),
    trigger: text("trigger", { enum: ["cron", "api"] }).notNull(),
    requestedBy: text("requested_by"),
    asOf: text("as_of").notNull(), // the instant whose quarter is "current" for this run
    timeZone: text("time_zone").notNull(),
    fiscalYearStartMonth: integer("fiscal_year_start_month").notNull(),
    step: integer("step").notNull().default(0),
    totalSteps: integer("total_steps").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: text("lease_until"),
    lastError: text("last_error"),
    startedAt: text("started_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
    kind: text("kind", { enum: ["full", "incremental"] }).notNull().default("full"),
    baseRunId: text("base_run_id"), // the current run when this one started: periods not recomputed keep its rows
    plan: text("plan"), // JSON RunPlan (src/domain/scoring/plan.ts): what this run stages, computes and carries
    periodRuns: text("period_runs"), // JSON { period: run id whose rows hold it } — readers resolve every period through it
    dirtyThrough: integer("dirty_through").notNull().default(0), // score_dirty rows up to this seq are in this run
    failures: integer("failures").notNull().default(0), // consecutive failed invocations; the run fails after a few
  },
  (t) => [
    uniqueIndex("score_runs_one_running").on(t.status).where(sql`status = 'running'`),
    index("score_runs_finished").on(t.status, t.finishedAt),
  ],
);

/** What changed since the last run (filled by triggers, migration 0045): kind 'at' (quarter of `at`), 'from', 'all'. */
export const scoreDirty = sqliteTable("score_dirty", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  kind: text("kind", { enum: ["at", "from", "all"] }).notNull(),
  at: text("at"),
});

/** Quarters whose staging (score_latest, score_survey_cube, score_heard) is complete and kept until the quarter changes. */
export const scoreStaged = sqliteTable("score_staged", {
  period: text("period").primaryKey(),
  stagedAt: text("staged_at").notNull(),
});

/**
 * Staging per quarter: each contact invited in it, per account invited for (migration 0092), with how many
 * invitations, completed and still open, whether to an NPS survey version, and the latest NPS answer to them.
 */
export const scoreCohort = sqliteTable(
  "score_cohort",
  {
    period: text("period").notNull(),
    contactId: text("contact_id").notNull(),
    accountId: text("account_id").notNull(),
    invitedNps: integer("invited_nps").notNull(),
    latest: text("latest"), // submitted_at || response id of the latest NPS answer to an invitation of the quarter
    value: integer("value"),
    invited: integer("invited").notNull(), // invitations admitted in the quarter
    completed: integer("completed").notNull(), // of which completed (whenever)
    stillOpen: integer("still_open").notNull(), // of which not yet ended (§7.9)
  },
  (t) => [primaryKey({ columns: [t.period, t.contactId, t.accountId] })],
);

/** Staging: each contact's latest answer of a type per (period, survey); is_latest marks the latest across surveys. */
export const scoreLatest = sqliteTable(
  "score_latest",
  {
    period: text("period").notNull(),
    type: text("type").notNull(), // nps | osat | ces | vendor_rank
    contactId: text("contact_id").notNull(),
    surveyId: text("survey_id").notNull(),
    value: real("value").notNull(), // the answer; share of wallet (0–1) for vendor_rank
    accountId: text("account_id").notNull(),
    role: text("role").notNull(),
    stage: text("stage").notNull(),
    country: text("country"),
    segment: text("segment"),
    isLatest: integer("is_latest").notNull(),
    // How many of the following quarters (0–3) this answer stays the contact's latest, per survey and across surveys:
    // a trailing 12 months reads its quarters' rows through these instead of a staging of its own (migration 0090).
    surveySpan: integer("survey_span").notNull().default(3),
    contactSpan: integer("contact_span").notNull().default(3),
  },
  (t) => [primaryKey({ columns: [t.period, t.type, t.contactId, t.surveyId] })],
);

/** Answer sums per type, the columns of both cubes (integer answers except share of wallet, a share 0–1). */
const cubeSums = () => ({
  npsN: integer("nps_n").notNull(),
  npsP: integer("nps_p").notNull(),
  npsD: integer("nps_d").notNull(),
  npsSum: integer("nps_sum"),
  osatN: integer("osat_n").notNull(),
  osatSum: integer("osat_sum"),
  osatTop: integer("osat_top").notNull(),
  cesN: integer("ces_n").notNull(),
  cesSum: integer("ces_sum"),
  cesTop: integer("ces_top").notNull(),
  sowN: integer("sow_n").notNull(),
  sowSum: real("sow_sum"),
});

/**
 * Staging of the period being scored: its contacts' latest answers summed per account and snapshot, read by the
 * latest-answer cuts and the account sums (migration 0091). Holds one period at a time: a quarter's rows, to which
 * its trailing 12 months add the earlier quarters' answers still latest at its end.
 */
export const scoreCube = sqliteTable("score_cube", {
  period: text("period").notNull(),
  accountId: text("account_id").notNull(),
  role: text("role").notNull(),
  stage: text("stage").notNull(),
  country: text("country"),
  segment: text("segment"),
  ...cubeSums(),
});

/**
 * Staging per quarter for the survey cut (migration 0092): answers summed per survey and account by `span`, how many
 * following quarters (0–3) each stays its contact's latest answer in that survey, so a trailing 12 months sums its
 * four quarters' rows. Kept with the quarter's staging.
 */
export const scoreSurveyCube = sqliteTable(
  "score_survey_cube",
  {
    period: text("period").notNull(),
    surveyId: text("survey_id").notNull(),
    accountId: text("account_id").notNull(),
    span: integer("span").notNull(),
    ...cubeSums(),
  },
  (t) => [primaryKey({ columns: [t.period, t.surveyId, t.accountId, t.span] })],
);

/** Staging: who at which account completed any response in a quarter (heard-from, decision-maker, committee). */
export const scoreHeard = sqliteTable(
  "score_heard",
  {
    period: text("period").notNull(),
    accountId: text("account_id").notNull(),
    contactId: text("contact_id").notNull(),
    role: text("role").notNull(),
  },
  (t) => [primaryKey({ columns: [t.period, t.accountId, t.contactId, t.role] })],
);

/** Per account and period: sufficient statistics, coverage flags, invitation cohort, category, silence. */
export const scoreAccounts = sqliteTable(
  "score_accounts",
  {
    runId: text("run_id").notNull(),
    period: text("period").notNull(),
    accountId: text("account_id").notNull(),
    revenue: integer("revenue").notNull(), // history amount valid at the end of the period
    inScope: integer("in_scope").notNull(),
    npsN: integer("nps_n").notNull().default(0),
    npsPromoters: integer("nps_promoters").notNull().default(0),
    npsDetractors: integer("nps_detractors").notNull().default(0),
    weightSum: integer("weight_sum").notNull().default(0),
    weightedAnswerSum: integer("weighted_answer_sum").notNull().default(0),
    roleMeanGap: real("role_mean_gap"),
    osatN: integer("osat_n").notNull().default(0),
    osatSum: integer("osat_sum").notNull().default(0),
    osatTop: integer("osat_top").notNull().default(0),
    cesN: integer("ces_n").notNull().default(0),
    cesSum: integer("ces_sum").notNull().default(0),
    cesTop: integer("ces_top").notNull().default(0),
    sowN: integer("sow_n").notNull().default(0),
    sowSum: real("sow_sum").notNull().default(0),
    heard: integer("heard").notNull().default(0),
    decisionMakerHeard: integer("decision_maker_heard").notNull().default(0),
    committeeRolesHeard: integer("committee_roles_heard").notNull().default(0),
    contactsHeardT12: integer("contacts_heard_t12").notNull().default(0),
    invited: integer("invited").notNull().default(0),
    completed: integer("completed").notNull().default(0),
    silent: integer("silent"), // §7.9, quarters only
    silentStreak: integer("silent_streak"),
    category: text("category", { enum: ["promoter", "passive", "detractor", "silent", "unsurveyed"] }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.period, t.accountId] }), index("score_accounts_account").on(t.runId, t.accountId)],
);

export const SCORE_CUTS = ["all", "role", "stage", "country", "segment", "survey"] as const;
export type ScoreCut = (typeof SCORE_CUTS)[number];

/** Per period, cut and group (cut "all" has the one group ""): sufficient statistics of every §7 metric. */
export const scoreGroups = sqliteTable(
  "score_groups",
  {
    runId: text("run_id").notNull(),
    period: text("period").notNull(),
    cut: text("cut").$type<ScoreCut>().notNull(),
    groupKey: text("group_key").notNull(),
    npsN: integer("nps_n").notNull().default(0),
    npsPromoters: integer("nps_promoters").notNull().default(0),
    npsDetractors: integer("nps_detractors").notNull().default(0),
    osatN: integer("osat_n").notNull().default(0),
    osatSum: integer("osat_sum").notNull().default(0),
    osatTop: integer("osat_top").notNull().default(0),
    cesN: integer("ces_n").notNull().default(0),
    cesSum: integer("ces_sum").notNull().default(0),
    cesTop: integer("ces_top").notNull().default(0),
    sowN: integer("sow_n").notNull().default(0),
    sowSum: real("sow_sum").notNull().default(0),
    // Revenue-weighted NPS over accounts in scope: m, Σ R, Σ R², Σ R·NPS_a, Σ R²·NPS_a, Σ R²·NPS_a².
    rwM: integer("rw_m").notNull().default(0),
    rwRevenue: real("rw_revenue").notNull().default(0),
    rwRevenueSq: real("rw_revenue_sq").notNull().default(0),
    rwWeighted: real("rw_weighted").notNull().default(0),
    rwWeightedBySq: real("rw_weighted_by_sq").notNull().default(0),
    rwWeightedBySqSq: real("rw_weighted_by_sq_sq").notNull().default(0),
    // Revenue-weighted share of wallet: accounts, Σ R, Σ R·SoW_a.
    sowRwM: integer("sow_rw_m").notNull().default(0),
    sowRwRevenue: real("sow_rw_revenue").notNull().default(0),
    sowRwWeighted: real("sow_rw_weighted").notNull().default(0),
    invited: integer("invited").notNull().default(0),
    completed: integer("completed").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.runId, t.period, t.cut, t.groupKey] })],
);

/** Per period: revenue coverage and its four amounts, heard-from and decision-maker coverage, true promoter share. */
export const scoreCoverage = sqliteTable(
  "score_coverage",
  {
    runId: text("run_id").notNull(),
    period: text("period").notNull(),
    accountsInScope: integer("accounts_in_scope").notNull(),
    totalRevenue: integer("total_revenue").notNull(),
    coveredRevenue: integer("covered_revenue").notNull(),
    safeRevenue: integer("safe_revenue").notNull(),
    passiveRevenue: integer("passive_revenue").notNull(),
    atRiskRevenue: integer("at_risk_revenue").notNull(),
    silentRevenue: integer("silent_revenue").notNull(),
    unsurveyedRevenue: integer("unsurveyed_revenue").notNull(),
    heardRevenue: integer("heard_revenue").notNull(),
    decisionMakerRevenue: integer("decision_maker_revenue").notNull(),
    singleThreadedAccounts: integer("single_threaded_accounts").notNull(),
    silentQuarterAccounts: integer("silent_quarter_accounts"), // §7.9, quarters only
    silentQuarterRevenue: integer("silent_quarter_revenue"),
    committeeRoles: integer("committee_roles").notNull(),
    npsInvitedContacts: integer("nps_invited_contacts"), // §7.5, quarters only
    truePromoters: integer("true_promoters"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.period] })],
);

export type ScoreRun = typeof scoreRuns.$inferSelect;
export type ScoreAccount = typeof scoreAccounts.$inferSelect;
export type ScoreGroup = typeof scoreGroups.$inferSelect;
export type ScoreCoverage = typeof scoreCoverage.$inferSelect;

// ─── admin UI ────────────────────────────────────────────────────────────────

/** Admin UI sessions: only the SHA-256 of the cookie's secret is stored; the CSRF token rides in every form. */
export const adminSessions = sqliteTable(
  "admin_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    actor: text("actor").notNull(), // "user:<id>" or the token id, recorded in the audit log
    scopes: text("scopes", { mode: "json" }).$type<TokenScope[]>().notNull(), // at sign-in; each request re-derives them
    csrfToken: text("csrf_token").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    userId: text("user_id"), // a person's session: ends when the user is deactivated
    tokenId: text("token_id"), // an admin-token session ("bootstrap" or api_tokens.id): ends when the token is revoked
  },
  (t) => [index("admin_sessions_expires").on(t.expiresAt), index("admin_sessions_user").on(t.userId)],
);
export type AdminSession = typeof adminSessions.$inferSelect;

// ─── people sign in (SPEC §9; migrations 0050–0054) ──────────────────────────

/** Email sign-in links: only the SHA-256 of the link's secret is stored; a link works once, for 15 minutes. */
export const signInLinks = sqliteTable(
  "sign_in_links",
  {
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("sign_in_links_expires").on(t.expiresAt)],
);

/** Sign-in attempts counted for throttling, keyed by a hash of the address or of the client (never the IP in clear). */
export const signInAttempts = sqliteTable(
  "sign_in_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("sign_in_attempts_key").on(t.key, t.at)],
);

// ─── imports and erasure (SPEC §13, §9; migrations 0070–0079) ────────────────

/**
 * The addresses a contact had before its current one (kept by a trigger on contacts.email, migration 0070), so an
 * erasure suppresses every address the person ever had and a re-import never brings back someone who opted out
 * under an old address. Erasure deletes the rows once their HMACs are on the suppression list.
 */
export const contactAddresses = sqliteTable(
  "contact_addresses",
  {
    contactId: text("contact_id").notNull(),
    email: text("email").notNull(),
    replacedAt: text("replaced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.email] }), index("contact_addresses_email").on(t.email)],
);

// ─── manual sends by idempotency key (SPEC §5; migrations 0080–0084) ────────────────

/**
 * One row per (actor, idempotency key) of a manual send, inserted in the send's first batch: a repeated submit (the
 * planner's Send pressed twice, an API retry with the same Idempotency-Key) fails the key and writes nothing, and is
 * answered with `outcome`, the first send's result (JSON, set once the send is done). `fingerprint` is a hash of the
 * request, so a key reused for a different send is refused.
 */
export const sendRequests = sqliteTable(
  "send_requests",
  {
    actor: text("actor").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    sendId: text("send_id").notNull(),
    surveyId: text("survey_id").notNull(),
    outcome: text("outcome"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] }), index("send_requests_created").on(t.createdAt)],
);

// ─── one-time form keys (cases/webhooks forms, migration 0085) ───────────────

/** A form's one-time key, claimed by the POST before it writes: a second submit of the same page is refused. */
export const formRequests = sqliteTable(
  "form_requests",
  {
    actor: text("actor").notNull(),
    key: text("key").notNull(),
    form: text("form").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] }), index("form_requests_created").on(t.createdAt)],
);
