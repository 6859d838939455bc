import Papa from "papaparse";
import { ApiError, badRequest } from "../../../lib/errors";

/**
 * Reading an import body (CSV as CRMs export it, or JSON) into rows keyed by our field names.
 *
 * Row numbers, as reported back: in CSV the header record is row 1 and the first data record row 2 (the row
 * number a spreadsheet shows; a quoted field with line breaks stays one row). In JSON, row n is the n-th item
 * of the array (1-based).
 */
export const MAX_IMPORT_ROWS = 2000;

export interface ImportRow {
  row: number;
  /** Our field name → the cell (CSV: trimmed string, empty cells left out) or the JSON value. */
  values: Record<string, unknown>;
}

export interface ImportError {
  row: number;
  field: string;
  message: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
  /** Columns (or JSON keys) that map to no field and were ignored. */
  ignoredColumns: string[];
  /** Contacts only: rows flagged as opted out in the CRM; their addresses went onto the suppression list. */
  optedOut?: number;
}

export interface ParsedImport {
  /** Our field names that some column (or JSON key) maps to. */
  columns: string[];
  rows: ImportRow[];
  errors: ImportError[];
  ignoredColumns: string[];
}

/** Field name → the header names CRMs use for it, compared case- and punctuation-insensitively. */
export type HeaderAliases = Record<string, string[]>;

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, "");

export function parseImport(contentType: string | undefined, body: ArrayBuffer, aliases: HeaderAliases): ParsedImport {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const format = type === "application/json" ? "json" : ["text/csv", "application/csv", "text/plain"].includes(type) ? "csv" : null;
  if (!format) {
    throw new ApiError(415, "Unsupported media type", "Send the import as text/csv (a CRM export with a header row) or application/json (an array of objects, or { items: [...] }).");
  }
  const text = decodeUtf8(body);
  if (!text.trim()) throw badRequest(`The ${format === "csv" ? "CSV file" : "JSON body"} is empty; send at least one row.`);
  const parsed = format === "csv" ? parseCsv(text, aliases) : parseJson(text, aliases);
  if (parsed.rows.length === 0 && parsed.errors.length === 0) {
    throw badRequest(format === "csv" ? "The CSV has a header row but no data rows." : "The JSON array has no items.");
  }
  if (parsed.rows.length + parsed.errors.length > MAX_IMPORT_ROWS) {
    throw new ApiError(413, "Payload too large", `An import takes at most ${MAX_IMPORT_ROWS} rows; split the file into smaller ones.`);
  }
  return parsed;
}

/** UTF-8 with or without BOM; NUL bytes or invalid UTF-8 mean a binary or differently encoded file. */
function decodeUtf8(body: ArrayBuffer): string {
  const bytes = new Uint8Array(body);
  if (bytes.includes(0)) {
    throw new ApiError(415, "Unsupported media type", "The file contains binary data (NUL bytes). Export it from your CRM as CSV (UTF-8) or send JSON.");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(415, "Unsupported media type", "The file is not valid UTF-8. Export it as 'CSV UTF-8' (most CRMs and spreadsheets offer it) and upload it again.");
  }
}

function columnMapping(headers: string[], aliases: HeaderAliases): { fields: (string | null)[]; ignored: string[] } {
  const lookup = new Map<string, string>();
  for (const [field, names] of Object.entries(aliases)) for (const name of [field, ...names]) lookup.set(squash(name), field);
  const taken = new Set<string>();
  const ignored: string[] = [];
  const fields = headers.map((header) => {
    const field = lookup.get(squash(header));
    if (!field || taken.has(field)) {
      if (header.trim()) ignored.push(header.trim());
      return null;
    }
    taken.add(field);
    return field;
  });
  return { fields, ignored };
}

function parseCsv(text: string, aliases: HeaderAliases): ParsedImport {
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false });
  const [header, ...records] = result.data;
  if (!header || header.every((cell) => !cell.trim())) throw badRequest("The CSV has no header row; the first row must name the columns.");
  const { fields, ignored } = columnMapping(header, aliases);
  const errors: ImportError[] = [];
  const quoteErrors = new Set(result.errors.filter((e) => e.type === "Quotes" && e.row !== undefined).map((e) => e.row!));
  const rows: ImportRow[] = [];
  records.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((cell) => !cell.trim())) return;
    if (quoteErrors.has(index + 1)) {
      errors.push({ row, field: "(row)", message: "a quoted field is not closed; check the quotes in this row" });
      return;
    }
    if (cells.length > header.length && cells.slice(header.length).some((cell) => cell.trim())) {
      errors.push({ row, field: "(row)", message: `this row has ${cells.length} cells but the header names ${header.length} columns` });
      return;
    }
    const values: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      const cell = cells[i]?.trim();
      if (field && cell) values[field] = cell;
    });
    rows.push({ row, values });
  });
  return { columns: mapped(fields), rows, errors, ignoredColumns: ignored };
}

const mapped = (fields: (string | null)[]) => fields.filter((f): f is string => f !== null);

function parseJson(text: string, aliases: HeaderAliases): ParsedImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badRequest("The body is not valid JSON. Send an array of objects, or { \"items\": [...] }.");
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.items) ? data.items : null;
  if (!items) throw badRequest("Send a JSON array of objects, or an object { \"items\": [...] }.", [{ path: "(body)", message: "expected an array or { items: [...] }" }]);
  const keys = [...new Set(items.filter(isObject).flatMap((item) => Object.keys(item)))];
  const { fields, ignored } = columnMapping(keys, aliases);
  const fieldOf = new Map(keys.map((key, i) => [key, fields[i]]));
  const rows: ImportRow[] = [];
  const errors: ImportError[] = [];
  items.forEach((item, index) => {
    if (!isObject(item)) {
      errors.push({ row: index + 1, field: "(row)", message: "each item must be an object" });
      return;
    }
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
      const field = fieldOf.get(key);
      if (field && value !== null && value !== undefined && value !== "") values[field] = value;
    }
    rows.push({ row: index + 1, values });
  });
  return { columns: mapped(fields), rows, errors, ignoredColumns: ignored };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The columns rows identify themselves by must exist, else no row could be imported. */
export function requireColumns(parsed: ParsedImport, aliases: HeaderAliases, required: string[]): void {
  const missing = required.filter((field) => !parsed.columns.includes(field));
  if (missing.length) {
    throw badRequest(
      `Missing column(s): ${missing.map((field) => `${field} (named e.g. ${[field, ...(aliases[field] ?? [])].join(", ")})`).join("; ")}.`,
      missing.map((field) => ({ path: field, message: "column missing" })),
    );
  }
}

const TRUE_WORDS = new Set(["true", "yes", "y", "1", "x"]);
const FALSE_WORDS = new Set(["false", "no", "n", "0"]);

/** CRM checkbox exports ("true", "Yes", "1", "x") → boolean; anything else stays as is for validation to reject. */
export function parseFlag(value: unknown): unknown {
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : value;
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
}

/** "1,250,000", "$1250000", "1 250 000.00" → 1250000; anything else stays as is for validation to reject. */
export function parseAmount(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const cleaned = value.replace(/[\s$€£¥,'_]/g, "").replace(/\.0+$/, "");
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : value;
}
