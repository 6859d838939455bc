import { createRoute, z } from "@hono/zod-openapi";
import { ACCOUNT_COLUMNS } from "../../domain/directory/import/accounts";
import { CONTACT_COLUMNS } from "../../domain/directory/import/contacts";
import { DATE_FORMATS, NUMBER_FORMATS, VALUE_MAP_FIELDS } from "../../domain/directory/import/options";
import { planImport, type ImportKind } from "../../domain/directory/import/plan";
import { MAX_IMPORT_ROWS, type HeaderAliases } from "../../domain/directory/import/source";
import { HISTORY_COLUMNS, MAX_HISTORY_ROWS } from "../../domain/responses/history-import";
import type { Context } from "hono";
import type { AppEnv } from "../context";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonResponse, problemResponses } from "./router";

const RowLine = z.object({
  row: z.number().int(),
  outcome: z.enum(["created", "updated", "unchanged", "optedOut", "error"]),
  key: z.string().optional(),
  id: z.string().optional(),
});

export const ImportReport = z
  .object({
    dryRun: z.boolean().openapi({ description: "true: nothing was written; the report says what an import would do." }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    optedOut: z.number().int().optional().openapi({
      description: "Contacts only: rows flagged as opted out in the CRM (e.g. 'Email Opt Out', 'Unsubscribed from all email'); their addresses went onto the suppression list and were not imported.",
    }),
    errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })).openapi({
      description: "Rows that wrote nothing. CSV: row 1 is the header, row 2 the first record. JSON: row n is the n-th item (1-based).",
    }),
    rows: z.array(RowLine).openapi({ description: "One line per data row, in file order." }),
    mapping: z.record(z.string(), z.string()).openapi({ description: "Column as written → the field it was read as." }),
    ignoredColumns: z.array(z.string()).openapi({ description: "Columns that map to no field." }),
    numberFormat: z.enum(NUMBER_FORMATS).nullable().openapi({ description: "Number format used for ambiguous values (given or detected)." }),
    dateFormat: z.enum(DATE_FORMATS).nullable().openapi({ description: "Date format used for ambiguous values (given or detected)." }),
  })
  .openapi("ImportReport");

/** A query parameter holding a JSON object. */
const jsonParam = <T extends z.ZodType>(schema: T, description: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return undefined;
      try {
        const parsed = schema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data as z.output<T>;
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path as (string | number)[] });
      } catch {
        ctx.addIssue({ code: "custom", message: "not valid JSON" });
      }
      return z.NEVER;
    })
    .openapi({ description, type: "string" });

export const ImportQuery = z.object({
  dryRun: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .openapi({ description: "true: validate every row and answer the full report, write nothing." }),
  numberFormat: z.enum(NUMBER_FORMATS).optional().openapi({
    description: "Decimal separator of the file: point (1,250,000.00) or comma (1.250.000,00). Without it, detected from the column's unambiguous values; an ambiguous value (1.000) with neither is refused.",
  }),
  dateFormat: z.enum(DATE_FORMATS).optional().openapi({
    description: "Format of non-ISO dates. Without it, detected from the column's unambiguous values (13/02/2024 is day-first); an ambiguous value with neither is refused.",
  }),
  mapping: jsonParam(z.record(z.string(), z.string().nullable()), 'JSON object: column as written → field (null ignores a column), e.g. {"Konto-Nr":"externalId","Umsatz":"annualRevenue"}.'),
  valueMaps: jsonParam(
    z.partialRecord(z.enum(VALUE_MAP_FIELDS), z.record(z.string(), z.string())),
    'JSON object: field → (value in the file → ours), e.g. {"role":{"Budget Holder":"decision_maker","Influencer":"champion"},"country":{"Bavaria":"DE"}}. Country and language names in English, German, French and Spanish are recognised without a map.',
  ),
});

