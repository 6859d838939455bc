import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, browserAvailable, launchBrowser } from "./support/browser";
import { startQuorum, type LocalQuorum } from "./support/server";

describe.runIf(browserAvailable)("API docs in a browser", () => {
  let quorum: LocalQuorum;
  let browser: Browser;
  beforeAll(async () => {
    [quorum, browser] = await Promise.all([startQuorum(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await quorum?.stop();
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
