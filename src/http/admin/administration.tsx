import { Hono } from "hono";
import { asc, desc, lt } from "drizzle-orm";
import { apiTokens, holidays, settings } from "../../db/schema";
import { createToken, revokeToken, type TokenView } from "../../domain/access/tokens";
import { createdJustNow, listAuditEntriesNamed } from "../../domain/audit/query";
import { listOutbox } from "../../domain/delivery/outbox";
import { addHoliday, deleteHoliday, updateSettings, type Settings } from "../../domain/settings/settings";
import { ApiError, notFound } from "../../lib/errors";
import { HolidayCreate, SettingsPatch } from "../api/settings";
import { TokenCreate } from "../api/tokens";
import { formErrorsFrom, type FormErrors } from "../../views/admin/components";
import { administrationPage } from "../../views/admin/administration";
import { auditPage, type AuditFilterValues } from "../../views/admin/audit";
import { holidaysPage } from "../../views/admin/holidays";
import { outboxPage } from "../../views/admin/outbox";
import { settingsFormValues, settingsPage, type SettingsFormValues } from "../../views/admin/settings";
import { tokensPage, type TokenFormValues } from "../../views/admin/tokens";
import { deletedBefore, flashFrom, formBody, numberOrText, text, texts, validate } from "./forms";
import { refuse, type AdminEnv } from "./session";
import type { Context } from "hono";
import type { Db } from "../../db/client";
import { splitPage } from "../../lib/pages";

/** Administration: API tokens, organization settings, holidays, the audit log, the outbox (people and webhooks live beside). */
export const administration = new Hono<AdminEnv>();

const TOKENS_PAGE = 50;
const AUDIT_PAGE = 50;
const OUTBOX_PAGE = 50;

administration.get("/administration", (c) => c.html(administrationPage({ nonce: c.var.nonce, viewer: c.var.viewer })));

// ─── API tokens ───

const tokenRows = (db: Db, before: string | null) =>
  db
    .select({ id: apiTokens.id, name: apiTokens.name, scopes: apiTokens.scopes, createdAt: apiTokens.createdAt, revokedAt: apiTokens.revokedAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(before ? lt(apiTokens.id, before) : undefined)
    .orderBy(desc(apiTokens.id))
    .limit(TOKENS_PAGE + 1)
    .all();

async function renderTokens(c: Context<AdminEnv>, extra: { values?: TokenFormValues; errors?: FormErrors; created?: { name: string; token: string } | null }, status: 200 | 201 | 409 | 422 = 200) {
  const before = c.req.query("before") || null;
  const rows: TokenView[] = await tokenRows(c.var.db, before);
  const { items: tokens, next: nextBefore } = splitPage(rows, TOKENS_PAGE, (last) => last.id);
  if (extra.created) c.header("Cache-Control", "no-store");
  return c.html(
    tokensPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      tokens,
      nextBefore,
      before,
      values: extra.values ?? { name: "", scopes: [] },
      errors: extra.errors ?? {},
      created: extra.created ?? null,
      flash: flashFrom(c, { revoked: "Token revoked: it stopped working at once." }),
    }),
    status,
  );
}

administration.get("/tokens", (c) => renderTokens(c, {}));

administration.post("/tokens", async (c) => {
  const body = await formBody(c);
  const values = { name: text(body, "name"), scopes: texts(body, "scopes") };
  const parsed = validate(TokenCreate, values);
  if (!parsed.ok) return renderTokens(c, { values, errors: parsed.errors }, 422);
  if (await createdJustNow(c.var.db, { action: "token.create", actor: c.var.actor.id, name: parsed.value.name, now: new Date() })) {
    const message = "A token with this name was created a moment ago (was the form sent twice?). Its secret was shown then; if it was lost, revoke that token below and create a new one.";
    return renderTokens(c, { values, errors: { name: message } }, 409);
  }
  const created = await createToken(c.var.db, c.var.actor.id, parsed.value);
  return renderTokens(c, { created: { name: created.name, token: created.token } }, 201);
});

administration.post("/tokens/:id/revoke", async (c) => {
  await revokeToken(c.var.db, c.var.actor.id, c.req.param("id"));
  return c.redirect("/admin/tokens?done=revoked", 303);
});

// ─── settings ───

async function currentSettings(db: Db): Promise<Settings> {
  const row = await db.select().from(settings).limit(1).get();
  if (!row) throw notFound("The settings row");
  const { id: _id, ...rest } = row;
  return rest;
}

administration.get("/settings", async (c) => {
  const current = await currentSettings(c.var.db);
  return c.html(settingsPage({ nonce: c.var.nonce, viewer: c.var.viewer, values: settingsFormValues(current), errors: {}, updatedAt: current.updatedAt, flash: flashFrom(c, { saved: "Settings saved." }) }));
});

const SETTINGS_FIELDS = ["organizationName", "timeZone", "fiscalYearStartMonth", "defaultLocale", "caseNpsMax", "caseOsatMax", "caseCesMax", "sendWindowStart", "sendWindowEnd", "caseSlaTopDays", "caseSlaOtherDays"] as const;
const NUMERIC_SETTINGS = new Set<string>(["fiscalYearStartMonth", "caseNpsMax", "caseOsatMax", "caseCesMax", "caseSlaTopDays", "caseSlaOtherDays"]);

