import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { businessDays, localDate } from "../../../src/domain/targeting/calendar";
import { sql } from "drizzle-orm";
import { runAll } from "../../../src/db/batch";
import { dueRanges, inWindow, nextRegularSend, nextRegularSendSql, offsetOf, regularSendWaves, sendDay, waveAt, waveStart, waveWindow } from "../../../src/domain/targeting/program";
import { createDb } from "../../../src/db/client";
import { runWaveSlice } from "../../../src/domain/targeting/waves";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";

describe("permanent-random-number rotation (pure)", () => {
  it("every contact is in exactly one of any 1/f consecutive waves (f = 1/k)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 200 }), fc.constantFrom(2, 3, 4, 5), (prn, first, k) => {
        const f = 1 / k;
        const hits = Array.from({ length: k }, (_, j) => inWindow(prn, waveWindow(first + j, f))).filter(Boolean).length;
        expect(hits).toBe(1);
      }),
    );
  });

  it("the send day grows with the position in the window and stays inside the wave's working days", () => {
    const w0 = waveWindow(0, 0.5);
    const w1 = waveWindow(1, 0.5);
    expect(w1).toEqual({ s: 0.5, e: 0, fraction: 0.5 });
    expect(sendDay(0.0, w0, 60)).toBe(0);
    expect(sendDay(0.25, w0, 60)).toBe(30);
    expect(sendDay(0.4999, w0, 60)).toBe(59);
    expect(sendDay(0.75, w1, 60)).toBe(30);
    expect(offsetOf(0.1, 0.9)).toBeCloseTo(0.2);
    expect(dueRanges(w0, 9, 60)).toEqual([[0, expect.closeTo(1 / 12)]]);
    expect(dueRanges(w1, 59, 60)).toEqual([[0.5, 1]]);
    const wrapping = waveWindow(3, 0.3); // [0.9, 0.2)
    expect(dueRanges(wrapping, 99, 100)).toEqual([[expect.closeTo(0.9), 1], [0, expect.closeTo(0.2)]]);
    expect(dueRanges(wrapping, 0, 100)).toEqual([[expect.closeTo(0.9), expect.closeTo(0.903)]]);
  });

  it("waves are quarters from the epoch when wavesPerYear divides 12; business days skip weekends and holidays", () => {
    const epoch = new Date("2026-01-01T00:00:00.000Z");
    expect(waveStart(epoch, 4, 5, "UTC").toISOString()).toBe("2027-04-01T00:00:00.000Z");
    expect(waveAt(epoch, 4, new Date("2026-09-30T23:59:59.999Z"), "UTC")).toMatchObject({ index: 2 });
    expect(waveAt(epoch, 4, new Date("2026-10-01T00:00:00.000Z"), "UTC")).toMatchObject({ index: 3 });
    expect(waveStart(new Date("2026-01-01T00:00:00.000Z"), 4, 1, "Europe/Berlin").toISOString()).toBe("2026-03-31T22:00:00.000Z");
    expect(businessDays("2026-12-21", "2026-12-28", new Set(["2026-12-25"]))).toEqual(["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24"]);
    expect(localDate(new Date("2026-03-31T22:30:00.000Z"), "Europe/Berlin")).toBe("2026-04-01");
  });
});

