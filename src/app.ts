import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./http/context";
import { api } from "./http/api";
import { database } from "./http/middleware/database";
import { problemJson } from "./http/problem";
import { ApiError } from "./lib/errors";
import { respondent } from "./http/respondent";
import { admin } from "./http/admin";

/** Builds the Worker's HTTP app: middleware, routers, and the one place errors become responses. */
export function buildApp() {
  const app = new Hono<AppEnv>();
  app.use("*", database);

  app.get("/", (c) => c.redirect("/admin"));
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.route("/api/v1", api);
  app.route("/", respondent);
  app.route("/admin", admin);

  app.notFound((c) => problemJson(c, new ApiError(404, "Not found", `Nothing is served at ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError((error, c) => problemJson(c, toApiError(error)));
  return app;
}

/** Known errors keep their status; anything else is logged and answered without internals. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 400 && /json/i.test(error.message)) {
      return new ApiError(400, "Invalid request", "The body is not valid JSON. Send a JSON object with Content-Type: application/json.");
    }
    return new ApiError(status, status === 413 ? "Payload too large" : "Request refused", error.message);
  }
  if (error instanceof SyntaxError) {
    return new ApiError(400, "Invalid request", "The body could not be parsed. Send valid JSON with Content-Type: application/json.");
  }
  console.error("unhandled error", error);
  return new ApiError(500, "Internal error", "Something went wrong on our side; nothing was changed. Try again later.");
}
