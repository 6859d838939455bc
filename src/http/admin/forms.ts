import type { Context } from "hono";
import type { z } from "zod";
import { fieldErrorsFromZod } from "../../lib/errors";
import { formWording } from "../../lib/form-wording";
import type { FormErrors } from "../../views/admin/components";
import { formErrorsFrom } from "../../views/admin/components";
import type { AdminEnv } from "./session";

/**
 * Helpers shared by the admin areas' routers: reading a form, the zod schemas of the API applied to a form so a page
 * refuses exactly what the API refuses. Who may post at all is session.ts's (adminAuth), for every area at once.
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

/** The confirmation shown once after a redirect (`?done=…`), from a fixed list so a link cannot put words in our mouth. */
export function flashFrom(c: Context<AdminEnv>, messages: Record<string, string>): string | null {
  const key = c.req.query("done");
  return key && Object.hasOwn(messages, key) ? messages[key]! : null;
}
