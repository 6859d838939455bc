import { ApiError, badRequest } from "../../../lib/errors";
import { readCsv } from "./csv";
import type { ImportError } from "./options";
import { parseFlag, squash } from "./values";

/**
 * Reading an import body (CSV as CRMs export it, or JSON) into rows keyed by our field names.
 *
 * Row numbers, as reported back: in CSV the header record is row 1 and the first data record row 2 (the row
 * number a spreadsheet shows; a quoted field with line breaks stays one row). In JSON, row n is the n-th item
 * of the array (1-based).
 */
export const MAX_IMPORT_ROWS = 2000;

export type { ImportError } from "./options";

export interface ImportRow {
  row: number;
  /** Our field name → the cell (CSV: trimmed string, empty cells left out) or the JSON value. */
  values: Record<string, unknown>;
}

export interface ParsedImport {
  /** Our field names that some column (or JSON key) maps to. */
  columns: string[];
  rows: ImportRow[];
  errors: ImportError[];
  ignoredColumns: string[];
  /** Column as written → field. */
  mapping: Record<string, string>;
  /** Data rows read (good or bad), for the row limit and the report. */
  rowCount: number;
}

/** Field name → the header names CRMs use for it, compared case-, accent- and punctuation-insensitively; earlier names win. */
export type HeaderAliases = Record<string, string[]>;

/** Fields that several columns may feed (any opt-out column of any CRM suppresses the address). */
const MULTI_COLUMN_FIELDS = new Set(["optOut"]);

const CSV_TYPES = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "text/comma-separated-values", "text/tab-separated-values", "text/x-csv"];

export interface ParseOptions {
  mapping?: Record<string, string | null>;
  maxRows?: number;
}

