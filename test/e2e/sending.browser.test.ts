// A CX admin checks who was emailed after a journey event and why others were held back: the invitations list (one
// queued, one deferred by the cooldown with its date, one not targeted), the eligibility explainer, the send planner,
// the frequency rules (a refused max of 0) and program coverage — each page checked with axe at 320 and 1280 px.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { apiCall, expectAccessibleAtBothWidths, screenshot, signedInPageForSuite } from "./support/admin";
import { browserAvailable, browserForSuite } from "./support/browser";

const run = Date.now().toString(36);
const STAGE = `e2e_handover_${run}`;
const PRIOR_STAGE = `e2e_prior_${run}`;
const SURVEY = `Handover check ${run}`;
const names = { queued: `Anna Champion ${run}`, deferred: `Bernd Champion ${run}`, offTarget: `Fritz Finance ${run}` };

const texts = { en: { title: "Quick feedback", intro: "Your answer goes straight to your account team, who will follow up." } };
const questions = [{ id: "nps", type: "nps", text: { en: "How likely are you to recommend us to a colleague?" }, required: true }];

/** "2026-12-11T10:05:00.000Z" as the admin pages write it. */
const shown = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

describe.runIf(browserAvailable)("a CX admin sees who was invited after an event, and why others were not", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();
  const signedIn = signedInPageForSuite(browser, quorum, { bypassCSP: true });
  let surveyId: string;
  let accountName: string;
  let deferredUntil: string;

  beforeAll(async () => {
    // Stages of its own, so surveys of other journeys never join this event.
    await apiCall(quorum, "POST", "/journey-stages", { key: STAGE, label: `Handover ${run}` });
    await apiCall(quorum, "POST", "/journey-stages", { key: PRIOR_STAGE, label: `Prior ${run}` });
    const survey = await apiCall(quorum, "POST", "/surveys", { name: SURVEY, kind: "transactional", journeyStage: STAGE, targetRoles: ["champion"], texts, questions });
    await apiCall(quorum, "POST", `/surveys/${survey.id}/publish`);
    surveyId = survey.id;
    const prior = await apiCall(quorum, "POST", "/surveys", { name: `Prior survey ${run}`, kind: "transactional", journeyStage: PRIOR_STAGE, targetRoles: [], texts, questions });
    await apiCall(quorum, "POST", `/surveys/${prior.id}/publish`);

    accountName = `Handover Industries ${run}`;
    const account = await apiCall(quorum, "POST", "/accounts", { externalId: `E2E-SENDING-${run}`, name: accountName, annualRevenue: 250000, ownerEmail: "olivia@quorum.example", ownerName: "Olivia Owner" });
    await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email: `anna.${run}@handover.example`, name: names.queued, role: "champion" });
    const bernd = await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email: `bernd.${run}@handover.example`, name: names.deferred, role: "champion" });
    await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email: `fritz.${run}@handover.example`, name: names.offTarget, role: "finance" });
    // Bernd was asked something else just now: the 14-day cooldown holds the handover survey back.
    await apiCall(quorum, "POST", "/invitations", { contactId: bernd.id, surveyId: prior.id });

    const event = await apiCall(quorum, "POST", "/events", { id: `handover-${run}`, type: "stage.reached", stage: STAGE, accountExternalId: `E2E-SENDING-${run}`, occurredAt: new Date().toISOString() });
    const deferred = event.invitations.find((i: { contactId: string }) => i.contactId === bernd.id);
    expect(deferred).toMatchObject({ status: "deferred", blockingRule: "contact-cooldown" });
    deferredUntil = deferred.scheduledFor;
  });

  it("lists the invitations of the event: one queued, one deferred by the cooldown with its date", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/sending`);
    await page.getByRole("link", { name: "Invitations" }).click();
    await page.getByLabel("Survey", { exact: true }).selectOption({ label: `${SURVEY} (${STAGE}, transactional)` });
    await page.getByRole("button", { name: "Show" }).click();
    const rows = page.locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const anna = await page.locator("tr", { hasText: names.queued }).textContent();
    expect(anna).toMatch(/Queued|Emailed/);
    expect(anna).toContain(accountName);
    expect(anna).toContain("journey event");
    const bernd = await page.locator("tr", { hasText: names.deferred }).textContent();
    expect(bernd).toContain("Deferred");
    expect(bernd).toContain(`Waits until ${shown(deferredUntil)}`);
    expect(bernd).toContain("contact-cooldown");
    // The finance contact is outside the survey's roles: never invited, so not in the list.
    expect(await page.locator("table").textContent()).not.toContain(names.offTarget);
    await expectAccessibleAtBothWidths(page);

    // A refused filter says so under its field; the other filters' boxes stay on the same line (they were lifted).
    await page.goto(`${quorum.base}/admin/sending/invitations?wave=abc`);
    await page.locator("#f-wave-error").waitFor();
    const tops = await page.locator(".card.filters .field").evaluateAll((fields) => fields.map((f) => Math.round(f.querySelector("input, select")!.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
  });

  it("explains why a contact is not eligible: not targeted, and the cooldown until its date", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/sending/eligibility`);
    await page.getByLabel("Contact (name, email or account)").fill(names.offTarget);
    await page.getByLabel("Survey", { exact: true }).selectOption({ label: `${SURVEY} (${STAGE}, transactional)` });
    await page.getByRole("button", { name: "Find contacts" }).click();
    await page.getByRole("link", { name: `Explain for ${names.offTarget}` }).click();
    const verdict = page.locator("section", { has: page.locator("#verdict") });
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain(`${names.offTarget} (${accountName}) cannot be sent “${SURVEY}” now.`);
    expect(await verdict.textContent()).toContain("Not targeted");
    expect(await verdict.textContent()).toContain("Their role is Finance; the survey targets Champion.");
    // The planner, for this one contact, lists them as not targeted (nothing is sent to them).
    await page.getByRole("link", { name: `Plan a send of this survey to ${names.offTarget}` }).click();
    await page.getByText("Planned for one named contact").waitFor();
    expect(await page.locator("tr", { hasText: names.offTarget }).textContent()).toContain("Not targeted");
    await page.goBack();

    // With JavaScript the matches follow the typing (htmx swaps in the page's own list): no button needed.
    await page.getByLabel("Contact (name, email or account)").fill(names.deferred);
    await page.getByRole("link", { name: `Explain for ${names.deferred}` }).click();
    await page.locator("#verdict").waitFor();
    const text = (await verdict.textContent()) ?? "";
    expect(text).toContain("Not eligible");
    expect(text).toContain("Rule contact-cooldown: At most 1 invitation per contact in 14 days");
    expect(text).toMatch(/Next eligible\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await expectAccessibleAtBothWidths(page);
  });

  it("plans a send for the account with names and verdicts, and sends it", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/sending/planner`);
    // The form's first field sits at the card's padding (the hidden CSRF input's neighbour once got a second gap), and
    // a lone checkbox keeps its gap to its label (.field>label made it a block: box and words touched).
    const gap = await page.locator("form.card").first().evaluate((card) => card.querySelector(".field")!.getBoundingClientRect().top - card.getBoundingClientRect().top);
    expect(gap).toBeLessThanOrEqual(17);
    const offTarget = page.locator("label.check", { hasText: "Include contacts outside" });
    expect(await offTarget.evaluate((label) => getComputedStyle(label).display)).toBe("flex");
    await page.getByLabel("Survey", { exact: true }).selectOption({ label: `${SURVEY} (${STAGE}, transactional)` });
    await page.getByLabel("Accounts").selectOption({ label: accountName });
    await page.getByRole("button", { name: "Plan the send" }).click();
    await page.getByText("contacts in this send").waitFor();
    const table = (await page.locator("table").textContent()) ?? "";
    expect(table).toContain(names.queued);
    expect(table).toContain(names.deferred);
    expect(table).toContain(accountName);
    expect(await page.locator("tr", { hasText: names.deferred }).textContent()).toContain("already pending");
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "send-planner");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.getByRole("heading", { name: "Survey sent" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain("already pending");

    // Back to the plan and Send again: the same plan is not sent twice.
    await page.goBack();
    await page.getByText("contacts in this send").waitFor();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.getByRole("heading", { name: "Survey already sent" }).waitFor();
    expect(await page.getByText("Nothing was sent twice").count()).toBe(1);
  });

  it("refuses a rule with max 0 beside the field, keeping what was typed", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/sending/rules`);
    await expectAccessibleAtBothWidths(page);
    await page.getByRole("link", { name: "New rule" }).click();
    await page.getByLabel("Rule id").fill(`quiet-${run}`);
    await page.getByLabel("At most").fill("0");
    await page.getByLabel("Window in days").fill("21");
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.locator("#f-max-error").waitFor();
    expect(await page.locator("#f-max-error").textContent()).toContain("at least 1");
    expect(await page.getByLabel("Window in days").inputValue()).toBe("21");
    expect(await page.getByLabel("Rule id").inputValue()).toBe(`quiet-${run}`);
    await expectAccessibleAtBothWidths(page);
  });

  it("shows program coverage and the landing page accessibly", async () => {
    const page = signedIn();
    for (const path of ["/admin/sending", "/admin/sending/coverage"]) {
      await page.goto(`${quorum.base}${path}`);
      await expectAccessibleAtBothWidths(page);
    }
  });
});
