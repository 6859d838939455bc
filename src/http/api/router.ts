import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { ApiError, fieldErrorsFromZod } from "../../lib/errors";
import { splitPage } from "../../lib/pages";

/** Every /api/v1 router: zod validation failures become problem+json with field paths. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(400, "Invalid request", "Some fields are missing or invalid; see errors.", fieldErrorsFromZod(result.error.issues));
      }
    },
  });
}

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** Standard error responses for route definitions. */
export const problemResponses = {
  400: { description: "Invalid request", content: { "application/problem+json": { schema: Problem } } },
  401: { description: "Missing or invalid token", content: { "application/problem+json": { schema: Problem } } },
  403: { description: "Token lacks the scope", content: { "application/problem+json": { schema: Problem } } },
  404: { description: "Not found", content: { "application/problem+json": { schema: Problem } } },
  409: { description: "Conflict", content: { "application/problem+json": { schema: Problem } } },
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const IdParam = z.object({ id: z.string().min(1).openapi({ param: { name: "id", in: "path" } }) });

/** Cursor pagination: opaque cursor (the last id seen), ordered by id (ids are time-ordered). */
export const PageQuery = z.object({
  cursor: z.string().optional().openapi({ description: "Opaque cursor from the previous page's nextCursor." }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function encodeCursor(lastId: string): string {
  return btoa(lastId).replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    return atob(cursor);
  } catch {
    throw new ApiError(400, "Invalid request", "The cursor is not one this API handed out; start again without it.", [
      { path: "cursor", message: "invalid cursor" },
    ]);
  }
}

/** Fetch limit + 1 rows; this returns the page and the next cursor (null on the last page). */
export function page<T>(rows: T[], limit: number, idOf: (row: T) => string) {
  const { items, next } = splitPage(rows, limit, (last) => encodeCursor(idOf(last)));
  return { items, nextCursor: next };
}
