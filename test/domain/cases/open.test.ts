import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleSubmittedResponse, notifyOpenedCases } from "../../../src/domain/cases/open";
import { severityOf, triggersOf } from "../../../src/domain/cases/rules";
import { formatLocalInstant } from "../../../src/domain/cases/notify";

import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse, type AnswerSpec } from "../../support/responses";
import { api } from "../../support/api";
import { loopDeps, makeUser, outboxTo, uniqueEmail } from "./support";

const DEFAULTS = { caseNpsMax: 6, caseOsatMax: 2, caseCesMax: 3 };
const NOW = new Date("2026-05-04T09:00:00.000Z"); // a Monday

async function responseWith(answers: AnswerSpec[], accountOverrides: Parameters<typeof makeAccount>[0] = {}) {
  const account = await makeAccount({ annualRevenue: 1_000_000_000_000, ...accountOverrides });
  const contact = await makeContact(account.id, { name: "Dana Detractor" });
  const { response } = await makeResponse(contact, await makeSurvey(), { submittedAt: "2026-05-04T08:59:00.000Z", answers });
  return { account, contact, response };
}

const caseOf = (responseId: string) => env.DB.prepare("SELECT * FROM cases WHERE response_id = ?").bind(responseId).all<Record<string, any>>();

describe("case rules (SPEC §8, default thresholds)", () => {
  it.each([
    ["nps", 6, true],
    ["nps", 7, false],
    ["osat", 2, true],
    ["osat", 3, false],
    ["ces", 3, true],
    ["ces", 4, false],
  ] as const)("%s %i opens a case: %s", async (type, value, opens) => {
    expect(triggersOf([{ type, value }], DEFAULTS).length > 0).toBe(opens);
    const { response } = await responseWith([{ type, value }]);
    const outcome = await handleSubmittedResponse(loopDeps(), response.id, NOW);
    expect(outcome.opened).toBe(opens);
    expect((await caseOf(response.id)).results).toHaveLength(opens ? 1 : 0);
  });

  it("uses the thresholds in settings", () => {
    expect(triggersOf([{ type: "nps", value: 7 }], { ...DEFAULTS, caseNpsMax: 7 })).toHaveLength(1);
    expect(triggersOf([{ type: "nps", value: 6 }], { ...DEFAULTS, caseNpsMax: 5 })).toHaveLength(0);
  });

  it("grades severity by thirds of the span under the threshold", () => {
    expect([6, 4, 3, 2, 1, 0].map((v) => severityOf("nps", v, 6))).toEqual([1, 1, 2, 2, 3, 3]);
    expect([2, 1].map((v) => severityOf("osat", v, 2))).toEqual([1, 2]);
    expect([3, 2, 1].map((v) => severityOf("ces", v, 3))).toEqual([1, 2, 3]);
    // The most severe trigger decides.
    expect(triggersOf([{ type: "nps", value: 6 }, { type: "ces", value: 1 }], DEFAULTS)[0]).toMatchObject({ type: "ces", severity: 3 });
  });

  it("ignores partial responses", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const { response } = await makeResponse(contact, await makeSurvey(), { submittedAt: NOW.toISOString(), status: "partial", answers: [{ type: "nps", value: 0 }] });
    expect((await handleSubmittedResponse(loopDeps(), response.id, NOW)).caseId).toBeNull();
  });
});

describe("instants in case mail", () => {
  it("read as local date and time with the organization's zone", () => {
    expect(formatLocalInstant("2026-12-04T12:59:02.566Z", "UTC")).toBe("2026-12-04 12:59 UTC");
    expect(formatLocalInstant("2026-12-04T12:59:02.566Z", "Europe/Berlin")).toBe("2026-12-04 13:59 (Europe/Berlin)"); // CET = UTC+1
    expect(formatLocalInstant("2026-07-01T23:30:00.000Z", "America/New_York")).toBe("2026-07-01 19:30 (America/New_York)"); // EDT
    expect(formatLocalInstant("2026-12-04T12:59:02.566Z", null)).toBe("2026-12-04 12:59 UTC");
  });
});

