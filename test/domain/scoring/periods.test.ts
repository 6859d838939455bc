import { describe, expect, it } from "vitest";
import { fiscalQuarterOf, localMidnight, periodFromKey, quarterAt, quarterPeriod, shiftPeriodKey, t12Period } from "../../../src/domain/scoring/periods";

describe("fiscal quarters", () => {
  it("calendar fiscal year (start month 1)", () => {
    expect(fiscalQuarterOf(2026, 1, 1)).toEqual({ fiscalYear: 2026, quarter: 1 });
    expect(fiscalQuarterOf(2026, 12, 1)).toEqual({ fiscalYear: 2026, quarter: 4 });
  });

  it("names a fiscal year for the calendar year it ends in (start month 4: April 2026 – March 2027 is FY2027)", () => {
    expect(fiscalQuarterOf(2026, 4, 4)).toEqual({ fiscalYear: 2027, quarter: 1 });
    expect(fiscalQuarterOf(2026, 12, 4)).toEqual({ fiscalYear: 2027, quarter: 3 });
    expect(fiscalQuarterOf(2027, 3, 4)).toEqual({ fiscalYear: 2027, quarter: 4 });
    expect(quarterPeriod({ fiscalYear: 2027, quarter: 1 }, { timeZone: "UTC", fiscalYearStartMonth: 4 })).toMatchObject({
      key: "2027-Q1",
      start: "2026-04-01T00:00:00.000Z",
      end: "2026-07-01T00:00:00.000Z",
    });
  });

  it("puts boundaries at local midnight in the organization's time zone, across DST", () => {
    // Berlin is UTC+1 in winter, UTC+2 in summer.
    expect(localMidnight(2026, 1, 1, "Europe/Berlin").toISOString()).toBe("2025-12-31T23:00:00.000Z");
    expect(localMidnight(2026, 7, 1, "Europe/Berlin").toISOString()).toBe("2026-06-30T22:00:00.000Z");
    const q = quarterAt(new Date("2026-03-31T22:30:00.000Z"), { timeZone: "Europe/Berlin", fiscalYearStartMonth: 1 });
    expect(q).toEqual({ fiscalYear: 2026, quarter: 2 }); // 00:30 on 1 April in Berlin
    expect(quarterAt(new Date("2026-03-31T22:30:00.000Z"), { timeZone: "UTC", fiscalYearStartMonth: 1 })).toEqual({ fiscalYear: 2026, quarter: 1 });
  });

  it("trailing 12 months end with their quarter and span four quarters", () => {
    const p = t12Period({ fiscalYear: 2026, quarter: 2 }, { timeZone: "UTC", fiscalYearStartMonth: 1 });
    expect(p).toMatchObject({ key: "2026-Q2-T12", start: "2025-07-01T00:00:00.000Z", end: "2026-07-01T00:00:00.000Z", quarters: ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"] });
    expect(periodFromKey("2026-Q2-T12", { timeZone: "UTC", fiscalYearStartMonth: 1 })).toEqual(p);
  });

  it("shifts periods by quarters across years", () => {
    expect(shiftPeriodKey("2026-Q1", -1)).toBe("2025-Q4");
    expect(shiftPeriodKey("2026-Q1-T12", -4)).toBe("2025-Q1-T12");
    expect(shiftPeriodKey("nonsense", -1)).toBeNull();
  });
});
