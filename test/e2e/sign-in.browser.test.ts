import { describe, expect, inject, it } from "vitest";
import { apiCall, DESKTOP, expectAccessibleAtBothWidths, screenshot, signedInPage } from "./support/admin";
import { axeViolations, browserAvailable, browserForSuite } from "./support/browser";

describe.runIf(browserAvailable)("people sign in as themselves", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();

  /** The newest sign-in link mailed to an address, read from the outbox as an admin would (local mode). */
  async function linkFromOutbox(email: string): Promise<string> {
    const { context, page } = await signedInPage(browser(), quorum);
    await page.goto(`${quorum.base}/admin/outbox`);
    // The newcomer's way: the mail's "Sign in" link in the outbox.
    const mail = page.locator("tr", { hasText: email }).first();
    const link = await mail.getByRole("link", { name: "Sign in", exact: true }).getAttribute("href");
    await context.close();
    if (!link) throw new Error(`no sign-in link for ${email} in the outbox`);
    return link;
  }

  it("signs in by an emailed link from the outbox, then manages people at phone and desktop width", async () => {
    const email = `e2e.admin.${Date.now()}@example.com`;
    await apiCall(quorum, "POST", "/users", { email, name: "Erin Admin", role: "admin" });

    // bypassCSP: axe-core is injected as an inline script, which the admin pages' CSP (rightly) refuses.
    const context = await browser().newContext({ viewport: DESKTOP, bypassCSP: true });
    const page = await context.newPage();
    // Every stylesheet, script and icon the pages ask for exists: a missing /favicon.ico was a 404 on every page (the
    // browser reports it only on the console, not as a response of the page).
    const missing: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("status of 404")) missing.push(message.text());
    });
    await page.goto(`${quorum.base}/admin/login`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Work email").fill(email);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await page.getByText("a sign-in link is on its way").waitFor();

    const link = await linkFromOutbox(email);
    await page.goto(link);
    await page.getByText("Signing in as Erin Admin").waitFor();
    await page.getByRole("button", { name: "Continue to Quorum" }).click();
    await page.waitForURL(/\/admin\/?$/);
    await page.getByText("Erin Admin", { exact: false }).first().waitFor();

    await page.goto(`${quorum.base}/admin/people`);
    await page.getByLabel("Name", { exact: true }).fill("Colin Colleague");
    await page.getByLabel("Work email").fill(`e2e.colleague.${Date.now()}@example.com`);
    await page.getByLabel("Role", { exact: true }).selectOption("analyst");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.getByText("Invited: a sign-in link is on its way").waitFor();
    expect(await page.locator("table").textContent()).toContain("Colin Colleague");

    // A refused invite keeps what was typed and names the problem beside its field.
    await page.getByLabel("Name", { exact: true }).fill("");
    await page.getByLabel("Work email").fill("not-an-address");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.locator("#f-email-error").waitFor();
    await page.goto(`${quorum.base}/admin/people`);

    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "people");

    // Signing out ends the session; the link cannot be used twice.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/admin\/login$/);
    expect((await page.goto(link))?.status()).toBe(410);
    expect(missing).toEqual([]);
    await page.getByText("This sign-in link was already used").waitFor();
    await context.close();
  });

  it("shows a clear page for a forged link", async () => {
    const page = await browser().newPage({ bypassCSP: true });
    const res = await page.goto(`${quorum.base}/admin/sign-in?link=forged`);
    expect(res?.status()).toBe(400);
    await page.getByText("This sign-in link is not valid").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
