import { chromium, type Browser, type Page } from "playwright-core";
import axe from "axe-core";
import { existsSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";

/** Debian's chromium, headless, with no background traffic (this machine has no internet). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * One chromium for the tests of a describe block (call it inside the block): launched before the block's other hooks,
 * closed after them. The returned function gives the browser inside hooks and tests.
 */
export function browserForSuite(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the suite's browser is launched in beforeAll: use it in hooks and tests");
    return browser;
  };
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page; returns the violations. */
export async function axeViolations(page: Page) {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

/**
 * Browser journeys need Debian's chromium (`apt-get install chromium`). Without it they are skipped with a
 * notice on a developer's machine, and fail in CI (.ci/run installs it and sets REQUIRE_BROWSER=1).
 */
export const browserAvailable = (() => {
  const found = existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium");
  if (!found && process.env.REQUIRE_BROWSER === "1") throw new Error("chromium is required (REQUIRE_BROWSER=1) but /usr/bin/chromium is missing");
  if (!found) console.warn("Browser journeys skipped: install Debian's chromium (apt-get install chromium) to run them.");
  return found;
})();
