import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { adminSession, fieldError, getPage, inputValue, postForm, type AdminSession } from "../../support/admin";
import { countRows, makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { inviteUser, signInAs } from "../../support/people";

let session: AdminSession;
beforeAll(async () => {
  session = await adminSession();
});

const unique = () => Math.random().toString(36).slice(2, 8);

const ruleForm = (overrides: Record<string, string> = {}) => ({
  id: `test-${unique()}`,
  scope: "contact",
  counts: "sent",
  max: "2",
  windowDays: "30",
  action: "defer",
  "match.kind": "",
  "match.surveyId": "",
  "match.journeyStage": "",
  "match.role": "",
  per: "",
  enabled: "on",
  ...overrides,
});

describe("/admin/sending", () => {
  it("lands on the sending sections within the round-trip budget", async () => {
    const page = await getPage(session, "/admin/sending");
    expect(page.status).toBe(200);
    for (const href of ["/admin/sending/planner", "/admin/sending/invitations", "/admin/sending/eligibility", "/admin/sending/rules", "/admin/sending/coverage"]) {
      expect(page.html).toContain(`href="${href}"`);
    }
    expect(page.trips).toBeLessThanOrEqual(3);
  });

  it("lists the shipped rules in plain words", async () => {
    const page = await getPage(session, "/admin/sending/rules");
    expect(page.status).toBe(200);
    expect(page.html).toContain("contact-cooldown");
    expect(page.html).toContain("At most 1 invitation per contact in 14 days, any survey; otherwise it waits until allowed.");
    expect(page.trips).toBeLessThanOrEqual(3);
  });

  it("refuses a rule with max 0: the message beside the field, what was typed kept, nothing written", async () => {
    const form = ruleForm({ max: "0", windowDays: "45" });
    const before = await countRows("SELECT count(*) AS n FROM audit_log");
    const res = await postForm(session, "/admin/sending/rules", form);
    expect(res.status).toBe(422);
    expect(fieldError(res.html, "max")).toContain("at least 1");
    expect(inputValue(res.html, "max")).toBe("0");
    expect(inputValue(res.html, "windowDays")).toBe("45");
    expect(inputValue(res.html, "id")).toBe(form.id);
    expect(res.html).toContain('id="error-summary"');
    expect(await countRows("SELECT count(*) AS n FROM frequency_rules WHERE id = ?", form.id)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM audit_log")).toBe(before);
    expect(res.trips).toBeLessThanOrEqual(3);
  });

  it("refuses a bad id, a window of letters and a duplicate id, each beside its field", async () => {
    const bad = await postForm(session, "/admin/sending/rules", ruleForm({ id: "Bad Id", windowDays: "soon" }));
    expect(bad.status).toBe(422);
    expect(fieldError(bad.html, "id")).toContain("lower-case");
    expect(fieldError(bad.html, "windowDays")).toBeTruthy();
    expect(inputValue(bad.html, "windowDays")).toBe("soon");

    const duplicate = await postForm(session, "/admin/sending/rules", ruleForm({ id: "contact-cooldown" }));
    expect(duplicate.status).toBe(409);
    expect(fieldError(duplicate.html, "id")).toBe("already exists");
  });

  it("creates, edits and deletes a rule, each audited", async () => {
    const form = ruleForm({ "match.kind": "transactional", "match.journeyStage": "onboarding", per: "survey" });
    const created = await postForm(session, "/admin/sending/rules", form);
    expect(created.status).toBe(303);
    expect(created.location).toBe("/admin/sending/rules?done=created");
    const row = await env.DB.prepare("SELECT * FROM frequency_rules WHERE id = ?").bind(form.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ scope: "contact", match_kind: "transactional", match_journey_stage: "onboarding", per: "survey", max: 2, window_days: 30, action: "defer", enabled: 1 });

    const edit = await getPage(session, `/admin/sending/rules/${form.id}`);
    expect(edit.status).toBe(200);
    expect(inputValue(edit.html, "max")).toBe("2");
    expect(edit.trips).toBeLessThanOrEqual(3);

    const refused = await postForm(session, `/admin/sending/rules/${form.id}`, { ...form, max: "0" });
    expect(refused.status).toBe(422);
    expect((await env.DB.prepare("SELECT max FROM frequency_rules WHERE id = ?").bind(form.id).first<{ max: number }>())!.max).toBe(2);

    const { enabled: _off, ...disabled } = form;
    const saved = await postForm(session, `/admin/sending/rules/${form.id}`, { ...disabled, max: "3", action: "skip" });
    expect(saved.status).toBe(303);
    expect(await env.DB.prepare("SELECT max, action, enabled FROM frequency_rules WHERE id = ?").bind(form.id).first()).toEqual({ max: 3, action: "skip", enabled: 0 });

    const list = await getPage(session, "/admin/sending/rules");
    expect(list.html).toContain(`<form method="post" action="/admin/sending/rules/${form.id}/delete" class="inline"><input type="hidden" name="csrf"`);
    expect(list.html).toContain(`aria-label="Delete ${form.id}" data-confirm="Delete the rule ${form.id}?">Delete</button>`);
    const deleted = await postForm(session, `/admin/sending/rules/${form.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(await countRows("SELECT count(*) AS n FROM frequency_rules WHERE id = ?", form.id)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action LIKE 'frequency_rule.%'", form.id)).toBe(3);
    // Back and Delete again: the list says it was already deleted (it was a 404 "does not exist" page), nothing written.
    const again = await postForm(session, `/admin/sending/rules/${form.id}/delete`, {});
    expect(again.status).toBe(303);
    expect((await getPage(session, again.location!)).html).toContain("That rule was already deleted");
    expect(await countRows("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action LIKE 'frequency_rule.%'", form.id)).toBe(3);
  });

  it("refuses a form without the CSRF token, writing nothing", async () => {
    const form = ruleForm();
    const res = await postForm(session, "/admin/sending/rules", form, { csrf: null });
    expect(res.status).toBe(403);
    expect(res.html).toContain("<!doctype html>");
    expect(await countRows("SELECT count(*) AS n FROM frequency_rules WHERE id = ?", form.id)).toBe(0);
  });

  it("explains why a contact is not eligible: the cooldown and until when, in words", async () => {
    const account = await makeAccount({ name: `Explained ${unique()}` });
    const name = `Erika ${unique()}`;
    const contact = await makeContact(account.id, { name, role: "champion" });
    const survey = await makeSurvey({ name: "Onboarding check", kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });
    const sentAt = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await makeInvitation(contact, await makeSurvey(), { admittedAt: sentAt, sentAt });

    const search = await getPage(session, `/admin/sending/eligibility?q=${encodeURIComponent(name)}&surveyId=${survey.survey.id}`);
    expect(search.status).toBe(200);
    expect(search.html).toContain(`contactId=${contact.id}`);

    const page = await getPage(session, `/admin/sending/eligibility?q=${encodeURIComponent(name)}&surveyId=${survey.survey.id}&contactId=${contact.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Not eligible");
    expect(page.html).toContain(`${name} (${account.name}) cannot be sent “Onboarding check” now.`);
    const until = new Date(Date.parse(sentAt) + 14 * 86_400_000).toISOString();
    expect(page.html).toContain(`Rule contact-cooldown: At most 1 invitation per contact in 14 days, any survey; otherwise it waits until allowed. Blocks until ${until.slice(0, 10)} ${until.slice(11, 16)} UTC.`);
    expect(page.html).toMatch(/Next eligible<\/dt><dd>[^<]*2\d\d\d-/);
    expect(page.trips).toBeLessThanOrEqual(3);
  });

  it("names an erased contact in words in the verdict, not by its internal id", async () => {
    const account = await makeAccount({ name: `Erased Co ${unique()}` });
    const erased = await makeContact(account.id, { name: null, email: null, status: "erased" });
    const survey = await makeSurvey();
    const page = await getPage(session, `/admin/sending/eligibility?surveyId=${survey.survey.id}&contactId=${erased.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`A contact whose data was erased (${account.name}) cannot be sent`);
    expect(page.html).not.toContain(`${erased.id} (${account.name})`);
  });

  it("explains a contact outside the survey's target roles as not targeted", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id, { role: "end_user" });
    const survey = await makeSurvey({ targetRoles: ["decision_maker"] });
    const page = await getPage(session, `/admin/sending/eligibility?surveyId=${survey.survey.id}&contactId=${contact.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Not targeted");
    expect(page.html).toContain("the survey targets Decision maker");
    // Nothing was searched: no "matching contacts" (one contact from nowhere used to be listed under the verdict).
    expect(page.html).not.toContain("Matching contacts");
    expect((await getPage(session, "/admin/sending/eligibility")).html).not.toContain("Matching contacts");
  });

  it("plans a send by account with names and verdicts, then sends it with the same input", async () => {
    const account = await makeAccount({ name: `Planned ${unique()}` });
    const fresh = await makeContact(account.id, { name: "Fresh Fiona", role: "champion" });
    const cooled = await makeContact(account.id, { name: "Cooled Carl", role: "champion" });
    await makeContact(account.id, { name: "Off Otto", role: "end_user" });
    await makeInvitation(cooled, await makeSurvey());
    const survey = await makeSurvey({ name: "Planned survey", kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });

    const query = `surveyId=${survey.survey.id}&accountIds=${account.id}`;
    const plan = await getPage(session, `/admin/sending/planner?${query}`);
    expect(plan.status).toBe(200);
    expect(plan.html).toContain("2 contacts in this send");
    expect(plan.html).toMatch(/Would be invited now<\/dt><dd>1</);
    expect(plan.html).toMatch(/Deferred<\/dt><dd>1</);
    expect(plan.html).toContain("Fresh Fiona");
    expect(plan.html).toContain("Cooled Carl");
    expect(plan.html).not.toContain("Off Otto");
    expect(plan.html).toContain(account.name);
    // The confirmation says what the button will do, not how many contacts were looked at.
    expect(plan.html).toContain('data-confirm="Send this survey? 1 invited now, 1 deferred until their rules allow."');
    expect(await countRows("SELECT count(*) AS n FROM invitations WHERE survey_id = ?", survey.survey.id)).toBe(0);
    // Sign-in check + one batch (the form's choices, the survey, the selection check, the account ranges) + the plan's
    // statement. The budget covers a plan of up to 200 accounts (one range); a larger one runs one short statement per
    // 200 accounts (SPEC §11), i.e. one round trip more per further range.
    expect(plan.trips).toBeLessThanOrEqual(3);

    const sent = await postForm(session, "/admin/sending/planner/send", { surveyId: survey.survey.id, accountIds: [account.id] });
    expect(sent.status).toBe(201);
    expect(sent.html).toContain("1 invited now, 1 deferred");
    const rows = await env.DB.prepare("SELECT contact_id, status, blocking_rule FROM invitations WHERE survey_id = ? ORDER BY status").bind(survey.survey.id).all();
    expect(rows.results).toEqual([
      { contact_id: cooled.id, status: "deferred", blocking_rule: "contact-cooldown" },
      { contact_id: fresh.id, status: "queued", blocking_rule: null },
    ]);
  });

  it("keeps a plan over more than 200 accounts in short statements: one more round trip per further 200 accounts", async () => {
    const many = await Promise.all(Array.from({ length: 201 }, () => makeAccount()));
    await Promise.all(many.map((a) => makeContact(a.id, { role: "champion" })));
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });
    const plan = await getPage(session, `/admin/sending/planner?surveyId=${survey.survey.id}&${many.map((a) => `accountIds=${a.id}`).join("&")}`);
    expect(plan.status).toBe(200);
    expect(plan.html).toContain("201 contacts in this send");
    // Sign-in check + the one batch + two range statements (200 accounts, then 1): the 3-trip budget is for one range.
    expect(plan.trips).toBe(4);
  });

  it("sends once when Send is pressed twice: the second submit of the same form answers 'already sent' and writes nothing", async () => {
    const account = await makeAccount();
    const fresh = await makeContact(account.id, { role: "champion" });
    const gone = await makeContact(account.id, { role: "champion", status: "unsubscribed" });
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });
    const plan = await getPage(session, `/admin/sending/planner?surveyId=${survey.survey.id}&contactIds=${fresh.id}&contactIds=${gone.id}`);
    const key = inputValue(plan.html, "idempotencyKey");
    expect(key).toMatch(/^[\w-]{16,}$/);
    // The unsubscribed contact's row says why in words (it said the key "opted-out").
    expect(plan.html).toMatch(/Suppressed<\/span><\/td><td>opted out<\/td>/);
    const form = { surveyId: survey.survey.id, contactIds: [fresh.id, gone.id], idempotencyKey: key! };
    const writes = () => countRows("SELECT (SELECT count(*) FROM invitations WHERE survey_id = ?) + (SELECT count(*) FROM audit_log WHERE entity_id = ?) AS n", survey.survey.id, survey.survey.id);

    const first = await postForm(session, "/admin/sending/planner/send", form);
    expect(first.status).toBe(201);
    expect(first.html).toContain("1 invited now, 0 deferred, 1 suppressed");
    const written = await writes();
    expect(written).toBe(3); // the queued and the suppressed invitation, the audit row

    const again = await postForm(session, "/admin/sending/planner/send", form);
    expect(again.status).toBe(200);
    expect(again.html).toContain("already made");
    expect(again.html).toContain("1 invited now, 0 deferred, 1 suppressed");
    // Send pressed again twice at once: still the first send's rows only (the suppressed one is not written again).
    await Promise.all([postForm(session, "/admin/sending/planner/send", form), postForm(session, "/admin/sending/planner/send", form)]);
    expect(await writes()).toBe(written);
  });

  it("keeps a plan's send key in its URL: back to the plan (re-rendered) and Send again is 'already sent'; a new plan sends anew", async () => {
    const account = await makeAccount();
    const gone = await makeContact(account.id, { role: "champion", status: "unsubscribed" });
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });
    const start = await getPage(session, `/admin/sending/planner?surveyId=${survey.survey.id}&contactIds=${gone.id}`);
    const planKey = inputValue(start.html, "planKey")!;
    expect(planKey).toMatch(/^[\w-]{16,}$/);
    const planUrl = `/admin/sending/planner?surveyId=${survey.survey.id}&contactIds=${gone.id}&planKey=${planKey}`;
    const plan = await getPage(session, planUrl);
    expect(plan.trips).toBeLessThanOrEqual(3);
    expect(inputValue(plan.html, "idempotencyKey")).toBe(planKey);
    expect(inputValue(plan.html, "planKey")).not.toBe(planKey); // re-planning from this page is a new plan
    const form = { surveyId: survey.survey.id, contactIds: [gone.id], idempotencyKey: planKey };
    expect((await postForm(session, "/admin/sending/planner/send", form)).status).toBe(201);
    const suppressed = () => countRows("SELECT count(*) AS n FROM invitations WHERE survey_id = ?", survey.survey.id);
    expect(await suppressed()).toBe(1);

    const back = await getPage(session, planUrl);
    expect(inputValue(back.html, "idempotencyKey")).toBe(planKey);
    const again = await postForm(session, "/admin/sending/planner/send", { ...form, idempotencyKey: inputValue(back.html, "idempotencyKey")! });
    expect(again.status).toBe(200);
    expect(again.html).toContain("Survey already sent");
    expect(await suppressed()).toBe(1);

    const replanned = await getPage(session, `/admin/sending/planner?surveyId=${survey.survey.id}&contactIds=${gone.id}&planKey=${inputValue(back.html, "planKey")}`);
    expect((await postForm(session, "/admin/sending/planner/send", { ...form, idempotencyKey: inputValue(replanned.html, "idempotencyKey")! })).status).toBe(201);
    expect(await suppressed()).toBe(2);
  });

  it("plans named contacts from the explainer: one outside the survey's roles is listed as not targeted", async () => {
    const account = await makeAccount();
    const champion = await makeContact(account.id, { name: "Named Nora", role: "champion" });
    const finance = await makeContact(account.id, { name: "Named Nils", role: "finance" });
    const survey = await makeSurvey({ kind: "transactional", journeyStage: "onboarding", targetRoles: ["champion"] });
    const explained = await getPage(session, `/admin/sending/eligibility?surveyId=${survey.survey.id}&contactId=${finance.id}`);
    expect(explained.html).toContain(`href="/admin/sending/planner?surveyId=${survey.survey.id}&amp;contactIds=${finance.id}"`);

    const plan = await getPage(session, `/admin/sending/planner?surveyId=${survey.survey.id}&contactIds=${champion.id}&contactIds=${finance.id}`);
    expect(plan.status).toBe(200);
    expect(plan.html).toContain("Planned for 2 named contacts");
    expect(plan.html).toMatch(/Not targeted<\/dt><dd>1</);
    expect(plan.html).toMatch(/Would be invited now<\/dt><dd>1</);
    expect(plan.html).toMatch(/Named Nils<\/td><td><a [^>]*>[^<]*<\/a><\/td><td><span class="badge badge-neutral">Not targeted/);
    expect(plan.trips).toBeLessThanOrEqual(3);
  });

  it("re-renders the planner with the problem beside the field when the survey is missing", async () => {
    const page = await getPage(session, "/admin/sending/planner?surveyId=&countries=Germany");
    expect(page.status).toBe(422);
    expect(fieldError(page.html, "surveyId")).toBeTruthy();
    expect(inputValue(page.html, "countries")).toBe("Germany");
    // The country is refused beside its own field, in words, and the summary links to that field (it named
    // "Filter countrie 1: Too big: expected string to have exactly 2 characters" and linked nowhere).
    expect(fieldError(page.html, "countries")).toBe("use two-letter ISO country codes separated by commas, e.g. DE, FR");
    expect(page.html).toContain('<a href="#f-countries">Countries: use two-letter ISO country codes');
    expect(page.html).not.toContain("Too big");
    const revenue = await getPage(session, "/admin/sending/planner?surveyId=&minAnnualRevenue=-5");
    expect(fieldError(revenue.html, "minAnnualRevenue")).toBe("enter at least 0");
    expect(revenue.html).not.toContain('href="#f-filter-');
  });

  it("lists invitations with names, status and the rule that held one back, filtered", async () => {
    const account = await makeAccount({ name: `Listed ${unique()}` });
    const contact = await makeContact(account.id, { name: "Listed Lena" });
    const survey = await makeSurvey({ name: "Listed survey" });
    const until = new Date(Date.now() + 5 * 86_400_000).toISOString();
    await makeInvitation(contact, survey, { status: "deferred", blockingRule: "contact-cooldown", scheduledFor: until, admittedAt: null, sentAt: null });
    await makeInvitation(await makeContact((await makeAccount()).id, { name: "Unlisted Ulla" }), survey);

    const page = await getPage(session, `/admin/sending/invitations?accountId=${account.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("Listed Lena");
    expect(page.html).not.toContain("Unlisted Ulla"); // another account's invitation of the same survey
    expect(page.html).toContain("Listed survey");
    expect(page.html).toContain("Deferred");
    // The status filter always offers "Deferred": the row's badge says it.
    expect(page.html).toMatch(/<span class="badge badge-\w+">Deferred<\/span>/);
    expect(page.html).toContain(`Waits until ${until.slice(0, 10)} ${until.slice(11, 16)} UTC`);
    expect(page.trips).toBeLessThanOrEqual(3);

    const none = await getPage(session, `/admin/sending/invitations?accountId=${account.id}&status=completed`);
    expect(none.html).toContain("No invitations match");
    const bad = await getPage(session, "/admin/sending/invitations?wave=-1");
    expect(bad.status).toBe(422);
    expect(fieldError(bad.html, "wave")).toBeTruthy();
  });

  it("shows program coverage for a quarter and refuses a malformed quarter", async () => {
    const page = await getPage(session, "/admin/sending/coverage");
    expect(page.status).toBe(200);
    expect(page.html).toContain("top-revenue accounts covered");
    // Sign-in check + one batch of reads + committeeCoverage's one batch (its candidates and the rules' verdict on them).
    expect(page.trips).toBeLessThanOrEqual(3);
    const bad = await getPage(session, "/admin/sending/coverage?quarter=last-year");
    expect(bad.status).toBe(422);
    expect(fieldError(bad.html, "quarter")).toContain("2026-Q3");
  });

  it("lets analysts and account managers look but not change: a 403 page, nothing written", async () => {
    // What an admin is offered, and the others are not.
    expect((await getPage(session, "/admin/sending/rules")).html).toContain('href="/admin/sending/rules/new"');
    expect((await getPage(session, "/admin/sending/rules/contact-cooldown")).html).toContain("Save rule");
    for (const role of ["analyst", "account_manager"] as const) {
      const viewer = await signInAs(await inviteUser(role));
      const page = await getPage(viewer, "/admin/sending/rules");
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('href="/admin/sending/rules/new"');
      // A rule opens read-only: no Save button that would end on a 403 page after filling the form.
      const rule = await getPage(viewer, "/admin/sending/rules/contact-cooldown");
      expect(rule.status).toBe(200);
      expect(rule.html).not.toContain("Save rule");
      expect(rule.html).toContain("only admins change frequency rules");
      const form = ruleForm();
      const res = await postForm(viewer, "/admin/sending/rules", form);
      expect(res.status).toBe(403);
      expect(res.html).toContain("<!doctype html>");
      expect(await countRows("SELECT count(*) AS n FROM frequency_rules WHERE id = ?", form.id)).toBe(0);
      expect((await postForm(viewer, "/admin/sending/rules/contact-cooldown/delete", {})).status).toBe(403);
      expect((await postForm(viewer, "/admin/sending/planner/send", { surveyId: "x", accountIds: ["y"] })).status).toBe(403);
    }
    expect(await countRows("SELECT count(*) AS n FROM frequency_rules WHERE id = 'contact-cooldown'")).toBe(1);
  });

  it("answers unknown rules and malformed sends with HTML problem pages, never JSON", async () => {
    const missing = await getPage(session, "/admin/sending/rules/no-such-rule");
    expect(missing.status).toBe(404);
    expect(missing.html).toContain("<!doctype html>");
    expect(missing.html).toContain("Frequency rule &#39;no-such-rule&#39; does not exist.");
    // Deleting a rule that is not there (back and Delete again) lands on the list, which says so.
    const gone = await postForm(session, "/admin/sending/rules/no-such-rule/delete", {});
    expect(gone.status).toBe(303);
    expect(gone.location).toBe("/admin/sending/rules?done=gone");
    const unknownAccount = await postForm(session, "/admin/sending/planner/send", { surveyId: (await makeSurvey()).survey.id, accountIds: ["acc_nope"] });
    expect(unknownAccount.status).toBe(422);
    expect(unknownAccount.html).toContain("<!doctype html>");
    expect(unknownAccount.html).toContain("acc_nope");
    const noSelection = await postForm(session, "/admin/sending/planner/send", {});
    expect(noSelection.status).toBe(422);
    expect(noSelection.html).toContain("Nothing was sent");
  });
});

describe("/admin/sending/rules with no rules", () => {
  it("says so without an empty table's headers above the sentence", async () => {
    const saved = (await env.DB.prepare("SELECT * FROM frequency_rules").all<Record<string, unknown>>()).results;
    await env.DB.prepare("DELETE FROM frequency_rules").run();
    try {
      const page = await getPage(session, "/admin/sending/rules");
      expect(page.html).toContain("No rules: every invitation is allowed.");
      expect(page.html).not.toContain('aria-label="Frequency rules"');
    } finally {
      for (const row of saved) {
        const columns = Object.keys(row);
        await env.DB.prepare(`INSERT INTO frequency_rules (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((c) => row[c])).run();
      }
    }
  });
});
