import { Hono, type Context } from "hono";
import { ACCOUNT_COLUMNS } from "../../domain/directory/import/accounts";
import { CONTACT_COLUMNS } from "../../domain/directory/import/contacts";
import { VALUE_MAP_FIELDS, type ImportReport } from "../../domain/directory/import/options";
import { planImport } from "../../domain/directory/import/plan";
import { parseImport } from "../../domain/directory/import/source";
import { searchAccounts, searchContacts } from "../../domain/directory/search";
import { ApiError } from "../../lib/errors";
import { ImportQuery } from "../api/imports";
import type { FormErrors, Option } from "../../views/admin/components";
import { directoryListPage, directoryPage } from "../../views/admin/directory";
import { emptyImport, importFieldLabel, importPage, type ColumnChoice, type ImportFormValues, type ImportKindChoice } from "../../views/admin/import";
import { formBody, text, validate, type FormBody } from "./forms";
import type { AdminEnv } from "./session";
import { splitPage } from "../../lib/pages";

/** /admin/directory: accounts and contacts with search, and the CRM import with its dry run. */
export const directory = new Hono<AdminEnv>();

const PREVIEW = 20;
const LIST_PAGE = 50;

directory.get("/", async (c) => {
  const db = c.var.db;
  const q = c.req.query("q")?.trim() ?? "";
  const [accounts, contacts] = await db.batch([searchAccounts(db, { q, limit: PREVIEW }), searchContacts(db, { q, limit: PREVIEW })]);
  return c.html(
    directoryPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      q,
      accounts: accounts.slice(0, PREVIEW),
      moreAccounts: accounts.length > PREVIEW,
      contacts: contacts.slice(0, PREVIEW),
      moreContacts: contacts.length > PREVIEW,
    }),
  );
});

directory.get("/accounts", async (c) => {
  const q = c.req.query("q")?.trim() ?? "";
  const after = c.req.query("after") || null;
  const rows = await searchAccounts(c.var.db, { q, after: after ?? undefined, limit: LIST_PAGE }).all();
  const { items: accounts, next: nextAfter } = splitPage(rows, LIST_PAGE, (last) => last.id);
  return c.html(directoryListPage({ nonce: c.var.nonce, viewer: c.var.viewer, q, after, nextAfter, kind: "accounts", accounts }));
});

directory.get("/contacts", async (c) => {
  const q = c.req.query("q")?.trim() ?? "";
  const after = c.req.query("after") || null;
  const rows = await searchContacts(c.var.db, { q, after: after ?? undefined, limit: LIST_PAGE }).all();
  const { items: contacts, next: nextAfter } = splitPage(rows, LIST_PAGE, (last) => last.id);
  return c.html(directoryListPage({ nonce: c.var.nonce, viewer: c.var.viewer, q, after, nextAfter, kind: "contacts", contacts }));
});

// ─── import ───

const FIELDS: Record<ImportKindChoice, Option[]> = {
  accounts: Object.keys(ACCOUNT_COLUMNS).map((field) => ({ value: field, label: importFieldLabel(field) })),
  contacts: Object.keys(CONTACT_COLUMNS).map((field) => ({ value: field, label: importFieldLabel(field) })),
};

directory.get("/import", (c) =>
  c.html(importPage({ nonce: c.var.nonce, viewer: c.var.viewer, values: emptyImport, errors: {}, columns: null, fields: FIELDS.accounts, report: null })),
);

/** The file's text: an uploaded file wins over the pasted text. */
async function uploadedText(body: FormBody): Promise<{ text: string; mediaType: string | undefined; fromFile: boolean }> {
  const file = body.file;
  if (file instanceof File && file.size > 0) return { text: await file.text(), mediaType: file.type || undefined, fromFile: true };
  const pasted = text(body, "body");
  return { text: pasted, mediaType: undefined, fromFile: false };
}

