import { getTableColumns, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { accountRevenue, accounts, type Account } from "../../../db/schema";
import { conflict } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { auditInserts } from "../../audit/many";
import type { AuditEntry } from "../../audit/log";
import { accountChanges, accountFields, accountsByExternalId } from "../accounts";
import { changeDetail } from "../../audit/changes";
import { chunkRows } from "../../../db/limits";
import { parseAmount, requireColumns, type HeaderAliases, type ImportError, type ImportReport, type ParsedImport } from "./source";
import { issuesToImportErrors, upsertSet } from "./shared";

/** Header names CRMs (Salesforce, HubSpot, Pipedrive, spreadsheets) use for account fields. */
export const ACCOUNT_COLUMNS: HeaderAliases = {
  externalId: ["External ID", "Account ID", "CRM ID", "Account Number", "Record ID"],
  name: ["Account Name", "Company", "Company Name", "Organization"],
  annualRevenue: ["Annual Revenue", "Revenue", "ARR"],
  status: ["Account Status"],
  customerSince: ["Customer Since", "Start Date", "Customer Start Date"],
  churnedAt: ["Churned At", "Churn Date"],
  country: ["Billing Country", "Country Code"],
  segment: ["Customer Segment", "Tier"],
  ownerEmail: ["Owner Email", "Account Owner Email"],
  ownerName: ["Owner Name", "Account Owner", "Owner"],
};

const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value);

const AccountRow = z.object({
  externalId: z.preprocess((v) => (typeof v === "number" ? String(v) : v), accountFields.externalId),
  name: accountFields.name.optional(),
  annualRevenue: z.preprocess(parseAmount, accountFields.annualRevenue).optional(),
  status: z.preprocess(lower, accountFields.status).optional(),
  customerSince: accountFields.customerSince.optional(),
  churnedAt: accountFields.churnedAt.optional(),
  country: accountFields.country.optional(),
  segment: accountFields.segment.optional(),
  ownerEmail: accountFields.ownerEmail.optional(),
  ownerName: accountFields.ownerName.optional(),
});
type AccountRowValues = z.output<typeof AccountRow>;

/** 14 columns bound per account row. */
const ACCOUNT_COLUMN_COUNT = Object.keys(getTableColumns(accounts)).length;
const REVENUE_COLUMN_COUNT = Object.keys(getTableColumns(accountRevenue)).length;

/**
 * Upserts accounts by externalId. Good rows are written (all in one batch, so the import is all-or-nothing for
 * them); bad rows are reported and write nothing. Revenue changes add history rows like the API does.
 */
export async function importAccounts(db: Db, actor: string, parsed: ParsedImport, now = new Date()): Promise<ImportReport> {
  requireColumns(parsed, ACCOUNT_COLUMNS, ["externalId"]);
  const errors: ImportError[] = [...parsed.errors];
  const valid = validRows(parsed, errors);
  const existing = await accountsByExternalId(db, valid.map((r) => r.values.externalId));
  const stamp = now.toISOString();
  const upserts: Account[] = [];
  const revenueRows: { accountId: string; validFrom: string; amount: number }[] = [];
  const audits: AuditEntry[] = [];
  let unchanged = 0;

  for (const { row, values } of valid) {
    const current = existing.get(values.externalId) ?? null;
    if (!current) {
      const missing = (["name", "annualRevenue"] as const).filter((field) => values[field] === undefined);
      if (missing.length) {
        for (const field of missing) errors.push({ row, field, message: "required for a new account" });
        continue;
      }
    }
    const { values: changes, revenue } = accountChanges(current, values, now);
    if (current && Object.keys(changes).length === 0 && !revenue) {
      unchanged++;
      continue;
    }
    const account = current ? { ...current, ...changes, updatedAt: stamp } : newAccountRow(values, changes, stamp, now);
    upserts.push(account);
    if (revenue) revenueRows.push({ accountId: account.id, ...revenue });
    audits.push(
      current
        ? { actor, action: "account.update", entityType: "account", entityId: account.id, detail: { ...changeDetail(current, changes), via: "import" } }
        : { actor, action: "account.create", entityType: "account", entityId: account.id, detail: { ...changes, via: "import" } },
    );
  }

  const created = audits.filter((a) => a.action === "account.create").length;
  const report = { created, updated: upserts.length - created, unchanged, errors: errors.sort((a, b) => a.row - b.row), ignoredColumns: parsed.ignoredColumns };
  audits.push({ actor, action: "account.import", entityType: "import", detail: { created: report.created, updated: report.updated, unchanged, errors: errors.length } });
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

function validRows(parsed: ParsedImport, errors: ImportError[]): { row: number; values: AccountRowValues }[] {
  const valid: { row: number; values: AccountRowValues }[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of parsed.rows) {
    const result = AccountRow.safeParse(values);
    if (!result.success) {
      errors.push(...issuesToImportErrors(row, result.error.issues));
      continue;
    }
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

function newAccountRow(values: AccountRowValues, changes: Partial<Account>, stamp: string, now: Date): Account {
  return {
    id: newId("acc", now),
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
