// A CX admin builds a survey in the browser: a two-question transactional survey for the onboarding stage with a
// German translation, previewed live (in German too) by the respondent page's own code, published; then an
// onboarding event through the API invites a German-speaking champion, who answers from the outbox.
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { apiCall, DESKTOP, expectAccessibleAtBothWidths, screenshot, signedInPage } from "./support/admin";
import { browserAvailable, browserForSuite } from "./support/browser";

const run = Date.now().toString(36);
const SURVEY = `Onboarding check ${run}`;

/** The preview follows typing after a 300 ms pause plus a round trip; on a loaded machine that can take seconds. */
const PREVIEW_WAIT = { timeout: 15_000 };

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

/** The content frame of one of the preview iframes (phone or desktop). */
async function previewFrame(page: Page, width: "phone" | "desktop"): Promise<Frame> {
  const handle = await page.locator(`iframe[title^="Respondent page preview, ${width} width"]`).elementHandle();
  const frame = await handle!.contentFrame();
  return frame!;
}

async function previewText(page: Page, width: "phone" | "desktop"): Promise<string> {
  return (await (await previewFrame(page, width)).textContent("body")) ?? "";
}

/**
 * The journey runs under the admin pages' real CSP (which the preview frames inherit: their stylesheet must carry the
 * page's nonce); axe-core is injected as an inline script, so accessibility is checked in a second context with the
 * same session that bypasses the CSP.
 */
async function withSession(browser: Browser, signedIn: BrowserContext, options: { bypassCSP: boolean; javaScriptEnabled?: boolean }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  await context.addCookies(await signedIn.cookies());
  return { context, page: await context.newPage() };
}

async function expectAccessible(axePage: Page, url: string) {
  await axePage.goto(url);
  await expectAccessibleAtBothWidths(axePage);
}

