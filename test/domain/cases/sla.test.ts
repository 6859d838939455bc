import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { addBusinessDays, caseDueTimes } from "../../../src/domain/cases/sla";

describe("SLA due dates in business days (SPEC §8)", () => {
  it("skips a weekend and a holiday in Europe/Berlin, keeping the local time across the DST change", () => {
    // Thursday 26 March 2026, 15:00 in Berlin (CET, UTC+1). Friday 27 March is a holiday; clocks go forward on Sunday 29.
    const opened = new Date("2026-03-26T14:00:00.000Z");
    const holidays = new Set(["2026-03-27"]);
    // 2 business days: Monday 30 (1), Tuesday 31 (2) → 15:00 CEST (UTC+2) = 13:00 UTC.
    expect(addBusinessDays(opened, 2, "Europe/Berlin", holidays).toISOString()).toBe("2026-03-31T13:00:00.000Z");
    // 5 business days: Mon 30, Tue 31, Wed 1, Thu 2, Fri 3 April.
    expect(addBusinessDays(opened, 5, "Europe/Berlin", holidays).toISOString()).toBe("2026-04-03T13:00:00.000Z");
    // Without the holiday: Friday 27 (1), Monday 30 (2) → 15:00 CEST.
    expect(addBusinessDays(opened, 2, "Europe/Berlin", new Set()).toISOString()).toBe("2026-03-30T13:00:00.000Z");
  });

  it("counts in the organization's zone, not UTC: late Friday evening in New York is already Saturday in UTC", () => {
    // Friday 8 May 2026, 22:30 in New York (EDT, UTC−4) = Saturday 02:30 UTC.
    const opened = new Date("2026-05-09T02:30:00.000Z");
    // Local Friday: Monday 11 (1), Tuesday 12 (2) → Tuesday 22:30 EDT = Wednesday 02:30 UTC.
    expect(addBusinessDays(opened, 2, "America/New_York", new Set()).toISOString()).toBe("2026-05-13T02:30:00.000Z");
    // Read in UTC it would have started on Saturday and ended on Tuesday 02:30 UTC: a day early.
    expect(addBusinessDays(opened, 2, "UTC", new Set()).toISOString()).toBe("2026-05-12T02:30:00.000Z");
  });

  it("a case opened on a Saturday counts from Monday", () => {
    expect(addBusinessDays(new Date("2026-05-09T10:00:00.000Z"), 2, "UTC", new Set()).toISOString()).toBe("2026-05-12T10:00:00.000Z");
  });
});

describe("caseDueTimes: the due times a case opened now gets, from the settings and the holidays", () => {
  it("uses the settings' business days and time zone and skips the stored holidays", async () => {
    await env.DB.prepare("UPDATE settings SET time_zone = 'Europe/Berlin', case_sla_top_days = 1, case_sla_other_days = 3 WHERE id = 1").run();
    await env.DB.prepare("INSERT OR IGNORE INTO holidays (date, label) VALUES ('2026-03-27', 'Test holiday'), ('2026-03-01', 'Past holiday')").run();
    // Thursday 26 March 2026, 15:00 in Berlin; Friday 27 is a holiday, clocks go forward on Sunday 29.
    const due = await caseDueTimes(createDb(env.DB), new Date("2026-03-26T14:00:00.000Z"));
    // 1 business day: Monday 30, 15:00 CEST. 3: Mon 30, Tue 31, Wed 1 April.
    expect(due).toEqual({ top: "2026-03-30T13:00:00.000Z", other: "2026-04-01T13:00:00.000Z" });
  });
});
