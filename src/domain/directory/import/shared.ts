import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import type { DateFormat, ImportError, ImportOptions, NumberFormat, RowReport, ValueMaps } from "./options";
import type { ImportRow } from "./source";
import { countryCode, detectDateFormat, detectFormat, languageTag, readDate, readNumber } from "./values";

/** zod issues of one row → report lines. */
export function issuesToImportErrors(row: number, issues: { path: PropertyKey[]; message: string }[]): ImportError[] {
  return issues.map((issue) => ({ row, field: issue.path.map(String).join(".") || "(row)", message: issue.message }));
}

/** `SET col = excluded.col` for every column but `keep` (an upsert that writes the whole prepared row). */
export function upsertSet(table: SQLiteTable, keep: string[]): Record<string, SQL> {
  return Object.fromEntries(
    Object.entries(getTableColumns(table))
      .filter(([key]) => !keep.includes(key))
      .map(([key, column]) => [key, sql.raw(`excluded.${column.name}`)]),
  );
}

/** A CRM id: kept as the string it is. A JSON number is refused, since the sender's encoder may already have rounded it. */
export const crmId = z.unknown().transform((value, ctx) => {
  if (typeof value === "number") {
    ctx.addIssue({ code: "custom", message: `send the id as a string ("${value}"): a JSON number may have been rounded on the way` });
    return z.NEVER;
  }
  const parsed = z.string().trim().min(1, "must not be empty").max(200).safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({ code: "custom", message: "must be a non-empty text id" });
    return z.NEVER;
  }
  return parsed.data;
});

const VALUE_MAP_KEY = (value: string) => value.trim().toLowerCase();

/**
 * Value maps (the caller's first, then the built-in readings of country and language names) applied to a row,
 * so "United States", "Deutschland", "English" or a CRM role such as "Budget Holder" reach validation as our values.
 */
export function mapValues(values: Record<string, unknown>, valueMaps: ValueMaps | undefined): void {
  for (const [field, map] of Object.entries(valueMaps ?? {})) {
    const value = values[field];
    if (typeof value !== "string" || !map) continue;
    const found = Object.entries(map).find(([from]) => VALUE_MAP_KEY(from) === VALUE_MAP_KEY(value));
    if (found) values[field] = found[1];
  }
  const country = values.country;
  if (typeof country === "string" && country.trim().length > 2) values.country = countryCode(country) ?? country;
  const locale = values.locale;
  if (typeof locale === "string") {
    const tag = locale.trim().replace(/_/g, "-");
    values.locale = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i.test(tag) ? tag : (languageTag(tag) ?? locale);
  }
}

export interface ColumnKinds {
  numbers?: string[];
  dates?: string[];
}

export interface ReadColumns {
  /** Row → the fields whose value could not be read (reported in errors); validate the rest, import none of it. */
  badRows: Map<number, Set<string>>;
  numberFormat: NumberFormat | null;
  dateFormat: DateFormat | null;
  /** Rows whose date values carried no time of day, by field. */
  dateOnly: Map<number, Set<string>>;
}

/**
 * Reads numeric and date cells in place (numbers → number, dates → ISO timestamp). An ambiguous value follows the
 * given format, else the one the column's unambiguous values reveal, else it is refused with a message naming the
 * option — never guessed.
 */
