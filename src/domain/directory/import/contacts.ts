import { getTableColumns, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { contacts, roles, suppressions, type Contact } from "../../../db/schema";
import { conflict } from "../../../lib/errors";
import { newId, randomUnit } from "../../../lib/ids";
import type { AuditEntry } from "../../audit/log";
import { auditInserts } from "../../audit/many";
import { getSettings } from "../../settings/settings";
import { accountsByExternalId } from "../accounts";
import { changeDetail } from "../../audit/changes";
import { chunkRows, inListChunks } from "../../../db/limits";
import { contactFields, contactsByEmail, suppressedMessage, unknownRoleMessage } from "../contacts";
import { emailHmac, suppressionReasonsByHmac } from "../suppression";
import { parseFlag, requireColumns, type HeaderAliases, type ImportError, type ImportReport, type ParsedImport } from "./source";
import { issuesToImportErrors, upsertSet } from "./shared";

/** Header names CRMs use for contact fields. */
export const CONTACT_COLUMNS: HeaderAliases = {
  email: ["Email", "Email Address", "E-mail", "Work Email"],
  name: ["Full Name", "Contact Name", "Name"],
  firstName: ["First Name", "Given Name"],
  lastName: ["Last Name", "Surname", "Family Name"],
  role: ["Role", "Contact Role", "Buying Role", "Persona"],
  accountExternalId: ["Account External ID", "Account ID", "Company ID", "Account Number"],
  locale: ["Locale", "Language", "Preferred Language"],
  optOut: ["Email Opt Out", "Opted Out", "Unsubscribed", "Do Not Email", "Has Opted Out Of Email"],
};

const ContactRow = z.object({
  email: contactFields.email,
  name: z.string().trim().max(200).optional(),
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
  role: contactFields.role.optional(),
  accountExternalId: z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().trim().min(1).max(200)).optional(),
  // CRMs often write en_US.
  locale: z.preprocess((v) => (typeof v === "string" ? v.replace(/_/g, "-") : v), contactFields.locale).optional(),
  optOut: z.preprocess(parseFlag, z.boolean({ error: "use yes/no, true/false or 1/0" })).optional(),
});
type ContactRowValues = z.output<typeof ContactRow>;
type Changes = Partial<Pick<Contact, "accountId" | "name" | "role" | "locale">>;

const CONTACT_COLUMN_COUNT = Object.keys(getTableColumns(contacts)).length;
const SUPPRESSION_COLUMN_COUNT = Object.keys(getTableColumns(suppressions)).length;

/**
 * Upserts contacts by email. Addresses on the suppression list are reported and never imported, so a CRM
 * re-import does not bring back people who opted out, bounced or were erased. Status is never imported, but a
 * CRM opt-out flag is honoured: the address goes onto the suppression list and an existing contact is unsubscribed.
 */
