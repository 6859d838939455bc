// SPEC §5 "Targeting is explained" and "no duplicate pending rows": events, plans and sends name contacts outside the
// survey's target roles as not-targeted (includeOffTarget invites them), and a repeated send or event for a contact
// who already has the survey scheduled or deferred answers with that invitation instead of writing a second one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";

let n = 0;
const eventId = () => `evt-x-${Date.now()}-${n++}`;
const DAY = 86_400_000;
const invitationsOf = (contactId: string, surveyId: string) =>
  env.DB.prepare("SELECT id, status FROM invitations WHERE contact_id = ? AND survey_id = ?").bind(contactId, surveyId).all().then((r) => r.results);

describe("not-targeted is explained", () => {
  it("an event naming a contact outside the target roles answers with that contact and the reason, writes no invitation, and says so again on a repeat", async () => {
    const account = await makeAccount();
    const finance = await makeContact(account.id, { role: "finance" });
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });
    const event = { id: eventId(), type: "stage.reached", stage: "onboarding", accountExternalId: account.externalId, contactEmail: finance.email, occurredAt: "2026-11-20" };
    const first = await json(await api("POST", "/events", event));
    expect(first.invitations).toEqual([
      { invitationId: null, contactId: finance.id, surveyId: survey.survey.id, status: "not-targeted", blockingRule: "not-targeted", scheduledFor: null },
    ]);
    expect(await invitationsOf(finance.id, survey.survey.id)).toEqual([]);
    const repeat = await json(await api("POST", "/events", event));
    expect(repeat).toMatchObject({ duplicate: true, invitations: first.invitations });
  });

  it("a manual send naming one lists it as not-targeted (nothing written) unless includeOffTarget; the plan says the same first", async () => {
    const account = await makeAccount();
    const [finance, champion] = [await makeContact(account.id, { role: "finance" }), await makeContact(account.id, { role: "champion" })];
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "support", targetRoles: ["champion"] });
    const body = { surveyId: survey.survey.id, contactIds: [finance.id, champion.id] };

    const plan = await json(await api("POST", "/sends/plan", body));
    expect(plan.totals).toMatchObject({ candidates: 2, queued: 1, notTargeted: 1, byRule: { "not-targeted": 1 } });
    expect(plan.items.find((i: any) => i.contactId === finance.id)).toMatchObject({
      wouldBe: "not-targeted",
      blockingRules: [{ id: "not-targeted", until: null }],
      contactName: finance.name,
      accountName: account.name,
    });
    const sent = await json(await api("POST", "/sends", body));
    expect(sent.totals).toEqual({ candidates: 2, queued: 1, deferred: 0, suppressed: 0, notTargeted: 1, pending: 0 });
    expect(sent.invitations.find((i: any) => i.contactId === finance.id)).toMatchObject({ invitationId: null, status: "not-targeted" });
    expect(await invitationsOf(finance.id, survey.survey.id)).toEqual([]);

    const off = await json(await api("POST", "/sends", { ...body, contactIds: [finance.id], includeOffTarget: true }));
    expect(off.invitations).toEqual([expect.objectContaining({ contactId: finance.id, status: "queued", pending: false })]);
  });

  it("a whole-account send never selects off-target contacts, and with includeOffTarget selects every active one", async () => {
    const account = await makeAccount();
    const [finance, champion] = [await makeContact(account.id, { role: "finance" }), await makeContact(account.id, { role: "champion" })];
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "renewal", targetRoles: ["champion"] });
    const plan = await json(await api("POST", "/sends/plan", { surveyId: survey.survey.id, accountIds: [account.id] }));
    expect(plan.items.map((i: any) => i.contactId)).toEqual([champion.id]);
    const wide = await json(await api("POST", "/sends/plan", { surveyId: survey.survey.id, accountIds: [account.id], includeOffTarget: true }));
    expect(wide.items.map((i: any) => i.contactId).sort()).toEqual([finance.id, champion.id].sort());
  });
});

describe("a pending invitation is answered instead of a second row", () => {
  it("a retried send for a deferred contact answers with the pending invitation and writes nothing new", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const [earlier, asked] = [await makeSurvey({ kind: "transactional", journeyStage: "support" }), await makeSurvey({ kind: "transactional", journeyStage: "support" })];
    await makeInvitation(contact, earlier, { admittedAt: new Date(Date.now() - DAY).toISOString() });
    const body = { surveyId: asked.survey.id, contactIds: [contact.id] };
    const first = await json(await api("POST", "/sends", body));
    expect(first.invitations).toEqual([expect.objectContaining({ status: "deferred", blockingRule: "contact-cooldown", pending: false })]);
    const pendingId = first.invitations[0].invitationId;

    const plan = await json(await api("POST", "/sends/plan", body));
    expect(plan.items).toEqual([expect.objectContaining({ wouldBe: "deferred", pending: true, until: first.invitations[0].scheduledFor })]);
    expect(plan.totals).toMatchObject({ candidates: 1, deferred: 0, pending: 1 });
    for (let retry = 0; retry < 3; retry++) {
      const again = await json(await api("POST", "/sends", body));
      expect(again.invitations).toEqual([expect.objectContaining({ invitationId: pendingId, status: "deferred", pending: true })]);
      expect(again.totals).toMatchObject({ deferred: 0, pending: 1 });
    }
    expect(await invitationsOf(contact.id, asked.survey.id)).toEqual([{ id: pendingId, status: "deferred" }]);
  });

  it("an event for a contact with the survey scheduled (delayDays) answers with that one; a direct invitation too", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "implementation", delayDays: 7 });
    const event = (id: string) => ({ id, type: "stage.reached", stage: "implementation", accountExternalId: account.externalId, contactEmail: contact.email, occurredAt: "2026-11-20T10:00:00Z" });
    const first = await json(await api("POST", "/events", event(eventId())));
    expect(first.invitations).toEqual([expect.objectContaining({ status: "scheduled", contactId: contact.id })]);
    const second = await json(await api("POST", "/events", event(eventId())));
    expect(second.invitations).toEqual([expect.objectContaining({ invitationId: first.invitations[0].invitationId, status: "scheduled" })]);
    const direct = await json(await api("POST", "/invitations", { contactId: contact.id, surveyId: survey.survey.id }));
    expect(direct).toMatchObject({ id: first.invitations[0].invitationId, status: "scheduled" });
    expect(await invitationsOf(contact.id, survey.survey.id)).toHaveLength(1);
  });
});

