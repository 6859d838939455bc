import { bodyLimit } from "hono/body-limit";
import { authenticate } from "../middleware/auth";
import { noStore } from "../middleware/no-store";
import { ApiError } from "../../lib/errors";
import { marketsRouter, revenueCoverageRouter, scoresRouter, scoringRunsRouter } from "./scores";
import { createRouter } from "./router";
import { rolesRouter } from "./roles";
import { journeyStagesRouter } from "./journey-stages";
import { accountsRouter } from "./accounts";
import { contactsRouter } from "./contacts";
import { importsRouter } from "./imports";
import { responseImportsRouter } from "./response-imports";
import { surveysRouter } from "./surveys";
import { tokensRouter } from "./tokens";
import { usersRouter } from "./users";
import { auditLogRouter } from "./audit-log";
import { holidaysRouter, settingsRouter } from "./settings";
import { frequencyRulesRouter } from "./frequency-rules";
import { eligibilityRouter } from "./eligibility";
import { eventsRouter } from "./events";
import { sendsRouter } from "./sends";
import { programRouter } from "./program";
import { mailEventsRouter } from "./mail-events";
import { invitationsRouter } from "./invitations";
import { casesRouter } from "./cases";
import { webhooksRouter } from "./webhooks";
import { invitationsListRouter } from "./invitations-list";
import { responsesRouter } from "./responses";
import { trendRouter } from "./trend";

/** Largest request body the API reads (CSV imports included): 5 MB. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const api = createRouter();

// Every API response may carry personal data (SPEC §9): never cached, never sniffed.
api.use("*", noStore);

api.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "Payload too large", `Request bodies are limited to ${MAX_BODY_BYTES / 1024 / 1024} MB; split the import into smaller files.`);
    },
  }),
);
api.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
// Same-origin: the admin session cookie (writes also need X-CSRF-Token, from GET /api/v1/users/me).
api.openAPIRegistry.registerComponent("securitySchemes", "session", { type: "apiKey", in: "cookie", name: "quorum_session" });
api.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Quorum admin API",
    version: "1.0.0",
    description: "B2B customer feedback: directory, surveys, sends, scores. Errors are application/problem+json.",
  },
  security: [{ bearer: [] }, { session: [] }],
});

// Signed by the mail provider instead of a bearer token: mounted before authentication.
api.route("/mail-events", mailEventsRouter);

// Everything below the OpenAPI document needs a token.
api.use("*", authenticate);
api.route("/roles", rolesRouter);
api.route("/journey-stages", journeyStagesRouter);
api.route("/accounts", accountsRouter);
// Before the contacts router: eligibility has its own scopes (integrations may ask).
api.route("/contacts", eligibilityRouter);
api.route("/contacts", contactsRouter);
api.route("/", importsRouter);
// Before any /responses router: /responses/{id} must not shadow POST /responses/import.
api.route("/responses", responseImportsRouter);
api.route("/responses", responsesRouter);
api.route("/surveys", surveysRouter);
api.route("/tokens", tokensRouter);
api.route("/users", usersRouter);
api.route("/audit-log", auditLogRouter);
api.route("/settings", settingsRouter);
api.route("/holidays", holidaysRouter);
api.route("/frequency-rules", frequencyRulesRouter);
api.route("/events", eventsRouter);
api.route("/sends", sendsRouter);
api.route("/program", programRouter);
api.route("/invitations", invitationsRouter);
api.route("/cases", casesRouter);
api.route("/webhooks", webhooksRouter);
api.route("/invitations", invitationsListRouter);
// Before the scores router, so /scores/trend is never read as one of its paths.
api.route("/scores", trendRouter);
api.route("/scores", scoresRouter);
api.route("/revenue-coverage", revenueCoverageRouter);
api.route("/markets", marketsRouter);
api.route("/scoring", scoringRunsRouter);
