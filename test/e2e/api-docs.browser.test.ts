import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeViolations, browserAvailable, launchBrowser } from "./support/browser";


describe.runIf(browserAvailable)("API docs in a browser", () => {
  const quorum = inject("quorum");
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders every operation of the generated OpenAPI document from static assets, accessibly", async () => {
    const page = await browser.newPage();
    await page.goto(`${quorum.base}/api/docs/`);
    await page.getByText("/roles/{key}").first().waitFor();
    const operations = await page.locator("details summary").count();
    const doc = await (await fetch(`${quorum.base}/api/v1/openapi.json`)).json();
    const expected = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(expected);
    expect(await axeViolations(page)).toEqual([]);
  });
});
