import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runAll } from "../../../src/db/batch";
import { admitAll, recheckStatement, type Admission } from "../../../src/domain/frequency/admit";
import { emailHmac, suppressionUpsertByHmac } from "../../../src/domain/directory/suppression";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";

const DAY = 86_400_000;
const T0 = new Date("2026-03-02T09:00:00.000Z");
const at = (days: number, ms = 0) => new Date(T0.getTime() + days * DAY + ms);

async function admit(a: Omit<Admission, "cause"> & Partial<Pick<Admission, "cause">>, now: Date) {
  const [result] = await admitAll(testDb(), [{ cause: { type: "manual" }, ...a }], now);
  return result!;
}

const transactional = (overrides = {}) => makeSurvey({ kind: "transactional", journeyStage: "onboarding", ...overrides });

describe("guarded invitation insert: each default rule at its boundary", () => {
  it("contact-cooldown defers on day 13 and admits on day 14", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const [a, b, c, d] = [await transactional(), await transactional(), await transactional(), await transactional()];
    expect(await admit({ contactId: contact.id, surveyId: a.survey.id }, T0)).toMatchObject({ status: "queued", blockingRule: null });

    const dayBefore = await admit({ contactId: contact.id, surveyId: b.survey.id }, at(14, -1));
    expect(dayBefore).toMatchObject({ status: "deferred", blockingRule: "contact-cooldown", scheduledFor: at(14).toISOString() });
    const day13 = await admit({ contactId: contact.id, surveyId: c.survey.id }, at(13));
    expect(day13).toMatchObject({ status: "deferred", blockingRule: "contact-cooldown" });
    expect(await admit({ contactId: contact.id, surveyId: d.survey.id }, at(14))).toMatchObject({ status: "queued" });
  });

  it("transactional-monthly skips the same survey within 30 days (skip wins over defer), not another survey", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const survey = await transactional();
    await admit({ contactId: contact.id, surveyId: survey.survey.id }, T0);
    expect(await admit({ contactId: contact.id, surveyId: survey.survey.id }, at(5))).toMatchObject({
      status: "suppressed",
      blockingRule: "transactional-monthly",
    });
    expect(await admit({ contactId: contact.id, surveyId: survey.survey.id }, at(30, -1))).toMatchObject({
      status: "suppressed",
      blockingRule: "transactional-monthly",
    });
    expect(await admit({ contactId: contact.id, surveyId: survey.survey.id }, at(30))).toMatchObject({ status: "queued" });
  });

  it("relational-twice-a-year skips a second relational survey until day 150", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const [nps, osat] = [await makeSurvey(), await makeSurvey()];
    await admit({ contactId: contact.id, surveyId: nps.survey.id }, T0);
    expect(await admit({ contactId: contact.id, surveyId: osat.survey.id }, at(149))).toMatchObject({
      status: "suppressed",
      blockingRule: "relational-twice-a-year",
    });
    expect(await admit({ contactId: contact.id, surveyId: osat.survey.id }, at(150))).toMatchObject({ status: "queued" });
  });

  it("account-weekly admits five sends to one account in 7 days and defers the sixth until the oldest leaves the window", async () => {
    const account = await makeAccount();
    const survey = await transactional();
    const people = await Promise.all(Array.from({ length: 7 }, () => makeContact(account.id)));
    for (let k = 0; k < 5; k++) {
      expect(await admit({ contactId: people[k]!.id, surveyId: survey.survey.id }, at(k))).toMatchObject({ status: "queued" });
    }
    const sixth = await admit({ contactId: people[5]!.id, surveyId: survey.survey.id }, at(6));
    expect(sixth).toMatchObject({ status: "deferred", blockingRule: "account-weekly", scheduledFor: at(7).toISOString() });
    expect(await admit({ contactId: people[6]!.id, surveyId: survey.survey.id }, at(7))).toMatchObject({ status: "queued" });
  });

  it("failed invitations do not count; deferred and suppressed ones do not either", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const [a, b] = [await transactional(), await transactional()];
    await makeInvitation(contact, a, { status: "failed", admittedAt: at(-1).toISOString() });
    await makeInvitation(contact, a, { status: "deferred", admittedAt: null, scheduledFor: at(3).toISOString() });
    expect(await admit({ contactId: contact.id, surveyId: b.survey.id }, T0)).toMatchObject({ status: "queued" });
  });
});