administration.post("/settings", async (c) => {
  const body = await formBody(c);
  const values = Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, text(body, name)])) as SettingsFormValues;
  const input = Object.fromEntries(SETTINGS_FIELDS.map((name) => [name, NUMERIC_SETTINGS.has(name) ? (numberOrText(values[name]) ?? "") : values[name]]));
  const parsed = validate(SettingsPatch, input);
  if (!parsed.ok) {
    const current = await currentSettings(c.var.db);
    return c.html(settingsPage({ nonce: c.var.nonce, viewer: c.var.viewer, values, errors: parsed.errors, updatedAt: current.updatedAt, flash: null }), 422);
  }
  await updateSettings(c.var.db, c.var.actor.id, parsed.value);
  return c.redirect("/admin/settings?done=saved", 303);
});

// ─── holidays ───

const HOLIDAY_FLASH = { added: "Holiday added.", removed: "Holiday removed.", gone: "That holiday was already removed (the form was sent again); nothing changed." };

async function renderHolidays(c: Context<AdminEnv>, values = { date: "", label: "" }, errors: FormErrors = {}, status: 200 | 409 | 422 = 200) {
  const list = await c.var.db.select().from(holidays).orderBy(asc(holidays.date)).all();
  return c.html(holidaysPage({ nonce: c.var.nonce, viewer: c.var.viewer, holidays: list, values, errors, flash: flashFrom(c, HOLIDAY_FLASH) }), status);
}

administration.get("/holidays", (c) => renderHolidays(c));

administration.post("/holidays", async (c) => {
  const body = await formBody(c);
  const values = { date: text(body, "date"), label: text(body, "label") };
  // An empty date is a field left blank ("fill this in"), not a malformed one ("use … YYYY-MM-DD" under a mm/dd/yyyy box).
  const parsed = validate(HolidayCreate, { ...values, date: values.date || undefined });
  if (!parsed.ok) return renderHolidays(c, values, parsed.errors, 422);
  try {
    await addHoliday(c.var.db, c.var.actor.id, parsed.value);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.errors) return renderHolidays(c, values, formErrorsFrom(error.errors), 409);
    throw error;
  }
  return c.redirect("/admin/holidays?done=added", 303);
});

administration.post("/holidays/:date/delete", async (c) => {
  // Back and Remove again finds the holiday gone: the list says so rather than a "does not exist" error page.
  const gone = await deletedBefore(deleteHoliday(c.var.db, c.var.actor.id, c.req.param("date")));
  return c.redirect(`/admin/holidays?done=${gone ? "gone" : "removed"}`, 303);
});

// ─── audit log ───

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

administration.get("/audit", async (c) => {
  const q = (name: string) => c.req.query(name)?.trim() ?? "";
  const f: AuditFilterValues = { actor: q("actor"), entityType: q("entityType"), entityId: q("entityId"), action: q("action"), from: q("from"), to: q("to") };
  const errors: FormErrors = {};
  for (const key of ["from", "to"] as const) if (f[key] && (!DATE.test(f[key]) || Number.isNaN(Date.parse(f[key])))) errors[key] = "Use a date such as 2026-11-27.";
  if (!errors.from && !errors.to && f.from && f.to && f.to < f.from) errors.to = "The end comes before the start.";
  const beforeText = q("before");
  const beforeId = beforeText ? Number(beforeText) : undefined;
  if (beforeId !== undefined && !Number.isSafeInteger(beforeId)) errors.before = "This page link is broken; start again from the first page.";
  const refused = Object.keys(errors).length > 0;
  const rows = refused
    ? []
    : await listAuditEntriesNamed(c.var.db, {
        actor: f.actor || undefined,
        entityType: f.entityType || undefined,
        entityId: f.entityId || undefined,
        action: f.action || undefined,
        from: f.from || undefined,
        to: f.to ? dayAfter(f.to) : undefined,
        beforeId,
        limit: AUDIT_PAGE,
      });
  const { items: entries, next: nextBefore } = splitPage(rows, AUDIT_PAGE, (last) => String(last.id));
  return c.html(auditPage({ nonce: c.var.nonce, viewer: c.var.viewer, filter: f, errors, entries, nextBefore, before: beforeText || null }), refused ? 422 : 200);
});

// ─── outbox (local mode) ───

administration.get("/outbox", async (c) => {
  // The outbox holds everyone's sign-in links and customers' survey links: one click there signs in as that person.
  if (c.var.viewer.role !== "admin") return refuse(c, 403, "Only admins read the outbox", "It holds other people's sign-in links and customers' survey links. Ask an admin if a mail did not arrive.");
  const before = c.req.query("before") || undefined;
  const rows = await listOutbox(c.var.db, { before, limit: OUTBOX_PAGE + 1 });
  const { items: mails, next: nextBefore } = splitPage(rows, OUTBOX_PAGE, (last) => last.id);
  return c.html(outboxPage({ nonce: c.var.nonce, viewer: c.var.viewer, mails, nextBefore }));
});
