// Which webhook events a stored response and a case cause, and how often (redelivered messages, edits).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleSubmittedResponse } from "../../../src/domain/cases/open";
import { actOnCase } from "../../../src/domain/cases/work";
import { createEndpoint } from "../../../src/domain/webhooks/endpoints";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { loopDeps } from "../cases/support";

const eventsOf = async (endpointId: string) =>
  (await env.DB.prepare("SELECT event_type, payload FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at, event_type").bind(endpointId).all<{ event_type: string; payload: string }>()).results.map(
    (r) => ({ type: r.event_type, data: JSON.parse(r.payload).data as Record<string, unknown> }),
  );

describe("events from responses and cases", () => {
  it("response.completed once, response.updated once per edit, case.opened once, case.closed on close", async () => {
    const deps = loopDeps();
    const { endpoint } = await createEndpoint(deps.db, "bootstrap", { url: "https://hooks.acme-customer.com/all", events: ["response.completed", "response.updated", "case.opened", "case.closed"] }, false, new Date());
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const { response } = await makeResponse(contact, await makeSurvey(), {
      submittedAt: "2026-05-04T09:00:00.000Z",
      answers: [
        { type: "nps", value: 3, questionId: "nps" },
        { type: "text", text: "Too slow", questionId: "why" },
      ],
    });
    await env.DB.prepare("UPDATE responses SET updated_at = submitted_at WHERE id = ?").bind(response.id).run();
    await handleSubmittedResponse(deps, response.id, new Date("2026-05-04T09:00:01.000Z"));
    await handleSubmittedResponse(deps, response.id, new Date("2026-05-04T09:00:02.000Z")); // redelivered
    let events = await eventsOf(endpoint.id);
    expect(events.map((e) => e.type).sort()).toEqual(["case.opened", "response.completed"]);
    expect(events.find((e) => e.type === "response.completed")!.data).toMatchObject({
      responseId: response.id,
      accountId: account.id,
      contactId: contact.id,
      answers: [
        { questionId: "nps", type: "nps", value: 3 },
        { questionId: "why", type: "text", value: "Too slow" },
      ],
    });

    // An edit after submit: one response.updated (twice delivered, once announced).
    await env.DB.batch([
      env.DB.prepare("UPDATE answers SET text_value = 'Too slow, and nobody called' WHERE response_id = ? AND question_id = 'why'").bind(response.id),
      env.DB.prepare("UPDATE responses SET updated_at = '2026-05-05T10:00:00.000Z' WHERE id = ?").bind(response.id),
    ]);
    await handleSubmittedResponse(deps, response.id, new Date("2026-05-05T10:00:01.000Z"));
    await handleSubmittedResponse(deps, response.id, new Date("2026-05-05T10:00:02.000Z"));
    events = await eventsOf(endpoint.id);
    expect(events.filter((e) => e.type === "response.updated")).toHaveLength(1);
    expect(events.filter((e) => e.type === "case.opened")).toHaveLength(1);

    const caseId = events.find((e) => e.type === "case.opened")!.data.caseId as string;
    await actOnCase(deps, { id: "bootstrap", email: null, role: "admin" }, caseId, { type: "close", resolution: "Called back." }, new Date("2026-05-06T10:00:00.000Z"));
    const closed = (await eventsOf(endpoint.id)).filter((e) => e.type === "case.closed");
    expect(closed).toEqual([{ type: "case.closed", data: expect.objectContaining({ caseId, status: "closed", resolution: "Called back." }) }]);
    // Every delivery was queued for the consumer (a redelivered cause queues a not-yet-attempted one again: harmless).
    expect(new Set(deps.queue.sent.map((m) => (m.type === "webhook.deliver" ? m.deliveryId : null)))).toEqual(
      new Set((await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).all<{ id: string }>()).results.map((r) => r.id)),
    );
  });
});
