// The newcomer's journey, in a real browser against `wrangler dev`: log in to the admin UI, open the outbox,
// click the survey link of an emailed invitation, answer with the keyboard (with and without JavaScript),
// and check every page with axe-core (WCAG 2.2 AA rules).
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { apiCall, publishNpsWhySurvey, type Quorum } from "./support/admin";
import { axeViolations, browserAvailable, browserForSuite } from "./support/browser";

async function inviteNewContact(quorum: Quorum, surveyId: string, name: string): Promise<string> {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}@${Date.now()}.example`;
  const account = await apiCall(quorum, "POST", "/accounts", { externalId: `E2E-${email}`, name: `${name} GmbH`, annualRevenue: 50000, ownerEmail: "olivia@quorum.example", ownerName: "Olivia Owner" });
  const contact = await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email, name, role: "champion", locale: "en" });
  await apiCall(quorum, "POST", "/invitations", { contactId: contact.id, surveyId });
  return name;
}

/** Waits for the queue consumer to deliver the invitation to the outbox, then opens its survey link from there. */
async function openSurveyFromOutbox(page: Page, quorum: Quorum, contactName: string) {
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.goto(`${quorum.base}/admin/outbox`);
    const row = page.locator("tr, li, article").filter({ hasText: contactName }).first();
    if (await row.count()) {
      await row.getByRole("link", { name: "Survey" }).click();
      return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no outbox mail for ${contactName}`);
}

async function answerLowNpsWithKeyboard(page: Page) {
  // Tab into the first radio group, then arrow keys move the choice: 0 → 3.
  await page.locator("fieldset input[type=radio]").first().focus();
  await page.keyboard.press("Space");
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
  await expect.poll(() => page.locator("fieldset input[type=radio]:checked").first().getAttribute("value")).toBe("3");
}

describe.runIf(browserAvailable)("a contact answers a survey from the outbox", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();
  let surveyId: string;

  beforeAll(async () => {
    surveyId = await publishNpsWhySurvey(quorum, { name: "Relationship pulse", kind: "relational", journeyStage: "relationship" });
  });

  async function loggedInPage(javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser().newContext({ javaScriptEnabled, bypassCSP: true, viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${quorum.base}/admin/login`);
    if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
    await page.getByText("Sign in with the admin token").click(); // the token form sits in a <details> below the email sign-in
    await page.getByLabel("Admin API token").fill(quorum.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/admin(\/)?$/);
    return page;
  }

  it("with JavaScript: the why-question appears as soon as a low score is picked, and the answers are sent", async () => {
    const name = await inviteNewContact(quorum, surveyId, "Jana Script");
    const page = await loggedInPage(true);
    await openSurveyFromOutbox(page, quorum, name);
    expect(await axeViolations(page)).toEqual([]);
    await expect.poll(() => page.getByText("Hello Jana Script,").count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    await answerLowNpsWithKeyboard(page);
    const why = page.getByLabel("What is the main reason for your score?");
    await why.waitFor({ state: "visible" });
    await why.fill("Support takes too long to answer.");
    await page.getByRole("button", { name: "Send my answers" }).click();
    await page.getByText("Thank you! Your answers went to Olivia Owner.").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    expect(await page.locator("input[type=radio][value='3']").first().isChecked()).toBe(true);
    expect(await why.inputValue()).toBe("Support takes too long to answer.");
  });

  it("without JavaScript: 'Save and continue' re-renders the page with the why-question, then the answers are sent", async () => {
    const name = await inviteNewContact(quorum, surveyId, "Nils Noscript");
    const page = await loggedInPage(false);
    await openSurveyFromOutbox(page, quorum, name);
    await expect.poll(() => page.getByLabel("What is the main reason for your score?").isVisible()).toBe(false);

    await answerLowNpsWithKeyboard(page);
    await page.getByRole("button", { name: "Save and continue" }).click();
    const why = page.getByLabel("What is the main reason for your score?");
    await why.waitFor({ state: "visible" });
    await why.fill("Onboarding was confusing.");
    await page.getByRole("button", { name: "Send my answers" }).click();
    await page.getByText("Thank you! Your answers went to Olivia Owner.").waitFor();
  });
});