describe("opening a response case", () => {
  it("names account, contact, verbatim, team, priority, due date and the owner's user, and emails them once", async () => {
    const owner = uniqueEmail("olivia");
    await makeUser(owner, "Olivia Owner");
    const { account, contact, response } = await responseWith(
      [
        { type: "nps", value: 2, questionId: "nps" },
        { type: "text", text: "The invoice was wrong twice.", questionId: "why" },
      ],
      // The largest account of this file by far: in the top 20 % of revenue.
      { ownerEmail: owner, annualRevenue: 90_000_000_000_000 },
    );
    const deps = loopDeps();
    const outcome = await handleSubmittedResponse(deps, response.id, NOW);
    expect(outcome.opened).toBe(true);
    const [row] = (await caseOf(response.id)).results;
    expect(row).toMatchObject({
      id: outcome.caseId,
      type: "response",
      account_id: account.id,
      contact_id: contact.id,
      status: "open",
      severity: 2,
      revenue_percentile: 1,
      top_account: 1,
      priority: 2,
      team: "finance", // keyword "invoice"
      owner_email: owner,
      assignee_email: owner,
      verbatim: "The invoice was wrong twice.",
      // top account: 2 business days, Monday 09:00 UTC → Wednesday 09:00 UTC (settings: UTC, no holidays then)
      due_at: "2026-05-06T09:00:00.000Z",
    });
    const mails = await outboxTo(owner);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "case_opened" });
    expect(mails[0]!.text_body).toContain("The invoice was wrong twice.");
    // A person reads the due time, not an ISO instant (settings: UTC)
    expect(mails[0]!.text_body).toContain("Due (acknowledge by): 2026-05-06 09:00 UTC");
    expect(mails[0]!.text_body).not.toContain("2026-05-06T09:00");
    expect(mails[0]!.text_body).toContain(`http://quorum.test/admin/cases/${outcome.caseId}`);

    const timeline = await env.DB.prepare("SELECT kind, actor FROM case_events WHERE case_id = ?").bind(outcome.caseId).all();
    expect(timeline.results).toEqual([{ kind: "opened", actor: "system" }]);
  });

  it("opens one case per response under concurrent and redelivered messages, and notifies once", async () => {
    const owner = uniqueEmail("race");
    await makeUser(owner);
    const { response } = await responseWith([{ type: "nps", value: 0 }], { ownerEmail: owner });
    const deps = loopDeps();
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => handleSubmittedResponse(deps, response.id, NOW)));
    expect(outcomes.filter((o) => o.opened)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.caseId)).size).toBe(1);
    await handleSubmittedResponse(deps, response.id, new Date(NOW.getTime() + 60_000)); // redelivered later
    expect((await caseOf(response.id)).results).toHaveLength(1);
    expect(await outboxTo(owner)).toHaveLength(1);
  });

  it("routes by a choice answer before keywords when the choice rule comes first", async () => {
    await env.DB.prepare("INSERT INTO case_routes (id, position, kind, question_id, match, team) VALUES ('topic-product', 0, 'choice', 'topic', 'product', 'product')").run();
    try {
      const { response } = await responseWith([
        { type: "nps", value: 4, questionId: "nps" },
        { type: "text", text: "billing is confusing", questionId: "why" },
      ]);
      await env.DB.prepare("INSERT INTO answers (response_id, question_id, type, text_value) VALUES (?, 'topic', 'choice', 'product')").bind(response.id).run();
      await handleSubmittedResponse(loopDeps(), response.id, NOW);
      expect((await caseOf(response.id)).results[0]).toMatchObject({ team: "product" });
    } finally {
      await env.DB.prepare("DELETE FROM case_routes WHERE id = 'topic-product'").run();
    }
  });

  it("without an owner user or routing hit: team support, the team's assignee (none set: unassigned, nobody emailed)", async () => {
    const { response } = await responseWith([{ type: "osat", value: 1 }], { ownerEmail: uniqueEmail("not-a-user") });
    const outcome = await handleSubmittedResponse(loopDeps(), response.id, NOW);
    expect((await caseOf(response.id)).results[0]).toMatchObject({ team: "support", assignee_email: null, notified_at: null });
    expect(outcome.notified.ok).toBe(true);
  });
});

describe("SLA days from settings", () => {
  it("uses caseSlaTopDays / caseSlaOtherDays set through the settings API; invalid values are refused", async () => {
    expect((await api("PATCH", "/settings", { caseSlaTopDays: 0 })).status).toBe(400);
    expect((await api("PATCH", "/settings", { caseSlaOtherDays: 31 })).status).toBe(400);
    const res = await api("PATCH", "/settings", { caseSlaTopDays: 1, caseSlaOtherDays: 10 });
    expect(await res.json()).toMatchObject({ caseSlaTopDays: 1, caseSlaOtherDays: 10 });
    try {
      const top = await responseWith([{ type: "nps", value: 0 }], { annualRevenue: 900_000_000_000_000 });
      await handleSubmittedResponse(loopDeps(), top.response.id, NOW);
      // Monday 09:00 + 1 business day.
      expect((await caseOf(top.response.id)).results[0]).toMatchObject({ top_account: 1, due_at: "2026-05-05T09:00:00.000Z" });
      const small = await responseWith([{ type: "nps", value: 0 }], { annualRevenue: 1 });
      await handleSubmittedResponse(loopDeps(), small.response.id, NOW);
      // Monday 09:00 + 10 business days: two weeks later.
      expect((await caseOf(small.response.id)).results[0]).toMatchObject({ top_account: 0, due_at: "2026-05-18T09:00:00.000Z" });
    } finally {
      await api("PATCH", "/settings", { caseSlaTopDays: 2, caseSlaOtherDays: 5 });
    }
  });
});