describe("plan and send share account slots only among admitted candidates (hand-computed)", () => {
  it("default rules: a candidate held back by account-weekly takes no slot, so the next one waits until the same date", async () => {
    const account = await makeAccount();
    const other = await makeSurvey({ kind: "transactional", journeyStage: "adoption" });
    const now = Date.now();
    const at = (days: number) => new Date(now + days * DAY).toISOString();
    // Three sends of the account in the last week: at -6, -4 and -2 days. account-weekly allows 5 per 7 days.
    for (const days of [-6, -4, -2]) await makeInvitation(await makeContact(account.id), other, { admittedAt: at(days) });
    const asked = await makeSurvey({ kind: "transactional", journeyStage: "adoption" });
    const fresh = [];
    for (let k = 0; k < 4; k++) fresh.push(await makeContact(account.id));
    const body = { surveyId: asked.survey.id, contactIds: fresh.map((c) => c.id) };
    const plan = await json(await api("POST", "/sends/plan", body));
    const planned = Object.fromEntries(plan.items.map((i: any) => [i.contactId, [i.wouldBe, i.until?.slice(0, 13) ?? null]]));
    // 3 + 2 admitted = 5: the 3rd and 4th candidates both wait until the 3rd most recent send (-6 d) + 7 d = +1 d.
    // (Counting the held-back 3rd candidate as a slot gave the 4th the 2nd most recent send + 7 d = +3 d.)
    const sorted = [...fresh].sort((a, b) => a.id.localeCompare(b.id));
    const plusOne = at(1).slice(0, 13);
    expect(sorted.map((c) => planned[c.id])).toEqual([["queued", null], ["queued", null], ["deferred", plusOne], ["deferred", plusOne]]);
    const sent = await json(await api("POST", "/sends", body));
    expect(Object.fromEntries(sent.invitations.map((i: any) => [i.contactId, [i.status, i.scheduledFor?.slice(0, 13) ?? null]]))).toEqual(planned);
  });

  it("with a second account rule: a candidate that rule holds back leaves account-weekly's slot free, and plan and send both queue the next one", async () => {
    const created = await api("POST", "/frequency-rules", { id: "champion-weekly", scope: "account", match: { role: "champion" }, counts: "sent", windowDays: 7, max: 1, action: "defer" });
    expect(created.status).toBe(201);
    try {
      const account = await makeAccount();
      const other = await makeSurvey({ kind: "transactional", journeyStage: "renewal" });
      for (let k = 0; k < 3; k++) await makeInvitation(await makeContact(account.id, { role: "end_user" }), other, { admittedAt: new Date(Date.now() - DAY).toISOString() });
      const asked = await makeSurvey({ kind: "transactional", journeyStage: "renewal" });
      const [first, second, third] = [
        await makeContact(account.id, { role: "champion" }),
        await makeContact(account.id, { role: "champion" }),
        await makeContact(account.id, { role: "end_user" }),
      ].sort((a, b) => a.id.localeCompare(b.id));
      // Make the roles follow the id order: champion, champion, end user.
      await env.DB.batch([
        env.DB.prepare("UPDATE contacts SET role = 'champion' WHERE id IN (?, ?)").bind(first!.id, second!.id),
        env.DB.prepare("UPDATE contacts SET role = 'end_user' WHERE id = ?").bind(third!.id),
      ]);
      const body = { surveyId: asked.survey.id, contactIds: [first!.id, second!.id, third!.id] };
      const plan = await json(await api("POST", "/sends/plan", body));
      const planned = Object.fromEntries(plan.items.map((i: any) => [i.contactId, [i.wouldBe, i.blockingRule]]));
      // 3 + first = 4 ≤ 5; second: champion-weekly (1 champion this week); third: 3 + 1 admitted + itself = 5 ≤ 5.
      expect(planned).toEqual({ [first!.id]: ["queued", null], [second!.id]: ["deferred", "champion-weekly"], [third!.id]: ["queued", null] });
      const sent = await json(await api("POST", "/sends", body));
      expect(Object.fromEntries(sent.invitations.map((i: any) => [i.contactId, [i.status, i.blockingRule]]))).toEqual(planned);
    } finally {
      await api("DELETE", "/frequency-rules/champion-weekly");
    }
  });
});