describe("the relational program over a simulated year and a half", () => {
  it("invites each contact at most once per wave, on its send day, and covers the whole base every 1/f waves", { timeout: 90_000 }, async () => {
    const epoch = "2026-01-01T00:00:00.000Z";
    const { survey } = await makeSurvey({ kind: "relational", programEpoch: epoch, wavesPerYear: 4, fractionPerWave: 0.5 });
    const people = [];
    // Not committee roles: the revenue rule (its own tests) stays out of the rotation under test.
    for (let k = 0; k < 24; k++) people.push(await makeContact((await makeAccount()).id, { prn: (k + 0.5) / 24, role: "end_user" }));
    const holidays = new Set(["2026-05-01"]);
    const deps = { db: createDb(env.DB), queue: env.MAIL_QUEUE, hmacSecret: env.HMAC_SECRET };
    const ctx = { calendar: { timeZone: "UTC", fiscalYearStartMonth: 1 }, holidays };

    const waves = 6;
    for (let day = Date.parse(epoch); day < Date.parse("2027-07-01T00:00:00.000Z"); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      if (businessDays(date, nextDay(date), holidays).length === 0) continue;
      await runWaveSlice(deps, survey, ctx, new Date(day + 9 * 3600_000), { remaining: 400 });
    }

    const rows = await env.DB.prepare(
      "SELECT contact_id, cause_id, status, admitted_at, blocking_rule FROM invitations WHERE survey_id = ? AND cause_type = 'program'",
    )
      .bind(survey.id)
      .all<{ contact_id: string; cause_id: string; status: string; admitted_at: string | null; blocking_rule: string | null }>();
    const byWave = new Map<number, string[]>();
    for (const row of rows.results) {
      const wave = Number(row.cause_id.split(":")[1]);
      byWave.set(wave, [...(byWave.get(wave) ?? []), row.contact_id]);
      // The gap between a contact's sends is about 2 waves: the 150-day relational cap never cuts a regular send.
      expect(row.blocking_rule).toBeNull();
      expect(row.status).not.toBe("suppressed");
    }
    expect([...byWave.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let w = 0; w < waves; w++) {
      const invited = byWave.get(w)!;
      expect(new Set(invited).size).toBe(invited.length); // never twice in one wave
      expect(invited.sort()).toEqual(people.filter((p) => inWindow(p.prn, waveWindow(w, 0.5))).map((p) => p.id).sort());
      if (w > 0) expect(new Set([...invited, ...byWave.get(w - 1)!]).size).toBe(people.length); // whole base every 1/f waves
    }

    // Each send lands on the contact's working day of its wave.
    for (const row of rows.results) {
      const wave = Number(row.cause_id.split(":")[1]);
      const start = waveStart(new Date(epoch), 4, wave, "UTC");
      const end = waveStart(new Date(epoch), 4, wave + 1, "UTC");
      const days = businessDays(localDate(start, "UTC"), localDate(end, "UTC"), holidays);
      const prn = people.find((p) => p.id === row.contact_id)!.prn;
      expect(row.admitted_at!.slice(0, 10)).toBe(days[sendDay(prn, waveWindow(wave, 0.5), days.length)]);
    }
  });
});

function nextDay(date: string) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe("next regular send in SQL (the coverage page reads it in its one batch)", () => {
  it("answers exactly what nextRegularSend answers, for any prn, wave settings, time zone and holidays, window edges included", async () => {
    const db = createDb(env.DB);
    const settings = fc.record({
      wavesPerYear: fc.constantFrom(1, 2, 3, 4, 5, 6, 12),
      fractionPerWave: fc.constantFrom(0.1, 0.25, 0.3, 0.5, 1, 2),
      epochDays: fc.integer({ min: 0, max: 900 }),
      nowDays: fc.integer({ min: -30, max: 900 }),
      timeZone: fc.constantFrom("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"),
    });
    await fc.assert(
      fc.asyncProperty(settings, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 20 }), async (p, randomPrns) => {
        const epoch = new Date(Date.UTC(2025, 0, 1) + p.epochDays * 86_400_000);
        const survey = { programEpoch: epoch.toISOString(), createdAt: epoch.toISOString(), wavesPerYear: p.wavesPerYear, fractionPerWave: p.fractionPerWave };
        const now = new Date(epoch.getTime() + p.nowDays * 86_400_000 + 37_000_000);
        const ctx = { calendar: { timeZone: p.timeZone, fiscalYearStartMonth: 1 }, holidays: new Set(["2025-12-25", "2026-01-01", "2026-05-01", "2027-12-24"]) };
        const waves = regularSendWaves(survey, ctx, now);
        // Window edges (s, e and the day boundaries inside a window) besides random numbers.
        const edges = waves.flatMap((w) => [w.s, w.e, (w.s + w.f / Math.max(1, w.days.length)) % 1]).filter((x) => x >= 0 && x < 1);
        const prns = [...randomPrns, ...edges, 0];
        const rows = await runAll<{ prn: number; next: number | null }>(
          db,
          sql`SELECT p.value AS prn, ${nextRegularSendSql(sql`p.value`, waves)} AS next FROM json_each(${JSON.stringify(prns)}) p`,
        );
        expect(rows.map((r) => r.next)).toEqual(prns.map((prn) => nextRegularSend(survey, ctx, prn, now)?.getTime() ?? null));
      }),
      { numRuns: 40 },
    );
  });
});
