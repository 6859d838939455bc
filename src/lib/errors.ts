import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface FieldError {
  path: string;
  message: string;
}

/**
 * The one error type that travels up: domain code throws it, app.ts turns it into application/problem+json
 * (RFC 9457) for the API, or into a friendly HTML page on respondent routes.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly type: string = `https://quorum.dev/problems/${slug(title)}`,
  ) {
    super(detail ?? title);
  }
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export const badRequest = (detail: string, errors?: FieldError[]) => new ApiError(400, "Invalid request", detail, errors);
export const notFound = (what: string) => new ApiError(404, "Not found", `${what} does not exist.`);
export const conflict = (detail: string, errors?: FieldError[]) => new ApiError(409, "Conflict", detail, errors);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new ApiError(422, "Unprocessable request", detail, errors);

/** zod issue paths → "contacts.3.email" style field paths. */
export function fieldErrorsFromZod(issues: { path: PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map((p) => String(p)).join(".") || "(body)",
    message: issue.message,
  }));
}
