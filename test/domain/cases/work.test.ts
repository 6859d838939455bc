import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CaseActor } from "../../../src/domain/cases/access";
import { escalateBreaches } from "../../../src/domain/cases/escalate";
import { formatLocalInstant } from "../../../src/domain/cases/notify";
import { handleSubmittedResponse } from "../../../src/domain/cases/open";
import { getCase, responsiveness } from "../../../src/domain/cases/read";
import { sendRecheck } from "../../../src/domain/cases/recheck";
import { openSilenceCases } from "../../../src/domain/cases/silence";
import { actOnCase } from "../../../src/domain/cases/work";
import { ApiError } from "../../../src/lib/errors";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { loopDeps, mailQueue, makeUser, outboxTo, uniqueEmail } from "./support";

const NOW = new Date("2026-05-04T09:00:00.000Z"); // Monday
const ADMIN: CaseActor = { id: "bootstrap", email: null, role: "admin" };

async function openCase(ownerEmail: string | null = null, at = NOW, annualRevenue = 50_000) {
  const account = await makeAccount({ ownerEmail, annualRevenue });
  const contact = await makeContact(account.id, { name: "Dana Detractor" });
  const { response } = await makeResponse(contact, await makeSurvey(), { submittedAt: at.toISOString(), answers: [{ type: "nps", value: 2 }] });
  const outcome = await handleSubmittedResponse(loopDeps(), response.id, at);
  return { caseId: outcome.caseId!, account, contact };
}

const expectProblem = async (promise: Promise<unknown>, status: number) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(status);
};

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;

describe("working a case", () => {
  it("acknowledge → close with a resolution → reopen, each on the timeline and in the audit log; case.closed is announced", async () => {
    const owner = uniqueEmail("owner");
    await makeUser(owner);
    const { caseId } = await openCase(owner);
    const deps = loopDeps();
    const me: CaseActor = { id: "session:x", email: owner, role: "account_manager" };
    expect((await actOnCase(deps, me, caseId, { type: "acknowledge" }, new Date("2026-05-04T11:00:00.000Z"))).status).toBe("acknowledged");
    await actOnCase(deps, me, caseId, { type: "note", text: "Called Dana; invoice fix promised." }, new Date("2026-05-04T11:30:00.000Z"));
    const closed = await actOnCase(deps, me, caseId, { type: "close", resolution: "Invoice corrected and credited." }, new Date("2026-05-05T10:00:00.000Z"));
    expect(closed).toMatchObject({ status: "closed", resolution: "Invoice corrected and credited.", closedAt: "2026-05-05T10:00:00.000Z" });
    const reopened = await actOnCase(deps, ADMIN, caseId, { type: "reopen", reason: "Customer says it happened again" }, new Date("2026-05-06T10:00:00.000Z"));
    expect(reopened).toMatchObject({ status: "open", resolution: null, closedAt: null });

    const detail = await getCase(deps.db, caseId, new Date("2026-05-06T10:00:00.000Z"));
    expect(detail.timeline.map((e) => [e.kind, e.actor])).toEqual([
      ["opened", "system"],
      ["acknowledged", owner],
      ["note", owner],
      ["closed", owner],
      ["reopened", "bootstrap"],
    ]);
    expect(detail.timeline[2]!.detail).toEqual({ text: "Called Dana; invoice fix promised." });
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE entity_type = 'case' AND entity_id = ?", caseId)).toBe(4);
  });

  it("bad input writes nothing: closing without a note (422), acting on another team's case as an account manager (403), wrong status (409), analysts (403)", async () => {
    const owner = uniqueEmail("owner");
    await makeUser(owner);
    const { caseId } = await openCase(owner);
    const deps = loopDeps();
    const events = () => count("SELECT count(*) AS n FROM case_events WHERE case_id = ?", caseId);
    const before = await events();
    await expectProblem(actOnCase(deps, ADMIN, caseId, { type: "close", resolution: "   " }, NOW), 422);
    const stranger: CaseActor = { id: "session:y", email: uniqueEmail("other-am"), role: "account_manager" };
    await expectProblem(actOnCase(deps, stranger, caseId, { type: "acknowledge" }, NOW), 403);
    await expectProblem(actOnCase(deps, stranger, caseId, { type: "close", resolution: "not mine" }, NOW), 403);
    await expectProblem(actOnCase(deps, { id: "t", email: null, role: "analyst" }, caseId, { type: "note", text: "hi" }, NOW), 403);
    await expectProblem(actOnCase(deps, ADMIN, caseId, { type: "reopen" }, NOW), 409);
    await expectProblem(actOnCase(deps, ADMIN, caseId, { type: "assign", assigneeEmail: "nobody@quorum.test" }, NOW), 422);
    await expectProblem(actOnCase(deps, ADMIN, "cas_missing", { type: "acknowledge" }, NOW), 404);
    expect(await events()).toBe(before);
    expect((await getCase(deps.db, caseId, NOW)).status).toBe("open");
  });

  it("an account manager works a case assigned to them on someone else's account", async () => {
    const am = uniqueEmail("am");
    await makeUser(am);
    const { caseId } = await openCase(uniqueEmail("someone-else"));
    const deps = loopDeps();
    await actOnCase(deps, ADMIN, caseId, { type: "assign", assigneeEmail: am }, NOW);
    const acknowledged = await actOnCase(deps, { id: "s", email: am, role: "account_manager" }, caseId, { type: "acknowledge" }, NOW);
    expect(acknowledged).toMatchObject({ status: "acknowledged", assigneeEmail: am });
  });
});

