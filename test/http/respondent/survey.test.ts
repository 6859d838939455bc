import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { Question, SurveyTexts } from "../../../src/db/schema";
import { signLink } from "../../../src/domain/links/tokens";
import { workerFetch } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey } from "../../support/fixtures";

const MOBILE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";

async function setup(options: { locale?: string; questions?: Question[]; texts?: Record<string, SurveyTexts>; defaultLocale?: string; invitation?: Parameters<typeof makeInvitation>[2] } = {}) {
  const account = await makeAccount({ name: "Acme GmbH", ownerName: "Olivia Owner", country: "DE", segment: "Enterprise", annualRevenue: 250_000 });
  const contact = await makeContact(account.id, { name: "Pat Person", locale: options.locale ?? "en", role: "decision_maker" });
  const survey = await makeSurvey({ questions: options.questions, texts: options.texts, defaultLocale: options.defaultLocale });
  const invitation = await makeInvitation(contact, survey, options.invitation);
  const token = await signLink(env, { invitationId: invitation.id, purpose: "survey" });
  return { account, contact, survey, invitation, token };
}

const get = (token: string, headers: Record<string, string> = {}) => workerFetch(`/s/${token}`, { headers });
function post(token: string, fields: [string, string][], headers: Record<string, string> = {}) {
  return workerFetch(`/s/${token}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
const roundTrips = (res: Response) => Number(res.headers.get("X-D1-Round-Trips"));
const responseOf = (invitationId: string) =>
  env.DB.prepare("SELECT * FROM responses WHERE invitation_id = ?").bind(invitationId).first<Record<string, unknown>>();
const answersOf = (invitationId: string) =>
  env.DB.prepare("SELECT a.* FROM answers a JOIN responses r ON r.id = a.response_id WHERE r.invitation_id = ? ORDER BY a.question_id")
    .bind(invitationId)
    .all<Record<string, unknown>>()
    .then((r) => r.results);
const invitationRow = (id: string) => env.DB.prepare("SELECT * FROM invitations WHERE id = ?").bind(id).first<Record<string, unknown>>();
const eventsOf = (id: string) =>
  env.DB.prepare("SELECT status FROM invitation_events WHERE invitation_id = ? ORDER BY id").bind(id).all<{ status: string }>().then((r) => r.results.map((e) => e.status));

function expectRespondentHeaders(res: Response) {
  expect(res.headers.get("content-type")).toContain("text/html");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
}

describe("GET /s/{token}", () => {
  it("greets the contact, names the owner, stays under 20 KB and 1 round trip, and records nothing (scanners prefetch links)", async () => {
    const { token, invitation } = await setup();
    const res = await get(token);
    expect(res.status).toBe(200);
    expectRespondentHeaders(res);
    const html = await res.text();
    expect(html).toContain("Hello Pat Person,");
    expect(html).toContain("Olivia Owner from Quorum would like to hear from you.");
    expect(html).toContain("Your answer goes straight to your account team");
    const bytes = new TextEncoder().encode(html).length;
    expect(bytes).toBeLessThanOrEqual(20 * 1024);
    expect(roundTrips(res)).toBe(1);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    const nonce = /style-src 'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).toContain(`<script nonce="${nonce}">`);
    console.log(`survey page (three questions): ${bytes} bytes`);

    expect(await invitationRow(invitation.id)).toMatchObject({ status: "sent", opened_at: null });
    expect(await eventsOf(invitation.id)).toEqual([]);
    expect(html).toContain('data-open=""');

    // The page's script reports the opening: 204, one round trip, once.
    const beacon = await post(token, [["action", "open"]], { "x-autosave": "1" });
    expect(beacon.status).toBe(204);
    expect(roundTrips(beacon)).toBe(1);
    await post(token, [["action", "open"]], { "x-autosave": "1" });
    expect(await invitationRow(invitation.id)).toMatchObject({ status: "opened", opened_at: expect.any(String) });
    expect(await eventsOf(invitation.id)).toEqual(["opened"]);
    expect(await (await get(token)).text()).not.toContain("data-open");
  });

  it("?score=N from the email preselects N on the first (NPS) question and shows the why-question, writing nothing until a POST", async () => {
    const { token, invitation } = await setup();
    const res = await get(`${token}?score=3`);
    expect(res.status).toBe(200);
    expect(roundTrips(res)).toBe(1);
    const html = await res.text();
    expect(html).toMatch(/id="i-nps-3" name="q:nps" value="3" checked=""/);
    expect(html).toMatch(/<div data-if="[^"]+"><div class="field" id="f-why">/); // 3 ≤ 6: the why-question is shown
    expect(html).toContain('data-pre=""');
    expect(html).toContain("Your choice from the email is selected below.");
    expect(await responseOf(invitation.id)).toBeNull();
    expect(await invitationRow(invitation.id)).toMatchObject({ status: "sent", opened_at: null });
    for (const ignored of ["11", "-1", "3.5", "x"]) {
      const other = await (await get(`${token}?score=${ignored}`)).text();
      expect(other).toContain('name="q:nps"'); // the survey, with nothing chosen
      expect(other).not.toContain('checked=""');
      expect(other).not.toContain("data-pre");
    }
    // Without JavaScript the contact presses the button: the POST records the answer and the opening.
    expect((await post(token, [["q:nps", "3"], ["action", "next"]])).status).toBe(303);
    expect(await answersOf(invitation.id)).toEqual([expect.objectContaining({ question_id: "nps", num_value: 3 })]);
    expect(await invitationRow(invitation.id)).toMatchObject({ status: "started", opened_at: expect.any(String) });
    expect(await eventsOf(invitation.id)).toEqual(["opened", "started"]);
  });

  it("?score=N does nothing on a survey that does not start with NPS", async () => {
    const { token } = await setup({ questions: [{ id: "osat", type: "osat", text: { en: "Overall?" }, required: true }] });
    const res = await get(`${token}?score=3`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="q:osat"');
    expect(html).not.toContain('checked=""');
    expect(html).not.toContain("data-pre");
  });

  it("stays under 20 KB with five long questions, error messages and a German greeting", async () => {
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `option_${i}`, label: { de: `Eine ziemlich ausführliche Antwortmöglichkeit Nummer ${i + 1}` } }));
    const long = (topic: string) => ({ de: `${topic}: ${"Bitte denken Sie an die letzten drei Monate der Zusammenarbeit. ".repeat(3)}` });
    const { token } = await setup({
      locale: "de",
      defaultLocale: "de",
      texts: { de: { title: "Ihre Meinung zählt", intro: "Wir fragen zweimal im Jahr. ".repeat(8) } },
      questions: [
        { id: "nps", type: "nps", text: long("Empfehlung"), required: true },
        { id: "ces", type: "ces", text: long("Aufwand") },
        { id: "area", type: "choice", text: long("Bereich"), options: options(10) },
        { id: "features", type: "multi", text: long("Funktionen"), options: options(10) },
        { id: "why", type: "text", text: long("Warum") },
      ],
    });
    const res = await post(token, [["q:nps", "12"], ["q:ces", "9"], ["q:area", "nope"], ["q:why", "x".repeat(2001)]]);
    expect(res.status).toBe(422);
    const bytes = new TextEncoder().encode(await res.text()).length;
    console.log(`survey page, five long questions with errors: ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(20 * 1024);
  });

  it("is accessible in structure: lang, radio groups in fieldsets with legends, a label for every input", async () => {
    const { token } = await setup({ questions: ALL_TYPES });
    const html = await (await get(token)).text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1"/);
    const inputs = [...html.matchAll(/<(input|textarea)\b([^>]*)>/g)].map((m) => m[2]!).filter((attrs) => !/type="hidden"/.test(attrs));
    expect(inputs.length).toBe(11 + 1 + 5 + 7 + 3 + 2 + 2); // the conditional 'why?' waits, hidden, for the NPS answer
    expect(html).toMatch(/<div data-if="\{&quot;questionId&quot;:&quot;nps&quot;,&quot;max&quot;:6\}" hidden=""><div class="field" id="f-why">/);
    for (const attrs of inputs) {
      const id = /id="([^"]+)"/.exec(attrs)?.[1];
      expect(id, attrs).toBeTruthy();
      expect(html).toContain(`<label for="${id}">`);
    }
    const fieldsets = [...html.matchAll(/<fieldset\b[^>]*>([\s\S]*?)<\/fieldset>/g)].map((m) => m[1]!);
    expect(fieldsets).toHaveLength(6); // nps, osat, ces, choice, multi, vendor_rank
    for (const body of fieldsets) expect(body).toMatch(/^<legend>[^<]+/);
    const npsRadios = [...html.matchAll(/name="q:nps" value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(npsRadios).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(html).toContain(":focus-visible{outline:3px solid");
  });

  it.each([
    ["de", "Hallo Pat Person,", "Olivia Owner von Quorum", "Wie wahrscheinlich"],
    ["fr", "Bonjour Pat Person,", "Olivia Owner, de Quorum", "Quelle est la probabilité"],
    ["es", "Hola, Pat Person:", "Olivia Owner, de Quorum", "¿Qué probabilidad"],
  ])("speaks %s to a contact with that locale when the survey has it", async (locale, hello, asked, question) => {
    const { token } = await setup({ locale: `${locale}-XX`.slice(0, locale.length + 3), questions: [MULTILINGUAL_NPS], texts: MULTILINGUAL_TEXTS });
    const html = await (await get(token)).text();
    expect(html).toContain(`<html lang="${locale}">`);
    expect(html).toContain(hello);
    expect(html).toContain(asked);
    expect(html).toContain(question);
    expect(html).toContain(MULTILINGUAL_TEXTS[locale]!.title);
  });

  it("falls back to the survey's default locale when the survey is not written in the contact's language", async () => {
    const { token } = await setup({ locale: "fr", questions: [{ ...MULTILINGUAL_NPS, text: { de: "Wie wahrscheinlich ist es?" } }], texts: { de: MULTILINGUAL_TEXTS.de! }, defaultLocale: "de" });
    const html = await (await get(token)).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("Hallo Pat Person,");
  });
});

