import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { dispatch, DISPATCH_CRON } from "../../src/jobs/dispatcher";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../support/fixtures";

// Only transactional surveys in this file: the relational program has its own tests.
const transactional = () => makeSurvey({ kind: "transactional", journeyStage: "support" });
const DAY = 86_400_000;
const NOW = new Date("2026-06-10T09:00:00.000Z");
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const invitation = (id: string) =>
  env.DB.prepare("SELECT status, blocking_rule, admitted_at, reminder_sent_at, scheduled_for FROM invitations WHERE id = ?").bind(id).first<any>();

describe("dispatcher", () => {
  it("re-checks due deferrals first in, first out: the account's one free slot goes to the earliest deferral", async () => {
    const account = await makeAccount();
    const survey = await transactional();
    for (let k = 0; k < 4; k++) await makeInvitation(await makeContact(account.id), survey, { admittedAt: ago(1) });
    const [early, late] = [await makeContact(account.id), await makeContact(account.id)];
    const deferred = { status: "deferred" as const, admittedAt: null, sentAt: null, scheduledFor: ago(0.5), blockingRule: "account-weekly" };
    const lateInvitation = await makeInvitation(late, survey, { ...deferred, deferredSince: ago(2) });
    const earlyInvitation = await makeInvitation(early, survey, { ...deferred, deferredSince: ago(3) });

    const report = await dispatch(env, NOW);
    expect(report.rechecked).toMatchObject({ queued: 1, deferred: 1 });
    expect(await invitation(earlyInvitation.id)).toMatchObject({ status: "queued", admitted_at: NOW.toISOString(), blocking_rule: null });
    expect(await invitation(lateInvitation.id)).toMatchObject({ status: "deferred", blocking_rule: "account-weekly", scheduled_for: new Date(Date.parse(ago(1)) + 7 * DAY).toISOString() });
  });

  it("sends one reminder 4 days after the invitation, never twice, not to the complete", async () => {
    const survey = await transactional();
    const account = await makeAccount();
    const due = await makeInvitation(await makeContact(account.id), survey, { status: "opened", admittedAt: ago(5), sentAt: ago(4), expiresAt: ago(-26) });
    const early = await makeInvitation(await makeContact(account.id), survey, { status: "sent", admittedAt: ago(3), sentAt: ago(3.9), expiresAt: ago(-26) });
    const done = await makeInvitation(await makeContact(account.id), survey, { status: "completed", admittedAt: ago(9), sentAt: ago(9), expiresAt: ago(-21) });

    await dispatch(env, NOW);
    expect((await invitation(due.id)).reminder_sent_at).toBe(NOW.toISOString());
    expect((await invitation(early.id)).reminder_sent_at).toBeNull();
    expect((await invitation(done.id)).reminder_sent_at).toBeNull();

    const later = new Date(NOW.getTime() + 5 * DAY); // Monday: NOW + 3 days is a Saturday, outside the send window
    await dispatch(env, later);
    expect((await invitation(due.id)).reminder_sent_at).toBe(NOW.toISOString());
    expect((await invitation(early.id)).reminder_sent_at).toBe(later.toISOString());
  });

  it("expires admitted invitations past their expiry and records it", async () => {
    const survey = await transactional();
    const old = await makeInvitation(await makeContact((await makeAccount()).id), survey, { status: "sent", admittedAt: ago(31), sentAt: ago(31), expiresAt: ago(1), reminderSentAt: ago(27) });
    await dispatch(env, NOW);
    expect((await invitation(old.id)).status).toBe("expired");
    const history = await env.DB.prepare("SELECT status FROM invitation_events WHERE invitation_id = ?").bind(old.id).all();
    expect(history.results).toEqual([{ status: "expired" }]);
  });

  it("queues again an admitted invitation whose delivery message was lost, at most every 15 minutes", async () => {
    const survey = await transactional();
    const lost = await makeInvitation(await makeContact((await makeAccount()).id), survey, {
      status: "queued",
      sentAt: null,
      admittedAt: ago(0.1),
      updatedAt: ago(0.1),
      expiresAt: ago(-29),
    });
    const first = await dispatch(env, NOW);
    expect(first.requeued).toBeGreaterThanOrEqual(1);
    expect((await env.DB.prepare("SELECT updated_at FROM invitations WHERE id = ?").bind(lost.id).first())?.updated_at).toBe(NOW.toISOString());
    const soon = await dispatch(env, new Date(NOW.getTime() + 5 * 60_000));
    expect(soon.requeued).toBe(0);
  });

  it("runs on the */5 cron through the Worker's scheduled handler", async () => {
    const survey = await transactional();
    const scheduled = await makeInvitation(await makeContact((await makeAccount()).id), survey, {
      status: "scheduled",
      admittedAt: null,
      sentAt: null,
      scheduledFor: ago(1 / 1440),
    });
    // At a fixed instant inside the send window (a Wednesday, 09:00 UTC): with the clock's time the test failed
    // outside working hours, when scheduled work rightly waits.
    const controller = createScheduledController({ cron: DISPATCH_CRON, scheduledTime: NOW });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await invitation(scheduled.id)).status).toBe("queued");
  });

  it("forgets one-time request keys (send and form keys) after 30 days, in bounded chunks, and keeps the recent ones", async () => {
    const keys = (table: string) => env.DB.prepare(`SELECT key FROM ${table} ORDER BY key`).all<{ key: string }>().then((r) => r.results.map((k) => k.key));
    const send = (key: string, days: number) =>
      env.DB.prepare("INSERT INTO send_requests (actor, key, fingerprint, send_id, survey_id, outcome, created_at) VALUES ('token:t', ?, 'f', 's', 'sur', NULL, ?)").bind(key, ago(days));
    const form = (key: string, days: number) => env.DB.prepare("INSERT INTO form_requests (actor, key, form, created_at) VALUES ('usr_a', ?, 'case.note', ?)").bind(key, ago(days));
    await env.DB.batch([send("old-send", 31), send("recent-send", 29), form("old-form", 45), form("recent-form", 1)]);
    // 600 more old form keys: a tick forgets at most 500 per table.
    await env.DB.batch(Array.from({ length: 600 }, (_, i) => form(`older-${String(i).padStart(3, "0")}`, 40)));

    const first = await dispatch(env, NOW);
    expect(first.forgottenKeys).toBe(501);
    expect(await keys("send_requests")).toEqual(["recent-send"]);
    expect((await keys("form_requests")).length).toBe(102);
    const second = await dispatch(env, NOW);
    expect(second.forgottenKeys).toBe(101);
    expect(await keys("form_requests")).toEqual(["recent-form"]);
  });
});
