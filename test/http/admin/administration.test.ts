import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverInvitation } from "../../../src/domain/delivery/deliver";
import { OutboxProvider } from "../../../src/domain/delivery/providers/outbox";
import { scoreLinks } from "../../../src/views/admin/outbox";
import { api } from "../../support/api";
import { adminSession, fieldError, getPage, inputValue, postForm, type AdminSession } from "../../support/admin";
import { countRows, makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";
import { inviteUser, signInAs } from "../../support/people";

let session: AdminSession;
beforeAll(async () => {
  session = await adminSession();
});

const unique = () => Math.random().toString(36).slice(2, 8);

describe("/admin administration", () => {
  it("lands on every administration area", async () => {
    const page = await getPage(session, "/admin/administration");
    expect(page.status).toBe(200);
    for (const href of ["/admin/people", "/admin/tokens", "/admin/settings", "/admin/holidays", "/admin/webhooks", "/admin/audit", "/admin/outbox"]) expect(page.html).toContain(`href="${href}"`);
    expect(page.trips).toBeLessThanOrEqual(3);
  });

  it("creates a token whose secret is shown once and works, then revokes it", async () => {
    const name = `Sync ${unique()}`;
    const created = await postForm(session, "/admin/tokens", { name, scopes: ["read"] });
    expect(created.status).toBe(201);
    const secret = /id="token-secret" readonly="" value="(qrm_[^"]+)"/.exec(created.html)?.[1];
    expect(secret).toBeTruthy();
    expect((await api("GET", "/accounts", undefined, { token: secret! })).status).toBe(200);

    const list = await getPage(session, "/admin/tokens");
    expect(list.html).toContain(name);
    expect(list.html).not.toContain(secret!);
    expect(list.trips).toBeLessThanOrEqual(3);

    const id = (await env.DB.prepare("SELECT id FROM api_tokens WHERE name = ?").bind(name).first<{ id: string }>())!.id;
    const revoked = await postForm(session, `/admin/tokens/${id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await api("GET", "/accounts", undefined, { token: secret! })).status).toBe(401);
  });

  it("takes a token form sent twice for what it is: 409 beside the name, one token written", async () => {
    const name = `Twice ${unique()}`;
    expect((await postForm(session, "/admin/tokens", { name, scopes: ["read"] })).status).toBe(201);
    const again = await postForm(session, "/admin/tokens", { name, scopes: ["read"] });
    expect(again.status).toBe(409);
    expect(fieldError(again.html, "name")).toContain("sent twice");
    expect(again.html).not.toMatch(/id="token-secret"/);
    expect(await countRows("SELECT count(*) AS n FROM api_tokens WHERE name = ?", name)).toBe(1);
  });

  it("refuses a token without a name or scope: messages beside the fields, nothing written", async () => {
    const before = await countRows("SELECT count(*) AS n FROM api_tokens");
    const res = await postForm(session, "/admin/tokens", { name: " " });
    expect(res.status).toBe(422);
    expect(fieldError(res.html, "name")).toBeTruthy();
    expect(res.html).toContain('id="f-scopes-error"');
    expect(await countRows("SELECT count(*) AS n FROM api_tokens")).toBe(before);
  });

  it("saves settings, and refuses a bad time zone and threshold keeping what was typed", async () => {
    const page = await getPage(session, "/admin/settings");
    expect(page.status).toBe(200);
    expect(page.trips).toBeLessThanOrEqual(3);
    const form = {
      organizationName: "Quorum Test Org",
      timeZone: "Mars/Olympus",
      fiscalYearStartMonth: "1",
      defaultLocale: "en",
      caseNpsMax: "11",
      caseOsatMax: "2",
      caseCesMax: "3",
      sendWindowStart: "18:00",
      sendWindowEnd: "08:00",
      caseSlaTopDays: "0",
      caseSlaOtherDays: "5",
    };
    const before = await env.DB.prepare("SELECT * FROM settings").first();
    const refused = await postForm(session, "/admin/settings", form);
    expect(refused.status).toBe(422);
    expect(fieldError(refused.html, "timeZone")).toBeTruthy();
    // In words, not zod's "Too big: expected number to be <=10" / "Invalid input: expected int, received number".
    expect(fieldError(refused.html, "caseNpsMax")).toBe("enter at most 10");
    const fractional = await postForm(session, "/admin/settings", { ...form, caseSlaOtherDays: "2.5" });
    expect(fieldError(fractional.html, "caseSlaOtherDays")).toBe("enter a whole number");
    expect(fieldError(refused.html, "sendWindowEnd")).toBe("the window must end after it starts");
    expect(fieldError(refused.html, "caseSlaTopDays")).toBeTruthy();
    expect(inputValue(refused.html, "timeZone")).toBe("Mars/Olympus");
    expect(await env.DB.prepare("SELECT * FROM settings").first()).toEqual(before);

    const saved = await postForm(session, "/admin/settings", { ...form, timeZone: "Europe/Berlin", caseNpsMax: "5", sendWindowStart: "08:30", sendWindowEnd: "18:00", caseSlaTopDays: "1" });
    expect(saved.status).toBe(303);
    expect(await env.DB.prepare("SELECT organization_name, time_zone, case_nps_max, send_window_start, send_window_end, case_sla_top_days, case_sla_other_days FROM settings").first()).toEqual({
      organization_name: "Quorum Test Org",
      time_zone: "Europe/Berlin",
      case_nps_max: 5,
      send_window_start: "08:30",
      send_window_end: "18:00",
      case_sla_top_days: 1,
      case_sla_other_days: 5,
    });
    expect(await countRows("SELECT count(*) AS n FROM audit_log WHERE action = 'settings.update'")).toBe(1);
  });

  it("offers webhook events in words (with the key a delivery names), and no empty endpoints table", async () => {
    const page = await getPage(session, "/admin/webhooks");
    expect(page.status).toBe(200);
    expect(page.html).toContain("A response is completed (response.completed)");
    expect(page.html).toContain("An account changes category (account.category_changed)");
    expect(page.html).not.toMatch(/<label[^>]*>\s*<input[^>]*name="events"[^>]*\/>response\.completed<\/label>/);
    // Before, the table's headers stood over nothing, above "No endpoints yet.".
    expect(page.html).toContain("No endpoints yet.");
    expect(page.html).not.toContain('aria-label="Webhook endpoints"');

    // A new endpoint's page: its events in words, and no empty deliveries table above "Nothing delivered yet.".
    const formKey = /name="formKey" value="([^"]+)"/.exec(page.html)![1]!;
    const created = await postForm(session, "/admin/webhooks", { url: "https://hooks.example.com/quorum", events: "case.opened", format: "standard", description: "", formKey });
    expect(created.status).toBe(201);
    expect(created.html).toContain("<dd>A case opens (case.opened)</dd>");
    expect(created.html).toContain("Nothing delivered yet.");
    expect(created.html).not.toContain('aria-label="Deliveries, newest first"');
  });

  it("adds and removes a holiday; a bad date and a duplicate are refused beside the field", async () => {
    const bad = await postForm(session, "/admin/holidays", { date: "2026-02-30", label: "Nope" });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.html, "date")).toBeTruthy();
    expect(inputValue(bad.html, "label")).toBe("Nope");
    const blank = await postForm(session, "/admin/holidays", { date: "", label: "No date" });
    expect(fieldError(blank.html, "date")).toBe("fill this in");

    const added = await postForm(session, "/admin/holidays", { date: "2031-12-25", label: "Christmas Day" });
    expect(added.status).toBe(303);
    const page = await getPage(session, "/admin/holidays");
    expect(page.html).toContain("Christmas Day");
    expect(page.trips).toBeLessThanOrEqual(3);
    const duplicate = await postForm(session, "/admin/holidays", { date: "2031-12-25", label: "Again" });
    expect(duplicate.status).toBe(409);
    expect(fieldError(duplicate.html, "date")).toBe("already a holiday");

    const removed = await postForm(session, "/admin/holidays/2031-12-25/delete", {});
    expect(removed.status).toBe(303);
    expect(await countRows("SELECT count(*) AS n FROM holidays WHERE date = '2031-12-25'")).toBe(0);
    // Back and Remove again: the list says it was already removed (it was a 404 "does not exist" page).
    const again = await postForm(session, "/admin/holidays/2031-12-25/delete", {});
    expect(again.status).toBe(303);
    expect((await getPage(session, again.location!)).html).toContain("That holiday was already removed");
  });

  it("filters the audit log by actor, entity, action and date, with a cursor", async () => {
    const label = `Audit ${unique()}`;
    await postForm(session, "/admin/holidays", { date: "2032-01-01", label });
    const page = await getPage(session, "/admin/audit?action=holiday.create&entityType=holiday&entityId=2032-01-01");
    expect(page.status).toBe(200);
    expect(page.html).toContain(label);
    expect(page.trips).toBeLessThanOrEqual(3);
    const today = new Date().toISOString().slice(0, 10);
    expect((await getPage(session, `/admin/audit?action=holiday.create&from=${today}&to=${today}`)).html).toContain(label);
    expect((await getPage(session, "/admin/audit?action=holiday.create&to=2020-01-01")).html).toContain("No entries match");
    expect((await getPage(session, "/admin/audit?actor=nobody-at-all")).html).toContain("No entries match");

    for (let i = 0; i < 55; i++) await env.DB.prepare("INSERT INTO audit_log (at, actor, action, entity_type) VALUES (?, 'pager', 'test.page', 'test')").bind(new Date().toISOString()).run();
    const first = await getPage(session, "/admin/audit?actor=pager");
    const next = /href="(\/admin\/audit\?[^"]*before=\d+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeTruthy();
    const second = await getPage(session, next!);
    expect((second.html.match(/test\.page/g) ?? []).length).toBe(5);

    const bad = await getPage(session, "/admin/audit?from=yesterday");
    expect(bad.status).toBe(422);
    expect(fieldError(bad.html, "from")).toBeTruthy();
  });

  it("lists the outbox with the survey link and the email's answer links", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const invitation = await makeInvitation(contact, await makeSurvey(), { status: "queued", sentAt: null });
    const db = testDb();
    await deliverInvitation(env, db, new OutboxProvider(db), invitation.id, "invitation", new Date());
    const mail = (await env.DB.prepare("SELECT survey_url, html_body FROM outbox WHERE invitation_id = ?").bind(invitation.id).first<{ survey_url: string; html_body: string }>())!;
    const page = await getPage(session, "/admin/outbox");
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<a href="${mail.survey_url}">Survey</a>`);
    // The survey opens with an NPS question: the email has an answer link for each score 0–10, all listed.
    const links = scoreLinks({ htmlBody: mail.html_body, surveyUrl: mail.survey_url });
    expect(links.map((link) => link.label)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    for (const link of links) expect(page.html).toContain(`href="${link.url.replace(/&/g, "&amp;")}"`);
    expect(page.trips).toBeLessThanOrEqual(3);
    // "Created" wraps between the date and the time, never inside the date ("2026-11-" / "27 14:05 UTC").
    expect(page.html).toMatch(/<td><time datetime="[^"]+"><span class="nowrap">\d{4}-\d{2}-\d{2}<\/span> \d{2}:\d{2} UTC<\/time><\/td>/);
  });

  it("reads answer links out of an email's HTML", () => {
    const surveyUrl = "http://q.test/s/abc";
    const html = `<p><a href="${surveyUrl}">Open</a></p><a class="s" href="${surveyUrl}?score=0">0</a><a href="${surveyUrl}?score=10&amp;x=1"><span>10</span></a><a href="http://q.test/u/abc">Unsubscribe</a>`;
    expect(scoreLinks({ htmlBody: html, surveyUrl })).toEqual([
      { label: "0", url: `${surveyUrl}?score=0` },
      { label: "10", url: `${surveyUrl}?score=10&x=1` },
    ]);
  });

  it("lets an analyst read settings and tokens but change nothing: 403 pages, nothing written", async () => {
    const analyst = await signInAs(await inviteUser("analyst"));
    const settingsPage = await getPage(analyst, "/admin/settings");
    expect(settingsPage.status).toBe(200);
    expect(settingsPage.html).not.toContain("Save settings");
    const tokensBefore = await countRows("SELECT count(*) AS n FROM api_tokens");
    const settingsBefore = await env.DB.prepare("SELECT * FROM settings").first();
    expect((await postForm(analyst, "/admin/tokens", { name: "Sneaky", scopes: ["admin"] })).status).toBe(403);
    expect((await postForm(analyst, "/admin/settings", { organizationName: "Taken over" })).status).toBe(403);
    expect((await postForm(analyst, "/admin/holidays", { date: "2033-01-01", label: "Nope" })).status).toBe(403);
    expect(await countRows("SELECT count(*) AS n FROM api_tokens")).toBe(tokensBefore);
    expect(await env.DB.prepare("SELECT * FROM settings").first()).toEqual(settingsBefore);
    expect(await countRows("SELECT count(*) AS n FROM holidays WHERE date = '2033-01-01'")).toBe(0);
  });
});