describe("bad links get a friendly page with a 4xx and reveal nothing", () => {
  const keys = JSON.parse(env.LINK_KEYS) as Record<string, string>;
  const sign = (claims: Record<string, unknown>, secret: string, kid = "k2") =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid }).sign(new TextEncoder().encode(secret));
  const b64 = (v: object) => btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it.each<[string, () => Promise<string>, number]>([
    ["malformed", async () => "this-is-not-a-token", 404],
    ["truncated", async () => (await setup({ locale: "de" })).token.slice(0, -5), 404],
    ["wrong signature", async () => sign({ sub: (await setup({ locale: "de" })).invitation.id, purpose: "survey", exp: inAnHour() }, "a-completely-different-secret-123456"), 404],
    ["removed key", async () => sign({ sub: (await setup({ locale: "de" })).invitation.id, purpose: "survey", exp: inAnHour() }, "old-key-no-longer-listed-0123456789", "k0"), 404],
    ["alg none", async () => `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: (await setup({ locale: "de" })).invitation.id, purpose: "survey", exp: inAnHour() })}.`, 404],
    ["wrong purpose", async () => signLink(env, { invitationId: (await setup({ locale: "de" })).invitation.id, purpose: "unsubscribe" }), 404],
    ["unknown invitation", async () => signLink(env, { invitationId: "inv_does_not_exist", purpose: "survey" }), 404],
    ["expired token", async () => sign({ sub: (await setup({ locale: "de" })).invitation.id, purpose: "survey", exp: Math.floor(Date.now() / 1000) - 60 }, keys.k2!), 410],
    ["revoked invitation", async () => (await setup({ locale: "de", invitation: { revokedAt: new Date().toISOString() } })).token, 410],
    ["expired invitation", async () => (await setup({ locale: "de", invitation: { expiresAt: new Date(Date.now() - 1000).toISOString() } })).token, 410],
    ["expired status", async () => (await setup({ locale: "de", invitation: { status: "expired" } })).token, 410],
  ])("%s", async (_name, makeToken, status) => {
    // Known invitations answer in the contact's language (German here), unknown ones in the browser's (also German).
    const token = await makeToken();
    for (const res of [await get(token, { "accept-language": "de-DE,de;q=0.9" }), await post(token, [["q:nps", "9"], ["action", "submit"]], { "accept-language": "de-DE" })]) {
      expect(res.status).toBe(status);
      expectRespondentHeaders(res);
      const html = await res.text();
      expect(html).toContain('<html lang="de">');
      expect(html).toMatch(status === 404 ? /Dieser Link funktioniert nicht/ : /Diese Umfrage ist beendet/);
      expect(html).toMatch(/antworten Sie/);
      expect(html).not.toMatch(/inv_|Error|stack|problem\+json/);
    }
  });

  it.each([["GET", "/s/"], ["GET", "/s/a/b"], ["PUT", "/s/abc.def.ghi"], ["DELETE", "/u/abc.def.ghi"]])("%s %s gets the friendly page too", async (method, path) => {
    const res = await workerFetch(path, { method });
    expect(res.status).toBe(404);
    expectRespondentHeaders(res);
    expect(await res.text()).toContain("This link does not work");
  });

  it("writes nothing for a refused link", async () => {
    const { invitation } = await setup({ invitation: { revokedAt: new Date().toISOString() } });
    const token = await signLink(env, { invitationId: invitation.id, purpose: "survey" });
    await post(token, [["q:nps", "9"]]);
    expect(await responseOf(invitation.id)).toBeNull();
  });
});

