// Closing the loop in a real browser against `wrangler dev`: a detractor answers from the outbox link, the case opens
// from the queue, the owner's notification email in the outbox links to it, and the owner signs in, acknowledges and
// closes it with a note. Every page is checked with axe-core at 320 px and 1280 px.
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { apiCall, DESKTOP, expectAccessibleAtBothWidths, PHONE, publishNpsWhySurvey, screenshot, signedInPage } from "./support/admin";
import { browserAvailable, browserForSuite } from "./support/browser";

/** The text of the newest outbox mail whose row mentions `needle`, polled while the queue consumer works. */
async function outboxText(page: Page, base: string, needle: string, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 60; attempt++) {
    await page.goto(`${base}/admin/outbox`);
    const rows = page.locator("tr", { hasText: needle });
    for (let i = 0; i < (await rows.count()); i++) {
      const text = (await rows.nth(i).textContent()) ?? "";
      const match = pattern.exec(text);
      if (match) return match[0];
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no outbox mail for ${needle} matching ${pattern}`);
}

describe.runIf(browserAvailable)("closing the loop: a detractor's answer becomes a case the owner works", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();

  it("answer from the outbox link → case → the owner's email → acknowledge and close in chromium", async () => {
    const run = Date.now();
    const ownerEmail = `olivia.${run}@quorum.example`;
    const contactName = `Dana Detractor ${run}`;
    await apiCall(quorum, "POST", "/users", { email: ownerEmail, name: "Olivia Owner", role: "account_manager" });
    const surveyId = await publishNpsWhySurvey(quorum, { name: `Loop pulse ${run}`, kind: "transactional", journeyStage: "support" });
    const account = await apiCall(quorum, "POST", "/accounts", { externalId: `E2E-LOOP-${run}`, name: `Loop GmbH ${run}`, annualRevenue: 900000, ownerEmail, ownerName: "Olivia Owner" });
    const contact = await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email: `dana.${run}@loop.example`, name: contactName, role: "champion", locale: "en" });
    await apiCall(quorum, "POST", "/invitations", { contactId: contact.id, surveyId });

    // The contact answers NPS 2 from the survey link in the outbox.
    const { context: adminContext, page: admin } = await signedInPage(browser(), quorum, { viewport: PHONE, bypassCSP: true });
    const surveyUrl = await outboxText(admin, quorum.base, contactName, /https?:\/\/[^\s"]+\/s\/[A-Za-z0-9._-]+/);
    const respondent = await browser().newPage();
    await respondent.goto(surveyUrl);
    await respondent.locator("input[type=radio][value='2']").first().check();
    const why = respondent.getByLabel("What is the main reason for your score?");
    await why.waitFor({ state: "visible" });
    await why.fill("Nobody answered our outage ticket for three days.");
    await respondent.getByRole("button", { name: "Send my answers" }).click();
    await respondent.getByText("Thank you!").first().waitFor();
    await respondent.close();

    // The case opened from the queue; the owner's notification in the outbox links to it.
    const caseLink = await outboxText(admin, quorum.base, ownerEmail, /https?:\/\/[^\s"]+\/admin\/cases\/cas_[a-z0-9]+/);
    const signInLink = await outboxText(admin, quorum.base, ownerEmail, /https?:\/\/\S+\/admin\/sign-in\?link=[A-Za-z0-9_-]+/);
    await admin.goto(`${quorum.base}/admin/cases`);
    await admin.getByRole("link", { name: account.name }).first().waitFor();
    await expectAccessibleAtBothWidths(admin);
    await screenshot(admin, "cases");
    await adminContext.close();

    // The owner signs in by their emailed link and works the case.
    const context = await browser().newContext({ viewport: DESKTOP, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(signInLink);
    await page.getByRole("button", { name: "Continue to Quorum" }).click();
    await page.waitForURL(/\/admin\/?$/);
    await page.goto(caseLink);
    await page.getByText("Nobody answered our outage ticket for three days.").waitFor();
    await expectAccessibleAtBothWidths(page);
    // At 320 px the verbatim uses the card's width (the browser's 40 px figure margins squeezed it to a narrow column).
    await page.setViewportSize(PHONE);
    const [quoteWidth, cardWidth] = await page.evaluate(() => [document.querySelector("figure.quote blockquote")!.getBoundingClientRect().width, document.querySelector("figure.quote")!.parentElement!.clientWidth]);
    expect(quoteWidth).toBeGreaterThan(cardWidth * 0.85);
    await page.setViewportSize(DESKTOP);

    await page.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByText("Acknowledged: the SLA clock stopped.").waitFor();
    // Closing without a note is refused beside the field.
    await page.getByRole("button", { name: "Close the case" }).click();
    await page.locator("#f-resolution-error").waitFor();
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel("Resolution").fill("Called Dana, fixed the ticket routing, credited a month.");
    await page.getByRole("button", { name: "Close the case" }).click();
    await page.getByText("Closed with its resolution.").waitFor();
    expect(await page.locator("#timeline ~ ol, section ol.feed").first().textContent()).toContain("Called Dana, fixed the ticket routing");
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "case");

    const closed = await apiCall(quorum, "GET", `/cases/${caseLink.split("/").pop()}`);
    expect(closed).toMatchObject({ status: "closed", assigneeEmail: ownerEmail });
    expect(closed.timeline.map((e: { kind: string }) => e.kind)).toEqual(["opened", "acknowledged", "closed"]);
    await context.close();
  });

  it("Administration → Webhooks: add an endpoint (secret shown once), see it and its deliveries; axe clean at both widths", async () => {
    const { context, page } = await signedInPage(browser(), quorum, { viewport: DESKTOP, bypassCSP: true });
    await page.goto(`${quorum.base}/admin/webhooks`);
    await expectAccessibleAtBothWidths(page);
    // Refused beside the field, what was typed kept.
    await page.getByLabel("URL").fill("ftp://files.example.com/hook");
    await page.getByRole("button", { name: "Add the endpoint" }).click();
    await page.locator("#f-url-error").waitFor();
    await expectAccessibleAtBothWidths(page);
    // Local mode (the server's PUBLIC_URL is localhost): a receiver on this machine is allowed.
    await page.getByLabel("URL").fill("http://127.0.0.1:9/quorum-hook");
    await page.getByLabel("case.opened").check();
    await page.getByRole("button", { name: "Add the endpoint" }).click();
    await page.getByText("The signing secret, shown this once.").waitFor();
    expect(await page.getByLabel("Signing secret").inputValue()).toMatch(/^whsec_/);
    await expectAccessibleAtBothWidths(page);
    await page.getByRole("link", { name: "All webhook endpoints" }).click();
    await page.getByRole("link", { name: "http://127.0.0.1:9/quorum-hook" }).click();
    expect(await page.getByText("The signing secret, shown this once.").count()).toBe(0);
    await screenshot(page, "webhooks");
    await context.close();
  });
});
