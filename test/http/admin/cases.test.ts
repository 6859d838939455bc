// The Cases pages and Administration → Webhooks (SPEC §12), through the Worker with a signed-in session.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleSubmittedResponse } from "../../../src/domain/cases/open";
import { emitWebhookEvent } from "../../../src/domain/webhooks/emit";
import { adminSession, fieldError, getPage, postForm } from "../../support/admin";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { inviteUser, signInAs } from "../../support/people";
import { makeResponse } from "../../support/responses";
import { api } from "../../support/api";
import { tokenWithScopes } from "../../support/tokens";
import { loopDeps } from "../../domain/cases/support";

async function openCase(ownerEmail: string | null, why = "Support never called back.") {
  const account = await makeAccount({ ownerEmail, name: `Globex ${Math.random().toString(36).slice(2, 6)}` });
  const contact = await makeContact(account.id, { name: "Dana Detractor" });
  const { response } = await makeResponse(contact, await makeSurvey(), {
    submittedAt: new Date().toISOString(),
    answers: [
      { type: "nps", value: 2, questionId: "nps" },
      { type: "text", text: why, questionId: "why" },
    ],
  });
  const outcome = await handleSubmittedResponse(loopDeps(), response.id, new Date());
  return { caseId: outcome.caseId!, account };
}

/** The one-time key a page put in its form (http/admin/form-keys.ts). */
const formKeyOf = (html: string) => /name="formKey" value="([^"]+)"/.exec(html)?.[1] ?? "";

const caseRow = (id: string) => env.DB.prepare("SELECT status, resolution FROM cases WHERE id = ?").bind(id).first<{ status: string; resolution: string | null }>();

