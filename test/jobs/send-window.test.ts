// SPEC §5 send window: scheduled work (due deferrals, delayed event sends, reminders, program slices) goes out only on
// working days between 09:00 and 17:00 in the organization's time zone; expiry runs at any time.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { inSendWindow, localTime } from "../../src/domain/targeting/calendar";
import { dispatch } from "../../src/jobs/dispatcher";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../support/fixtures";

const status = (id: string) => env.DB.prepare("SELECT status FROM invitations WHERE id = ?").bind(id).first<{ status: string }>().then((r) => r!.status);

describe("send window (Europe/Berlin, holiday 2026-12-24)", () => {
  beforeAll(async () => {
    await env.DB.prepare("UPDATE settings SET time_zone = 'Europe/Berlin' WHERE id = 1").run();
    await env.DB.prepare("INSERT INTO holidays (date, label) VALUES ('2026-12-24', 'Christmas Eve')").run();
  });

  it("is open on working days from 09:00 (inclusive) to 17:00 (exclusive) local time", () => {
    const window = { timeZone: "Europe/Berlin", holidays: new Set(["2026-12-24"]), start: "09:00", end: "17:00" };
    // Winter: Berlin is UTC+1.
    expect(inSendWindow(new Date("2026-12-22T07:59:59.999Z"), window)).toBe(false);
    expect(inSendWindow(new Date("2026-12-22T08:00:00.000Z"), window)).toBe(true);
    expect(inSendWindow(new Date("2026-12-22T15:59:59.999Z"), window)).toBe(true);
    expect(inSendWindow(new Date("2026-12-22T16:00:00.000Z"), window)).toBe(false);
    expect(inSendWindow(new Date("2026-12-24T10:00:00.000Z"), window)).toBe(false); // holiday
    expect(inSendWindow(new Date("2026-12-26T10:00:00.000Z"), window)).toBe(false); // Saturday
    // Summer: UTC+2, so 07:00 UTC is 09:00 local.
    expect(inSendWindow(new Date("2026-06-10T07:00:00.000Z"), window)).toBe(true);
    expect(localTime(new Date("2026-06-10T21:59:00.000Z"), "Europe/Berlin")).toBe("23:59");
  });

  it("holds a due deferral (and a delayed event send) over the holiday, the weekend and the night, then releases it at 09:00 local", async () => {
    const account = await makeAccount();
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "support" });
    const deferred = await makeInvitation(await makeContact(account.id), survey, {
      status: "deferred",
      admittedAt: null,
      sentAt: null,
      scheduledFor: "2026-12-23T18:00:00.000Z",
      deferredSince: "2026-12-20T10:00:00.000Z",
      blockingRule: "contact-cooldown",
    });
    const scheduled = await makeInvitation(await makeContact(account.id), survey, { status: "scheduled", admittedAt: null, sentAt: null, scheduledFor: "2026-12-23T20:00:00.000Z" });
    for (const closed of ["2026-12-23T22:00:00.000Z", "2026-12-24T10:00:00.000Z", "2026-12-26T10:00:00.000Z", "2026-12-28T07:55:00.000Z"]) {
      const report = await dispatch(env, new Date(closed));
      expect(report.open, closed).toBe(false);
      expect(await status(deferred.id)).toBe("deferred");
      expect(await status(scheduled.id)).toBe("scheduled");
    }
    const opened = await dispatch(env, new Date("2026-12-28T08:00:00.000Z"));
    expect(opened.open).toBe(true);
    expect(await status(deferred.id)).toBe("queued");
    expect(await status(scheduled.id)).toBe("queued");
  });

  it("expires invitations whatever the hour", async () => {
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "support" });
    const old = await makeInvitation(await makeContact((await makeAccount()).id), survey, { status: "sent", expiresAt: "2026-12-26T00:00:00.000Z" });
    await dispatch(env, new Date("2026-12-26T23:00:00.000Z"));
    expect(await status(old.id)).toBe("expired");
  });
});
