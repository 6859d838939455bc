import { getTableColumns, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { selectInChunks } from "../../../db/batch";
import type { Db } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { chunkRows } from "../../../db/limits";
import { accountRevenue, accounts, type Account } from "../../../db/schema";
import { headerSafe } from "../../../lib/header-text";
import { conflict } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { changeDetail } from "../../audit/changes";
import type { AuditEntry } from "../../audit/log";
import { auditInserts } from "../../audit/many";
import { accountChanges, accountFields, accountsByExternalId } from "../accounts";
import type { ImportContext, ImportError, ImportOptions, ImportReport, RowReport } from "./options";
import { crmId, issuesToImportErrors, mapValues, readColumns, rowLines, upsertSet, withoutBad } from "./shared";
import { parseImport, requireColumns, type HeaderAliases, type ParsedImport } from "./source";

/** Header names CRMs (Salesforce, HubSpot, Pipedrive, Dynamics, spreadsheets) use for account fields; earlier names win. */
export const ACCOUNT_COLUMNS: HeaderAliases = {
  externalId: ["External ID", "Account ID", "Record ID", "CRM ID", "Company ID", "Account Number", "Organization ID", "Id"],
  name: ["Account Name", "Company name", "Company", "Organization", "Organization Name", "Name"],
  annualRevenue: ["Annual Revenue", "Revenue", "ARR", "Annual Recurring Revenue"],
  status: ["Account Status", "Status"],
  customerSince: ["Customer Since", "Became a Customer Date", "Customer Start Date", "Start Date"],
  churnedAt: ["Churned At", "Churn Date", "Churned Date"],
  country: ["Billing Country Code", "Billing Country", "Country Code", "Country/Region", "Country"],
  segment: ["Segment", "Customer Segment", "Tier", "Industry"],
  ownerEmail: ["Owner Email", "Account Owner Email", "Company Owner Email"],
  ownerName: ["Owner Name", "Account Owner", "Company owner", "Owner"],
  parentExternalId: ["Parent Account ID", "Parent Company ID", "Parent ID", "Parent External ID", "parentId"],
};

const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);
/** Revenue is whole units: cents from a CRM (1.250.000,50) are rounded, never scaled. */
const wholeUnits = (value: unknown) => (typeof value === "number" ? Math.round(value) : value);
const headerText = (value: unknown) => (typeof value === "string" ? headerSafe(value) : value);

const AccountRow = z.object({
  externalId: crmId,
  name: z.preprocess(headerText, accountFields.name).optional(),
  annualRevenue: z.preprocess(wholeUnits, accountFields.annualRevenue).optional(),
  status: z.preprocess(lower, accountFields.status).optional(),
  customerSince: accountFields.customerSince.optional(),
  churnedAt: accountFields.churnedAt.optional(),
  country: accountFields.country.optional(),
  segment: z.preprocess(headerText, accountFields.segment).optional(),
  ownerEmail: accountFields.ownerEmail.optional(),
  // Goes into the From/Reply-To display name of invitations: never CR/LF.
  ownerName: z.preprocess(headerText, accountFields.ownerName).optional(),
  parentExternalId: crmId.optional(),
});
type AccountRowValues = z.output<typeof AccountRow>;
type ValidRow = { row: number; values: AccountRowValues };

const ACCOUNT_COLUMN_COUNT = Object.keys(getTableColumns(accounts)).length;
const REVENUE_COLUMN_COUNT = Object.keys(getTableColumns(accountRevenue)).length;

/**
 * Upserts accounts by externalId. Good rows are written (all in one batch, so the import is all-or-nothing for
 * them); bad rows are reported and write nothing; a dry run writes nothing at all. Revenue changes add history rows
 * like the API does; parents are named by their CRM id (in this file or already imported) and cycles are refused.
 */
export async function importAccounts(db: Db, context: ImportContext, mediaType: string | undefined, body: ArrayBuffer, options: ImportOptions): Promise<ImportReport> {
  const parsed = parseImport(mediaType, body, ACCOUNT_COLUMNS, { mapping: options.mapping });
  return importParsedAccounts(db, context, parsed, options);
}

