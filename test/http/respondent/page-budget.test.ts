// SPEC §6/§10: GET /s/{token} ≤ 20 KB. Surveys an admin may save must render within it, in the worst case the
// validation allows: 5 questions × 20 options, texts at their budget, 200-character names, every answer refused.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { surveys, surveyVersions } from "../../../src/db/schema";
import { signLink } from "../../../src/domain/links/tokens";
import { MAX_PAGE_TEXT_BYTES, pageTextBytes } from "../../../src/domain/surveys/surveys";
import { api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, testDb } from "../../support/fixtures";

const multi = (id: string, text: string, label: (i: number) => string) => ({
  id,
  type: "multi",
  required: true,
  text: { de: text },
  options: Array.from({ length: 20 }, (_, i) => ({ value: `o${i}`, label: { de: label(i) } })),
});
const surveyCount = () => env.DB.prepare("SELECT count(*) AS n FROM surveys").first<number>("n");

describe("the respondent page budget bounds what a survey may hold", () => {
  it("refuses a survey whose texts would push the page past 20 KB, naming the budget, writing nothing", async () => {
    const before = await surveyCount();
    const res = await api("POST", "/surveys", {
      name: "Too long",
      kind: "transactional",
      journeyStage: "support",
      defaultLocale: "de",
      texts: { de: { title: "Titel", intro: "Warum wir fragen." } },
      questions: [1, 2, 3, 4, 5].map((n) => multi(`m${n}`, "Frage?", (i) => `Antwort ${i} ${"x".repeat(90)}`)),
    });
    expect(res.status).toBe(400);
    const problem = await json(res);
    expect(problem.errors).toEqual([expect.objectContaining({ path: "questions", message: expect.stringContaining(String(MAX_PAGE_TEXT_BYTES)) })]);
    expect(await surveyCount()).toBe(before);
  });

  it("a survey at the budget with the most markup renders within 20 KB, also with every answer refused", async () => {
    const texts = { de: { title: "Ä".repeat(50), intro: "Warum wir fragen & was wir tun. ".repeat(24) } };
    const questions = [1, 2, 3, 4, 5].map((n) => multi(`m${n}`, `Frage ${n}: ${"Wie zufrieden sind Sie? ".repeat(12)}`, (i) => `Möglichkeit ${i}`));
    const bytes = pageTextBytes({ texts, questions } as never);
    expect(bytes).toBeGreaterThan(MAX_PAGE_TEXT_BYTES * 0.9);
    expect(bytes).toBeLessThanOrEqual(MAX_PAGE_TEXT_BYTES);

    const created = await api("POST", "/surveys", { name: "Budget", kind: "transactional", journeyStage: "support", defaultLocale: "de", texts, questions });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = await json(created);
    expect((await api("POST", `/surveys/${id}/publish`)).status).toBe(200);
    const db = testDb();
    const survey = (await db.select().from(surveys).where(eq(surveys.id, id)).get())!;
    const version = (await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, id)).get())!;
    const account = await makeAccount({ name: "A".repeat(200), ownerName: "O".repeat(200) });
    const contact = await makeContact(account.id, { name: "N".repeat(200), locale: "de" });
    const invitation = await makeInvitation(contact, { survey, version });
    const token = await signLink(env, { invitationId: invitation.id, purpose: "survey" });

    const page = await workerFetch(`/s/${token}`);
    expect(page.status).toBe(200);
    const getBytes = new TextEncoder().encode(await page.text()).length;
    const refused = await workerFetch(`/s/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([...[1, 2, 3, 4, 5].map((n): [string, string] => [`q:m${n}`, "nope"]), ["action", "submit"]]).toString(),
    });
    expect(refused.status).toBe(422);
    const postBytes = new TextEncoder().encode(await refused.text()).length;
    console.log(`worst-case survey page: GET ${getBytes} bytes, refused POST ${postBytes} bytes`);
    expect(getBytes).toBeLessThanOrEqual(20 * 1024);
    expect(postBytes).toBeLessThanOrEqual(20 * 1024);
  });
});
