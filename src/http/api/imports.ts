import { createRoute, z } from "@hono/zod-openapi";
import { ACCOUNT_COLUMNS, importAccounts } from "../../domain/directory/import/accounts";
import { CONTACT_COLUMNS, importContacts } from "../../domain/directory/import/contacts";
import { MAX_IMPORT_ROWS, parseImport, type HeaderAliases } from "../../domain/directory/import/source";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonResponse, problemResponses } from "./router";

export const ImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(z.object({ row: z.number().int(), field: z.string(), message: z.string() })).openapi({
      description: "Rows that wrote nothing. CSV: row 1 is the header, row 2 the first record. JSON: row n is the n-th item (1-based).",
    }),
    ignoredColumns: z.array(z.string()).openapi({ description: "Columns that map to no field." }),
    optedOut: z.number().int().optional().openapi({
      description: "Contacts only: rows flagged as opted out in the CRM (e.g. 'Email Opt Out'); their addresses went onto the suppression list and were not imported.",
    }),
  })
  .openapi("ImportReport");

const columnsDoc = (aliases: HeaderAliases) =>
  Object.entries(aliases)
    .map(([field, names]) => `${field} (${names.join(" / ")})`)
    .join("; ");

const importBody = (aliases: HeaderAliases) => ({
  required: true,
  description: `CSV with a header row (UTF-8, with or without BOM; quoted fields may hold commas and line breaks) or JSON (an array, or { items: [...] }). At most ${MAX_IMPORT_ROWS} rows. Columns, matched case-insensitively: ${columnsDoc(aliases)}. Empty cells leave a field unchanged.`,
  content: {
    "text/csv": { schema: z.string() },
    "application/json": { schema: z.unknown().openapi({ type: "array", items: { type: "object" } }) },
  },
});

const reportResponses = {
  200: jsonResponse(ImportReport, "Good rows were written; bad rows are listed in errors and wrote nothing"),
  413: { description: "Body or row count over the limit" },
  415: { description: "Not CSV/JSON, binary data, or not UTF-8" },
  ...problemResponses,
};

// Lives beside the accounts/contacts routers: each route carries its own guard.
export const importsRouter = createRouter();

importsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/accounts/import",
    tags: ["Directory"],
    summary: "Import accounts (upsert by externalId)",
    description: "Revenue changes add revenue history rows valid from now (a new account's first revenue is valid from customerSince).",
    request: { body: importBody(ACCOUNT_COLUMNS) },
    responses: reportResponses,
  }),
  async (c) => {
    const parsed = parseImport(c.req.header("content-type"), await c.req.arrayBuffer(), ACCOUNT_COLUMNS);
    return c.json(await importAccounts(c.var.db, c.var.actor.id, parsed), 200);
  },
);

importsRouter.openapi(
  createRoute({
    middleware: adminOnly,
    method: "post",
    path: "/contacts/import",
    tags: ["Directory"],
    summary: "Import contacts (upsert by email; suppressed addresses are reported, never imported)",
    description: "New contacts need an account (by its externalId) and a role (key or label). Status is never imported.",
    request: { body: importBody(CONTACT_COLUMNS) },
    responses: reportResponses,
  }),
  async (c) => {
    const parsed = parseImport(c.req.header("content-type"), await c.req.arrayBuffer(), CONTACT_COLUMNS);
    return c.json(await importContacts(c.var.db, c.var.actor.id, c.env.HMAC_SECRET, parsed), 200);
  },
);
