// A CX leader's morning: the Overview of the demo story (two years of history), an at-risk account, the accounts
// list, what customers said and the markets — each page with axe at 320 and 1280 px, reachable by keyboard, and
// working without JavaScript. Saves docs/screenshots/overview.png and account.png for the README.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, expectAccessibleAtBothWidths, PHONE, screenshot, signedInPage, signedInPageForSuite } from "./support/admin";
import { browserAvailable, browserForSuite } from "./support/browser";

/** The demo story of `npm start` (scripts/demo-data.mjs), loaded through the API of the test server. */
async function loadDemoStory(base: string, token: string): Promise<string> {
  const script = (await import("../../scripts/demo-data.mjs" as string)) as { loadDemoStory(base: string, token: string): Promise<string> };
  return script.loadDemoStory(base, token);
}

/** Presses Tab until the element matching `selector` has the focus (fails after `limit` presses). */
async function tabTo(page: Page, selector: string, limit = 60) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${selector} was not reached with the keyboard`);
}

describe.runIf(browserAvailable)("a CX leader reads the quarter, an at-risk account, customers' words and the markets", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();
  const signedIn = signedInPageForSuite(browser, quorum, { bypassCSP: true });

  beforeAll(async () => {
    await loadDemoStory(quorum.base, quorum.token);
  }, 240_000);

  it("reads the Overview: coverage bar with its table, figures with intervals, trend, at-risk accounts", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin`);
    await page.getByRole("heading", { name: "Revenue coverage" }).waitFor();
    expect(await page.getByRole("img", { name: /Revenue coverage/ }).count()).toBe(1);
    expect(await page.getByRole("img", { name: /NPS by quarter/ }).count()).toBe(1);
    expect(await page.locator("table", { hasText: "Safe (promoters)" }).textContent()).toMatch(/At risk \(detractors\)/);
    expect(await page.locator(".figure", { hasText: "Revenue-weighted NPS" }).textContent()).toMatch(/effective n = \d/);
    expect(await page.getByText("vs a year earlier").count()).toBeGreaterThan(0);
    // The label is always drawn; the demo story has a year-earlier quarter, so the NPS change is a number of points.
    expect(await page.locator(".figure-change", { hasText: "vs a year earlier" }).first().textContent()).toMatch(/vs a year earlier \(\d{4}-Q\d\): [+−±]\d+(\.\d)? pts/);
    await expectAccessibleAtBothWidths(page);
    // At 320 px the charts scale down: every chart text still shown must stay readable (≥ 10 px tall), and the
    // coverage target is still said.
    await page.setViewportSize(PHONE);
    const chartTextHeights = await page.evaluate(() =>
      [...document.querySelectorAll(".chart text, .chart-axis span, .chart-note")]
        .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).display !== "none")
        .map((e) => Math.round(e.getBoundingClientRect().height)),
    );
    expect(chartTextHeights.length).toBeGreaterThan(10);
    expect(Math.min(...chartTextHeights)).toBeGreaterThanOrEqual(10);
    expect(await page.getByText(/Dashed line: 80\.0 % target/).isVisible()).toBe(true);
    expect(await page.locator(".chart-axis").isVisible()).toBe(true);
    await page.screenshot({ path: "/tmp/overview-320.png", fullPage: true });
    await page.setViewportSize(DESKTOP);
    expect(await page.getByText(/Dashed line: 80\.0 % target/).isVisible()).toBe(false);
    // At desktop width the bar's own axis is drawn in the SVG; the HTML axis for phones must not repeat it.
    expect(await page.locator(".chart-axis").isVisible()).toBe(false);
    await screenshot(page, "overview");
    // A table's last row draws no line under it, its row header (th) included: a line under the header cell alone
    // showed as a half-width rule under the coverage table's "Total" and the at-risk list's last account.
    const lastRowBorders = await page.evaluate(() =>
      [...document.querySelectorAll("tbody tr:last-child > *")].map((cell) => getComputedStyle(cell).borderBottomWidth),
    );
    expect(lastRowBorders.length).toBeGreaterThan(0);
    expect(new Set(lastRowBorders)).toEqual(new Set(["0px"]));

    // The quarter picker by keyboard: pick the previous quarter and show it.
    const quarters = await page.locator("#f-period option").allTextContents();
    expect(quarters.length).toBeGreaterThanOrEqual(8);
    await page.goto(`${quorum.base}/admin`);
    await tabTo(page, "#f-period");
    await page.locator("#f-period").selectOption(quarters[1]!);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`period=${quarters[1]}`));
    expect(await page.locator("p.lead").textContent()).toContain(quarters[1]);
  });

  it("opens the at-risk giant from the Overview: committee roles named, role means, responses with verbatims", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin`);
    await page.getByRole("link", { name: "Atlas Health Systems" }).first().click();
    await page.getByRole("heading", { name: "Atlas Health Systems", level: 1 }).waitFor();
    const committee = (await page.locator("table", { hasText: "Held by" }).textContent()) ?? "";
    for (const role of ["Decision maker", "Executive sponsor", "Champion", "Finance", "Technical evaluator"]) expect(committee).toContain(role);
    expect(await page.getByText("At risk (detractor)").count()).toBeGreaterThan(0);
    expect(await page.locator("blockquote").count()).toBeGreaterThan(0);
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "account");
  });

  it("filters the accounts list, reads what customers said and compares markets", async () => {
    const page = signedIn();
    await page.goto(`${quorum.base}/admin/accounts`);
    await page.getByLabel("Single-threaded").selectOption("yes");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/single=yes/);
    expect(await page.getByRole("link", { name: "Meridian Retail Group" }).count()).toBe(1);
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "accounts");

    await page.goto(`${quorum.base}/admin/responses`);
    await page.getByLabel("With a comment only").check();
    await page.getByLabel("NPS answer").selectOption("detractor");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/band=detractor/);
    expect(await page.locator(".feed > li").count()).toBeGreaterThan(0);
    expect(await page.locator(".feed > li blockquote").count()).toBe(await page.locator(".feed > li").count());
    // Only detractors: each card's NPS answer carries the Detractor badge (the demo story has promoters with comments too).
    expect(await page.locator(".feed > li .scoreline .badge", { hasText: "Detractor" }).count()).toBe(await page.locator(".feed > li").count());
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "responses");

    await page.goto(`${quorum.base}/admin/markets`);
    const ranking = (await page.locator("table", { hasText: "12-month change" }).textContent()) ?? "";
    expect(ranking).toContain("DE");
    expect(ranking).toContain("US");
    await expectAccessibleAtBothWidths(page);
    await screenshot(page, "markets");
  });

  it("works without JavaScript", async () => {
    const plain = await signedInPage(browser(), quorum, { javaScriptEnabled: false });
    try {
      await plain.page.goto(`${quorum.base}/admin/accounts?category=detractor`);
      await plain.page.getByRole("link", { name: "Atlas Health Systems" }).click();
      await plain.page.getByRole("heading", { name: "Atlas Health Systems", level: 1 }).waitFor();
      await plain.page.goto(`${quorum.base}/admin`);
      await plain.page.locator("#f-period").selectOption({ index: 1 });
      await plain.page.getByRole("button", { name: "Show" }).click();
      await plain.page.waitForURL(/period=/);
    } finally {
      await plain.context.close();
    }
  });
});