describe("opt-outs, override and the defer limit", () => {
  it("always suppresses unsubscribed, bounced and erased contacts and addresses on the suppression list", async () => {
    const account = await makeAccount();
    const survey = await transactional();
    const cases = [
      ["unsubscribed", "opted-out"],
      ["bounced", "bounced"],
      ["erased", "erased"],
    ] as const;
    for (const [status, reason] of cases) {
      const contact = await makeContact(account.id, { status });
      expect(await admit({ contactId: contact.id, surveyId: survey.survey.id, override: { reason: "CEO asked" } }, T0)).toMatchObject({
        status: "suppressed",
        blockingRule: reason,
      });
    }
    const listed = await makeContact(account.id);
    const hmac = await emailHmac(env.HMAC_SECRET, listed.email!);
    await suppressionUpsertByHmac(testDb(), hmac, "unsubscribed");
    expect(await admit({ contactId: listed.id, surveyId: survey.survey.id, emailHmac: hmac }, T0)).toMatchObject({
      status: "suppressed",
      blockingRule: "opted-out",
    });
  });

  it("an override admits past the caps and keeps its reason", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const survey = await transactional();
    await admit({ contactId: contact.id, surveyId: survey.survey.id }, T0);
    const forced = await admit({ contactId: contact.id, surveyId: survey.survey.id, override: { reason: "renewal escalation" } }, at(1));
    expect(forced).toMatchObject({ status: "queued", blockingRule: null });
    const row = await env.DB.prepare("SELECT override_reason, admitted_at FROM invitations WHERE id = ?").bind(forced.invitationId).first();
    expect(row).toEqual({ override_reason: "renewal escalation", admitted_at: at(1).toISOString() });
  });

  it("a re-check of a due deferral admits it when the window has passed, and suppresses it (defer-limit) past 30 days", async () => {
    const account = await makeAccount();
    const [a, b] = [await transactional(), await transactional()];
    const contact = await makeContact(account.id);
    await admit({ contactId: contact.id, surveyId: a.survey.id }, T0);
    const deferred = await admit({ contactId: contact.id, surveyId: b.survey.id }, at(1));
    expect(deferred.status).toBe("deferred");

    const db = testDb();
    expect(await runAll(db, recheckStatement(deferred.invitationId, null, at(13)))).toEqual([]); // not due yet: untouched
    const [admitted] = await runAll(db, recheckStatement(deferred.invitationId, null, at(14)));
    expect(admitted).toMatchObject({ status: "queued", blockingRule: null });

    // Held back since day 1, blocked again on day 30 until day 44: past the 30-day limit.
    const other = await makeContact(account.id);
    const held = await makeInvitation(other, b, {
      status: "deferred",
      admittedAt: null,
      deferredSince: at(1).toISOString(),
      scheduledFor: at(30).toISOString(),
    });
    await admit({ contactId: other.id, surveyId: a.survey.id, override: { reason: "test" } }, at(29, 1));
    const [limited] = await runAll(db, recheckStatement(held.id, null, at(30)));
    expect(limited).toMatchObject({ status: "suppressed", blockingRule: "defer-limit" });
  });

  it("a due invitation whose survey was archived meanwhile is suppressed (survey-inactive), not sent", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const survey = await transactional();
    const waiting = await makeInvitation(contact, survey, { status: "scheduled", admittedAt: null, scheduledFor: at(7).toISOString() });
    await env.DB.prepare("UPDATE surveys SET status = 'archived' WHERE id = ?").bind(survey.survey.id).run();
    const [result] = await runAll(testDb(), recheckStatement(waiting.id, null, at(7)));
    expect(result).toMatchObject({ status: "suppressed", blockingRule: "survey-inactive" });
  });
});

describe("churned accounts leave the program", () => {
  it("a deferred program invitation of an account that churned meanwhile is suppressed (account-churned) when due; a manual one is not", async () => {
    const account = await makeAccount();
    const [a, b] = [await makeContact(account.id), await makeContact(account.id)];
    const survey = await makeSurvey({ kind: "relational" });
    const deferred = { status: "deferred" as const, admittedAt: null, sentAt: null, scheduledFor: at(-1).toISOString(), deferredSince: at(-3).toISOString(), blockingRule: "contact-cooldown" };
    const program = await makeInvitation(a, survey, { ...deferred, causeType: "program", causeId: `${survey.survey.id}:0` });
    const manual = await makeInvitation(b, survey, { ...deferred, causeType: "manual" });
    await env.DB.prepare("UPDATE accounts SET status = 'churned' WHERE id = ?").bind(account.id).run();
    const [row] = await runAll<{ status: string; blockingRule: string }>(testDb(), recheckStatement(program.id, null, T0));
    expect(row).toMatchObject({ status: "suppressed", blockingRule: "account-churned" });
    const [kept] = await runAll<{ status: string }>(testDb(), recheckStatement(manual.id, null, T0));
    expect(kept).toMatchObject({ status: "queued" });
  });
});