describe("the re-check", () => {
  it("is sent once, after close, past the frequency caps; its answer lands on the timeline", async () => {
    const { caseId, contact } = await openCase();
    const deps = loopDeps();
    const mail = mailQueue();
    const recheckDeps = { db: deps.db, mailQueue: mail, hmacSecret: env.HMAC_SECRET };
    await expectProblem(sendRecheck(recheckDeps, ADMIN, caseId, NOW), 409); // not closed yet
    await actOnCase(deps, ADMIN, caseId, { type: "close", resolution: "Fixed." }, NOW);
    // The contact answered minutes ago: the 14-day cooldown would defer any survey — the re-check is exempt.
    const result = await sendRecheck(recheckDeps, ADMIN, caseId, NOW);
    expect(result.status).toBe("queued");
    expect(mail.sent).toEqual([{ type: "deliver", invitationId: result.invitationId, kind: "recheck" }]);
    await expectProblem(sendRecheck(recheckDeps, ADMIN, caseId, NOW), 409);
    const [again] = await Promise.allSettled([sendRecheck(recheckDeps, ADMIN, caseId, NOW)]);
    expect(again.status).toBe("rejected");
    expect(await count("SELECT count(*) AS n FROM invitations WHERE cause_type = 'recheck' AND cause_id = ?", caseId)).toBe(1);

    // The contact answers "no".
    const invitation = (await env.DB.prepare("SELECT * FROM invitations WHERE id = ?").bind(result.invitationId).first<Record<string, string>>())!;
    const answeredAt = "2026-05-05T08:00:00.000Z";
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO responses (id, invitation_id, survey_id, survey_version_id, contact_id, status, account_id, role, journey_stage, submitted_at, updated_at)
        VALUES ('rsp_recheck1', ?, 'sur_case_recheck', 'ver_case_recheck', ?, 'complete', ?, 'champion', 'support', ?, ?)`).bind(invitation.id, contact.id, contact.accountId, answeredAt, answeredAt),
      env.DB.prepare("INSERT INTO answers (response_id, question_id, type, text_value) VALUES ('rsp_recheck1', 'resolved', 'choice', 'no')"),
    ]);
    await handleSubmittedResponse(deps, "rsp_recheck1", new Date(answeredAt));
    await handleSubmittedResponse(deps, "rsp_recheck1", new Date(answeredAt)); // redelivered
    const timeline = (await getCase(deps.db, caseId, NOW)).timeline;
    expect(timeline.filter((e) => e.kind === "recheck_answer").map((e) => e.detail)).toEqual([{ resolved: "no", responseId: "rsp_recheck1" }]);
    expect(timeline.filter((e) => e.kind === "recheck_sent")).toHaveLength(1);
    // A re-check answer never opens a case of its own.
    expect(await count("SELECT count(*) AS n FROM cases WHERE response_id = 'rsp_recheck1'")).toBe(0);
  });
});

describe("breach and escalation", () => {
  it("a case not acknowledged by its due time gets ONE escalation email to the assignee and the admins", async () => {
    const owner = uniqueEmail("slow-owner");
    const admin = uniqueEmail("admin");
    await makeUser(owner);
    await makeUser(admin);
    await env.DB.prepare("UPDATE users SET role = 'admin' WHERE email = ?").bind(admin).run();
    const { caseId } = await openCase(owner);
    const acknowledgedInTime = await openCase(owner);
    const deps = loopDeps();
    await actOnCase(deps, ADMIN, acknowledgedInTime.caseId, { type: "acknowledge" }, NOW);
    const due = (await getCase(deps.db, caseId, NOW)).dueAt;

    const escalation = { db: deps.db, provider: deps.provider, publicUrl: deps.publicUrl };
    expect(await escalateBreaches(escalation, new Date(Date.parse(due) - 1000))).not.toContain(caseId);
    expect(await escalateBreaches(escalation, new Date(Date.parse(due) + 1000))).toContain(caseId);
    expect(await escalateBreaches(escalation, new Date(Date.parse(due) + 600_000))).not.toContain(caseId);

    const breachMails = (await outboxTo(owner)).filter((m) => m.kind === "case_breached");
    expect(breachMails).toHaveLength(1);
    expect(breachMails[0]!.text_body).toContain(`/admin/cases/${caseId}`);
    expect(breachMails[0]!.text_body).toContain(`acknowledged by ${formatLocalInstant(due, "UTC")} and`);
    expect(breachMails[0]!.text_body).not.toContain(due);
    expect(breachMails[0]!.text_body).toContain(`Assigned to Owner (${owner}).`);
    expect((await outboxTo(admin)).filter((m) => m.kind === "case_breached" && m.text_body.includes(caseId))).toHaveLength(1);
    const detail = await getCase(deps.db, caseId, new Date(Date.parse(due) + 1000));
    expect(detail.breached).toBe(true);
    expect(detail.timeline.map((e) => e.kind)).toContain("breached");
    expect((await getCase(deps.db, acknowledgedInTime.caseId, new Date(Date.parse(due) + 1000))).breached).toBe(false);
  });
});

describe("escalation when the mail provider is down", () => {
  it("tries again on the next tick when nobody could be told, then sends once", async () => {
    const owner = uniqueEmail("owner-down");
    await makeUser(owner);
    const { caseId } = await openCase(owner);
    const deps = loopDeps();
    const due = Date.parse((await getCase(deps.db, caseId, NOW)).dueAt);
    // The provider is a third-party HTTP service: its outage is faked behind the production interface.
    const down = { name: "down", send: async () => ({ ok: false as const, permanent: false, error: "503 from the mail API" }) };
    await escalateBreaches({ db: deps.db, provider: down, publicUrl: deps.publicUrl }, new Date(due + 1000));
    expect((await env.DB.prepare("SELECT escalated_at FROM cases WHERE id = ?").bind(caseId).first())).toEqual({ escalated_at: null });
    await escalateBreaches({ db: deps.db, provider: deps.provider, publicUrl: deps.publicUrl }, new Date(due + 300_000));
    await escalateBreaches({ db: deps.db, provider: deps.provider, publicUrl: deps.publicUrl }, new Date(due + 600_000));
    expect((await outboxTo(owner)).filter((m) => m.kind === "case_breached" && m.text_body.includes(caseId))).toHaveLength(1);
    expect((await getCase(deps.db, caseId, new Date(due + 600_000))).timeline.filter((e) => e.kind === "breached")).toHaveLength(1);
  });
});

describe("silence cases", () => {
  it("open once per (account, period): a top-20 % account silent once, any account silent a second quarter in a row", async () => {
    const top = await makeAccount({ annualRevenue: 9_000_000_000_000 });
    const small = await makeAccount({ annualRevenue: 1 });
    const deps = loopDeps();
    const first = await openSilenceCases(deps, [
      { accountId: top.id, period: "2026-Q1", silentStreak: 1, topRevenue: true },
      { accountId: small.id, period: "2026-Q1", silentStreak: 1, topRevenue: false }, // small and only once: no case
    ], NOW);
    expect(first).toHaveLength(1);
    const second = await openSilenceCases(deps, [
      { accountId: top.id, period: "2026-Q1", silentStreak: 1, topRevenue: true }, // again: nothing new
      { accountId: small.id, period: "2026-Q2", silentStreak: 2, topRevenue: false },
    ], NOW);
    expect(second).toHaveLength(1);
    await Promise.all([1, 2, 3].map(() => openSilenceCases(deps, [{ accountId: small.id, period: "2026-Q2", silentStreak: 2, topRevenue: false }], NOW)));
    const rows = await env.DB.prepare("SELECT account_id, period, type, top_account, trigger FROM cases WHERE type = 'silence' AND account_id IN (?, ?) ORDER BY period")
      .bind(top.id, small.id)
      .all();
    expect(rows.results).toEqual([
      { account_id: top.id, period: "2026-Q1", type: "silence", top_account: 1, trigger: "silent 1 quarter in a row" },
      { account_id: small.id, period: "2026-Q2", type: "silence", top_account: 0, trigger: "silent 2 quarters in a row" },
    ]);
  });
});

describe("responsiveness per assignee and team", () => {
  it("median hours to acknowledge and the share closed within SLA, by hand", async () => {
    const person = uniqueEmail("measured");
    await makeUser(person);
    const base = new Date("2027-01-04T09:00:00.000Z"); // Monday, a range no other test uses
    const cases = [];
    // Tiny accounts: never in the top 20 %, so 5 business days.
    for (let i = 0; i < 3; i++) cases.push((await openCase(person, base, 2)).caseId);
    const deps = loopDeps();
    const hours = (h: number) => new Date(base.getTime() + h * 3600_000);
    // Acknowledged after 1 h, 3 h and 10 h: median 3 h.
    await actOnCase(deps, ADMIN, cases[0]!, { type: "acknowledge" }, hours(1));
    await actOnCase(deps, ADMIN, cases[1]!, { type: "acknowledge" }, hours(3));
    await actOnCase(deps, ADMIN, cases[2]!, { type: "acknowledge" }, hours(10));
    // Due after 5 business days (Monday 11 Jan 09:00): one closed in time, one late, one still open and not yet due.
    await actOnCase(deps, ADMIN, cases[0]!, { type: "close", resolution: "ok" }, hours(24));
    await actOnCase(deps, ADMIN, cases[1]!, { type: "close", resolution: "late" }, new Date("2027-01-12T09:00:00.000Z"));
    const result = await responsiveness(deps.db, { from: "2027-01-01", to: "2027-02-01" }, new Date("2027-01-08T00:00:00.000Z"));
    expect(result.find((r) => r.by === "assignee" && r.key === person)).toEqual({
      by: "assignee",
      key: person,
      label: "Owner", // the user's name
      cases: 3,
      acknowledged: 3,
      medianHoursToAcknowledge: 3,
      closedWithinSla: 0.5, // 1 of the 2 closed (the open one is not due yet)
      slaBase: 2,
    });
    // Four acknowledgements: the median is the mean of the middle two (3 h and 10 h → 6.5 h).
    const fourth = (await openCase(person, base, 2)).caseId;
    await actOnCase(deps, ADMIN, fourth, { type: "acknowledge" }, hours(20));
    const four = await responsiveness(deps.db, { from: "2027-01-01", to: "2027-02-01" }, new Date("2027-01-08T00:00:00.000Z"));
    expect(four.find((r) => r.by === "assignee" && r.key === person)?.medianHoursToAcknowledge).toBe(6.5);
  });
});
