import type { Context } from "hono";
import { z } from "zod";
import { ApiError, fieldErrorsFromZod } from "../../lib/errors";
import { formWording } from "../../lib/form-wording";
import type { FormErrors } from "../../views/admin/components";
import { formErrorsFrom } from "../../views/admin/components";
import type { AdminEnv } from "./session";

/**
 * Helpers shared by the admin areas' routers: reading a form and a list page's filters, the zod schemas of the API
 * applied to a form so a page refuses exactly what the API refuses. Who may post at all is decided once, by adminAuth
 * (session.ts).
 */

export type FormBody = Record<string, string | File | (string | File)[]>;

/** The posted form (urlencoded or multipart); repeated names become lists. An unreadable body reads as empty. */
export async function formBody(c: Context<AdminEnv>): Promise<FormBody> {
  return (await c.req.parseBody({ all: true }).catch(() => ({}))) as FormBody;
}

/** One text value of a form or query (the first, trimmed); "" when absent. */
export function text(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first.trim() : "";
}

/** Every non-empty text value of a repeated field (checkboxes, multi-selects). */
export function texts(body: FormBody, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string").map((v) => v.trim()).filter(Boolean);
}

/** A form's number: the number when it reads as one, else what was typed (so the schema names the problem). */
export function numberOrText(value: string): number | string | undefined {
  if (value === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** "" → undefined, so optional fields left blank are absent rather than empty strings. */
export const optional = (value: string) => (value === "" ? undefined : value);

/** Validates a form object with the API's zod schema (in a form's words): the parsed value, or the problems by field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): { ok: true; value: z.output<S> } | { ok: false; errors: FormErrors } {
  const result = schema.safeParse(input, { error: formWording });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: formErrorsFrom(fieldErrorsFromZod(result.error.issues)) };
}

/** A filter of a list page's query: an empty form field means "no filter". */
export const optionalFilter = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** One refused filter in words: its label as the form shows it, and for a choice the values it accepts. */
function filterProblem(issue: z.core.$ZodIssue, labels: Record<string, string>): string {
  const key = issue.path.join(".");
  const name = labels[key] ?? (key ? key.charAt(0).toUpperCase() + key.slice(1) : "Filter");
  const allowed = issue.code === "invalid_value" ? issue.values.map(String) : [];
  return `${name}: ${allowed.length ? `choose one of ${allowed.join(", ")}` : issue.message}`;
}

/** A refused filter as a 400 page naming each problem (labels: parameter → the form's label). */
export function parseFilters<T extends z.ZodType>(schema: T, query: Record<string, string>, labels: Record<string, string> = {}): z.output<T> {
  const parsed = schema.safeParse(query, { error: formWording });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => filterProblem(i, labels)).join("; ");
  throw new ApiError(400, "Unknown filter", `These filters could not be used: ${problems}. Change them and try again.`);
}

/** The confirmation shown once after a redirect (`?done=…`), from a fixed list so a link cannot put words in our mouth. */
export function flashFrom(c: Context<AdminEnv>, messages: Record<string, string>): string | null {
  const key = c.req.query("done");
  return key && Object.hasOwn(messages, key) ? messages[key]! : null;
}

/**
 * Runs a deletion; true when the thing was already gone (a 404: back and Delete again), so the page can say so
 * instead of showing a "does not exist" error page. Other errors pass.
 */
export function deletedBefore(deletion: Promise<unknown>): Promise<boolean> {
  return deletion.then(
    () => false,
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return true;
      throw error;
    },
  );
}