export function parseImport(contentType: string | undefined, body: ArrayBuffer, aliases: HeaderAliases, options: ParseOptions = {}): ParsedImport {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const format = type === "application/json" ? "json" : CSV_TYPES.includes(type) ? "csv" : null;
  if (!format) {
    throw new ApiError(415, "Unsupported media type", "Send the import as text/csv (a CRM export with a header row; text/plain, application/csv and application/vnd.ms-excel are read as CSV too) or application/json (an array of objects, or { items: [...] }).");
  }
  checkMapping(options.mapping, aliases);
  const text = decodeUtf8(body);
  if (!text.trim()) throw badRequest(`The ${format === "csv" ? "CSV file" : "JSON body"} is empty; send at least one row.`);
  const parsed = format === "csv" ? parseCsv(text, aliases, options.mapping) : parseJson(text, aliases, options.mapping);
  if (parsed.rows.length === 0 && parsed.errors.length === 0) {
    throw badRequest(format === "csv" ? "The CSV has a header row but no data rows." : "The JSON array has no items.");
  }
  const maxRows = options.maxRows ?? MAX_IMPORT_ROWS;
  if (parsed.rowCount > maxRows) {
    throw new ApiError(413, "Payload too large", `An import takes at most ${maxRows} rows; split the file into smaller ones.`);
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

function checkMapping(mapping: Record<string, string | null> | undefined, aliases: HeaderAliases) {
  if (!mapping) return;
  const fields = Object.keys(aliases);
  const errors = Object.entries(mapping)
    .filter(([, field]) => field && !fields.includes(field))
    .map(([column, field]) => ({ path: `mapping.${column}`, message: `'${field}' is not a field of this import; fields: ${fields.join(", ")}` }));
  if (errors.length) throw badRequest(errors.map((e) => e.message).join("; "), errors);
}

/** Which field each column feeds: the explicit mapping first, then the best-ranked alias; one column per field. */
function columnMapping(headers: string[], aliases: HeaderAliases, explicit: Record<string, string | null> = {}) {
  const missing = Object.keys(explicit).filter((column) => !headers.some((h) => h.trim() === column.trim()));
  if (missing.length) {
    throw badRequest(
      `The mapping names column(s) the file does not have: ${missing.join(", ")}. Columns in the file: ${headers.map((h) => h.trim()).filter(Boolean).join(", ")}.`,
      missing.map((column) => ({ path: `mapping.${column}`, message: "no such column in the file" })),
    );
  }
  const explicitOf = new Map(Object.entries(explicit).map(([column, field]) => [column.trim(), field || null]));
  const lookup = new Map<string, { field: string; rank: number }>();
  for (const [field, names] of Object.entries(aliases)) {
    [field, ...names].forEach((name, rank) => {
      if (!lookup.has(squash(name))) lookup.set(squash(name), { field, rank });
    });
  }
  const candidates = headers.map((header, index) => {
    const name = header.trim();
    if (explicitOf.has(name)) return explicitOf.get(name) ? { field: explicitOf.get(name)!, rank: -1, index } : null;
    const found = lookup.get(squash(name));
    return found ? { ...found, index } : null;
  });
  const chosen = new Map<string, number>();
  for (const candidate of candidates) {
    if (!candidate || MULTI_COLUMN_FIELDS.has(candidate.field)) continue;
    const best = chosen.get(candidate.field);
    if (best === undefined || candidate.rank < candidates[best]!.rank) chosen.set(candidate.field, candidate.index);
  }
  const fields = candidates.map((candidate, index) =>
    candidate && (MULTI_COLUMN_FIELDS.has(candidate.field) || chosen.get(candidate.field) === index) ? candidate.field : null,
  );
  const ignored = headers.filter((header, index) => fields[index] === null && header.trim()).map((h) => h.trim());
  const mapping = Object.fromEntries(headers.flatMap((header, index) => (fields[index] ? [[header.trim(), fields[index]!]] : [])));
  return { fields, ignored, mapping };
}

/** A field fed by several columns (opt-outs): set when any of them says so, else the first value validation will read. */
function combine(values: Record<string, unknown>, field: string, value: unknown) {
  if (!MULTI_COLUMN_FIELDS.has(field) || values[field] === undefined) {
    values[field] = value;
    return;
  }
  if (parseFlag(value) === true || (parseFlag(values[field]) === false && typeof parseFlag(value) !== "boolean")) values[field] = value;
}

function parseCsv(text: string, aliases: HeaderAliases, explicit?: Record<string, string | null>): ParsedImport {
  const { header, records } = readCsv(text);
  if (header.length === 0 || header.every((cell) => !cell.trim())) throw badRequest("The CSV has no header row; the first row must name the columns.");
  const { fields, ignored, mapping } = columnMapping(header, aliases, explicit);
  const errors: ImportError[] = [];
  const rows: ImportRow[] = [];
  let rowCount = 0;
  records.forEach((record, index) => {
    const row = index + 2;
    if (record.problem) {
      rowCount++;
      errors.push({ row, field: "(row)", message: record.problem });
      return;
    }
    const cells = record.cells;
    if (cells.every((cell) => !cell.trim())) return;
    rowCount++;
    if (cells.length > header.length && cells.slice(header.length).some((cell) => cell.trim())) {
      errors.push({ row, field: "(row)", message: `this row has ${cells.length} cells but the header names ${header.length} columns` });
      return;
    }
    const values: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      const cell = cells[i]?.trim();
      if (field && cell) combine(values, field, cell);
    });
    rows.push({ row, values });
  });
  return { columns: mapped(fields), rows, errors, ignoredColumns: ignored, mapping, rowCount };
}

const mapped = (fields: (string | null)[]) => [...new Set(fields.filter((f): f is string => f !== null))];

function parseJson(text: string, aliases: HeaderAliases, explicit?: Record<string, string | null>): ParsedImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw badRequest("The body is not valid JSON. Send an array of objects, or { \"items\": [...] }.");
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.items) ? data.items : null;
  if (!items) throw badRequest("Send a JSON array of objects, or an object { \"items\": [...] }.", [{ path: "(body)", message: "expected an array or { items: [...] }" }]);
  const keys = [...new Set(items.filter(isObject).flatMap((item) => Object.keys(item)))];
  const { fields, ignored, mapping } = columnMapping(keys, aliases, explicit);
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
      if (field && value !== null && value !== undefined && value !== "") combine(values, field, typeof value === "string" ? value.trim() : value);
    }
    rows.push({ row: index + 1, values });
  });
  return { columns: mapped(fields), rows, errors, ignoredColumns: ignored, mapping, rowCount: items.length };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The columns rows identify themselves by must exist, else no row could be imported. */
export function requireColumns(parsed: ParsedImport, aliases: HeaderAliases, required: string[]): void {
  const missing = required.filter((field) => !parsed.columns.includes(field));
  if (missing.length) {
    throw badRequest(
      `Missing column(s): ${missing.map((field) => `${field} (named e.g. ${[field, ...(aliases[field] ?? [])].join(", ")})`).join("; ")}. Name the column with a mapping if your file calls it something else.`,
      missing.map((field) => ({ path: field, message: "column missing" })),
    );
  }
}
