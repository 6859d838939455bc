import { describe, expect, inject, it } from "vitest";
import { axeViolations, browserAvailable, browserForSuite } from "./support/browser";
import { apiCall, signedInPage } from "./support/admin";

describe.runIf(browserAvailable)("API docs in a browser", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();

  it("renders every operation of the generated OpenAPI document from static assets, accessibly", async () => {
    const page = await browser().newPage();
    await page.goto(`${quorum.base}/api/docs/`);
    await page.getByText("/roles/{key}").first().waitFor();
    const operations = await page.locator("details summary").count();
    const doc = await (await fetch(`${quorum.base}/api/v1/openapi.json`)).json();
    const expected = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBe(expected);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe.runIf(browserAvailable)("trying requests from the API docs with the admin session", () => {
  const quorum = inject("quorum");
  const browser = browserForSuite();

  it("reads and writes as the signed-in person: the session cookie authorizes, the CSRF token rides in a header", async () => {
    const { page } = await signedInPage(browser(), quorum, { bypassCSP: true });
    await page.goto(`${quorum.base}/api/docs/`);
    await page.getByText(/Signed in as/).waitFor();

    const list = page.locator("details").filter({ has: page.locator("summary", { hasText: /^GET\s*\/roles — / }) }).first();
    await list.locator("summary").click();
    await list.getByRole("button", { name: "Send GET" }).click();
    await expect.poll(() => list.locator("pre[aria-live]").textContent()).toMatch(/^200 /);
    expect(await list.locator("pre[aria-live]").textContent()).toContain("decision_maker");

    const key = `docs_try_${Date.now()}`;
    const create = page.locator("details").filter({ has: page.locator("summary", { hasText: /^POST\s*\/roles — / }) }).first();
    await create.locator("summary").click();
    await create.getByLabel("JSON body").fill(JSON.stringify({ key, label: "Tried from the docs" }));
    await create.getByRole("button", { name: "Send POST" }).click();
    await expect.poll(() => create.locator("pre[aria-live]").textContent()).toMatch(/^201 /);
    expect((await apiCall(quorum, "GET", "/roles")).items.map((r: { key: string }) => r.key)).toContain(key);
    expect(await axeViolations(page)).toEqual([]);
  });
});