export function readColumns(rows: ImportRow[], kinds: ColumnKinds, options: ImportOptions, errors: ImportError[]): ReadColumns {
  const badRows = new Map<number, Set<string>>();
  const dateOnly = new Map<number, Set<string>>();
  const fail = (row: number, field: string, message: string) => {
    errors.push({ row, field, message });
    badRows.set(row, (badRows.get(row) ?? new Set()).add(field));
  };
  let usedNumberFormat: NumberFormat | null = options.numberFormat ?? null;
  for (const field of kinds.numbers ?? []) {
    const cells = rows.filter((r) => typeof r.values[field] === "string");
    const format = options.numberFormat ?? detectFormat<NumberFormat>(cells.map((r) => readNumber(r.values[field] as string)).map((reading) => ("implies" in reading ? reading.implies : undefined)));
    if (format) usedNumberFormat ??= format;
    for (const r of cells) {
      const raw = r.values[field] as string;
      const reading = readNumber(raw, format);
      if ("value" in reading) r.values[field] = reading.value;
      else if ("ambiguous" in reading) fail(r.row, field, `'${raw}' reads as ${alternatives(raw)}; nothing else in the column settles it. Give numberFormat=point (1,234.56) or numberFormat=comma (1.234,56).`);
      else fail(r.row, field, `'${raw}' ${reading.invalid}`);
    }
  }
  let usedDateFormat: DateFormat | null = options.dateFormat ?? null;
  for (const field of kinds.dates ?? []) {
    const cells = rows.filter((r) => typeof r.values[field] === "string");
    const format = options.dateFormat ?? detectDateFormat(cells.map((r) => readDate(r.values[field] as string)).map((reading) => ("implies" in reading ? reading.implies : undefined)));
    if (format) usedDateFormat ??= format;
    for (const r of cells) {
      const raw = r.values[field] as string;
      const reading = readDate(raw, format);
      if ("value" in reading) {
        r.values[field] = reading.value.iso;
        if (reading.value.dateOnly) dateOnly.set(r.row, (dateOnly.get(r.row) ?? new Set()).add(field));
      } else if ("ambiguous" in reading) {
        fail(r.row, field, `'${raw}' could be day/month or month/day; nothing else in the column settles it. Give dateFormat=MM/DD/YYYY or dateFormat=DD/MM/YYYY.`);
      } else fail(r.row, field, `'${raw}' ${reading.invalid}`);
    }
  }
  return { badRows, numberFormat: usedNumberFormat, dateFormat: usedDateFormat, dateOnly };
}

function alternatives(raw: string): string {
  const point = readNumber(raw, "point");
  const comma = readNumber(raw, "comma");
  return "value" in point && "value" in comma ? `${point.value} (1,234.56) or ${comma.value} (1.234,56)` : "two different amounts";
}

/** The per-row lines in file order: a row with any error is an error, whatever else was noted for it. */
export function rowLines(outcomes: RowReport[], errors: ImportError[]): RowReport[] {
  const byRow = new Map(outcomes.map((line) => [line.row, line]));
  for (const error of errors) byRow.set(error.row, { ...byRow.get(error.row), row: error.row, outcome: "error" });
  errors.sort((a, b) => a.row - b.row);
  return [...byRow.values()].sort((a, b) => a.row - b.row);
}

/** Largest JSON text bound to one bulk insert (D1 allows 2 MB per value; the statement text itself stays short). */
const JSON_CHUNK_BYTES = 256 * 1024;

/**
 * Bulk inserts that bind ONE parameter each: the rows as a JSON array, unpacked by json_each in SQL. Thousands of
 * rows per statement within D1's 100-bound-parameter limit, so a 50,000-row import stays far below the 1,000
 * queries per invocation. Values go through each column's driver mapping (JSON and boolean columns included).
 */
export function jsonInserts(table: SQLiteTable, rows: Record<string, unknown>[], conflict = ""): SQL[] {
  const columns = Object.entries(getTableColumns(table));
  const names = columns.map(([, column]) => column.name);
  // Each row is a JSON array in column order (smaller and faster to unpack than objects).
  const select = names.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ");
  const head = `INSERT INTO "${getTableName(table)}" (${names.map((n) => `"${n}"`).join(", ")}) SELECT ${select} FROM json_each(`;
  const statements: SQL[] = [];
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length) statements.push(sql`${sql.raw(head)}${`[${chunk.join(",")}]`}) WHERE true ${sql.raw(conflict)}`);
    chunk = [];
    size = 0;
  };
  for (const row of rows) {
    const encoded = JSON.stringify(columns.map(([key, column]) => (row[key] === undefined || row[key] === null ? null : column.mapToDriverValue(row[key]))));
    if (size + encoded.length > JSON_CHUNK_BYTES) flush();
    chunk.push(encoded);
    size += encoded.length + 1;
  }
  flush();
  return statements;
}

/** The row's values without the fields that could not be read, so validation reports every other problem too. */
export function withoutBad(values: Record<string, unknown>, bad: Set<string> | undefined): Record<string, unknown> {
  return bad ? Object.fromEntries(Object.entries(values).filter(([field]) => !bad.has(field))) : values;
}