const HistoryQuery = ImportQuery.omit({ numberFormat: true, valueMaps: true }).extend({
  surveyId: z.string().optional().openapi({ description: "The (published) survey the answers belong to; else a Survey column names one per row." }),
});

const columnsDoc = (aliases: HeaderAliases) =>
  Object.entries(aliases)
    .map(([field, names]) => `${field} (${names.join(" / ")})`)
    .join("; ");

const CSV_SCHEMA = { schema: z.string() };
export const importBody = (aliases: HeaderAliases, maxRows: number) => ({
  required: true,
  description: `CSV with a header row (UTF-8, with or without BOM; comma, semicolon or tab; CRLF, LF or mixed line endings; quoted fields may hold delimiters and line breaks) or JSON (an array, or { items: [...] }; ids as strings). At most ${maxRows} rows. Columns, matched case- and punctuation-insensitively: ${columnsDoc(aliases)}. Empty cells leave a field unchanged.`,
  content: {
    "text/csv": CSV_SCHEMA,
    "text/plain": CSV_SCHEMA,
    "application/csv": CSV_SCHEMA,
    "application/vnd.ms-excel": CSV_SCHEMA,
    "application/json": { schema: z.unknown().openapi({ type: "array", items: { type: "object" } }) },
  },
});

export const reportResponses = {
  200: jsonResponse(ImportReport, "Good rows were written (none with dryRun); bad rows are listed in errors and wrote nothing"),
  413: { description: "Body or row count over the limit" },
  415: { description: "Not CSV/JSON, binary data, or not UTF-8" },
  ...problemResponses,
};

/** Reads the request into planImport: the route's query is already validated. */
type ImportQueryValues = Partial<z.output<typeof ImportQuery>> & { surveyId?: string };

export async function runImport(c: Context<AppEnv>, kind: ImportKind, query: ImportQueryValues) {
  return planImport(
    c.var.db,
    { kind, body: await c.req.arrayBuffer(), mediaType: c.req.header("content-type"), ...query },
    { actor: c.var.actor.id, secret: c.env.HMAC_SECRET },
  );
}

// Lives beside the accounts/contacts routers: each route carries its own guard.
export const importsRouter = createRouter();

importsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/accounts/import",
    tags: ["Directory"],
    summary: "Import accounts (upsert by externalId) from a CRM export",
    description:
      "Salesforce and HubSpot exports import as they come. Revenue in any common convention (1,250,000.00 / 1.250.000,00 / 1 250 000 / 1'250'000, currency stripped) — an ambiguous value follows numberFormat or the column's other values, else it is refused. Revenue changes add revenue history rows valid from now (a new account's first revenue is valid from customerSince). Parents by their CRM id (Parent Account ID); cycles are refused. churnedAt before customerSince and years outside 1900–2100 are refused.",
    request: { query: ImportQuery, body: importBody(ACCOUNT_COLUMNS, MAX_IMPORT_ROWS) },
    responses: reportResponses,
  }),
  async (c) => c.json(await runImport(c, "accounts", c.req.valid("query")), 200),
);

importsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/contacts/import",
    tags: ["Directory"],
    summary: "Import contacts (upsert by email; suppressed and opted-out addresses are never imported as active)",
    description:
      "New contacts need an account (by its externalId) and a role (key, label, or a valueMaps.role entry; a Job Title is used when no role is given and it maps to one). Status is never imported, but every known opt-out column (Email Opt Out, Unsubscribed from all email, Do Not Email, …; true/yes/1/x) suppresses the address. An address on the suppression list, or a former address of a contact who opted out, is refused.",
    request: { query: ImportQuery, body: importBody(CONTACT_COLUMNS, MAX_IMPORT_ROWS) },
    responses: reportResponses,
  }),
  async (c) => c.json(await runImport(c, "contacts", c.req.valid("query")), 200),
);

export { HISTORY_COLUMNS, HistoryQuery, MAX_HISTORY_ROWS };
