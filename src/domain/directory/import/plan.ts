import type { Db } from "../../../db/client";
import { importResponseHistory } from "../../responses/history-import";
import { importAccounts } from "./accounts";
import { importContacts } from "./contacts";
import type { ImportContext, ImportOptions, ImportReport } from "./options";

export type ImportKind = "accounts" | "contacts" | "responses";

export interface ImportRequest extends ImportOptions {
  kind: ImportKind;
  /** The uploaded file or request body. */
  body: ArrayBuffer | string;
  /** Its media type (text/csv, text/plain, application/csv, application/vnd.ms-excel, application/json). */
  mediaType: string | undefined;
  /** Response history only: the survey the answers belong to (else a `survey` column names it per row). */
  surveyId?: string;
}

/**
 * The one entry point of every import (API routes and the admin import page): reads the body, maps its columns,
 * validates every row and either writes the good rows (all in one batch) or, with `dryRun`, writes nothing.
 * Answers the per-row report: created / updated / unchanged / errors, the mapping used, the ignored columns.
 * Throws ApiError (4xx) only when no row could be read at all (wrong media type, missing key column, bad option).
 */
export function planImport(db: Db, request: ImportRequest, context: ImportContext): Promise<ImportReport> {
  const { kind, body, mediaType, surveyId, ...options } = request;
  const bytes = typeof body === "string" ? (new TextEncoder().encode(body).buffer as ArrayBuffer) : body;
  if (kind === "accounts") return importAccounts(db, context, mediaType, bytes, options);
  if (kind === "contacts") return importContacts(db, context, mediaType, bytes, options);
  return importResponseHistory(db, context, mediaType, bytes, { ...options, surveyId });
}

export type { ImportContext, ImportOptions, ImportReport } from "./options";
