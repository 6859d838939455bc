import type { Context } from "hono";
import type { ApiError } from "../lib/errors";

export function problemJson(c: Context, error: ApiError): Response {
  const body = {
    type: error.type,
    title: error.title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.errors?.length ? { errors: error.errors } : {}),
  };
  return c.body(JSON.stringify(body), error.status, { "content-type": "application/problem+json" });
}