describe("POST /s/{token}", () => {
  it("saves a partial answer in one round trip with the snapshot and paradata, then shows the conditional 'why?'", async () => {
    const { token, invitation, account } = await setup();
    expect((await get(token)).status).toBe(200);
    const before = await get(token);
    expect(await before.text()).toMatch(/<div data-if="[^"]+" hidden=""><div class="field" id="f-why">/);

    const res = await post(token, [["q:nps", "3"], ["action", "next"]], { "user-agent": MOBILE_UA });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/s/${token}?m=saved`);
    expect(roundTrips(res)).toBe(1);

    expect(await responseOf(invitation.id)).toMatchObject({
      status: "partial",
      account_id: account.id,
      role: "decision_maker",
      journey_stage: "relationship",
      country: "DE",
      segment: "Enterprise",
      revenue: 250_000,
      device_class: "mobile",
      first_opened_at: expect.any(String),
      first_answer_at: expect.any(String),
      submitted_at: null,
      prior_unanswered_invitations: 0,
      prior_reminders: 0,
    });
    expect(await answersOf(invitation.id)).toEqual([expect.objectContaining({ question_id: "nps", type: "nps", num_value: 3 })]);
    expect(await invitationRow(invitation.id)).toMatchObject({ status: "started", started_at: expect.any(String) });

    const resumed = await (await get(`${token}?m=saved`)).text();
    expect(resumed).toContain("Your answers are saved.");
    expect(resumed).toMatch(/<div data-if="[^"]+"><div class="field" id="f-why">/);
    expect(resumed).toMatch(/value="3" checked=""/);
    expect(resumed).toContain('value="submit"');
  });

  it("submits, then lets the contact change answers: one row, updatedAt moves, first submit and revisions kept", async () => {
    const { token, invitation } = await setup();
    await get(token);
    expect((await post(token, [["q:nps", "3"], ["action", "next"]])).status).toBe(303);
    const submit = await post(token, [["q:nps", "3"], ["q:why", "Onboarding was slow"], ["q:osat", "4"], ["action", "submit"]]);
    expect(submit.status).toBe(303);
    expect(roundTrips(submit)).toBe(1);
    const first = (await responseOf(invitation.id))!;
    expect(first).toMatchObject({ status: "complete", submitted_at: expect.any(String), seconds_to_complete: expect.any(Number) });
    expect(await invitationRow(invitation.id)).toMatchObject({ status: "completed", completed_at: first.submitted_at });
    expect(await eventsOf(invitation.id)).toEqual(["opened", "started", "completed"]);

    const thanks = await (await get(token)).text();
    expect(thanks).toContain("Thank you! Your answers went to Olivia Owner.");
    expect(thanks).toContain("You can change your answers until");

    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await post(token, [["q:nps", "9"], ["q:why", "Onboarding was slow"], ["q:osat", "4"], ["action", "submit"]])).status).toBe(303);
    const changed = (await responseOf(invitation.id))!;
    expect(changed.id).toBe(first.id);
    expect(changed.submitted_at).toBe(first.submitted_at);
    expect(changed.seconds_to_complete).toBe(first.seconds_to_complete);
    expect(String(changed.updated_at) > String(first.updated_at)).toBe(true);
    expect((await answersOf(invitation.id)).find((a) => a.question_id === "nps")).toMatchObject({ num_value: 9 });
    const revisions = await env.DB.prepare("SELECT question_id, old_value FROM answer_revisions WHERE response_id = ?").bind(first.id).all();
    expect(revisions.results.map((r) => ({ ...r, old_value: JSON.parse(String(r.old_value)) }))).toEqual([
      { question_id: "nps", old_value: { num: 3, text: null, choices: null, vendorCount: null, vendorRank: null } },
    ]);
    expect(await eventsOf(invitation.id)).toEqual(["opened", "started", "completed"]);
  });

  it("autosaves (the page's script posts with X-Autosave): 204, one round trip, answer stored", async () => {
    const { token, invitation } = await setup();
    const res = await post(token, [["q:nps", "6"], ["action", "next"]], { "x-autosave": "1" });
    expect(res.status).toBe(204);
    expect(roundTrips(res)).toBe(1);
    expect(await answersOf(invitation.id)).toEqual([expect.objectContaining({ question_id: "nps", num_value: 6 })]);
  });

  it("answers a malformed form body (multipart without or with a broken boundary) with the page again, never a 5xx, writing nothing", async () => {
    const { token, invitation } = await setup();
    for (const [type, body] of [["multipart/form-data", "q:nps=9"], ["multipart/form-data; boundary=xx", "--xx\r\ngarbage"]]) {
      const res = await workerFetch(`/s/${token}`, { method: "POST", redirect: "manual", headers: { "content-type": type! }, body });
      expect(res.status, type).toBeLessThan(500);
      expect(res.status, type).toBe(303);
    }
    expect(await responseOf(invitation.id)).toBeNull();
  });

  it("stores no IP address anywhere (paradata keeps the device class only)", async () => {
    const { token, invitation } = await setup();
    const ip = { "cf-connecting-ip": "203.0.113.77", "x-forwarded-for": "203.0.113.77", "x-real-ip": "203.0.113.77", "user-agent": MOBILE_UA };
    await get(token, ip);
    expect((await post(token, [["q:nps", "9"], ["q:osat", "5"], ["action", "submit"]], ip)).status).toBe(303);
    const response = await responseOf(invitation.id);
    expect(response).toMatchObject({ status: "complete", device_class: "mobile" });
    const held = await Promise.all(
      ["responses", "answers", "invitations", "invitation_events", "audit_log"].map((table) =>
        env.DB.prepare(`SELECT * FROM ${table}`).all().then((r) => JSON.stringify(r.results)),
      ),
    );
    for (const text of held) expect(text).not.toContain("203.0.113.77");
  });

  it("keeps one response under two concurrent posts", async () => {
    const { token, invitation } = await setup();
    const results = await Promise.all([post(token, [["q:nps", "7"], ["action", "submit"]]), post(token, [["q:nps", "7"], ["action", "submit"]])]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE invitation_id = ?").bind(invitation.id).first<{ n: number }>();
    expect(count?.n).toBe(1);
    expect(await answersOf(invitation.id)).toHaveLength(1);
    expect(await eventsOf(invitation.id)).toEqual(["opened", "started", "completed"]); // the first POST opens
  });

  it.each<[string, [string, string][], string | null]>([
    ["an NPS out of range", [["q:nps", "11"]], "Choose a value from 0 to 10."],
    ["a negative scale value", [["q:osat", "0"]], "Choose a value from 1 to 5."],
    ["an unknown option", [["q:plan", "platinum"]], "Choose one of the options shown."],
    ["an unknown multi option", [["q:features", "api"], ["q:features", "teleport"]], "Choose one of the options shown."],
    ["a text over 2,000 characters", [["q:why", "x".repeat(2001)]], "Please keep your answer under 2,000 characters."],
    ["a rank beyond the number of vendors", [["vc:vendors", "2"], ["vr:vendors", "3"]], "Enter how many providers you use (1–50)"],
    ["a question the survey does not have", [["q:other", "1"]], null],
  ])("refuses %s with the page re-rendered (422) and writes nothing", async (_name, fields, message) => {
    const { token, invitation } = await setup({ questions: ALL_TYPES.map((q) => (q.id === "why" ? { ...q, showIf: undefined } : q)) });
    const res = await post(token, [["q:ces", "6"], ...fields, ["action", "submit"]]);
    expect(res.status).toBe(422);
    expectRespondentHeaders(res);
    expect(roundTrips(res)).toBe(1);
    const html = await res.text();
    expect(html).toContain("Please check the answers marked below.");
    if (message) expect(html).toContain(message);
    expect(html).toMatch(/name="q:ces" value="6" checked=""/);
    expect(await responseOf(invitation.id)).toBeNull();
  });

  it("asks for a required answer before completing", async () => {
    const { token, invitation } = await setup();
    const res = await post(token, [["q:osat", "4"], ["action", "submit"]]);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Please answer this question.");
    expect(await responseOf(invitation.id)).toMatchObject({ status: "partial", submitted_at: null });
  });

  it("stores every question type in its column", async () => {
    const { token, invitation } = await setup({ questions: ALL_TYPES });
    const res = await post(token, [
      ["q:nps", "10"],
      ["q:osat", "5"],
      ["q:ces", "6"],
      ["q:plan", "pro"],
      ["q:features", "api"],
      ["q:features", "sso"],
      ["vc:vendors", "3"],
      ["vr:vendors", "1"],
      ["action", "submit"],
    ]);
    expect(res.status).toBe(303);
    const stored = Object.fromEntries((await answersOf(invitation.id)).map((a) => [a.question_id, a]));
    expect(stored.nps).toMatchObject({ num_value: 10, text_value: null });
    expect(stored.ces).toMatchObject({ num_value: 6 });
    expect(stored.plan).toMatchObject({ type: "choice", text_value: "pro", num_value: null });
    expect(JSON.parse(String(stored.features!.choice_values))).toEqual(["api", "sso"]);
    expect(stored.vendors).toMatchObject({ vendor_count: 3, vendor_rank: 1 });
    expect(await responseOf(invitation.id)).toMatchObject({ status: "complete", device_class: "desktop" });
  });

  it("counts the contact's earlier unanswered invitations and reminders in the paradata", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const survey = await makeSurvey();
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString();
    await makeInvitation(contact, survey, { sentAt: at(200), status: "completed", completedAt: at(199) });
    await makeInvitation(contact, survey, { sentAt: at(100), status: "expired", reminderSentAt: at(96) });
    await makeInvitation(contact, survey, { sentAt: at(50), status: "expired" });
    const current = await makeInvitation(contact, survey, { sentAt: at(1), reminderSentAt: at(0.5) });
    const token = await signLink(env, { invitationId: current.id, purpose: "survey" });
    expect((await post(token, [["q:nps", "9"]])).status).toBe(303);
    expect(await responseOf(current.id)).toMatchObject({ prior_unanswered_invitations: 2, prior_reminders: 2 });
  });
});

const MULTILINGUAL_NPS: Question = {
  id: "nps",
  type: "nps",
  required: true,
  text: {
    en: "How likely are you to recommend us?",
    de: "Wie wahrscheinlich ist es, dass Sie uns empfehlen?",
    fr: "Quelle est la probabilité que vous nous recommandiez ?",
    es: "¿Qué probabilidad hay de que nos recomiende?",
  },
};
const MULTILINGUAL_TEXTS: Record<string, { title: string; intro: string }> = {
  en: { title: "Quick feedback", intro: "Your account team reads every answer." },
  de: { title: "Kurzes Feedback", intro: "Ihr Kundenteam liest jede Antwort." },
  fr: { title: "Votre avis en bref", intro: "Votre équipe lit chaque réponse." },
  es: { title: "Opinión rápida", intro: "Su equipo lee cada respuesta." },
};

const ALL_TYPES: Question[] = [
  { id: "nps", type: "nps", text: { en: "How likely are you to recommend us?" }, required: true },
  { id: "why", type: "text", text: { en: "Why?" }, showIf: { questionId: "nps", max: 6 } },
  { id: "osat", type: "osat", text: { en: "How satisfied are you?" } },
  { id: "ces", type: "ces", text: { en: "We made it easy to get help." } },
  { id: "plan", type: "choice", text: { en: "Which plan?" }, options: [{ value: "basic", label: { en: "Basic" } }, { value: "pro", label: { en: "Pro" } }, { value: "ent", label: { en: "Enterprise" } }] },
  { id: "features", type: "multi", text: { en: "Which features?" }, options: [{ value: "api", label: { en: "API" } }, { value: "sso", label: { en: "SSO" } }] },
  { id: "vendors", type: "vendor_rank", text: { en: "Your providers" } },
];
