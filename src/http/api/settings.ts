import { createRoute, z } from "@hono/zod-openapi";
import { addHoliday, deleteHoliday, getSettings, listHolidays, updateSettings } from "../../domain/settings/settings";
import { CalendarDate, Locale, TimeZone } from "../../lib/fields";
import { adminOnly } from "../middleware/auth";
import { createRouter, jsonBody, jsonResponse, problemResponses } from "./router";

/** A local time of day, 24-hour HH:MM. */
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use a 24-hour time such as 09:00");

const CaseThreshold = (scale: string, min: number, max: number) =>
  z.number().int().min(min).max(max).openapi({ description: `A response case opens when the ${scale} answer is at most this.` });

const SlaDays = (whose: string) =>
  z.number().int().min(1).max(30).openapi({ description: `Business days (organization time zone, without weekends and holidays) to acknowledge a case, for ${whose}.` });

export const SettingsView = z
  .object({
    organizationName: z.string(),
    timeZone: z.string().openapi({ description: "IANA time zone: periods and business days are counted in it." }),
    fiscalYearStartMonth: z.number().int(),
    defaultLocale: z.string(),
    caseNpsMax: z.number().int(),
    caseOsatMax: z.number().int(),
    caseCesMax: z.number().int(),
    caseSlaTopDays: z.number().int().openapi({ description: "Business days to acknowledge a case of an account in the top 20 % of revenue." }),
    caseSlaOtherDays: z.number().int().openapi({ description: "Business days to acknowledge any other case." }),
    sendWindowStart: z.string().openapi({ description: "Local time (HH:MM) from which scheduled work goes out on working days." }),
    sendWindowEnd: z.string().openapi({ description: "Local time (HH:MM) until which scheduled work goes out." }),
    updatedAt: z.string(),
  })
  .openapi("Settings");

export const SettingsPatch = z
  .strictObject({
    organizationName: z.string().trim().min(1).max(200),
    timeZone: TimeZone,
    fiscalYearStartMonth: z.number().int().min(1).max(12).openapi({ description: "1 = January. A fiscal year is named for the calendar year it ends in." }),
    defaultLocale: Locale,
    caseNpsMax: CaseThreshold("NPS (0–10)", 0, 10),
    caseOsatMax: CaseThreshold("OSAT (1–5)", 1, 5),
    caseCesMax: CaseThreshold("CES (1–7)", 1, 7),
    caseSlaTopDays: SlaDays("accounts in the top 20 % of revenue (default 2)"),
    caseSlaOtherDays: SlaDays("every other account (default 5)"),
    sendWindowStart: LocalTime.openapi({ description: "Scheduled work (program slices, due deferrals, delayed sends, reminders) goes out on working days from this local time." }),
    sendWindowEnd: LocalTime.openapi({ description: "…until this local time (after the start)." }),
  })
  .partial()
  .refine((patch) => !patch.sendWindowStart || !patch.sendWindowEnd || patch.sendWindowStart < patch.sendWindowEnd, {
    message: "the window must end after it starts",
    path: ["sendWindowEnd"],
  })
  .openapi("SettingsPatch");

export const settingsRouter = createRouter();
settingsRouter.use("*", adminOnly);

settingsRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Settings"],
    summary: "Organization settings",
    responses: { 200: jsonResponse(SettingsView, "The settings"), ...problemResponses },
  }),
  async (c) => c.json(await getSettings(c.var.db), 200),
);

settingsRouter.openapi(
  createRoute({
    method: "patch",
    path: "/",
    tags: ["Settings"],
    summary: "Change organization settings",
    request: { body: jsonBody(SettingsPatch) },
    responses: { 200: jsonResponse(SettingsView, "Updated"), ...problemResponses },
  }),
  async (c) => c.json(await updateSettings(c.var.db, c.var.actor.id, c.req.valid("json")), 200),
);

const Holiday = z.object({ date: z.string().openapi({ example: "2026-12-25" }), label: z.string() }).openapi("Holiday");
export const HolidayCreate = z.strictObject({ date: CalendarDate, label: z.string().trim().min(1).max(200) }).openapi("HolidayCreate");
const HolidayRange = z.object({ from: CalendarDate.optional(), to: CalendarDate.optional() });
const DateParam = z.object({ date: CalendarDate.openapi({ param: { name: "date", in: "path" } }) });

export const holidaysRouter = createRouter();
holidaysRouter.use("*", adminOnly);

holidaysRouter.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Settings"],
    summary: "List holidays (skipped when counting business days), optionally within from/to",
    request: { query: HolidayRange },
    responses: { 200: jsonResponse(z.object({ items: z.array(Holiday) }), "Holidays in date order"), ...problemResponses },
  }),
  async (c) => c.json({ items: await listHolidays(c.var.db, c.req.valid("query")) }, 200),
);

holidaysRouter.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Settings"],
    summary: "Add a holiday",
    request: { body: jsonBody(HolidayCreate) },
    responses: { 201: jsonResponse(Holiday, "Added"), ...problemResponses },
  }),
  async (c) => c.json(await addHoliday(c.var.db, c.var.actor.id, c.req.valid("json")), 201),
);

holidaysRouter.openapi(
  createRoute({
    method: "delete",
    path: "/{date}",
    tags: ["Settings"],
    summary: "Remove a holiday",
    request: { params: DateParam },
    responses: { 204: { description: "Removed" }, ...problemResponses },
  }),
  async (c) => {
    await deleteHoliday(c.var.db, c.var.actor.id, c.req.valid("param").date);
    return c.body(null, 204);
  },
);
