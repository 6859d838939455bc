// GET /api/v1/invitations: filters (survey, status, rule, account, contact, wave), names beside ids, newest first, cursor.
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

describe("GET /api/v1/invitations", () => {
  it("lists invitations with their fate and the rule that blocked them", async () => {
    const survey = await makeSurvey({ name: "Quarterly pulse" });
    const other = await makeSurvey({ name: "Onboarding" });
    const account = await makeAccount({ name: "Invited Inc" });
    const ada = await makeContact(account.id, { name: "Ada Invitee" });
    const bo = await makeContact(account.id, { name: "Bo Blocked" });
    const sent = await makeInvitation(ada, survey, { status: "sent", causeType: "program", causeId: `${survey.survey.id}:3` });
    const deferred = await makeInvitation(bo, survey, { status: "deferred", admittedAt: null, blockingRule: "rule_cap", causeType: "program", causeId: `${survey.survey.id}:4` });
    const suppressed = await makeInvitation(bo, other, { status: "suppressed", admittedAt: null, blockingRule: "opted-out" });

    const all = await json(await api("GET", `/invitations?accountId=${account.id}`));
    expect(all.items.map((i: { id: string }) => i.id)).toEqual([suppressed.id, deferred.id, sent.id]);
    expect(all.items[1]).toMatchObject({ contactName: "Bo Blocked", accountName: "Invited Inc", surveyName: "Quarterly pulse", status: "deferred", blockingRule: "rule_cap" });

    const ids = async (query: string) => (await json(await api("GET", `/invitations?accountId=${account.id}&${query}`))).items.map((i: { id: string }) => i.id);
    expect(await ids("status=suppressed")).toEqual([suppressed.id]);
    expect(await ids("rule=rule_cap")).toEqual([deferred.id]);
    expect(await ids(`surveyId=${other.survey.id}`)).toEqual([suppressed.id]);
    expect(await ids(`surveyId=${survey.survey.id}&wave=3`)).toEqual([sent.id]);
    expect(await ids("wave=4")).toEqual([deferred.id]);
    expect(await ids(`contactId=${ada.id}`)).toEqual([sent.id]);

    const page1 = await json(await api("GET", `/invitations?accountId=${account.id}&limit=2`));
    expect(page1.items).toHaveLength(2);
    const page2 = await json(await api("GET", `/invitations?accountId=${account.id}&limit=2&cursor=${page1.nextCursor}`));
    expect(page2.items.map((i: { id: string }) => i.id)).toEqual([sent.id]);
    expect(page2.nextCursor).toBeNull();
  });

  it("refuses bad filters and needs the read scope", async () => {
    for (const query of ["status=lost", "wave=-1", "limit=500", "cursor=%%%"]) expect((await api("GET", `/invitations?${query}`)).status, query).toBe(400);
    const integration = await tokenWithScopes(["integration"]);
    expect((await api("GET", "/invitations", undefined, { token: integration.token })).status).toBe(403);
    const reader = await tokenWithScopes(["read"]);
    expect((await api("GET", "/invitations", undefined, { token: reader.token })).status).toBe(200);
  });
});
