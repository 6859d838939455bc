// The responses feed: complete responses with verbatims, newest first, filtered by period, survey, account, role,
// stage, score band and "with a comment"; each links to its account; ≤ 3 round trips; bad filters are a 400 page.
import { describe, expect, it } from "vitest";
import { makeAccount, makeContact, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { adminGet, budgetedPage } from "./score-pages";

describe("/admin/responses", () => {
  it("reads what customers said, with filters and pages", async () => {
    const relationship = await makeSurvey({ name: "Relationship pulse" });
    const onboarding = await makeSurvey({ name: "Onboarding check", journeyStage: "onboarding" });
    const acme = await makeAccount({ name: "Acme Feed" });
    const other = await makeAccount({ name: "Other Feed" });
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const yearAgo = new Date(now - 365 * 86400_000).toISOString();
    await makeResponse(await makeContact(acme.id, { name: "Dee Tractor", role: "decision_maker" }), relationship, {
      submittedAt: at(1),
      answers: [{ type: "nps", value: 3 }, { type: "text", text: "Invoices <b>keep</b> bouncing." }],
    });
    await makeResponse(await makeContact(acme.id, { name: "Pro Moter", role: "champion" }), relationship, { submittedAt: at(2), answers: [{ type: "nps", value: 10 }] });
    await makeResponse(await makeContact(other.id, { name: "Ona Board", role: "end_user" }), onboarding, {
      submittedAt: at(3),
      answers: [{ type: "ces", value: 6 }, { type: "text", text: "Setup was smooth." }],
    });
    await makeResponse(await makeContact(other.id, { name: "Old Timer", role: "champion" }), relationship, { submittedAt: yearAgo, answers: [{ type: "nps", value: 8 }, { type: "text", text: "Last year's note." }] });
    await makeResponse(await makeContact(other.id, { name: "Half Way" }), relationship, { submittedAt: at(4), status: "partial", answers: [{ type: "text", text: "Never submitted." }] });

    const html = await budgetedPage("/admin/responses");
    // Newest first, escaped verbatims, a link to the account, no partial response.
    expect(html.indexOf("Dee Tractor")).toBeLessThan(html.indexOf("Pro Moter"));
    expect(html.indexOf("Pro Moter")).toBeLessThan(html.indexOf("Ona Board"));
    expect(html).toContain("Invoices &lt;b&gt;keep&lt;/b&gt; bouncing.");
    expect(html).toContain(`<a href="/admin/accounts/${acme.id}">Acme Feed</a>`);
    expect(html).toContain("Decision maker");
    // The role filter always lists "Decision maker"; the card must name the respondent's role in words.
    expect(html).toContain("Dee Tractor (Decision maker)");
    expect(html).not.toContain("Never submitted.");

    const text = async (query: string) => (await adminGet(`/admin/responses?${query}`)).text();
    const detractors = await text("band=detractor");
    expect(detractors).toContain("Dee Tractor");
    expect(detractors).not.toContain("Pro Moter");
    const withText = await text("text=1");
    expect(withText).toContain("Setup was smooth.");
    expect(withText).not.toContain("Pro Moter");
    const bySurvey = await text(`survey=${onboarding.survey.id}`);
    expect(bySurvey).toContain("Ona Board");
    expect(bySurvey).not.toContain("Dee Tractor");
    const byAccount = await text(`account=${acme.id}&role=champion`);
    expect(byAccount).toContain("Pro Moter");
    expect(byAccount).not.toContain("Dee Tractor");
    // The account is named, kept by a hidden field and removable; nobody is asked for an internal account id.
    expect(byAccount).toContain(`<input type="hidden" name="account" value="${acme.id}"/>`);
    expect(byAccount).toContain('<p>Responses of <strong>Acme Feed</strong> · <a href="/admin/responses?role=champion">All accounts</a></p>');
    expect(byAccount).not.toContain("Account id");
    expect(detractors).not.toContain("Account id");
    expect(detractors).not.toContain('name="account"');
    const byStage = await text("stage=onboarding");
    expect(byStage).toContain("Ona Board");
    expect(byStage).not.toContain("Pro Moter");
    // The card names the stage by its label, not its key.
    expect(byStage).toMatch(/· Onboarding<\/p>/);
    expect(byStage).not.toMatch(/· onboarding<\/p>/);
    const thisQuarter = await text(`period=${new Date(now).getUTCFullYear()}-Q${Math.floor(new Date(now).getUTCMonth() / 3) + 1}`);
    expect(thisQuarter).toContain("Dee Tractor");
    expect(thisQuarter).not.toContain("Old Timer");

    // Pages of 25: 27 more answers push the oldest onto page 2, reached through the "Next page" link.
    const many = await makeAccount({ name: "Many Voices" });
    for (let i = 0; i < 26; i++) await makeResponse(await makeContact(many.id, { name: `Voice ${i}` }), relationship, { submittedAt: at(0.5), answers: [{ type: "nps", value: 9 }] });
    const first = await text("");
    expect(first).not.toContain("Old Timer");
    const next = /<a href="(\/admin\/responses\?after=[^"]+)">Next page<\/a>/.exec(first)?.[1];
    expect(next).toBeTruthy();
    const second = await (await adminGet(next!.replaceAll("&amp;", "&"))).text();
    expect(second).toContain("Old Timer");
  });

  it("refuses a malformed filter or page link with a 400 page", async () => {
    const band = await adminGet("/admin/responses?band=lukewarm");
    expect(band.status).toBe(400);
    const bandText = await band.text();
    expect(bandText).toMatch(/NPS answer: choose one of [a-z]+, /);
    expect(bandText).not.toMatch(/Invalid option|expected one of/);
    expect((await adminGet("/admin/responses?after=%%%")).status).toBe(400);
    expect((await adminGet("/admin/responses?after=bm90LWEtY3Vyc29y")).status).toBe(400);
    expect((await adminGet("/admin/responses?period=last-year")).status).toBe(400);
  });
});
