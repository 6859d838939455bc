// A CX admin imports a CRM export through the page after a dry run (adjusting the mapping on the way), finds the new
// accounts in the directory, and uses the administration pages; every page is checked with axe at 320 and 1280 px.
import { describe, expect, inject, it } from "vitest";
import { expectAccessibleAtBothWidths, screenshot, signedInPageForSuite } from "./support/admin";
import { browserAvailable, browserForSuite } from "./support/browser";

const run = Date.now().toString(36);
const ids = [`SF-${run}-1`, `SF-${run}-2`, `SF-${run}-3`];

/** A Salesforce account export as it comes (CRLF, quoted, German number format in one column) plus a column of our own. */
const EXPORT = [
  `"Account ID","Account Name","Annual Revenue","Billing Country","Account Owner","Tier Code"`,
  `"${ids[0]}","Kranich Logistik ${run}","1.250.000,00","DE","Olivia Owner","Strategic"`,
  `"${ids[1]}","Brightwater Foods ${run}","980.000,00","US","Sam Seller","Core"`,
  `"${ids[2]}","Nordlicht Energie ${run}","","DE","Olivia Owner","Core"`,
].join("\r\n");

describe.runIf(browserAvailable)("a CX admin imports from the CRM and administers Quorum", () => {
  const quorum = inject("quorum");
  const signedIn = signedInPageForSuite(browserForSuite(), quorum, { bypassCSP: true });

  it("imports a CRM export after a dry run, with the mapping adjusted on the page", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/directory`);
    await page.getByRole("link", { name: "Import a CRM export" }).click();
    await expectAccessibleAtBothWidths(page);

    await page.getByLabel("What the file holds").selectOption("accounts");
    await page.getByLabel("Export file").setInputFiles({ name: "salesforce-accounts.csv", mimeType: "text/csv", buffer: Buffer.from(EXPORT) });
    await page.getByLabel("Numbers in the file").selectOption("comma");
    await page.getByRole("button", { name: "Check (dry run)" }).click();
    await page.getByRole("heading", { name: "Dry run: nothing was written yet" }).waitFor();

    // The mapping as read: known Salesforce columns recognised, our own column ignored; row 4 lacks a revenue.
    expect(await page.getByLabel("Account ID").inputValue()).toBe("externalId");
    expect(await page.getByLabel("Annual Revenue").inputValue()).toBe("annualRevenue");
    expect(await page.getByLabel("Tier Code").inputValue()).toBe("");
    const row4 = (await page.locator("tr", { has: page.locator("td", { hasText: /^4$/ }) }).textContent()) ?? "";
    expect(row4).toContain("Error");
    expect(row4).toContain("Annual revenue: required for a new account");
    // The per-row table stands apart from the counts above it (it touched them).
    const gap = await page.locator("#report").locator("..").evaluate((section) => section.querySelector(".table-wrap")!.getBoundingClientRect().top - section.querySelector("dl.facts")!.getBoundingClientRect().bottom);
    expect(gap).toBeGreaterThanOrEqual(12);
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "import");

    // Read the tier as the segment, fix the missing revenue in the carried text, check again, then import.
    await page.getByLabel("Tier Code").selectOption("segment");
    const body = page.getByLabel("Or paste the export");
    await body.fill((await body.inputValue()).replace(`"Nordlicht Energie ${run}",""`, `"Nordlicht Energie ${run}","420.000,00"`));
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByRole("heading", { name: "Dry run: nothing was written yet" }).waitFor();
    expect(await page.locator("dl.facts").first().textContent()).toMatch(/Would be created\s*3/);
    expect(await page.getByLabel("Tier Code").inputValue()).toBe("segment");

    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByRole("heading", { name: "Imported" }).waitFor();
    expect(await page.locator("dl.facts").first().textContent()).toMatch(/Created\s*3/);
    // From the report to what was imported (the page offered no way on).
    expect(await page.getByRole("link", { name: "See them in the Directory" }).getAttribute("href")).toBe("/admin/directory/accounts");

    // The directory finds them, with the revenue read in the German convention and the tier as segment.
    await page.goto(`${quorum.base}/admin/directory`);
    await page.getByLabel("Search").fill(`Kranich Logistik ${run}`);
    await page.getByRole("button", { name: "Search" }).click();
    const kranich = (await page.locator("tr", { hasText: `Kranich Logistik ${run}` }).textContent()) ?? "";
    expect(kranich).toContain("1,250,000");
    expect(kranich).toContain("Strategic");
    expect(await page.getByRole("link", { name: `Kranich Logistik ${run}` }).getAttribute("href")).toMatch(/^\/admin\/accounts\/acc_/);
    await expectAccessibleAtBothWidths(page);
    for (const path of ["/admin/directory/accounts", "/admin/directory/contacts"]) {
      await page.goto(`${quorum.base}${path}`);
      await expectAccessibleAtBothWidths(page);
    }
  });

  it("creates an API token shown once, and every administration page is accessible", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/administration`);
    await expectAccessibleAtBothWidths(page);
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Name").fill(`CRM sync ${run}`);
    await page.getByLabel(/^integration/).check();
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = await page.getByLabel("Secret", { exact: true }).inputValue();
    expect(secret).toMatch(/^qrm_/);
    await expectAccessibleAtBothWidths(page);
    await page.goto(`${quorum.base}/admin/tokens`);
    expect(await page.content()).toContain(`CRM sync ${run}`); // the token is listed, by its name only
    expect(await page.content()).not.toContain(secret);

    await page.goto(`${quorum.base}/admin/holidays`);
    await page.getByLabel("Date").fill("2035-12-25");
    await page.getByLabel("Name").fill(`Christmas ${run}`);
    await page.getByRole("button", { name: "Add holiday" }).click();
    await page.getByText("Holiday added.").waitFor();
    await expectAccessibleAtBothWidths(page);

    for (const path of ["/admin/settings", `/admin/audit?action=holiday.create`, "/admin/outbox"]) {
      await page.goto(`${quorum.base}${path}`);
      await expectAccessibleAtBothWidths(page);
    }
    // The holiday added above is in the audit log, under its name.
    await page.goto(`${quorum.base}/admin/audit?action=holiday.create`);
    expect(await page.locator("body").textContent()).toContain(`Christmas ${run}`);
  });
});
