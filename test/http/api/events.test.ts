import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";

let n = 0;
const eventId = () => `evt-${Date.now()}-${n++}`;

async function rowCounts() {
  return env.DB.prepare(
    "SELECT (SELECT count(*) FROM invitations) AS invitations, (SELECT count(*) FROM journey_events) AS events, (SELECT count(*) FROM audit_log) AS audit",
  ).first();
}

describe("POST /api/v1/events", () => {
  it("invites the account's contacts in the survey's target roles, once per event id", async () => {
    const account = await makeAccount();
    const dm = await makeContact(account.id, { role: "decision_maker" });
    const champion = await makeContact(account.id, { role: "champion" });
    await makeContact(account.id, { role: "end_user" });
    await makeContact(account.id, { role: "champion", status: "unsubscribed" });
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "implementation", targetRoles: ["decision_maker", "champion"] });
    const event = { id: eventId(), type: "stage.reached", stage: "implementation", accountExternalId: account.externalId, occurredAt: "2026-11-20" };

    const first = await api("POST", "/events", event);
    expect(first.status).toBe(201);
    const body = await json(first);
    expect(body.duplicate).toBe(false);
    expect(body.invitations.map((i: any) => [i.contactId, i.surveyId, i.status]).sort()).toEqual(
      [
        [dm.id, survey.survey.id, "queued"],
        [champion.id, survey.survey.id, "queued"],
      ].sort(),
    );

    const before = await rowCounts();
    const again = await api("POST", "/events", event);
    expect(again.status).toBe(200);
    const repeat = await json(again);
    expect(repeat.duplicate).toBe(true);
    expect(repeat.invitations.map((i: any) => i.invitationId).sort()).toEqual(body.invitations.map((i: any) => i.invitationId).sort());
    expect(await rowCounts()).toEqual(before);
  });

  it("the same event fired concurrently still invites each contact once", async () => {
    const account = await makeAccount();
    const people = await Promise.all([makeContact(account.id), makeContact(account.id)]);
    await makeSurvey({ kind: "transactional", journeyStage: "adoption" });
    const event = { id: eventId(), type: "stage.reached", stage: "adoption", accountExternalId: account.externalId, occurredAt: "2026-11-20" };
    const results = await Promise.all(Array.from({ length: 20 }, () => api("POST", "/events", event)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    const rows = await env.DB.prepare("SELECT contact_id FROM invitations WHERE cause_id = ? ORDER BY contact_id").bind(event.id).all();
    expect(rows.results.map((r) => r.contact_id)).toEqual(people.map((p) => p.id).sort());
  });

  it("schedules delayDays surveys for the named contact, after the event", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id, { email: `named-${Date.now()}@customer.test` });
    await makeContact(account.id);
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding", delayDays: 7 });
    const body = await json(
      await api("POST", "/events", {
        id: eventId(),
        type: "stage.reached",
        stage: "onboarding",
        accountExternalId: account.externalId,
        contactEmail: contact.email!.toUpperCase(),
        occurredAt: "2026-11-20T10:00:00Z",
      }),
    );
    expect(body.invitations).toEqual([
      expect.objectContaining({ contactId: contact.id, surveyId: survey.survey.id, status: "scheduled", scheduledFor: "2026-11-27T10:00:00.000Z" }),
    ]);
  });

  it("names the unknown account, stage or contact (422) and writes nothing", async () => {
    const account = await makeAccount();
    const before = await rowCounts();
    const bad = await json(
      await api("POST", "/events", { id: eventId(), type: "stage.reached", stage: "orbit", accountExternalId: "crm-nope", occurredAt: "2026-11-20" }),
    );
    expect(bad.status).toBe(422);
    expect(bad.errors).toEqual([
      { path: "accountExternalId", message: "no account with externalId 'crm-nope'" },
      { path: "stage", message: "no journey stage 'orbit'" },
    ]);
    const noContact = await json(
      await api("POST", "/events", {
        id: eventId(),
        type: "stage.reached",
        stage: "renewal",
        accountExternalId: account.externalId,
        contactEmail: "ghost@customer.test",
        occurredAt: "2026-11-20",
      }),
    );
    expect(noContact.errors).toEqual([{ path: "contactEmail", message: `no contact 'ghost@customer.test' at account '${account.externalId}'` }]);
    const badShape = await api("POST", "/events", { id: "x", type: "stage.left", stage: "renewal", accountExternalId: "a", occurredAt: "yesterday" });
    expect(badShape.status).toBe(400);
    expect(await rowCounts()).toEqual(before);
  });
});
