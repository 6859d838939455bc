// §4 beyond the four defaults: `counts: responded` (complete responses, timed by first submit), `per: stage`, and a
// `match.role` on an account-scoped rule (counts only that role's events). The defaults are disabled in this file
// (storage is per file) so each rule is seen alone.
import { beforeAll, describe, expect, it } from "vitest";
import { admitAll, type Admission } from "../../../src/domain/frequency/admit";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";

const DAY = 86_400_000;
const T0 = new Date("2026-05-04T09:00:00.000Z");
const at = (days: number, ms = 0) => new Date(T0.getTime() + days * DAY + ms);
const iso = (d: Date) => d.toISOString();

async function admit(a: Omit<Admission, "cause">, now: Date) {
  const [result] = await admitAll(testDb(), [{ cause: { type: "manual" }, ...a }], now);
  return result!;
}

async function onlyRule(rule: Record<string, unknown>) {
  const listed = await json(await api("GET", "/frequency-rules"));
  for (const r of listed.items) expect((await api("PATCH", `/frequency-rules/${r.id}`, { enabled: false })).status).toBe(200);
  const created = await api("POST", "/frequency-rules", rule);
  expect(created.status, await created.clone().text()).toBe(201);
}

describe("custom frequency rules", () => {
  beforeAll(async () => {
    const listed = await json(await api("GET", "/frequency-rules"));
    for (const r of listed.items) await api("PATCH", `/frequency-rules/${r.id}`, { enabled: false });
  });

  it("counts: responded counts complete responses by first submit inside the window, not partial ones", async () => {
    await onlyRule({ id: "answered-quarterly", scope: "contact", counts: "responded", windowDays: 90, max: 1, action: "skip" });
    const account = await makeAccount();
    const [answered, halfway, fresh] = [await makeContact(account.id), await makeContact(account.id), await makeContact(account.id)];
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding" });
    await makeResponse(answered, survey, { submittedAt: iso(at(-10)), answers: [{ type: "nps", value: 9 }] });
    await makeResponse(halfway, survey, { submittedAt: iso(at(-10)), status: "partial", answers: [{ type: "nps", value: 9 }] });

    expect(await admit({ contactId: answered.id, surveyId: survey.survey.id }, T0)).toMatchObject({ status: "suppressed", blockingRule: "answered-quarterly" });
    // 90 days after the submit the answer leaves the window.
    expect(await admit({ contactId: answered.id, surveyId: survey.survey.id }, at(80))).toMatchObject({ status: "queued" });
    expect(await admit({ contactId: halfway.id, surveyId: survey.survey.id }, T0)).toMatchObject({ status: "queued" });
    expect(await admit({ contactId: fresh.id, surveyId: survey.survey.id }, T0)).toMatchObject({ status: "queued" });
    await api("DELETE", "/frequency-rules/answered-quarterly");
  });

  it("per: stage counts only events of the candidate's journey stage", async () => {
    await onlyRule({ id: "once-per-stage", scope: "contact", per: "stage", counts: "sent", windowDays: 30, max: 1, action: "defer" });
    const contact = await makeContact((await makeAccount()).id);
    const [onboardingA, onboardingB, support] = [
      await makeSurvey({ kind: "transactional", journeyStage: "onboarding" }),
      await makeSurvey({ kind: "transactional", journeyStage: "onboarding" }),
      await makeSurvey({ kind: "transactional", journeyStage: "support" }),
    ];
    await makeInvitation(contact, onboardingA, { admittedAt: iso(at(-2)) });
    expect(await admit({ contactId: contact.id, surveyId: onboardingB.survey.id }, T0)).toMatchObject({
      status: "deferred",
      blockingRule: "once-per-stage",
      scheduledFor: iso(at(28)),
    });
    expect(await admit({ contactId: contact.id, surveyId: support.survey.id }, T0)).toMatchObject({ status: "queued" });
    await api("DELETE", "/frequency-rules/once-per-stage");
  });

  it("an account rule matching a role counts only that role's invitations and applies only to that role", async () => {
    await onlyRule({ id: "one-champion-weekly", scope: "account", match: { role: "champion" }, counts: "sent", windowDays: 7, max: 1, action: "defer" });
    const account = await makeAccount();
    const [finance, championA, championB, financeB] = [
      await makeContact(account.id, { role: "finance" }),
      await makeContact(account.id, { role: "champion" }),
      await makeContact(account.id, { role: "champion" }),
      await makeContact(account.id, { role: "finance" }),
    ];
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "adoption" });
    await makeInvitation(finance, survey, { admittedAt: iso(at(-1)) });
    // A finance invitation does not count against the champions' cap.
    expect(await admit({ contactId: championA.id, surveyId: survey.survey.id }, T0)).toMatchObject({ status: "queued" });
    expect(await admit({ contactId: championB.id, surveyId: survey.survey.id }, at(1))).toMatchObject({
      status: "deferred",
      blockingRule: "one-champion-weekly",
      scheduledFor: iso(at(7)),
    });
    // The rule does not apply to a finance contact at all.
    expect(await admit({ contactId: financeB.id, surveyId: survey.survey.id }, at(1))).toMatchObject({ status: "queued" });
  });
});
