// What a first look at the whole admin UI found (QA walkthrough): each test is a step a person took that went wrong.
import { beforeAll, describe, expect, it } from "vitest";
import { adminSession, fieldError, getPage, postForm, type AdminSession } from "../../support/admin";
import { fieldNameInWords } from "../../../src/views/admin/components";
import { inviteUser, signInAs, uniqueEmail } from "../../support/people";

let session: AdminSession;
beforeAll(async () => {
  session = await adminSession();
});

describe("admin walkthrough", () => {
  it("says what to do on an empty tokens page instead of showing an empty table", async () => {
    const page = await getPage(session, "/admin/tokens");
    expect(page.status).toBe(200);
    expect(page.html).toContain("No API tokens yet.");
    expect(page.html).not.toContain("<tbody></tbody>");
  });

  it("answers an unknown admin address with a page, not problem+json", async () => {
    for (const path of ["/admin/nope", "/admin/people/usr_nope", "/admin/directory/contacts/con_nope"]) {
      const page = await getPage(session, path);
      expect(page.status).toBe(404);
      expect(page.html).toContain("<!doctype html>");
      expect(page.html).toContain("Page not found");
      expect(page.html).toContain('href="/admin/accounts"'); // the navigation, to go on from there
    }
  });

  it("lets a newcomer sign in as a colleague they just invited, from the outbox", async () => {
    const email = uniqueEmail("analyst");
    const invited = await postForm(session, "/admin/people", { name: "Ana Lyst", email, role: "analyst" });
    expect(invited.status).toBe(303);
    const outbox = await getPage(session, "/admin/outbox");
    const row = outbox.html.split("<tr>").find((r) => r.includes(email))!;
    expect(row).toMatch(/<a href="http:\/\/[^"]+\/admin\/sign-in\?link=[\w-]+">Sign in<\/a>/);
    expect(row).toContain("Sign-in link"); // the kind in words
    expect(row).not.toContain("(sign_in)");
  });

  it("keeps the outbox (everyone's sign-in links) to admins: an account manager cannot sign in as the admin from it", async () => {
    for (const role of ["account_manager", "analyst"] as const) {
      const viewer = await signInAs(await inviteUser(role));
      const outbox = await getPage(viewer, "/admin/outbox");
      expect(outbox.status).toBe(403);
      expect(outbox.html).toContain("Only admins read the outbox");
      expect(outbox.html).not.toContain("/admin/sign-in?link=");
      expect((await getPage(viewer, "/admin/administration")).html).not.toContain('href="/admin/outbox"');
    }
    expect((await getPage(session, "/admin/administration")).html).toContain('href="/admin/outbox"');
  });

  it("names the field of each problem in a refused form's summary, in words a person reads (not zod's)", async () => {
    const refused = await postForm(session, "/admin/people", { name: "", email: "not-an-email", role: "" });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.html, "role")).toBe("choose one");
    expect(refused.html).not.toContain("Invalid option");
    const summary = /<div class="alert"[^>]*id="error-summary">([\s\S]*?)<\/div>/.exec(refused.html)![1]!;
    expect(summary).toContain(">Role: choose one</a>");
    expect(summary).toContain(">Name: enter the person&#39;s name</a>");

    const plan = await getPage(session, "/admin/sending/planner?surveyId=");
    expect(plan.html).not.toContain("Too small");
    expect(plan.html).toContain(">Survey: fill this in</a>"); // the field's visible label, not its key

    // Where the key and the label differ, the summary uses the label the person sees beside the field.
    const holiday = await postForm(session, "/admin/holidays", { date: "2026-02-30", label: "" });
    expect(holiday.status).toBe(422);
    expect(holiday.html).toContain(">Name: fill this in</a>");
    expect(holiday.html).not.toContain(">Label: ");
    const settings = await postForm(session, "/admin/settings", { organizationName: "Org", timeZone: "UTC", caseNpsMax: "eleven" });
    expect(settings.html).toContain(">NPS (0–10): enter a number</a>");
  });

  it("puts field paths into words", () => {
    expect(fieldNameInWords("journeyStage")).toBe("Journey stage");
    expect(fieldNameInWords("texts.de.title")).toBe("Title (de)");
    expect(fieldNameInWords("questions.1.text.en")).toBe("Question 2 text (en)");
    expect(fieldNameInWords("(body)")).toBe("");
  });

  it("names who acted in the audit log (not user:usr_…), and finds them by email", async () => {
    const admin = await inviteUser("admin", { name: "Audra Admin" });
    const asAudra = await signInAs(admin);
    const invitee = uniqueEmail("invitee");
    expect((await postForm(asAudra, "/admin/people", { name: "In Vitee", email: invitee, role: "analyst" })).status).toBe(303);

    const log = await getPage(session, `/admin/audit?actor=${encodeURIComponent(admin.email.toUpperCase())}`);
    expect(log.status).toBe(200);
    expect(log.html).toContain(`Audra Admin<br/><span class="muted">${admin.email}</span>`);
    expect(log.html).not.toContain(`user:${admin.id}`);
    expect(log.html).toContain("user.invite");
    // Only Audra's entries: the admin token invited her, and that entry is not hers.
    expect(log.html).not.toContain("Admin token<br/>");
    expect(log.trips).toBeLessThanOrEqual(3);
    const bootstrap = await getPage(session, "/admin/audit?actor=bootstrap");
    expect(bootstrap.html).toContain("Admin token<br/>");
    expect(bootstrap.html).not.toContain(`Audra Admin<br/>`);
  });
});
