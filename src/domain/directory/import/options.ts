/**
 * The options every import (accounts, contacts, response history) takes besides its body, and the per-row report
 * it answers. Shared by the API routes and the admin import page, so both describe an import the same way.
 */

/** The file's decimal separator: `point` reads 1,250,000.00; `comma` reads 1.250.000,00. */
export const NUMBER_FORMATS = ["point", "comma"] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

/** How a date that is not ISO 8601 is read. `DD/MM/YYYY` and `DD.MM.YYYY` both put the day first. */
export const DATE_FORMATS = ["YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** Fields whose values can be translated by a value map before validation (e.g. role "Budget Holder" → decision_maker). */
export const VALUE_MAP_FIELDS = ["role", "country", "locale", "status", "segment"] as const;
export type ValueMapField = (typeof VALUE_MAP_FIELDS)[number];
/** Field → (value as written in the file, compared case-insensitively → our value). */
export type ValueMaps = Partial<Record<ValueMapField, Record<string, string>>>;

export interface ImportOptions {
  /** Column (CSV header or JSON key) → our field name; `null` or "" ignores a column the aliases would map. */
  mapping?: Record<string, string | null>;
  valueMaps?: ValueMaps;
  /** Given, or detected from the unambiguous values of each numeric column; an ambiguous value without either is refused. */
  numberFormat?: NumberFormat;
  /** Given, or detected from the unambiguous values of each date column; an ambiguous value without either is refused. */
  dateFormat?: DateFormat;
  /** Validate and report every row as an import would, write nothing. */
  dryRun?: boolean;
}

export type RowOutcome = "created" | "updated" | "unchanged" | "optedOut" | "error";

export interface ImportError {
  row: number;
  field: string;
  message: string;
}

export interface RowReport {
  row: number;
  outcome: RowOutcome;
  /** The row's key: externalId (accounts), email (contacts, history). */
  key?: string;
  /** The id written (or, in a dry run, that would be updated; absent for rows a dry run would create). */
  id?: string;
}

export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  /** Contacts only: rows flagged as opted out in the CRM; their addresses went onto the suppression list. */
  optedOut?: number;
  errors: ImportError[];
  /** One line per data row, in file order. */
  rows: RowReport[];
  /** Column (as written) → the field it was read as. */
  mapping: Record<string, string>;
  /** Columns (or JSON keys) that map to no field and were ignored. */
  ignoredColumns: string[];
  /** The number / date format used for ambiguous values (given or detected), null when none was needed or found. */
  numberFormat: NumberFormat | null;
  dateFormat: DateFormat | null;
}

/** Who runs an import: the actor named in the audit log, the HMAC secret of the suppression list, the clock. */
export interface ImportContext {
  actor: string;
  secret: string;
  now?: Date;
}