export async function importContacts(db: Db, actor: string, secret: string, parsed: ParsedImport, now = new Date()): Promise<ImportReport> {
  requireColumns(parsed, CONTACT_COLUMNS, ["email"]);
  const errors: ImportError[] = [...parsed.errors];
  const roleOf = await roleResolver(db);
  const checked = await unsuppressed(db, secret, validRows(parsed, errors, roleOf), errors);
  const valid = checked.filter((r) => !r.values.optOut);
  const [existing, accountsByCrmId, settings] = await Promise.all([
    contactsByEmail(db, checked.map((r) => r.values.email)),
    accountsByExternalId(db, valid.flatMap((r) => (r.values.accountExternalId ? [r.values.accountExternalId] : []))),
    getSettings(db),
  ]);
  const stamp = now.toISOString();
  const upserts: Contact[] = [];
  const audits: AuditEntry[] = [];
  let unchanged = 0;

  for (const { row, values } of valid) {
    const current = existing.get(values.email) ?? null;
    const accountId = values.accountExternalId ? accountsByCrmId.get(values.accountExternalId)?.id : undefined;
    if (values.accountExternalId && !accountId) {
      errors.push({ row, field: "accountExternalId", message: `no account has externalId '${values.accountExternalId}'; import the accounts first` });
      continue;
    }
    if (!current && (!accountId || !values.role)) {
      if (!values.accountExternalId) errors.push({ row, field: "accountExternalId", message: "required for a new contact" });
      if (!values.role) errors.push({ row, field: "role", message: "required for a new contact" });
      continue;
    }
    const name = values.name ?? ([values.firstName, values.lastName].filter(Boolean).join(" ") || undefined);
    const wanted: Changes = { accountId, name, role: values.role, locale: values.locale };
    const changes = Object.fromEntries(
      Object.entries(wanted).filter(([key, value]) => value !== undefined && (!current || current[key as keyof Changes] !== value)),
    ) as Changes;
    if (current && Object.keys(changes).length === 0) {
      unchanged++;
      continue;
    }
    const contact: Contact = current
      ? { ...current, ...changes, updatedAt: stamp }
      : { id: newId("con", now), accountId: accountId!, email: values.email, name: name ?? null, role: values.role!, locale: values.locale ?? settings.defaultLocale, status: "active", prn: randomUnit(), createdAt: stamp, updatedAt: stamp };
    upserts.push(contact);
    audits.push(
      current
        ? { actor, action: "contact.update", entityType: "contact", entityId: contact.id, detail: { ...changeDetail(current, changes), via: "import" } }
        : { actor, action: "contact.create", entityType: "contact", entityId: contact.id, detail: { accountId: contact.accountId, role: contact.role, locale: contact.locale, via: "import" } },
    );
  }

  const optOuts = checked.filter((r) => r.values.optOut);
  const unsubscribed = optOuts.flatMap((r) => {
    const current = existing.get(r.values.email);
    return current && current.status === "active" ? [current] : [];
  });
  for (const contact of unsubscribed) {
    audits.push({ actor, action: "contact.update", entityType: "contact", entityId: contact.id, detail: { status: { from: contact.status, to: "unsubscribed" }, via: "import" } });
  }

  const created = audits.filter((a) => a.action === "contact.create").length;
  const updated = upserts.length - created;
  const report = { created, updated, unchanged, optedOut: optOuts.length, errors: errors.sort((a, b) => a.row - b.row), ignoredColumns: parsed.ignoredColumns };
  audits.push({ actor, action: "contact.import", entityType: "import", detail: { created, updated, unchanged, optedOut: optOuts.length, errors: errors.length } });
  await db
    .batch([
      ...chunkRows(upserts, CONTACT_COLUMN_COUNT).map((chunk) =>
        db.insert(contacts).values(chunk).onConflictDoUpdate({ target: contacts.id, set: upsertSet(contacts, ["id", "email", "status", "prn", "createdAt"]) }),
      ),
      ...chunkRows(optOuts, SUPPRESSION_COLUMN_COUNT).map((chunk) =>
        db
          .insert(suppressions)
          .values(chunk.map((r) => ({ emailHmac: r.hmac, reason: "unsubscribed" as const, createdAt: stamp })))
          .onConflictDoNothing(),
      ),
      ...inListChunks(unsubscribed.map((c) => c.id)).map((ids) =>
        db.update(contacts).set({ status: "unsubscribed", updatedAt: stamp }).where(inArray(contacts.id, ids)),
      ),
      ...auditInserts(db, audits, now),
    ] as unknown as Parameters<Db["batch"]>[0])
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw conflict("Another change added one of these contacts at the same moment; nothing was imported. Run the import again.");
      throw error;
    });
  return report;
}

/** CRM exports carry either our role key or its label ("Decision Maker"); both resolve to the key. */
async function roleResolver(db: Db): Promise<{ resolve: (value: string) => string | undefined; keys: string[] }> {
  const rows = await db.select({ key: roles.key, label: roles.label }).from(roles).all();
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const byName = new Map<string, string>();
  for (const role of rows) {
    byName.set(squash(role.label), role.key);
    byName.set(squash(role.key), role.key);
  }
  return { resolve: (value) => byName.get(squash(value)), keys: rows.map((r) => r.key).sort() };
}

function validRows(parsed: ParsedImport, errors: ImportError[], roleOf: Awaited<ReturnType<typeof roleResolver>>) {
  const valid: { row: number; values: ContactRowValues }[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of parsed.rows) {
    const result = ContactRow.safeParse(values);
    if (!result.success) {
      errors.push(...issuesToImportErrors(row, result.error.issues));
      continue;
    }
    const data = result.data;
    if (data.role !== undefined) {
      const key = roleOf.resolve(data.role);
      if (!key) {
        errors.push({ row, field: "role", message: unknownRoleMessage(data.role, roleOf.keys) });
        continue;
      }
      data.role = key;
    }
    const first = firstRowOf.get(data.email);
    if (first !== undefined) {
      errors.push({ row, field: "email", message: `${data.email} already appears in row ${first}; only that row is imported` });
      continue;
    }
    firstRowOf.set(data.email, row);
    valid.push({ row, values: data });
  }
  return valid;
}

/** Rows whose address is not on the suppression list, with the address's HMAC. */
async function unsuppressed(db: Db, secret: string, rows: { row: number; values: ContactRowValues }[], errors: ImportError[]) {
  const withHmac = await Promise.all(rows.map(async (r) => ({ ...r, hmac: await emailHmac(secret, r.values.email) })));
  const reasons = await suppressionReasonsByHmac(db, withHmac.map((r) => r.hmac));
  return withHmac.filter((r) => {
    const reason = reasons.get(r.hmac);
    if (reason) errors.push({ row: r.row, field: "email", message: `${suppressedMessage(reason)} (not imported)` });
    return !reason;
  });
}