export async function importParsedAccounts(db: Db, { actor, now = new Date() }: ImportContext, parsed: ParsedImport, options: ImportOptions): Promise<ImportReport> {
  requireColumns(parsed, ACCOUNT_COLUMNS, ["externalId"]);
  const errors: ImportError[] = [...parsed.errors];
  for (const { values } of parsed.rows) mapValues(values, options.valueMaps);
  const formats = readColumns(parsed.rows, { numbers: ["annualRevenue"], dates: ["customerSince", "churnedAt"] }, options, errors);
  const valid = validRows(parsed, formats.badRows, errors);
  const existing = await accountsByExternalId(db, [...valid.map((r) => r.values.externalId), ...valid.flatMap((r) => (r.values.parentExternalId ? [r.values.parentExternalId] : []))]);
  const stamp = now.toISOString();
  const upserts: Account[] = [];
  const revenueRows: { accountId: string; validFrom: string; amount: number }[] = [];
  const audits: AuditEntry[] = [];
  const lines: RowReport[] = [];
  const planned = new Map<string, { row: number; id: string }>();

  const accepted: ValidRow[] = [];
  for (const r of valid) {
    const current = existing.get(r.values.externalId) ?? null;
    if (!current) {
      const missing = (["name", "annualRevenue"] as const).filter((field) => r.values[field] === undefined);
      if (missing.length) {
        for (const field of missing) errors.push({ row: r.row, field, message: "required for a new account" });
        continue;
      }
    }
    const since = r.values.customerSince ?? current?.customerSince;
    const churned = r.values.churnedAt ?? current?.churnedAt;
    if (since && churned && churned < since) {
      errors.push({ row: r.row, field: "churnedAt", message: `${churned.slice(0, 10)} is before customerSince ${since.slice(0, 10)}` });
      continue;
    }
    accepted.push(r);
    planned.set(r.values.externalId, { row: r.row, id: current?.id ?? newId("acc", now) });
  }
  const parentIds = await resolveParents(db, accepted, existing, planned, errors);

  for (const { row, values } of accepted) {
    if (!parentIds.has(row)) continue;
    const current = existing.get(values.externalId) ?? null;
    const { parentExternalId: _parent, ...fields } = values;
    const parentId = parentIds.get(row);
    const { values: changes, revenue } = accountChanges(current, { ...fields, ...(parentId !== undefined && parentId !== null ? { parentId } : {}) }, now);
    if (current && Object.keys(changes).length === 0 && !revenue) {
      lines.push({ row, outcome: "unchanged", key: values.externalId, id: current.id });
      continue;
    }
    const id = planned.get(values.externalId)!.id;
    const account = current ? { ...current, ...changes, updatedAt: stamp } : newAccountRow(id, values, changes, stamp);
    upserts.push(account);
    if (revenue) revenueRows.push({ accountId: account.id, ...revenue });
    lines.push(current ? { row, outcome: "updated", key: values.externalId, id } : { row, outcome: "created", key: values.externalId, ...(options.dryRun ? {} : { id }) });
    audits.push(
      current
        ? { actor, action: "account.update", entityType: "account", entityId: id, detail: { ...changeDetail(current, changes), via: "import" } }
        : { actor, action: "account.create", entityType: "account", entityId: id, detail: { ...changes, via: "import" } },
    );
  }

  const rows = rowLines(lines, errors);
  const created = rows.filter((r) => r.outcome === "created").length;
  const updated = rows.filter((r) => r.outcome === "updated").length;
  const unchanged = rows.filter((r) => r.outcome === "unchanged").length;
  const report: ImportReport = {
    dryRun: options.dryRun === true,
    created,
    updated,
    unchanged,
    errors,
    rows,
    mapping: parsed.mapping,
    ignoredColumns: parsed.ignoredColumns,
    numberFormat: formats.numberFormat,
    dateFormat: formats.dateFormat,
  };
  if (options.dryRun) return report;
  audits.push({ actor, action: "account.import", entityType: "import", detail: { created, updated, unchanged, errors: errors.length } });
  await db
    .batch([
      ...chunkRows(upserts, ACCOUNT_COLUMN_COUNT).map((chunk) =>
        db.insert(accounts).values(chunk).onConflictDoUpdate({ target: accounts.id, set: upsertSet(accounts, ["id", "createdAt"]) }),
      ),
      ...chunkRows(revenueRows, REVENUE_COLUMN_COUNT).map((chunk) =>
        db.insert(accountRevenue).values(chunk).onConflictDoUpdate({ target: [accountRevenue.accountId, accountRevenue.validFrom], set: { amount: sql`excluded.amount` } }),
      ),
      ...auditInserts(db, audits, now),
    ] as unknown as Parameters<Db["batch"]>[0])
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw conflict("Another change created one of these accounts at the same moment; nothing was imported. Run the import again.");
      throw error;
    });
  return report;
}

