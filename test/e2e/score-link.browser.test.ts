// SPEC §6 "first question in the email": a contact clicks "3" on the email's 0–10 scale (here: the outbox's answer
// links, taken from the email's HTML), lands on the page with 3 selected and the why-question shown, and sends. The
// page passes axe-core at 320 px and 1280 px, and at 320 px the scale sits on two balanced rows (6 + 5, never a lone 10).
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { apiCall, expectAccessibleAtBothWidths, PHONE, publishNpsWhySurvey, signedInPage } from "./support/admin";
import { browserAvailable, browserForSuite } from "./support/browser";

/** Rows of the 0–10 scale as laid out: the labels grouped by their top edge. */
async function scaleRows(page: Page): Promise<string[][]> {
  return page.evaluate(() => {
    const rows = new Map<number, string[]>();
    for (const label of document.querySelectorAll(".scale label")) {
      const top = Math.round(label.getBoundingClientRect().top);
      rows.set(top, [...(rows.get(top) ?? []), label.textContent!.trim()]);
    }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
  });
}

describe.runIf(browserAvailable)("a contact answers from the score links of the email", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();
  let surveyId: string;

  beforeAll(async () => {
    surveyId = await publishNpsWhySurvey(quorum, { name: "Score link pulse", kind: "transactional", journeyStage: "support" });
  });

  it("clicks 3 in the email: 3 is selected, the why-question appears, the answers are sent", async () => {
    const email = `sam.score@${Date.now()}.example`;
    const account = await apiCall(quorum, "POST", "/accounts", { externalId: `E2E-${email}`, name: "Score GmbH", annualRevenue: 50000, ownerEmail: "olivia@quorum.example", ownerName: "Olivia Owner" });
    const contact = await apiCall(quorum, "POST", "/contacts", { accountId: account.id, email, name: "Sam Score", role: "champion", locale: "en" });
    await apiCall(quorum, "POST", "/invitations", { contactId: contact.id, surveyId });

    const { page } = await signedInPage(browser(), quorum, { viewport: PHONE, bypassCSP: true });
    let clicked = false;
    for (let attempt = 0; attempt < 40 && !clicked; attempt++) {
      await page.goto(`${quorum.base}/admin/outbox`);
      const link = page.getByRole("link", { name: `Answer 3 as ${email}` });
      if (await link.count()) {
        await link.click();
        clicked = true;
      } else await page.waitForTimeout(250);
    }
    expect(clicked).toBe(true);
    await page.waitForURL(/\/s\/[^?]+\?score=3$/);

    expect(await page.locator("input[name='q:nps'][value='3']").isChecked()).toBe(true);
    const why = page.getByLabel("What is the main reason for your score?");
    await why.waitFor({ state: "visible" });
    expect(await scaleRows(page)).toEqual([["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]]);
    // The "10 = Extremely likely" label wraps at 320 px: each of its lines ends under the 10, not halfway across.
    const gaps = await page.locator(".ends span").last().evaluate((span) => {
      const range = document.createRange();
      range.selectNodeContents(span);
      return [...range.getClientRects()].map((line) => Math.round(span.getBoundingClientRect().right - line.right));
    });
    expect(gaps.length).toBeGreaterThan(1);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(2);
    await expectAccessibleAtBothWidths(page);
    expect(await scaleRows(page)).toEqual([["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]]);
    await page.setViewportSize(PHONE);

    await why.fill("Answers take too long.");
    await page.getByRole("button", { name: "Send my answers" }).click();
    await page.getByText("Thank you! Your answers went to Olivia Owner.").waitFor();
    await page.reload();
    expect(await page.locator("input[name='q:nps'][value='3']").isChecked()).toBe(true);
    expect(await why.inputValue()).toBe("Answers take too long.");
  });
});
