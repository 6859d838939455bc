// Markets ranked by the lower bound of the 12-month NPS change, insufficient data apart, by country or segment.
import { describe, expect, it } from "vitest";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { adminGet, budgetedPage, completeScoringRun } from "./score-pages";

const times = (count: number, value: number) => Array<number>(count).fill(value);

describe("/admin/markets", () => {
  it("ranks markets by the lower bound of their 12-month change and lists thin ones apart", async () => {
    const before = await adminGet("/admin/markets");
    expect(await before.text()).toContain("No scoring run has completed yet");

    const account = await makeAccount();
    const survey = await makeSurvey();
    const now = new Date().toISOString();
    const yearAgo = new Date(Date.now() - 365 * 86400_000).toISOString();
    const answer = async (country: string, segment: string, at: string, values: number[]) => {
      for (const value of values) await makeResponse(await makeContact(account.id), survey, { submittedAt: at, answers: [{ type: "nps", value }], snapshot: { country, segment } });
    };
    // Same data as the scores API test: DE −11.68 … 72.29, US −34.12 … 34.12, FR 2 answers → insufficient data.
    await answer("DE", "Enterprise", now, [...times(20, 10), ...times(10, 0)]);
    await answer("DE", "Enterprise", yearAgo, [...times(10, 10), ...times(10, 8), ...times(10, 0)]);
    await answer("US", "Enterprise", now, times(30, 7));
    await answer("US", "Enterprise", yearAgo, [...times(15, 9), ...times(15, 5)]);
    await answer("FR", "Startup", now, [10, 10]);
    await completeScoringRun();

    const html = await budgetedPage("/admin/markets");
    expect(html).toMatch(/<td class="num">1<\/td><th scope="row">DE<\/th><td class="num">\+33.3 pts<\/td><td>−11.7 pts to \+72.3 pts<\/td>/);
    expect(html).toMatch(/<td class="num">2<\/td><th scope="row">US<\/th><td class="num">±0.0 pts<\/td><td>−34.1 pts to \+34.1 pts<\/td><td><span class="badge badge-neutral">No clear change/);
    expect(html).toMatch(/Insufficient data[\s\S]*<th scope="row">FR<\/th><td class="num">\+100<br\/>/);
    expect(html).toContain("not independent");
    // Periods in words, not the stored keys ("2026-Q4-T12").
    expect(html).toMatch(/Ranking: 12 months to \d{4}-Q[1-4] against 12 months to \d{4}-Q[1-4]/);
    expect(html).not.toMatch(/Q[1-4]-T12/);
    // The two NPS columns name their 12 months ("now" was wrong for a past quarter).
    expect(html).toMatch(/<th scope="col" class="num">NPS, 12 months to \d{4}-Q[1-4] \(95 % interval · n\)<\/th><th scope="col" class="num">NPS, 12 months to \d{4}-Q[1-4] \(95 % interval · n\)<\/th>/);
    // Each side's NPS with its adjusted-Wald interval and n: DE now 20 × 10, 10 × 0 → +33, −1.4 to +62.0; a year
    // earlier 10 × 10, 10 × 8, 10 × 0 → 0, ±27.5; FR 2 × 10 → +100, −24.4 to +100 (clipped).
    expect(html).toContain('<td class="num">+33<br/><span class="muted">−1 to +62 · n = 30</span></td><td class="num">0<br/><span class="muted">−28 to +28 · n = 30</span></td>');
    expect(html).toContain('<td class="num">+100<br/><span class="muted">−24 to +100 · n = 2</span></td><td class="num">—<br/><span class="muted">n = 0</span></td>');
    expect(html).not.toContain("NPS now");

    const bySegment = await (await adminGet("/admin/markets?by=segment")).text();
    expect(bySegment).toMatch(/<th scope="row">Enterprise<\/th>/);
    // Which kind is shown is said (plain text, marked current); the other is the link.
    expect(bySegment).toContain('<strong aria-current="page">Segment</strong>');
    expect(bySegment).toMatch(/<a href="\/admin\/markets\?by=country&amp;period=\d{4}-Q[1-4]">Country<\/a>/);
    expect(html).toContain('<strong aria-current="page">Country</strong>');
    expect(bySegment).toMatch(/Insufficient data[\s\S]*<th scope="row">Startup<\/th>/);
  });

  it("answers a malformed choice with a 400 page", async () => {
    const planet = await adminGet("/admin/markets?by=planet");
    expect(planet.status).toBe(400);
    const text = await planet.text();
    expect(text).toContain("Markets by: choose one of country, segment");
    expect(text).not.toMatch(/Invalid option|expected one of/);
    expect((await adminGet("/admin/markets?period=Q3")).status).toBe(400);
  });
});
