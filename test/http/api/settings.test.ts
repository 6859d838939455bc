import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { tokenWithScopes } from "../../support/tokens";

describe("/api/v1/settings and /holidays", () => {
  it("reads the shipped defaults", async () => {
    expect(await json(await api("GET", "/settings"))).toMatchObject({
      organizationName: "Quorum",
      timeZone: "UTC",
      fiscalYearStartMonth: 1,
      defaultLocale: "en",
      caseNpsMax: 6,
      caseOsatMax: 2,
      caseCesMax: 3,
    });
  });

  it("changes settings and audits before and after", async () => {
    const res = await api("PATCH", "/settings", { organizationName: "Acme CX", timeZone: "Europe/Berlin", fiscalYearStartMonth: 4, defaultLocale: "de-de" });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ organizationName: "Acme CX", timeZone: "Europe/Berlin", fiscalYearStartMonth: 4, defaultLocale: "de-DE", caseNpsMax: 6 });
    const audit = await env.DB.prepare("SELECT detail FROM audit_log WHERE action = 'settings.update' ORDER BY id DESC LIMIT 1").first<{ detail: string }>();
    expect(JSON.parse(audit!.detail)).toMatchObject({ before: { timeZone: "UTC" }, after: { timeZone: "Europe/Berlin" } });
  });

  it("refuses a made-up time zone, month 13 and out-of-scale thresholds with field paths", async () => {
    const body = await json(await api("PATCH", "/settings", { timeZone: "Mars/Olympus", fiscalYearStartMonth: 13, caseNpsMax: 11, defaultLocale: "not a locale" }));
    expect(body.status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["caseNpsMax", "defaultLocale", "fiscalYearStartMonth", "timeZone"]);
    expect((await api("PATCH", "/settings", { theme: "dark" })).status).toBe(400);
    expect((await json(await api("GET", "/settings"))).timeZone).not.toBe("Mars/Olympus");
  });

  it("only admins change settings", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", "/settings", undefined, { token })).status).toBe(200);
    expect((await api("PATCH", "/settings", { organizationName: "x" }, { token })).status).toBe(403);
  });

  it("adds, lists by range and removes holidays", async () => {
    expect((await api("POST", "/holidays", { date: "2026-12-25", label: "Christmas Day" })).status).toBe(201);
    expect((await api("POST", "/holidays", { date: "2027-01-01", label: "New Year" })).status).toBe(201);
    const dup = await api("POST", "/holidays", { date: "2026-12-25", label: "Again" });
    expect(dup.status).toBe(409);

    const range = await json(await api("GET", "/holidays?from=2026-12-01&to=2026-12-31"));
    expect(range.items).toEqual([{ date: "2026-12-25", label: "Christmas Day" }]);

    expect((await api("DELETE", "/holidays/2026-12-25")).status).toBe(204);
    expect((await api("DELETE", "/holidays/2026-12-25")).status).toBe(404);
    expect((await json(await api("GET", "/holidays"))).items.map((h: { date: string }) => h.date)).toEqual(["2027-01-01"]);
  });

  it("refuses dates that do not exist", async () => {
    const body = await json(await api("POST", "/holidays", { date: "2026-02-30", label: "Nope" }));
    expect(body.status).toBe(400);
    expect(body.errors[0].path).toBe("date");
    expect((await api("POST", "/holidays", { date: "25.12.2026", label: "Nope" })).status).toBe(400);
    expect((await api("DELETE", "/holidays/christmas")).status).toBe(400);
  });
});