function validRows(parsed: ParsedImport, badRows: Map<number, Set<string>>, errors: ImportError[]): ValidRow[] {
  const valid: ValidRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of parsed.rows) {
    const result = AccountRow.safeParse(withoutBad(values, badRows.get(row)));
    if (!result.success) errors.push(...issuesToImportErrors(row, result.error.issues));
    if (!result.success || badRows.has(row)) continue;
    const first = firstRowOf.get(result.data.externalId);
    if (first !== undefined) {
      errors.push({ row, field: "externalId", message: `'${result.data.externalId}' already appears in row ${first}; only that row is imported` });
      continue;
    }
    firstRowOf.set(result.data.externalId, row);
    valid.push({ row, values: result.data });
  }
  return valid;
}

/**
 * Row → the parent's account id (null: no parent given). A parent is named by its CRM id, in this file or already
 * imported; a row whose parent chain loops back to itself, or names no account, is refused (absent from the map).
 */
async function resolveParents(
  db: Db,
  rows: ValidRow[],
  existing: Map<string, Account>,
  planned: Map<string, { row: number; id: string }>,
  errors: ImportError[],
): Promise<Map<number, string | null>> {
  const result = new Map<number, string | null>();
  // The parent (by CRM id) of every account the chains pass through: this file's rows first, then the database.
  const parentOf = new Map<string, string | null>(rows.map((r) => [r.values.externalId, r.values.parentExternalId ?? null]));
  const idToExternal = new Map<string, string>();
  for (const account of existing.values()) idToExternal.set(account.id, account.externalId);
  const known = new Map(existing);
  let pending = rows.flatMap((r) => (r.values.parentExternalId ? [r.values.parentExternalId] : []));
  for (let depth = 0; depth < 32 && pending.length; depth++) {
    const lookupIds = pending.filter((ext) => !parentOf.has(ext) && known.has(ext)).map((ext) => known.get(ext)!.parentId).filter((id): id is string => !!id && !idToExternal.has(id));
    for (const account of await selectInChunks(db, lookupIds, (chunk) => db.select().from(accounts).where(inArray(accounts.id, chunk)))) {
      idToExternal.set(account.id, account.externalId);
      known.set(account.externalId, account);
    }
    const next: string[] = [];
    for (const ext of pending) {
      if (parentOf.has(ext)) continue;
      const account = known.get(ext);
      const parentExt = account?.parentId ? (idToExternal.get(account.parentId) ?? null) : null;
      parentOf.set(ext, parentExt);
      if (parentExt) next.push(parentExt);
    }
    pending = next.filter((ext) => !parentOf.has(ext));
  }

  for (const { row, values } of rows) {
    const parentExt = values.parentExternalId;
    if (!parentExt) {
      result.set(row, null);
      continue;
    }
    const chain = [values.externalId];
    let cursor: string | null | undefined = parentExt;
    while (cursor && !chain.includes(cursor) && chain.length < 64) {
      chain.push(cursor);
      cursor = parentOf.get(cursor);
    }
    if (cursor && chain.includes(cursor)) {
      errors.push({ row, field: "parentExternalId", message: `the parent chain loops back: ${[...chain, cursor].join(" → ")}; an account cannot be its own ancestor` });
      continue;
    }
    const parentId = planned.get(parentExt)?.id ?? existing.get(parentExt)?.id;
    if (!parentId) {
      errors.push({ row, field: "parentExternalId", message: `no account has externalId '${parentExt}'; import the parent in this file or before` });
      continue;
    }
    result.set(row, parentId);
  }
  // A parent refused above is not written, so its children cannot point at it either.
  let changed = true;
  while (changed) {
    changed = false;
    for (const { row, values } of rows) {
      const parent = values.parentExternalId ? planned.get(values.parentExternalId) : undefined;
      if (result.has(row) && parent && !existing.has(values.parentExternalId!) && !result.has(parent.row)) {
        result.delete(row);
        errors.push({ row, field: "parentExternalId", message: `the parent '${values.parentExternalId}' (row ${parent.row}) was not imported` });
        changed = true;
      }
    }
  }
  return result;
}

function newAccountRow(id: string, values: AccountRowValues, changes: Partial<Account>, stamp: string): Account {
  return {
    id,
    externalId: values.externalId,
    name: values.name!,
    annualRevenue: values.annualRevenue!,
    status: "active",
    customerSince: null,
    churnedAt: null,
    country: null,
    segment: null,
    ownerEmail: null,
    ownerName: null,
    parentId: null,
    ...changes,
    createdAt: stamp,
    updatedAt: stamp,
  };
}
