import { getTableColumns, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { isUniqueViolation } from "../../../db/errors";
import { chunkRows, inListChunks } from "../../../db/limits";
import { contacts, roles, suppressions, type Contact } from "../../../db/schema";
import { conflict } from "../../../lib/errors";
import { headerSafe } from "../../../lib/header-text";
import { newId, randomUnit } from "../../../lib/ids";
import { changeDetail } from "../../audit/changes";
import type { AuditEntry } from "../../audit/log";
import { auditInserts } from "../../audit/many";
import { getSettings } from "../../settings/settings";
import { accountsByExternalId } from "../accounts";
import { contactFields, contactsByEmail, suppressedMessage, unknownRoleMessage } from "../contacts";
import { emailHmac, formerAddressOwners, suppressionReasonsByHmac } from "../suppression";
import type { ImportContext, ImportError, ImportOptions, ImportReport, RowReport } from "./options";
import { crmId, issuesToImportErrors, mapValues, rowLines, upsertSet } from "./shared";
import { parseImport, requireColumns, type HeaderAliases, type ParsedImport } from "./source";
import { parseFlag, squash } from "./values";

/** Header names CRMs (Salesforce, HubSpot, Pipedrive, Dynamics, Marketo, spreadsheets) use for contact fields. */
export const CONTACT_COLUMNS: HeaderAliases = {
  email: ["Email", "Email Address", "E-mail", "E-mail Address", "Work Email", "Primary Email"],
  name: ["Full Name", "Contact Name", "Name"],
  firstName: ["First Name", "Given Name", "Firstname"],
  lastName: ["Last Name", "Surname", "Family Name", "Lastname"],
  role: ["Role", "Contact Role", "Buying Role", "Buying Roles", "Persona"],
  /** A job title is no role key, but a value map (or a role's label) may turn it into one when no role is given. */
  title: ["Title", "Job Title", "Position"],
  accountExternalId: [
    "Account External ID",
    "Account ID",
    "Associated Company IDs (Primary)",
    "Associated Company ID",
    "Associated Company IDs",
    "Company ID",
    "Organization ID",
    "Account Number",
  ],
  locale: ["Locale", "Preferred Language", "Language", "Preferred language"],
  optOut: [
    "Email Opt Out",
    "Has Opted Out Of Email",
    "Unsubscribed from all email",
    "Opted out of all email",
    "Do Not Email",
    "Do not allow Emails",
    "Email Opt-Out",
    "Opted Out",
    "Unsubscribed",
    "Global Unsubscribe",
  ],
};

const firstId = (value: unknown) => (typeof value === "string" ? value.split(";")[0]!.trim() : value);
const headerText = (value: unknown) => (typeof value === "string" ? headerSafe(value) : value);

const ContactRow = z.object({
  email: contactFields.email,
  // A name may reach a To: display name: never CR/LF.
  name: z.preprocess(headerText, z.string().max(200)).optional(),
  firstName: z.preprocess(headerText, z.string().max(100)).optional(),
  lastName: z.preprocess(headerText, z.string().max(100)).optional(),
  role: contactFields.role.optional(),
  title: z.string().trim().max(200).optional(),
  // HubSpot lists several associated companies separated by ';': the first is the primary one.
  accountExternalId: z.preprocess(firstId, crmId).optional(),
  locale: contactFields.locale.optional(),
  optOut: z.preprocess(parseFlag, z.boolean({ error: "use yes/no, true/false or 1/0" })).optional(),
});
type ContactRowValues = z.output<typeof ContactRow>;
/** The part of a row that decides an opt-out: its address and the CRM's opt-out flag. */
const OptOutRow = ContactRow.pick({ email: true, optOut: true });
type Changes = Partial<Pick<Contact, "accountId" | "name" | "role" | "locale">>;
type Checked = { row: number; values: ContactRowValues; hmac: string };

const CONTACT_COLUMN_COUNT = Object.keys(getTableColumns(contacts)).length;
const SUPPRESSION_COLUMN_COUNT = Object.keys(getTableColumns(suppressions)).length;

/**
 * Upserts contacts by email. Addresses on the suppression list — and the former addresses of people who opted out —
 * are reported and never imported, so a CRM re-import does not bring back people who opted out, bounced or were
 * erased. Status is never imported, but every CRM opt-out column is honoured: the address goes onto the suppression
 * list and an existing contact is unsubscribed. A dry run reports the same and writes nothing.
 */
export async function importContacts(db: Db, context: ImportContext, mediaType: string | undefined, body: ArrayBuffer, options: ImportOptions): Promise<ImportReport> {
  const parsed = parseImport(mediaType, body, CONTACT_COLUMNS, { mapping: options.mapping });
  return importParsedContacts(db, context, parsed, options);
}

export async function importParsedContacts(db: Db, { actor, secret, now = new Date() }: ImportContext, parsed: ParsedImport, options: ImportOptions): Promise<ImportReport> {
  requireColumns(parsed, CONTACT_COLUMNS, ["email"]);
  const errors: ImportError[] = [...parsed.errors];
  for (const { values } of parsed.rows) mapValues(values, options.valueMaps);
  const roleOf = await roleResolver(db, options.valueMaps?.role);
  const checked = await notSuppressed(db, secret, validRows(parsed, errors, roleOf), errors);
  const valid = checked.filter((r) => !r.values.optOut);
  const [existing, accountsByCrmId, settings] = await Promise.all([
    contactsByEmail(db, checked.map((r) => r.values.email)),
    accountsByExternalId(db, valid.flatMap((r) => (r.values.accountExternalId ? [r.values.accountExternalId] : []))),
    getSettings(db),
  ]);
  const stamp = now.toISOString();
  const upserts: Contact[] = [];
  const audits: AuditEntry[] = [];
  const lines: RowReport[] = [];

  for (const { row, values } of valid) {
    const current = existing.get(values.email) ?? null;
    const accountId = values.accountExternalId ? accountsByCrmId.get(values.accountExternalId)?.id : undefined;
    if (values.accountExternalId && !accountId) {
      errors.push({ row, field: "accountExternalId", message: `no account has externalId '${values.accountExternalId}'; import the accounts first` });
      continue;
    }
    if (!current && (!accountId || !values.role)) {
      if (!values.accountExternalId) errors.push({ row, field: "accountExternalId", message: "required for a new contact" });
      if (!values.role) errors.push({ row, field: "role", message: values.title ? `required for a new contact; the title '${values.title}' names no role (map it with valueMaps.role)` : "required for a new contact" });
      continue;
    }
    const name = values.name || ([values.firstName, values.lastName].filter(Boolean).join(" ") || undefined);
    const wanted: Changes = { accountId, name, role: values.role, locale: values.locale };
    const changes = Object.fromEntries(
      Object.entries(wanted).filter(([key, value]) => value !== undefined && (!current || current[key as keyof Changes] !== value)),
    ) as Changes;
    if (current && Object.keys(changes).length === 0) {
      lines.push({ row, outcome: "unchanged", key: values.email, id: current.id });
      continue;
    }
    const contact: Contact = current
      ? { ...current, ...changes, updatedAt: stamp }
      : { id: newId("con", now), accountId: accountId!, email: values.email, name: name ?? null, role: values.role!, locale: values.locale ?? settings.defaultLocale, status: "active", prn: randomUnit(), createdAt: stamp, updatedAt: stamp };
    upserts.push(contact);
    lines.push(current ? { row, outcome: "updated", key: values.email, id: contact.id } : { row, outcome: "created", key: values.email, ...(options.dryRun ? {} : { id: contact.id }) });
    audits.push(
      current
        ? { actor, action: "contact.update", entityType: "contact", entityId: contact.id, detail: { ...changeDetail(current, changes), via: "import" } }
        : { actor, action: "contact.create", entityType: "contact", entityId: contact.id, detail: { accountId: contact.accountId, role: contact.role, locale: contact.locale, via: "import" } },
    );
  }

  const optOuts = checked.filter((r) => r.values.optOut);
  for (const r of optOuts) lines.push({ row: r.row, outcome: "optedOut", key: r.values.email, ...(existing.get(r.values.email) ? { id: existing.get(r.values.email)!.id } : {}) });
  const unsubscribed = optOuts.flatMap((r) => {
    const current = existing.get(r.values.email);
    return current && current.status === "active" ? [current] : [];
  });
  for (const contact of unsubscribed) {
    audits.push({ actor, action: "contact.update", entityType: "contact", entityId: contact.id, detail: { status: { from: contact.status, to: "unsubscribed" }, via: "import" } });
  }

  const rows = rowLines(lines, errors);
  const count = (outcome: RowReport["outcome"]) => rows.filter((r) => r.outcome === outcome).length;
  const report: ImportReport = {
    dryRun: options.dryRun === true,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    optedOut: count("optedOut"),
    errors,
    rows,
    mapping: parsed.mapping,
    ignoredColumns: parsed.ignoredColumns,
    numberFormat: null,
    dateFormat: null,
  };
  if (options.dryRun) return report;
  audits.push({ actor, action: "contact.import", entityType: "import", detail: { created: report.created, updated: report.updated, unchanged: report.unchanged, optedOut: report.optedOut, errors: errors.length } });
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

type RoleResolver = { resolve: (value: string) => string | undefined; keys: string[] };

/** CRM exports carry our role key, its label ("Decision Maker") or a word of their own mapped by valueMaps.role. */
async function roleResolver(db: Db, valueMap: Record<string, string> | undefined): Promise<RoleResolver> {
  const rows = await db.select({ key: roles.key, label: roles.label }).from(roles).all();
  const byName = new Map<string, string>();
  for (const role of rows) {
    byName.set(squash(role.label), role.key);
    byName.set(squash(role.key), role.key);
  }
  for (const [from, to] of Object.entries(valueMap ?? {})) {
    const key = byName.get(squash(to));
    if (key) byName.set(squash(from), key);
  }
  return { resolve: (value) => byName.get(squash(value)), keys: rows.map((r) => r.key).sort() };
}

/**
 * A row's values to import, or null with its problems added to `errors`. An opt-out is honoured even when the row's
 * other values are refused: nothing else of that row is imported.
 */
function rowValues(row: number, values: Record<string, unknown>, errors: ImportError[], roleOf: RoleResolver): ContactRowValues | null {
  const optedOut = OptOutRow.safeParse(values);
  if (optedOut.success && optedOut.data.optOut) return optedOut.data;
  const result = ContactRow.safeParse(values);
  if (!result.success) {
    errors.push(...issuesToImportErrors(row, result.error.issues));
    return null;
  }
  const data = result.data;
  if (data.role !== undefined) {
    const key = roleOf.resolve(data.role);
    if (!key) {
      errors.push({ row, field: "role", message: `${unknownRoleMessage(data.role, roleOf.keys)} (or map it with valueMaps.role, e.g. {"${data.role}": "champion"})` });
      return null;
    }
    data.role = key;
  } else if (data.title) {
    data.role = roleOf.resolve(data.title);
  }
  return data;
}

function validRows(parsed: ParsedImport, errors: ImportError[], roleOf: RoleResolver) {
  const valid: { row: number; values: ContactRowValues }[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, values } of parsed.rows) {
    const data = rowValues(row, values, errors, roleOf);
    if (!data) continue;
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

/**
 * Rows whose address may be imported, with the address's HMAC: not on the suppression list, and not a former
 * address of a contact who opted out or bounced (a re-import must not bring them back under an old address).
 */
async function notSuppressed(db: Db, secret: string, rows: { row: number; values: ContactRowValues }[], errors: ImportError[]): Promise<Checked[]> {
  const withHmac = await Promise.all(rows.map(async (r) => ({ ...r, hmac: await emailHmac(secret, r.values.email) })));
  const [reasons, formerOwners] = await Promise.all([
    suppressionReasonsByHmac(db, withHmac.map((r) => r.hmac)),
    formerAddressOwners(db, withHmac.map((r) => r.values.email)),
  ]);
  return withHmac.filter((r) => {
    const reason = reasons.get(r.hmac);
    // Opted out in the CRM and already suppressed: the row says what we already know (reported as optedOut).
    if (reason && r.values.optOut) return true;
    if (reason) {
      errors.push({ row: r.row, field: "email", message: `${suppressedMessage(reason)} (not imported)` });
      return false;
    }
    const owner = formerOwners.get(r.values.email);
    if (owner && owner.status !== "active") {
      errors.push({ row: r.row, field: "email", message: `this was an earlier address of contact ${owner.contactId}, who is ${owner.status}; it is not added again` });
      return false;
    }
    return true;
  });
}
