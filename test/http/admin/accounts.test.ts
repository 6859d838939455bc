// Accounts list (filters, sort, pages) and the account page (committee roles named heard / not heard with their
// holders, role means, silence, invitations with the blocking rule, responses with verbatims, cases), ≤ 3 round trips.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";
import { adminGet, budgetedPage, completeScoringRun } from "./score-pages";

/** The table row of the account named `name` (its link to the closing </tr>). */
function rowOf(html: string, name: string): string {
  const start = html.indexOf(`>${name}</a>`);
  expect(start, `no row for ${name}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</tr>", start));
}

describe("/admin/accounts", () => {
  it("lists, filters and sorts the quarter's accounts, and shows one account in full", async () => {
    const survey = await makeSurvey();
    const now = new Date().toISOString();
    const acme = await makeAccount({ name: "Acme Corp", annualRevenue: 500_000, country: "FR", segment: "Mid-market", ownerEmail: "ann@vendor.test", ownerName: "Ann Owner" });
    const solo = await makeAccount({ name: "Solo Systems", annualRevenue: 200_000, country: "DE", segment: "Enterprise" });
    const quiet = await makeAccount({ name: "Quiet Inc", annualRevenue: 900_000, country: "US", segment: "Enterprise" });
    // Acme: decision maker says 10, champion says 2 → mixed signals (gap 8); score (10 + 2)/2 = 6 → at risk.
    const dm = await makeContact(acme.id, { name: "Dana Decider", role: "decision_maker" });
    const champ = await makeContact(acme.id, { name: "Chris Champion", role: "champion" });
    await makeContact(acme.id, { name: "Fay Finance", role: "finance" });
    await makeResponse(dm, survey, { submittedAt: now, answers: [{ type: "nps", value: 10 }, { type: "text", text: "Great partner, keep it up." }] });
    await makeResponse(champ, survey, { submittedAt: now, answers: [{ type: "nps", value: 2 }, { type: "text", text: "Support is too slow." }] });
    // Solo: one contact only → single-threaded.
    // (an answer whose invitation was never admitted this quarter, as imported history: answered, nobody invited)
    await makeResponse(await makeContact(solo.id, { name: "Sam Solo", role: "champion" }), survey, { submittedAt: now, answers: [{ type: "nps", value: 9 }], invitation: { admittedAt: null } });
    // Quiet: invited, expired, never answered → silent; another invitation deferred by a rule.
    const quietContact = await makeContact(quiet.id, { name: "Quinn Quiet", role: "decision_maker" });
    await makeInvitation(quietContact, survey, { status: "expired", admittedAt: now, sentAt: now });
    await makeInvitation(quietContact, survey, { status: "deferred", admittedAt: null, sentAt: null, blockingRule: "rule_quarterly_cap" });
    await makeInvitation(quietContact, survey, { status: "deferred", admittedAt: null, sentAt: null, blockingRule: "contact-cooldown" });
    await makeInvitation(quietContact, survey, { status: "suppressed", admittedAt: null, sentAt: null, blockingRule: "opted-out" });
    // Waiting: invited this quarter, the invitation still open → category silent, but not silent yet (SPEC §7.9).
    const waiting = await makeAccount({ name: "Waiting Ltd", annualRevenue: 50_000 });
    await makeInvitation(await makeContact(waiting.id, { name: "Wes Waiting", role: "champion" }), survey, { status: "sent", admittedAt: now, sentAt: now });
    await env.DB.prepare("INSERT INTO cases (id, type, account_id, status, severity, priority, due_at, opened_at, verbatim) VALUES ('case_acc1', 'response', ?, 'open', 3, 1, ?, ?, 'Support is too slow.')")
      .bind(acme.id, now, now)
      .run();
    await completeScoringRun();

    const html = await budgetedPage("/admin/accounts");
    // Largest revenue first: Quiet (900k), Acme (500k), Solo (200k).
    expect(html.indexOf("Quiet Inc")).toBeLessThan(html.indexOf("Acme Corp"));
    expect(html.indexOf("Acme Corp")).toBeLessThan(html.indexOf("Solo Systems"));
    expect(html).toContain("Mixed signals");
    expect(html).toContain("Single-threaded");
    // The filter is labelled "Single-threaded" on every list: the badges must sit in the right rows.
    expect(rowOf(html, "Acme Corp")).toContain('<span class="badge badge-warn">Mixed signals</span>');
    expect(rowOf(html, "Acme Corp")).not.toContain("Single-threaded");
    expect(rowOf(html, "Solo Systems")).toContain('<span class="badge badge-warn">Single-threaded</span>');
    expect(rowOf(html, "Solo Systems")).not.toContain("Mixed signals");
    // A score with the number of answers behind it (n), as the Overview's at-risk list shows it: Acme (10 + 2)/2 from 2.
    expect(html).toContain('<th scope="col" class="num">Score (0–10)</th><th scope="col" class="num">Answers</th>');
    expect(rowOf(html, "Acme Corp")).toContain('<td class="num">6.0</td><td class="num">2</td>');

    const byName = await (await adminGet("/admin/accounts?sort=name")).text();
    expect(byName.indexOf("Acme Corp")).toBeLessThan(byName.indexOf("Quiet Inc"));
    const atRisk = await (await adminGet("/admin/accounts?category=detractor")).text();
    expect(atRisk).toContain("Acme Corp");
    expect(atRisk).not.toContain(">Solo Systems<");
    const single = await (await adminGet("/admin/accounts?single=yes")).text();
    expect(single).toContain(">Solo Systems<");
    expect(single).not.toContain(">Acme Corp<");
    const silent = await (await adminGet("/admin/accounts?silent=1")).text();
    expect(silent).toContain(">Quiet Inc<");
    expect(silent).not.toContain(">Acme Corp<");
    const filtered = await (await adminGet("/admin/accounts?country=FR&segment=Mid-market&owner=ann%40vendor.test&category=")).text();
    expect(filtered).toContain(">Acme Corp<");
    expect(filtered).not.toContain(">Quiet Inc<");

    const page = await budgetedPage(`/admin/accounts/${acme.id}`);
    expect(page).toContain("<h1>Acme Corp</h1>");
    expect(page).toContain("2 of 5 committee roles heard");
    // Each committee role named, heard or not, with who holds it.
    expect(page).toMatch(/<th scope="row">Decision maker<\/th><td><span class="badge badge-good">Heard<\/span><\/td><td>Dana Decider \(/);
    expect(page).toMatch(/<th scope="row">Finance<\/th><td><span class="badge badge-bad">Not heard<\/span><\/td><td>—<\/td><td>Fay Finance<\/td>/);
    expect(page).toMatch(/<th scope="row">Executive sponsor<\/th><td><span class="badge badge-bad">Not heard<\/span><\/td><td>—<\/td><td><span class="muted">Nobody holds this role/);
    // Role means: decision maker 10.0, champion 2.0; mixed signals with a gap of 8.0.
    expect(page).toMatch(/Decision maker<\/th><td class="num">10.0<\/td>/);
    expect(page).toMatch(/Champion<\/th><td class="num">2.0<\/td>/);
    expect(page).toContain("differ by 8.0 points");
    expect(page).toContain("Support is too slow.");
    expect(page).toContain("Great partner, keep it up.");
    expect(page).toContain("At risk (detractor)");
    expect(page).toContain("500,000");
    expect(page).toContain('href="/admin/cases/case_acc1"');
    // Responses name the journey stage by its label, not its key.
    expect(page).toMatch(/· Relationship<\/p>/);
    expect(page).not.toMatch(/· relationship<\/p>/);

    const quietPage = await (await adminGet(`/admin/accounts/${quiet.id}`)).text();
    expect(quietPage).toContain("rule_quarterly_cap");
    // "Blocked by" reads a rule by its definition and other reasons in words, not their keys.
    expect(quietPage).toContain("<td>At most 1 invitation per contact in 14 days, any survey; otherwise it waits until allowed.</td>");
    expect(quietPage).toContain("<td>Opted out: they unsubscribed");
    expect(quietPage).not.toContain("<td>contact-cooldown</td>");
    // Invitation statuses in the words of the invitations list, not their keys.
    expect(quietPage).toContain(">Deferred</span>");
    expect(quietPage).toContain(">Expired</span>");
    expect(quietPage).not.toMatch(/>(deferred|expired|suppressed)</);
    expect(quietPage).toContain("Silent (1 in a row)");
    expect(quietPage).toMatch(/<td class="num">0 \/ 1<\/td>/);
    // Category "Silent" (invited, no answer) beside a Silence figure that explains why it is not silent yet.
    const waitingPage = await (await adminGet(`/admin/accounts/${waiting.id}`)).text();
    expect(waitingPage).toMatch(/Silence<\/p><p class="figure-value">Not yet<\/p>/);
    expect(waitingPage).toContain("No invitation of this quarter answered yet: silent once every one has ended unanswered.");
    expect(quietPage).toMatch(/Silence<\/p><p class="figure-value">Silent<\/p>/);
    // A quarter with answers but no invitation says so instead of "1 / 0"-style cohort figures.
    const soloPage = await (await adminGet(`/admin/accounts/${solo.id}`)).text();
    expect(soloPage).toMatch(/<td class="num">\+100<\/td><td>[^<]+ <span class="badge badge-warn">Low sample<\/span><\/td><td class="num">1<\/td><td class="num"><span class="muted">None invited<\/span><\/td>/);
    // Each quarter's NPS with its 95 % interval and n: Acme's 10 and 2 → 0, adjusted Wald n′ = 5, P′ = D′ = 0.35: ±1.96·√(0.7/5) → −73 to +73.
    expect(page).toMatch(/<td class="num">0<\/td><td>−73 to \+73 <span class="badge badge-warn">Low sample<\/span><\/td><td class="num">2<\/td>/);
  });

  it("answers an unknown account or a malformed filter with a page, never a 500", async () => {
    const unknown = await adminGet("/admin/accounts/acc_does_not_exist");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("text/html");
    expect(await unknown.text()).toContain("There is no account with this id");
    const bad = await adminGet("/admin/accounts?sort=planet&silent=-3");
    expect(bad.status).toBe(400);
    const text = await bad.text();
    // Named as the form names them, with the values a choice accepts; never zod's own wording.
    expect(text).toContain("Sort by: choose one of revenue, name, score, silent");
    expect(text).toContain("Silent quarters: 0 or more");
    expect(text).not.toMatch(/Invalid option|expected one of/);
    const category = await (await adminGet("/admin/accounts?category=x")).text();
    expect(category).toContain("Category: choose one of promoter, passive, detractor, silent, unsurveyed");
    expect((await adminGet("/admin/accounts?period=2026-Q7")).status).toBe(400);
    expect((await adminGet("/admin/accounts?period=1999-Q1")).status).toBe(404);
  });
});