/** A pasted body has no media type: JSON when it looks like JSON, else CSV. */
const mediaTypeOf = (body: string, given: string | undefined) => given || (/^\s*[[{]/.test(body) ? "application/json" : "text/csv");

/** The mapping as chosen on the page: `column.N` names the column, `map.N` its field ("" ignores it). */
function chosenMapping(body: FormBody): Record<string, string | null> | undefined {
  const mapping: Record<string, string | null> = {};
  for (const key of Object.keys(body)) {
    const index = /^column\.(\d+)$/.exec(key)?.[1];
    if (index === undefined) continue;
    mapping[text(body, key)] = text(body, `map.${index}`) || null;
  }
  return Object.keys(mapping).length ? mapping : undefined;
}

/** "role: Budget Holder = decision_maker" lines → value maps; a line that does not read is a problem beside the field. */
function parseValueMaps(lines: string): { maps: Record<string, Record<string, string>>; error: string | null } {
  const maps: Record<string, Record<string, string>> = {};
  for (const [i, line] of lines.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const match = /^\s*([A-Za-z]+)\s*:\s*(.+?)\s*=\s*(.+?)\s*$/.exec(line);
    if (!match || !(VALUE_MAP_FIELDS as readonly string[]).includes(match[1]!)) {
      return { maps, error: `Line ${i + 1} does not read as “field: value in the file = our value” with a field among ${VALUE_MAP_FIELDS.join(", ")}.` };
    }
    (maps[match[1]!] ??= {})[match[2]!] = match[3]!;
  }
  return { maps, error: null };
}

/** The columns of the file as the report (or the parse) saw them: mapped ones in the order of the mapping, then the ignored ones. */
function columnsOf(report: Pick<ImportReport, "mapping" | "ignoredColumns">): ColumnChoice[] {
  return [...Object.entries(report.mapping).map(([column, field]) => ({ column, field })), ...report.ignoredColumns.map((column) => ({ column, field: null }))];
}

/**
 * The file's columns and what each would be read as, when the file names no key column the aliases know (a German
 * "Kundennummer"): the page then shows the mapping, so the person can say which column holds it. Null if the file
 * cannot be read at all.
 */
function columnsOfFile(kind: ImportKindChoice, body: string, mediaType: string): ColumnChoice[] | null {
  try {
    return columnsOf(parseImport(mediaType, new TextEncoder().encode(body).buffer as ArrayBuffer, kind === "contacts" ? CONTACT_COLUMNS : ACCOUNT_COLUMNS));
  } catch {
    return null;
  }
}

/** "column missing" problems (no row could be read without that column), named as the page's mapping names fields. */
function missingColumnsOf(error: ApiError): string[] {
  return (error.errors ?? []).filter((e) => e.message === "column missing").map((e) => importFieldLabel(e.path));
}

function renderImport(c: Context<AdminEnv>, values: ImportFormValues, extra: { errors?: FormErrors; report?: ImportReport | null; columns?: ColumnChoice[] | null }, status: 200 | 201 | 400 | 413 | 415 | 422 = 200) {
  return c.html(
    importPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      values,
      errors: extra.errors ?? {},
      columns: extra.columns ?? (extra.report ? columnsOf(extra.report) : null),
      fields: FIELDS[values.kind],
      report: extra.report ?? null,
    }),
    status,
  );
}

directory.post("/import", async (c) => {
  const body = await formBody(c);
  const upload = await uploadedText(body);
  const kind: ImportKindChoice = text(body, "kind") === "contacts" ? "contacts" : "accounts";
  const values: ImportFormValues = { kind, body: upload.text, numberFormat: text(body, "numberFormat"), dateFormat: text(body, "dateFormat"), valueMaps: text(body, "valueMaps") };
  const dryRun = text(body, "action") !== "import";
  // A mapping made for another file (a corrected export chosen after a check; the carried one is in the text box) or
  // for the other kind (checked as accounts, then switched to contacts) is dropped: the columns are read afresh
  // instead of refusing columns the new file lacks or fields this kind does not have.
  const chosen = upload.fromFile ? undefined : chosenMapping(body);
  const kindFields = kind === "contacts" ? CONTACT_COLUMNS : ACCOUNT_COLUMNS;
  const mapping = chosen && Object.values(chosen).every((field) => field === null || Object.hasOwn(kindFields, field)) ? chosen : undefined;
  const previousColumns = mapping ? Object.entries(mapping).map(([column, field]) => ({ column, field })) : null;

  const errors: FormErrors = {};
  if (!upload.text.trim()) errors.file = "Choose an export file, or paste its contents.";
  const valueMaps = parseValueMaps(values.valueMaps);
  if (valueMaps.error) errors.valueMaps = valueMaps.error;
  const options = validate(ImportQuery, {
    dryRun: String(dryRun),
    numberFormat: values.numberFormat || undefined,
    dateFormat: values.dateFormat || undefined,
    mapping: mapping ? JSON.stringify(mapping) : undefined,
    valueMaps: Object.keys(valueMaps.maps).length ? JSON.stringify(valueMaps.maps) : undefined,
  });
  if (!options.ok) Object.assign(errors, options.errors);
  if (Object.keys(errors).length || !options.ok) return renderImport(c, values, { errors, columns: previousColumns }, 422);

  try {
    const report = await planImport(
      c.var.db,
      { kind, body: upload.text, mediaType: mediaTypeOf(upload.text, upload.mediaType), ...options.value },
      { actor: c.var.actor.id, secret: c.env.HMAC_SECRET, now: new Date() },
    );
    return renderImport(c, dryRun ? values : { ...values, body: "" }, { report }, dryRun ? 200 : 201);
  } catch (error) {
    // The file could not be read at all (media type, no key column, empty, too many rows): say so beside the file.
    if (error instanceof ApiError && error.status < 500) {
      const status = ([400, 413, 415, 422] as const).find((s) => s === error.status) ?? 422;
      const missing = missingColumnsOf(error);
      const columns = previousColumns ?? (missing.length ? columnsOfFile(kind, upload.text, mediaTypeOf(upload.text, upload.mediaType)) : null);
      const message =
        missing.length && columns
          ? `No column of the file is read as ${missing.join(", ")}. Choose the column that holds it under “Column mapping” below, then press Check again.`
          : (error.detail ?? error.title);
      return renderImport(c, values, { errors: { file: message }, columns }, status);
    }
    throw error;
  }
});