describe("a deactivated owner", () => {
  it("is not assigned: the team's assignee takes the case", async () => {
    const owner = uniqueEmail("gone");
    const teamLead = uniqueEmail("support-lead");
    await makeUser(owner);
    await makeUser(teamLead);
    await env.DB.prepare("UPDATE users SET status = 'deactivated' WHERE email = ?").bind(owner).run();
    await env.DB.prepare("UPDATE case_teams SET assignee_email = ? WHERE key = 'support'").bind(teamLead).run();
    try {
      const { response } = await responseWith([{ type: "nps", value: 1 }], { ownerEmail: owner });
      await handleSubmittedResponse(loopDeps(), response.id, NOW);
      expect((await caseOf(response.id)).results[0]).toMatchObject({ owner_email: owner, team: "support", assignee_email: teamLead });
      expect(await outboxTo(owner)).toHaveLength(0);
      expect((await outboxTo(teamLead)).map((m) => m.kind)).toEqual(["case_opened"]);
    } finally {
      await env.DB.prepare("UPDATE case_teams SET assignee_email = NULL WHERE key = 'support'").run();
    }
  });
});

describe("edits after submit re-run the rules", () => {
  it("an edit down to a detractor opens the case; an edit back up never closes it", async () => {
    const { response } = await responseWith([{ type: "nps", value: 9, questionId: "nps" }]);
    const deps = loopDeps();
    expect((await handleSubmittedResponse(deps, response.id, NOW)).opened).toBe(false);

    const edit = async (value: number, at: string) => {
      await env.DB.batch([
        env.DB.prepare("UPDATE answers SET num_value = ? WHERE response_id = ? AND question_id = 'nps'").bind(value, response.id),
        env.DB.prepare("UPDATE responses SET updated_at = ? WHERE id = ?").bind(at, response.id),
      ]);
    };
    await edit(3, "2026-05-04T10:00:00.000Z");
    const opened = await handleSubmittedResponse(deps, response.id, new Date("2026-05-04T10:00:01.000Z"));
    expect(opened.opened).toBe(true);

    await edit(10, "2026-05-04T11:00:00.000Z");
    await handleSubmittedResponse(deps, response.id, new Date("2026-05-04T11:00:01.000Z"));
    await handleSubmittedResponse(deps, response.id, new Date("2026-05-04T11:00:02.000Z")); // redelivered
    const [row] = (await caseOf(response.id)).results;
    expect(row).toMatchObject({ id: opened.caseId, status: "open" });
    const events = await env.DB.prepare("SELECT kind, detail FROM case_events WHERE case_id = ? ORDER BY id").bind(opened.caseId).all<{ kind: string; detail: string }>();
    expect(events.results.map((e) => e.kind)).toEqual(["opened", "reevaluated"]);
    expect(JSON.parse(events.results[1]!.detail)).toMatchObject({ stillMeetsRules: 0 });
  });
});


describe("opening emails for many cases (notifyOpenedCases)", () => {
  it("releases only the cases whose email failed, for the next try; the others are not emailed again", async () => {
    const [told, untold] = [uniqueEmail("told"), uniqueEmail("untold")];
    await makeUser(told);
    await makeUser(untold);
    const first = await responseWith([{ type: "nps", value: 1 }], { ownerEmail: told });
    const second = await responseWith([{ type: "nps", value: 1 }], { ownerEmail: untold });
    // The provider is a third-party HTTP service: its outage is faked behind the production interface.
    const deps = loopDeps();
    const down = { name: "down", send: async () => ({ ok: false as const, permanent: false, error: "503 from the mail API" }) };
    const ids = [];
    for (const { response } of [first, second]) ids.push((await handleSubmittedResponse({ ...deps, provider: down }, response.id, NOW)).caseId!);
    // Down for one address only: that case is released, the other stays claimed.
    const halfDown = { name: "half-down", send: async (m: { to: string }) => (m.to === untold ? down.send() : deps.provider.send(m as never)) };
    const result = await notifyOpenedCases({ ...deps, provider: halfDown }, ids, NOW);
    expect(result.ok).toBe(false);
    const notified = async () => (await Promise.all([first, second].map(({ response }) => caseOf(response.id)))).map((r) => r.results[0]!.notified_at);
    expect(await notified()).toEqual([NOW.toISOString(), null]);
    const later = new Date(NOW.getTime() + 60_000);
    expect(await notifyOpenedCases(deps, ids, later)).toEqual({ ok: true });
    expect(await notified()).toEqual([NOW.toISOString(), later.toISOString()]);
    expect((await outboxTo(told)).map((m) => m.kind)).toEqual(["case_opened"]);
    expect((await outboxTo(untold)).map((m) => m.kind)).toEqual(["case_opened"]);
  });
});