describe.runIf(browserAvailable)("a CX admin builds, previews and publishes a survey that a contact then answers", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();
  const accountExternalId = `E2E-SURVEYS-${run}`;
  const contactName = `Greta Champion ${run}`;

  beforeAll(async () => {
    const account = await apiCall(quorum, "POST", "/accounts", { externalId: accountExternalId, name: `Beispiel GmbH ${run}`, annualRevenue: 120000, ownerEmail: "olivia@quorum.example", ownerName: "Olivia Owner" });
    await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email: `greta.${run}@beispiel.example`, name: contactName, role: "champion", locale: "de" });
    await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email: `fritz.${run}@beispiel.example`, name: `Fritz Finance ${run}`, role: "finance", locale: "de" });
  });

  it("builds the survey with a German translation, previews it in both languages, publishes it, and the email gets answered", async () => {
    const signedIn = await signedInPage(browser(), quorum);
    const { context, page } = await withSession(browser(), signedIn.context, { bypassCSP: false });
    const axe = await withSession(browser(), signedIn.context, { bypassCSP: true });
    await signedIn.context.close();
    await expectAccessible(axe.page, `${quorum.base}/admin/surveys`);
    await expectAccessible(axe.page, `${quorum.base}/admin/surveys/new`);
    await page.goto(`${quorum.base}/admin/surveys`);
    await page.getByRole("link", { name: "New survey" }).click();
    await page.waitForURL(/\/admin\/surveys\/new$/);

    // Who is asked, and when.
    await page.getByLabel("Name (for your team)").fill(SURVEY);
    await page.getByLabel("Kind").selectOption("transactional");
    await page.getByLabel("Journey stage").selectOption("onboarding");
    await page.getByRole("checkbox", { name: "Champion" }).check();
    await page.getByLabel("Delay (days)").fill("0");
    await field(page, "texts.en.title").fill("How was your start with us?");
    await field(page, "texts.en.intro").fill("Your answer goes straight to your onboarding team.");
    await field(page, "questions.0.type").selectOption("ces");
    await field(page, "questions.0.text.en").fill("Getting started with us was easy.");
    await field(page, "questions.0.required").check();

    // The live preview follows the typing (htmx), rendered by the respondent page's own code.
    await expect.poll(() => previewText(page, "phone"), PREVIEW_WAIT).toContain("How was your start with us?");
    await expect.poll(() => previewText(page, "desktop"), PREVIEW_WAIT).toContain("Getting started with us was easy.");
    expect(await previewText(page, "phone")).toContain("Alex Example");

    // A second question (a full re-render keeps everything typed), shown after a low effort score.
    await page.getByLabel("Type of the new question").selectOption("text");
    await page.getByRole("button", { name: "Add question" }).click();
    await field(page, "questions.1.text.en").waitFor();
    expect(await field(page, "texts.en.title").inputValue()).toBe("How was your start with us?");
    await field(page, "questions.1.id").fill("why");
    await field(page, "questions.1.text.en").fill("What made it hard?");
    await field(page, "questions.1.showIf.questionId").selectOption("q1");
    await field(page, "questions.1.showIf.max").fill("4");

    // German.
    await page.getByLabel("Add a language").fill("de");
    await page.getByRole("button", { name: "Add locale" }).click();
    await field(page, "texts.de.title").waitFor();
    await field(page, "texts.de.title").fill("Wie war Ihr Start bei uns?");
    await field(page, "texts.de.intro").fill("Ihre Antwort geht direkt an Ihr Onboarding-Team.");
    await field(page, "questions.0.text.de").fill("Der Einstieg bei uns war einfach.");
    await field(page, "questions.1.text.de").fill("Was war schwierig?");
    await page.getByLabel("Language of the preview").selectOption("de");
    await expect.poll(() => previewText(page, "phone"), PREVIEW_WAIT).toContain("Wie war Ihr Start bei uns?");
    await expect.poll(() => previewText(page, "desktop"), PREVIEW_WAIT).toContain("Der Einstieg bei uns war einfach.");
    // The frame is styled by the respondent page's own stylesheet (its nonce is the admin page's) and cannot submit.
    const phone = await previewFrame(page, "phone");
    expect(await phone.evaluate(() => getComputedStyle(document.querySelector("button")!).backgroundColor)).toBe("rgb(10, 88, 202)");
    expect(await page.locator("iframe[sandbox]").count()).toBe(2);
    expect(await page.locator("iframe[sandbox='']").count()).toBe(2);

    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    // On a phone the "desktop" frame would be phone-wide too, the same page twice: only the phone preview shows.
    expect(await page.locator('iframe[title^="Respondent page preview, desktop width"]').isVisible()).toBe(false);
    expect(await page.locator('iframe[title^="Respondent page preview, phone width"]').isVisible()).toBe(true);
    // Sandboxed frames paint in a full-page capture only when the viewport already holds the whole page.
    await page.setViewportSize(DESKTOP);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: DESKTOP.width, height });
    await page.waitForTimeout(300);
    await screenshot(page, "survey-editor");
    await page.setViewportSize(DESKTOP);

    // A refused save keeps everything typed and says why beside the field.
    await field(page, "fractionPerWave").fill("0");
    await page.getByRole("button", { name: "Save draft" }).first().click();
    await page.getByText("must be more than 0").first().waitFor();
    expect(await field(page, "texts.de.title").inputValue()).toBe("Wie war Ihr Start bei uns?");
    // The refused input is framed in red like a refused select (input[type=…] once outranked the aria-invalid rule).
    expect(await field(page, "fractionPerWave").evaluate((el) => getComputedStyle(el).borderTopColor)).toBe("rgb(179, 38, 30)");
    await field(page, "fractionPerWave").fill("0.5");

    await page.getByRole("button", { name: "Save and publish" }).first().click();
    await page.waitForURL(/\/admin\/surveys\/sur_[^/?]+\?done=published$/);
    await page.getByText("Respondents get version 1.").waitFor();
    const surveyId = /\/admin\/surveys\/(sur_[^/?]+)/.exec(page.url())![1]!;
    await expectAccessible(axe.page, `${quorum.base}/admin/surveys/${surveyId}?locale=de`);

    // The published version, read-only, with its preview in German.
    await page.getByRole("link", { name: "Version 1" }).click();
    await page.getByRole("link", { name: "German (de)" }).click();
    await expect.poll(() => previewText(page, "phone"), PREVIEW_WAIT).toContain("Wie war Ihr Start bei uns?");
    await expectAccessible(axe.page, page.url());
    // Its long question-type badges ("CES (1–7, …)") wrap at 320 px instead of widening the page.
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.setViewportSize(DESKTOP);
    await expectAccessible(axe.page, `${quorum.base}/admin/surveys`);
    await axe.context.close();

    // The onboarding event invites the champion (the finance contact is not targeted).
    const event = await apiCall(quorum, "POST", "/events", { id: `onboarding-${run}`, type: "stage.reached", stage: "onboarding", accountExternalId, occurredAt: new Date().toISOString() });
    const ours = event.invitations.filter((i: { surveyId: string }) => i.surveyId === surveyId);
    expect(ours.map((i: { status: string }) => i.status)).toContain("queued");
    expect(ours).toHaveLength(1); // the champion only

    // The email in the outbox; the contact answers in German.
    let opened = false;
    for (let attempt = 0; attempt < 120 && !opened; attempt++) {
      await page.goto(`${quorum.base}/admin/outbox`);
      const row = page.locator("tr, li, article").filter({ hasText: `greta.${run}@beispiel.example` }).first();
      if (await row.count()) {
        await row.getByRole("link", { name: "Survey", exact: true }).click();
        opened = true;
      } else await page.waitForTimeout(250);
    }
    expect(opened).toBe(true);
    await page.getByRole("heading", { name: "Wie war Ihr Start bei uns?" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    // On a phone, an answer whose label wraps ("1 – Stimme überhaupt nicht zu") keeps a full-size radio (it shrank).
    await page.setViewportSize({ width: 320, height: 800 });
    expect(new Set(await page.locator(".list input[type=radio]").evaluateAll((inputs) => inputs.map((i) => i.getBoundingClientRect().width)))).toEqual(new Set([20]));
    await page.setViewportSize(DESKTOP);
    await page.locator("input[type=radio][value='2']").check();
    await page.locator("button[name=action]").click();
    const why = page.getByLabel("Was war schwierig?");
    await why.waitFor({ state: "visible" });
    await why.fill("Die Einrichtung der Benutzer.");
    await page.locator("button[name=action]").click();
    await page.getByRole("status").waitFor();
    expect(await page.locator("input[type=radio][value='2']").isChecked()).toBe(true);
    await context.close();
  });

  it("without JavaScript the editor still adds a question and previews on request", async () => {
    const signedIn = await signedInPage(browser(), quorum);
    const { context, page } = await withSession(browser(), signedIn.context, { bypassCSP: false, javaScriptEnabled: false });
    await signedIn.context.close();
    await page.goto(`${quorum.base}/admin/surveys/new`);
    await field(page, "texts.en.title").fill("Plain HTML");
    await field(page, "questions.0.text.en").fill("How likely are you to recommend us?");
    await page.getByRole("button", { name: "Update preview" }).click();
    await expect.poll(() => previewText(page, "phone"), PREVIEW_WAIT).toContain("How likely are you to recommend us?");
    const phone = await previewFrame(page, "phone");
    expect(await phone.evaluate(() => getComputedStyle(document.querySelector("button")!).backgroundColor)).toBe("rgb(10, 88, 202)");
    // The desktop preview lays the 0–10 scale out as a desktop does, on one row (its frame was 2 px short of that).
    const desktop = await previewFrame(page, "desktop");
    expect(await desktop.evaluate(() => new Set([...document.querySelectorAll(".scale label")].map((l) => Math.round(l.getBoundingClientRect().top))).size)).toBe(1);
    await page.getByRole("button", { name: "Add question" }).click();
    await field(page, "questions.1.type").waitFor();
    expect(await field(page, "texts.en.title").inputValue()).toBe("Plain HTML");

    // An archived survey is read-only, and its text boxes look it (they stayed white, as if they could be typed in).
    const archived = await apiCall<{ id: string }>(quorum, "POST", "/surveys", {
      name: `Archived ${run}`,
      kind: "transactional",
      journeyStage: "onboarding",
      targetRoles: [],
      texts: { en: { title: "Old", intro: "An old survey." } },
      questions: [{ id: "nps", type: "nps", text: { en: "How likely are you to recommend us?" } }],
    });
    await apiCall(quorum, "POST", `/surveys/${archived.id}/archive`);
    await page.goto(`${quorum.base}/admin/surveys/${archived.id}`);
    expect(await field(page, "name").isDisabled()).toBe(true);
    expect(await field(page, "name").evaluate((input) => getComputedStyle(input).backgroundColor)).not.toBe("rgb(255, 255, 255)");
    await context.close();
  });
});