describe("/admin/cases", () => {
  it("lists the queue and responsiveness in ≤ 3 D1 round trips; a case page works the case with forms", async () => {
    const session = await adminSession();
    const { caseId, account } = await openCase(null, "Invoice <b>wrong</b> again");
    const queue = await getPage(session, "/admin/cases");
    expect(queue.status).toBe(200);
    expect(queue.trips).toBeLessThanOrEqual(3);
    expect(queue.html).toContain(`href="/admin/cases/${caseId}"`);
    expect(queue.html).toContain(account.name);
    expect(queue.html).toContain("Invoice &lt;b&gt;wrong&lt;/b&gt; again");
    expect(queue.html).toContain("Responsiveness");
    // The row's link opens the case, and its column says so; a case counted under assignee and team is explained.
    expect(queue.html).toContain('<th scope="col">Case (account · contact)</th>');
    expect(queue.html).toContain("Each case counts once under its assignee and once under its team.");
    // "Mine" explained in its option, not in a hint that pushed the Whose list above the filter row's other lists.
    expect(queue.html).toContain('<option value="mine">Mine (assigned to me or on my accounts)</option>');
    expect(queue.html).not.toContain('id="f-scope-hint"');
    expect(new TextEncoder().encode(queue.html).length).toBeLessThan(150_000);

    const page = await getPage(session, `/admin/cases/${caseId}`);
    expect(page.status).toBe(200);
    expect(page.trips).toBeLessThanOrEqual(3);
    expect(page.html).toContain('name="csrf"');
    // An admin is offered the forms that work the case.
    expect(page.html).toContain(`action="/admin/cases/${caseId}/acknowledge"`);
    expect(page.html).toContain(`action="/admin/cases/${caseId}/close"`);
    // The case is unassigned: the assign form starts on a blank choice, not on the first person as if assigned to them.
    expect(page.html).toContain("<dt>Assignee</dt><dd>Unassigned</dd>");
    expect(page.html).toMatch(/<select id="f-assigneeEmail" name="assigneeEmail" required="">\s*<option value="">Choose a person<\/option>/);
    expect(page.html).not.toMatch(/name="assigneeEmail"[^>]*>[\s\S]{0,300}<option value="[^"]+" selected="">/);

    // Closing without a resolution: 422, the problem beside the field, nothing written.
    // …then back on the case page (redirect after POST), so reloading it does not post the form again.
    const refusedPost = await postForm(session, `/admin/cases/${caseId}/close`, { resolution: "  " });
    expect(refusedPost.status).toBe(303);
    expect(refusedPost.location).toBe(`/admin/cases/${caseId}?refused=close`);
    const refused = await getPage(session, refusedPost.location!);
    expect(refused.trips).toBeLessThanOrEqual(3);
    expect(fieldError(refused.html, "resolution")).toBe("required to close a case");
    expect(await caseRow(caseId)).toEqual({ status: "open", resolution: null });
    // An empty note says what to do, not just "required"
    const noteKey = formKeyOf(page.html);
    const emptyNotePost = await postForm(session, `/admin/cases/${caseId}/notes`, { text: "   ", formKey: noteKey });
    expect(emptyNotePost.status).toBe(303);
    const emptyNote = await getPage(session, emptyNotePost.location!);
    expect(fieldError(emptyNote.html, "text")).toBe("write the note");
    // A refused note gives its key back: the corrected note goes in once; Back + "Add the note" again adds nothing (409)
    expect((await postForm(session, `/admin/cases/${caseId}/notes`, { text: "Called them back.", formKey: noteKey })).status).toBe(303);
    const again = await postForm(session, `/admin/cases/${caseId}/notes`, { text: "Called them back.", formKey: noteKey });
    expect(again.status).toBe(409);
    expect(again.html).toContain("already submitted");
    expect((await postForm(session, `/admin/cases/${caseId}/notes`, { text: "No key" })).status).toBe(400);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM case_events WHERE case_id = ? AND kind = 'note'").bind(caseId).first()).toEqual({ n: 1 });
    // a fresh page gives a fresh key: a second, deliberate note is fine
    const fresh = formKeyOf((await getPage(session, `/admin/cases/${caseId}`)).html);
    expect(fresh).not.toBe(noteKey);
    expect((await postForm(session, `/admin/cases/${caseId}/notes`, { text: "Called them back.", formKey: fresh })).status).toBe(303);

    // A form from another session (no CSRF token) is refused.
    expect((await postForm(session, `/admin/cases/${caseId}/acknowledge`, {}, { csrf: null })).status).toBe(403);
    expect(await caseRow(caseId)).toMatchObject({ status: "open" });

    const ack = await postForm(session, `/admin/cases/${caseId}/acknowledge`, {});
    expect(ack.status).toBe(303);
    expect(ack.location).toBe(`/admin/cases/${caseId}?done=acknowledge`);
    const closed = await postForm(session, `/admin/cases/${caseId}/close`, { resolution: "Credited the invoice." });
    expect(closed.status).toBe(303);
    expect(await caseRow(caseId)).toEqual({ status: "closed", resolution: "Credited the invoice." });
    const after = await getPage(session, `/admin/cases/${caseId}?done=close`);
    expect(after.html).toContain("Closed with its resolution.");
    // Acknowledged: when, beside its due time (not "Acknowledge by" any more).
    expect(after.html).toMatch(/<dt>Acknowledged<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC \(due \d{4}-\d\d-\d\d \d\d:\d\d UTC\)<\/dd>/);
    expect(after.html).not.toContain("<dt>Acknowledge by</dt>");
    expect(page.html).toContain("<dt>Acknowledge by</dt>");
    // Reopened: open again, to be acknowledged again; the earlier acknowledgement is said as such, not as the state.
    const reopen = await postForm(session, `/admin/cases/${caseId}/reopen`, {});
    expect(reopen.location).toBe(`/admin/cases/${caseId}?done=reopen`);
    const reopened = await getPage(session, reopen.location!);
    expect(reopened.html).toContain("Reopened.");
    expect(reopened.html).toMatch(/<dt>Acknowledge by<\/dt><dd>[^<]+ UTC \(acknowledged [^<]+ UTC, before it was reopened\)<\/dd>/);
    expect(reopened.html).not.toContain("<dt>Acknowledged</dt>");
    expect(reopened.html).toContain(`action="/admin/cases/${caseId}/acknowledge"`);
    expect(after.html).toContain("Credited the invoice.");
    expect(after.html).toContain("Did we resolve it?");
    // Who did it, in words: the set-up token is "Admin token", not its stored id "bootstrap".
    expect(after.html).toMatch(/<strong>Closed<\/strong> · [^·]+ · Admin token<\/p>/);
    expect(after.html).not.toContain("bootstrap");
  });

  it("an account manager works their own cases and gets a 403 page on another team's, nothing written", async () => {
    const mine = await inviteUser("account_manager");
    const other = await inviteUser("account_manager");
    const own = await openCase(mine.email);
    const foreign = await openCase(other.email);
    const { cookie, csrf } = await signInAs(mine);
    const session = { cookie, csrf };
    const list = await getPage(session, "/admin/cases?scope=mine");
    expect(list.html).toContain(own.caseId);
    expect(list.html).not.toContain(foreign.caseId);
    expect((await postForm(session, `/admin/cases/${own.caseId}/acknowledge`, {})).status).toBe(303);
    const refused = await postForm(session, `/admin/cases/${foreign.caseId}/close`, { resolution: "not mine" });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("another account team");
    // the account's name, never an internal id
    expect(refused.html).toContain(`This case (${foreign.account.name}) belongs to another account team`);
    expect(refused.html).not.toContain(foreign.caseId + "'");
    expect(await caseRow(foreign.caseId)).toEqual({ status: "open", resolution: null });
    // Their page for the other case reads, without forms.
    const readOnly = await getPage(session, `/admin/cases/${foreign.caseId}`);
    expect(readOnly.status).toBe(200);
    expect(readOnly.html).toContain("You can read this case; its account team works it.");
    expect(readOnly.html).not.toContain(`action="/admin/cases/${foreign.caseId}/close"`);
  });

  it("shows people by name, teams by label and priority as a rank with its reason (not emails, keys or bare decimals)", async () => {
    const name = `Tom Okafor ${Math.random().toString(36).slice(2, 6)}`;
    const owner = await inviteUser("account_manager", { name });
    const { caseId } = await openCase(owner.email);
    const { team, priority, severity } = (await env.DB.prepare("SELECT team, priority, severity FROM cases WHERE id = ?").bind(caseId).first<{ team: string; priority: number; severity: number }>())!;
    const label = (await env.DB.prepare("SELECT label FROM case_teams WHERE key = ?").bind(team).first<{ label: string }>())!.label;
    expect(label).not.toBe(team);
    const session = await signInAs(owner);
    expect((await postForm(session, `/admin/cases/${caseId}/acknowledge`, {})).status).toBe(303);
    // "Assign" left on the current assignee (the owner, assigned on opening): nothing changes, and the page says so.
    const same = await postForm(session, `/admin/cases/${caseId}/assign`, { assigneeEmail: owner.email.toUpperCase() });
    expect(same.location).toBe(`/admin/cases/${caseId}?done=unchanged`);
    expect((await getPage(session, same.location!)).html).toContain("Already assigned to that person: nothing changed.");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM case_events WHERE case_id = ? AND kind = 'assigned'").bind(caseId).first()).toEqual({ n: 0 });

    const queue = await getPage(session, "/admin/cases?scope=mine");
    expect(queue.trips).toBeLessThanOrEqual(3);
    const row = queue.html.slice(queue.html.indexOf(`href="/admin/cases/${caseId}"`) - 400, queue.html.indexOf(`href="/admin/cases/${caseId}"`) + 1200);
    expect(row).toContain(`<td>${label}</td>`);
    expect(row).not.toContain(`<td>${team}</td>`);
    expect(row).toContain(`<td>${name}</td>`);
    // NPS 2 on a largest-revenue test account: severity × percentile, in words
    const rank = priority >= 2 ? "High" : priority >= 1 ? "Medium" : "Low";
    expect(row).toContain(`<strong>${rank}</strong>`);
    expect(row).toContain(`${priority.toFixed(2)} = severity ${severity} of 3 × revenue percentile ${(priority / severity).toFixed(2)}`);
    // Responsiveness names the assignee and the team by label
    expect(queue.html).toMatch(new RegExp(`<th scope="row">${name}</th>`));
    expect(queue.html).toContain(`<th scope="row">Team ${label}</th>`);

    const page = await getPage(session, `/admin/cases/${caseId}`);
    expect(page.trips).toBeLessThanOrEqual(3);
    expect(page.html).toMatch(new RegExp(`<dt>Team</dt><dd>${label}</dd>`));
    expect(page.html).toMatch(new RegExp(`<dt>Assignee</dt><dd>${name} <span class="muted">\\(`));
    expect(page.html).toMatch(new RegExp(`<dt>Account owner</dt><dd>${name} `));
    // the timeline's actor is the person, not their address
    expect(page.html).toMatch(new RegExp(`<strong>Acknowledged</strong> · [^·]+ · ${name}</p>`));
    expect(page.html).toContain("Quorum (automatic)");
    // "Opened … assigned to" names the person
    expect(page.html).toContain(`assigned to ${name} (`);
  });

  it("names an API token's step on the timeline by the token's name, not its id", async () => {
    const { caseId } = await openCase(null);
    const name = `CRM bridge ${Math.random().toString(36).slice(2, 6)}`;
    const token = await tokenWithScopes(["admin"], name);
    expect((await api("POST", `/cases/${caseId}/acknowledge`, undefined, { token: token.token })).status).toBe(200);
    const page = await getPage(await adminSession(), `/admin/cases/${caseId}`);
    expect(page.html).toMatch(new RegExp(`<strong>Acknowledged</strong> · [^·]+ · ${name}</p>`));
    expect(page.html).not.toContain(token.id);
  });

  it("names the account owner the CRM gave when the owner is no Quorum user (not their bare address)", async () => {
    const ownerEmail = `crm.owner.${Math.random().toString(36).slice(2, 8)}@customer.test`;
    const { caseId } = await openCase(ownerEmail);
    const page = await getPage(await adminSession(), `/admin/cases/${caseId}`);
    expect(page.html).toMatch(/<dt>Account owner<\/dt><dd>Olivia Owner <span class="muted">\(/);
  });

  it("answers an unknown case with a 404 page and a malformed filter with a 400 page", async () => {
    const session = await adminSession();
    const unknown = await getPage(session, "/admin/cases/cas_nope");
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain("This case does not exist.");
    expect(unknown.html).not.toContain("cas_nope'");
    expect((await getPage(session, "/admin/cases?status=weird")).status).toBe(400);
    // "A team's" without a team: the queue again, the problem beside the Team field, the other choices kept (not a
    // dead-end page titled "That filter does not exist").
    const noTeam = await getPage(session, "/admin/cases?scope=team&team=&status=closed&breached=");
    expect(noTeam.status).toBe(400);
    expect(fieldError(noTeam.html, "team")).toBe("choose the team whose cases to show");
    expect(noTeam.html).not.toContain("That filter does not exist");
    // no empty queue table under the problem, and no "No cases match" for a filter that was not applied
    expect(noTeam.html).not.toContain('aria-label="Case queue"');
    expect(noTeam.html).not.toContain("No cases match");
    expect(noTeam.html).toMatch(/<option value="closed" selected="">Closed<\/option>|<option selected="" value="closed">/);
    expect((await getPage(session, "/admin/cases?offset=-4")).status).toBe(400);
  });
});

describe("/admin/webhooks", () => {
  it("adds an endpoint (secret shown once), refuses a private address beside the field, replays a delivery, refuses a forged replay", async () => {
    const session = await adminSession();
    const list = await getPage(session, "/admin/webhooks");
    expect(list.status).toBe(200);
    expect(list.trips).toBeLessThanOrEqual(3);

    const formKey = formKeyOf(list.html);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints").first<{ n: number }>();
    const refused = await postForm(session, "/admin/webhooks", { url: "https://192.168.0.10/hook", events: ["case.opened"], formKey });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.html, "url")).toContain("private address");
    const noEvents = await postForm(session, "/admin/webhooks", { url: "https://hooks.acme-customer.com/q", formKey });
    expect(fieldError(noEvents.html, "events")).toBe("Choose at least one event from the list.");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints").first()).toEqual(before);

    const created = await postForm(session, "/admin/webhooks", { url: "https://hooks.acme-customer.com/q", events: ["case.opened", "case.closed"], format: "standard", formKey });
    expect(created.status).toBe(201);
    // Back + "Add the endpoint" again (or reloading the page with the secret) adds no second endpoint
    const twice = await postForm(session, "/admin/webhooks", { url: "https://hooks.acme-customer.com/q", events: ["case.opened", "case.closed"], format: "standard", formKey });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain("already submitted");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM webhook_endpoints WHERE url = 'https://hooks.acme-customer.com/q'").first()).toEqual({ n: 1 });
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.html)?.[0];
    expect(secret).toBeTruthy();
    const endpoint = (await env.DB.prepare("SELECT id, secret FROM webhook_endpoints WHERE url = 'https://hooks.acme-customer.com/q'").first<{ id: string; secret: string }>())!;
    expect(endpoint.secret).toBe(secret);
    const shown = await getPage(session, `/admin/webhooks/${endpoint.id}`);
    expect(shown.html).not.toContain(secret!);
    expect(shown.trips).toBeLessThanOrEqual(3);

    const deps = loopDeps();
    await emitWebhookEvent(deps.db, deps.queue, { type: "case.opened", key: "case.opened:page-test", data: { caseId: "page-test" } }, new Date());
    const delivery = (await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?").bind(endpoint.id).first<{ id: string }>())!;
    const page = await getPage(session, `/admin/webhooks/${endpoint.id}`);
    expect(page.html).toContain(`/admin/webhooks/${endpoint.id}/deliveries/${delivery.id}/replay`);
    const detail = await getPage(session, `/admin/webhooks/${endpoint.id}/deliveries/${delivery.id}`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain("<h1>Delivery: case.opened</h1>");
    expect(detail.html).toContain(`webhook-id <code>${delivery.id}</code>`);

    const replay = await postForm(session, `/admin/webhooks/${endpoint.id}/deliveries/${delivery.id}/replay`, {});
    expect(replay.status).toBe(303);
    const forged = await postForm(session, `/admin/webhooks/${endpoint.id}/deliveries/msg_forged/replay`, {});
    expect(forged.status).toBe(404);
    expect((await postForm(session, `/admin/webhooks/${endpoint.id}/deliveries/${delivery.id}/replay`, {}, { csrf: null })).status).toBe(403);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'webhook.replay' AND entity_id = ?").bind(delivery.id).first()).toEqual({ n: 1 });
  });

  it("analysts read the webhook page but cannot add endpoints", async () => {
    const analyst = await inviteUser("analyst");
    const session = await signInAs(analyst);
    const page = await getPage(session, "/admin/webhooks");
    expect(page.status).toBe(200);
    // not offered a form that can only end on a 403 page
    expect(page.html).not.toContain('action="/admin/webhooks"');
    expect(page.html).not.toContain("Add the endpoint");
    expect(page.html).toContain("only admins add, change or replay them");
    expect((await postForm(session, "/admin/webhooks", { url: "https://hooks.acme-customer.com/z", events: ["case.opened"] })).status).toBe(403);
  });
});
