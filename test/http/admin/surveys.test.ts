import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { adminSession, fieldError, getPage, inputValue, postForm, type AdminSession } from "../../support/admin";
import { inviteUser, signInAs } from "../../support/people";

let session: AdminSession;
beforeAll(async () => {
  session = await adminSession();
});

let counter = 0;
const uniqueName = (label: string) => `${label} ${Date.now().toString(36)}-${++counter}`;

/** A valid editor form: a two-question transactional onboarding survey in English and German. */
function editorForm(name: string, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    action: "save",
    name,
    kind: "transactional",
    journeyStage: "onboarding",
    targetRoles: ["champion", "decision_maker"],
    delayDays: "2",
    wavesPerYear: "4",
    fractionPerWave: "0.5",
    defaultLocale: "en",
    locales: ["en", "de"],
    "texts.en.title": "How was onboarding?",
    "texts.en.intro": "Your answer goes to your onboarding team.",
    "texts.de.title": "Wie war das Onboarding?",
    "texts.de.intro": "Ihre Antwort geht an Ihr Onboarding-Team.",
    "questions.0.id": "ces",
    "questions.0.type": "ces",
    "questions.0.text.en": "Getting started with us was easy.",
    "questions.0.text.de": "Der Einstieg bei uns war einfach.",
    "questions.0.required": "on",
    "questions.1.id": "why",
    "questions.1.type": "text",
    "questions.1.text.en": "What made it hard?",
    "questions.1.text.de": "Was war schwierig?",
    "questions.1.showIf.questionId": "ces",
    "questions.1.showIf.max": "4",
    ...overrides,
  };
}

const surveysNamed = async (name: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM surveys WHERE name = ?").bind(name).first<{ n: number }>())!.n;
const auditRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE entity_type = 'survey'").first<{ n: number }>())!.n;

/** Posts a refused form and checks that nothing was written. */
async function refused(path: string, fields: Record<string, string | string[]>, options: { existing?: boolean } = {}) {
  const before = await auditRows();
  const res = await postForm(session, path, fields);
  expect(res.status).toBe(400);
  expect(await auditRows()).toBe(before);
  if (!options.existing && typeof fields.name === "string") expect(await surveysNamed(fields.name)).toBe(0);
  return res;
}

const srcdocOf = (html: string) => /<iframe sandbox="" srcdoc="([^"]*)"/.exec(html)?.[1] ?? "";

describe("/admin/surveys", () => {
  it("lists surveys by journey stage and opens a new-survey editor with a preview, in ≤ 3 D1 round trips", async () => {
    const name = uniqueName("Listed");
    const created = await postForm(session, "/admin/surveys/new", editorForm(name));
    expect(created.status).toBe(303);

    const list = await getPage(session, "/admin/surveys");
    expect(list.status).toBe(200);
    expect(list.trips).toBeLessThanOrEqual(3);
    expect(list.html).toContain('href="/admin/surveys/new"');
    const onboarding = list.html.indexOf('id="stage-onboarding"');
    expect(onboarding).toBeGreaterThan(0);
    expect(list.html.indexOf(name)).toBeGreaterThan(onboarding);
    // Listed inside the onboarding section, not merely somewhere after its heading (a later stage's section).
    expect(list.html.slice(onboarding, list.html.indexOf("</section>", onboarding))).toContain(name);
    expect(list.html).toContain("Not published");

    const editor = await getPage(session, "/admin/surveys/new");
    expect(editor.status).toBe(200);
    expect(editor.trips).toBeLessThanOrEqual(3);
    expect(editor.html).toContain(`name="csrf" value="${session.csrf}"`);
    expect(editor.html).toContain('name="questions.0.type"');
    expect(editor.html).toContain('hx-post="/admin/surveys/preview"');
    expect(srcdocOf(editor.html)).toContain("Alex Example");
    expect(srcdocOf(editor.html)).not.toContain("&lt;script"); // the sandbox would only block it, with a console error
  });

  it("says so when Publish is pressed on a draft that equals the published version, instead of announcing a new one", async () => {
    const name = uniqueName("Unchanged publish");
    const created = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "publish" }));
    expect(created.status).toBe(303);
    expect(created.location).toMatch(/\?done=published$/);
    const id = /\/admin\/surveys\/([^/?]+)/.exec(created.location!)![1]!;
    const again = await postForm(session, `/admin/surveys/${id}`, editorForm(name, { action: "publish" }));
    expect(again.location).toBe(`/admin/surveys/${id}?done=unchanged`);
    const page = await getPage(session, again.location!);
    expect(page.html).toContain("Nothing to publish: the draft is the same as the version respondents get");
    expect(page.html).not.toContain("respondents get the new version");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM survey_versions WHERE survey_id = ?").bind(id).first("n")).toBe(1);
  });

  it("creates, previews in each locale, publishes and archives through the forms", async () => {
    const name = uniqueName("Onboarding check");
    const created = await postForm(session, "/admin/surveys/new", editorForm(name));
    expect(created.status).toBe(303);
    const id = /^\/admin\/surveys\/(sur_[\w-]+)\?done=saved$/.exec(created.location ?? "")?.[1];
    expect(id).toBeTruthy();
    const row = await env.DB.prepare("SELECT kind, journey_stage, target_roles, delay_days, default_locale, texts, questions, status FROM surveys WHERE id = ?").bind(id).first<Record<string, string | number>>();
    expect(row).toMatchObject({ kind: "transactional", journey_stage: "onboarding", delay_days: 2, default_locale: "en", status: "draft" });
    expect(JSON.parse(String(row!.target_roles))).toEqual(["champion", "decision_maker"]);
    expect(JSON.parse(String(row!.texts)).de.title).toBe("Wie war das Onboarding?");
    expect(JSON.parse(String(row!.questions))).toEqual([
      { id: "ces", type: "ces", text: { en: "Getting started with us was easy.", de: "Der Einstieg bei uns war einfach." }, required: true },
      { id: "why", type: "text", text: { en: "What made it hard?", de: "Was war schwierig?" }, showIf: { questionId: "ces", max: 4 } },
    ]);

    const page = await getPage(session, `/admin/surveys/${id}?done=saved`);
    expect(page.status).toBe(200);
    expect(page.trips).toBeLessThanOrEqual(3);
    expect(page.html).toContain("Draft saved.");
    expect(inputValue(page.html, "texts.de.title")).toBe("Wie war das Onboarding?");
    expect(srcdocOf(page.html)).toContain("How was onboarding?");
    const german = await getPage(session, `/admin/surveys/${id}?locale=de`);
    expect(german.trips).toBeLessThanOrEqual(3);
    expect(srcdocOf(german.html)).toContain("Wie war das Onboarding?");
    expect(srcdocOf(german.html)).toContain("Der Einstieg bei uns war einfach.");
    expect(srcdocOf(german.html)).toContain('lang=&quot;de&quot;');

    const published = await postForm(session, `/admin/surveys/${id}`, editorForm(name, { action: "publish" }));
    expect(published.status).toBe(303);
    expect(published.location).toBe(`/admin/surveys/${id}?done=published`);
    const version = await env.DB.prepare("SELECT version, questions FROM survey_versions WHERE survey_id = ?").bind(id).first<{ version: number; questions: string }>();
    expect(version?.version).toBe(1);
    expect(JSON.parse(version!.questions)).toHaveLength(2);
    const after = await getPage(session, `/admin/surveys/${id}`);
    expect(after.html).toContain("Respondents get version 1.");
    expect(after.html).toContain(`href="/admin/surveys/${id}/versions/1"`);

    expect(after.html).not.toContain("Draft has unpublished changes");

    // A saved edit waits in the draft; a second publish makes version 2; version 1 stays as it was, read-only.
    const edit = { "questions.1.text.en": "What should we do better?" };
    expect((await postForm(session, `/admin/surveys/${id}`, editorForm(name, edit))).status).toBe(303);
    const drafted = await getPage(session, `/admin/surveys/${id}`);
    expect(drafted.html).toContain("Respondents get version 1.");
    expect(drafted.html).toContain("Draft has unpublished changes");
    expect(drafted.trips).toBeLessThanOrEqual(3);
    expect((await postForm(session, `/admin/surveys/${id}`, editorForm(name, { ...edit, action: "publish" }))).status).toBe(303);
    expect((await getPage(session, `/admin/surveys/${id}`)).html).not.toContain("Draft has unpublished changes");
    const v1 = await getPage(session, `/admin/surveys/${id}/versions/1`);
    expect(v1.status).toBe(200);
    expect(v1.trips).toBeLessThanOrEqual(3);
    expect(v1.html).toContain("What made it hard?");
    expect(v1.html).not.toContain("What should we do better?");
    expect(v1.html).not.toContain('name="questions.0.type"');
    const v2de = await getPage(session, `/admin/surveys/${id}/versions/2?locale=de`);
    expect(srcdocOf(v2de.html)).toContain("Wie war das Onboarding?");
    expect((await getPage(session, `/admin/surveys/${id}/versions/9`)).status).toBe(404);

    const archived = await postForm(session, `/admin/surveys/${id}/archive`, {});
    expect(archived.status).toBe(303);
    expect(archived.location).toBe(`/admin/surveys/${id}?done=archived`);
    const status = await env.DB.prepare("SELECT status FROM surveys WHERE id = ?").bind(id).first<{ status: string }>();
    expect(status?.status).toBe("archived");
    const archivedPage = await getPage(session, `/admin/surveys/${id}?done=archived`);
    expect(archivedPage.html).toContain("Archived: no new invitations will be sent.");
    expect(archivedPage.html).not.toContain('value="publish"');

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(id).all();
    expect(audit.results.map((r) => r.action)).toEqual(["survey.create", "survey.update", "survey.publish", "survey.update", "survey.update", "survey.publish", "survey.archive"]);
  });

  it("refuses a sixth question beside the questions, keeping what was typed", async () => {
    const six: Record<string, string> = {};
    for (let i = 2; i < 6; i++) Object.assign(six, { [`questions.${i}.id`]: `extra${i}`, [`questions.${i}.type`]: "rating", [`questions.${i}.text.en`]: `Extra question ${i}` });
    const name = uniqueName("Six");
    const res = await refused("/admin/surveys/new", editorForm(name, six));
    expect(fieldError(res.html, "questions")).toContain("at most 5 questions");
    expect(inputValue(res.html, "questions.5.text.en")).toBe("Extra question 5");
    expect(inputValue(res.html, "name")).toBe(name);
    expect(res.html).toContain('href="#f-questions"');

    // "Add question" on a full survey says the same and adds nothing.
    const five: Record<string, string> = {};
    for (let i = 2; i < 5; i++) Object.assign(five, { [`questions.${i}.id`]: `extra${i}`, [`questions.${i}.type`]: "rating", [`questions.${i}.text.en`]: `Extra question ${i}` });
    const add = await refused("/admin/surveys/new", editorForm(uniqueName("Five"), { ...five, action: "add-question", newQuestionType: "nps" }));
    expect(fieldError(add.html, "questions")).toContain("at most 5 questions");
    expect(add.html).toContain('name="questions.4.type"');
    expect(add.html).not.toContain('name="questions.5.type"');
  });

  it("gives a newly added choice question two option rows, since it needs two (it had one, and the refusal asked for two)", async () => {
    const added = await postForm(session, "/admin/surveys/new", editorForm(uniqueName("Choice rows"), { action: "add-question", newQuestionType: "choice" }));
    expect(added.status).toBe(200);
    expect(added.html).toContain('name="questions.2.options.0.value"');
    expect(added.html).toContain('name="questions.2.options.1.value"');
    expect(added.html).toContain("for another row, press Update preview or Save draft");
  });

  it("keeps a refused language tag in 'Add a language' so it can be corrected, not typed again", async () => {
    const refusedTag = await postForm(session, "/admin/surveys/new", editorForm(uniqueName("Locale kept"), { action: "add-locale", newLocale: "xx-" }));
    expect(refusedTag.status).toBe(400);
    expect(fieldError(refusedTag.html, "newLocale")).toContain("xx-");
    expect(inputValue(refusedTag.html, "newLocale")).toBe("xx-");
    const added = await postForm(session, "/admin/surveys/new", editorForm(uniqueName("Locale added"), { action: "add-locale", newLocale: "fr" }));
    expect(added.status).toBe(200);
    expect(inputValue(added.html, "newLocale")).toBe("");
  });

  it("names the question in the error summary, since every question's fields share their labels ('Key')", async () => {
    const res = await refused("/admin/surveys/new", editorForm(uniqueName("Which question"), { "questions.1.id": "Bad Key" }));
    expect(res.html).toMatch(/<a href="#f-questions-1-id">Question 2 · Key: /);
    // A question without text in any language: its default-language box is simply empty.
    const untitled = await refused("/admin/surveys/new", editorForm(uniqueName("No text"), { "questions.1.text.en": "", "questions.1.text.de": "" }));
    expect(fieldError(untitled.html, "questions.1.text.en")).toBe("fill this in");
    expect(untitled.html).not.toContain("at least one locale");
  });

  it("says beside a condition that the question it followed was removed, instead of dropping it silently", async () => {
    const removed = await postForm(session, "/admin/surveys/new", editorForm(uniqueName("Removed target"), { action: "remove-question-0" }));
    expect(removed.status).toBe(200);
    // The "why" question (now question 1) followed the removed "ces": its condition select can no longer show it.
    expect(fieldError(removed.html, "questions.0.showIf")).toBe("it followed question ces, which is no longer in this survey; unless you choose another, this question will always show");
    const untouched = await postForm(session, "/admin/surveys/new", editorForm(uniqueName("Kept target"), { action: "preview" }));
    expect(fieldError(untouched.html, "questions.1.showIf")).toBeNull();
  });

  it("refuses an option list of one beside the options", async () => {
    const name = uniqueName("One option");
    const res = await refused(
      "/admin/surveys/new",
      editorForm(name, { "questions.1.type": "choice", "questions.1.showIf.questionId": "", "questions.1.showIf.max": "", "questions.1.options.0.value": "docs", "questions.1.options.0.label.en": "The documentation" }),
    );
    expect(fieldError(res.html, "questions.1.options")).toContain("at least 2 options");
    expect(inputValue(res.html, "questions.1.options.0.value")).toBe("docs");
    expect(inputValue(res.html, "questions.1.options.0.label.en")).toBe("The documentation");
  });

  it("refuses a condition on a later question beside the condition", async () => {
    const res = await refused("/admin/surveys/new", editorForm(uniqueName("Later"), { "questions.0.showIf.questionId": "why", "questions.0.showIf.min": "1" }));
    expect(fieldError(res.html, "questions.0.showIf.questionId")).toContain("must name an earlier question");
    expect(res.html).toMatch(/<option value="why" selected="">Question 2 \(why\)<\/option>/);
  });

  it("refuses an unknown locale when adding it and as the default, keeping the typed texts", async () => {
    const add = await refused("/admin/surveys/new", editorForm(uniqueName("Locale"), { action: "add-locale", newLocale: "klingon!" }));
    expect(fieldError(add.html, "newLocale")).toContain("not a BCP 47 language tag");
    expect(inputValue(add.html, "texts.de.title")).toBe("Wie war das Onboarding?");
    expect(add.html).not.toContain('name="texts.klingon!.title"');

    const saved = await refused("/admin/surveys/new", editorForm(uniqueName("Default"), { defaultLocale: "english", locales: ["english", "en", "de"] }));
    expect(fieldError(saved.html, "defaultLocale")).toContain("not a BCP 47 language tag");
  });

  it("takes a new-survey form sent twice (Back, then Save again) for what it is: 409 beside the name, one survey", async () => {
    const name = uniqueName("Twice");
    const form = editorForm(name, { action: "publish" });
    expect((await postForm(session, "/admin/surveys/new", form)).status).toBe(303);
    const again = await postForm(session, "/admin/surveys/new", form);
    expect(again.status).toBe(409);
    expect(fieldError(again.html, "name")).toContain("sent twice");
    expect(inputValue(again.html, "name")).toBe(name); // what was typed stays
    expect((await env.DB.prepare("SELECT count(*) AS n FROM surveys WHERE name = ?").bind(name).first<{ n: number }>())!.n).toBe(1);
  });

  it("refuses bad input to a saved survey too, and leaves it as it was", async () => {
    const name = uniqueName("Stable");
    const created = await postForm(session, "/admin/surveys/new", editorForm(name));
    const id = /sur_[\w-]+/.exec(created.location ?? "")![0];
    const before = await env.DB.prepare("SELECT questions, updated_at FROM surveys WHERE id = ?").bind(id).first();
    const res = await refused(`/admin/surveys/${id}`, editorForm(name, { "questions.0.showIf.questionId": "why", "questions.0.showIf.min": "1", fractionPerWave: "0", journeyStage: "" }), { existing: true });
    expect(fieldError(res.html, "fractionPerWave")).toContain("must be more than 0");
    expect(fieldError(res.html, "journeyStage")).toBeTruthy();
    expect(await env.DB.prepare("SELECT questions, updated_at FROM surveys WHERE id = ?").bind(id).first()).toEqual(before);

    // The stage exists only in the database: the domain's check, placed beside the field the same way.
    const stage = await refused(`/admin/surveys/${id}`, editorForm(name, { journeyStage: "nirvana" }), { existing: true });
    expect(fieldError(stage.html, "journeyStage")).toContain("unknown journey stage");
    expect(await env.DB.prepare("SELECT questions, updated_at FROM surveys WHERE id = ?").bind(id).first()).toEqual(before);
  });

  it("adds and removes questions and locales without JavaScript, keeping everything typed and writing nothing", async () => {
    const before = await auditRows();
    const name = uniqueName("Buttons");
    const added = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "add-question", newQuestionType: "choice" }));
    expect(added.status).toBe(200);
    expect(added.html).toContain("Not saved yet");
    expect(added.html).toMatch(/name="questions\.2\.type"[^>]*>[\s\S]*?<option value="choice" selected="">/);
    expect(inputValue(added.html, "questions.2.id")).toBe("q3");
    expect(inputValue(added.html, "questions.1.text.de")).toBe("Was war schwierig?");

    const removed = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "remove-question-0", "questions.1.showIf.questionId": "" }));
    expect(removed.status).toBe(200);
    expect(removed.html).not.toContain("Getting started with us was easy.");
    expect(inputValue(removed.html, "questions.0.text.en")).toBe("What made it hard?");

    const moved = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "move-question-up-1" }));
    expect(moved.status).toBe(200);
    expect(inputValue(moved.html, "questions.0.id")).toBe("why");
    expect(inputValue(moved.html, "questions.1.text.en")).toBe("Getting started with us was easy.");
    // Now the condition points at a later question: saving says so beside it.
    expect(moved.html).toMatch(/name="questions\.0\.showIf\.questionId"[^>]*>[\s\S]*?<option value="ces" selected="">/);

    const french = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "add-locale", newLocale: "FR" }));
    expect(french.status).toBe(200);
    expect(french.html).toContain('name="texts.fr.title"');
    expect(french.html).toContain('name="questions.0.text.fr"');
    expect(french.html).toContain('<input type="hidden" name="locales" value="fr"/>');

    const withoutGerman = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "remove-locale-de" }));
    expect(withoutGerman.html).not.toContain('name="texts.de.title"');
    expect(inputValue(withoutGerman.html, "texts.en.title")).toBe("How was onboarding?");

    const preview = await postForm(session, "/admin/surveys/new", editorForm(name, { action: "preview", previewLocale: "de", "texts.de.title": "Wie lief der Start?" }));
    expect(preview.status).toBe(200);
    expect(srcdocOf(preview.html)).toContain("Wie lief der Start?");

    expect(await surveysNamed(name)).toBe(0);
    expect(await auditRows()).toBe(before);
  });

  it("renders the live preview fragment from the form as typed, with the page's nonce, storing nothing", async () => {
    const nonce = "abcdefghijklmnopqrstuv";
    const res = await postForm(session, "/admin/surveys/preview", editorForm(uniqueName("Live"), { previewNonce: nonce, previewLocale: "de", "texts.de.title": "Tippen & sehen" }));
    expect(res.status).toBe(200);
    expect(res.trips).toBeLessThanOrEqual(3);
    expect(res.html.startsWith("<div")).toBe(true);
    const doc = srcdocOf(res.html);
    expect(doc).toContain("Tippen &amp;amp; sehen");
    expect(doc).toContain(`nonce=&quot;${nonce}&quot;`);
    expect(doc).toContain("Alex Example");
    // The preview cannot submit anywhere: sandboxed without allow-forms or allow-scripts.
    expect(res.html.match(/<iframe sandbox=""/g)).toHaveLength(2);
  });

  it("lets an analyst look at a survey but not change it (403 page, nothing written)", async () => {
    const name = uniqueName("Look only");
    const created = await postForm(session, "/admin/surveys/new", editorForm(name));
    const id = /sur_[\w-]+/.exec(created.location ?? "")![0];
    const analyst = await signInAs(await inviteUser("analyst"));
    const page = await getPage(analyst, `/admin/surveys/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<fieldset class="plain" disabled="">');
    expect(page.html).not.toContain('value="save"');
    expect(page.html).not.toContain("hx-post");
    expect(srcdocOf(page.html)).toContain("How was onboarding?");
    expect((await getPage(analyst, "/admin/surveys")).html).not.toContain('href="/admin/surveys/new"');

    const before = await auditRows();
    for (const path of [`/admin/surveys/${id}`, "/admin/surveys/new", `/admin/surveys/${id}/archive`]) {
      const res = await postForm(analyst, path, editorForm(uniqueName("Analyst")));
      expect(res.status).toBe(403);
      expect(res.html).toContain("<!doctype html>");
    }
    expect(await auditRows()).toBe(before);
  });

  it("keeps a large survey's editor under 150 KB: 5 choice questions of 10 options in 4 languages", async () => {
    const locales = ["en", "de", "fr", "es"];
    const fields: Record<string, string | string[]> = { ...editorForm(uniqueName("Large")), locales };
    for (const key of Object.keys(fields)) if (key.startsWith("questions.")) delete fields[key];
    for (const l of locales) Object.assign(fields, { [`texts.${l}.title`]: `Title ${l}`, [`texts.${l}.intro`]: `Why we ask, in ${l}.` });
    for (let q = 0; q < 5; q++) {
      Object.assign(fields, { [`questions.${q}.id`]: `q${q}`, [`questions.${q}.type`]: "choice" });
      for (const l of locales) fields[`questions.${q}.text.${l}`] = `Which of these matters most to you (${l})?`;
      for (let o = 0; o < 10; o++) {
        fields[`questions.${q}.options.${o}.value`] = `option_${o}`;
        for (const l of locales) fields[`questions.${q}.options.${o}.label.${l}`] = `Option ${o} label in ${l}`;
      }
    }
    const created = await postForm(session, "/admin/surveys/new", fields);
    expect(created.status).toBe(303);
    const page = await getPage(session, created.location!);
    expect(page.trips).toBeLessThanOrEqual(3);
    const bytes = new TextEncoder().encode(page.html).length;
    console.log(`survey editor, 5 x 10 options x 4 languages: ${bytes} bytes`);
    expect(bytes).toBeLessThanOrEqual(150 * 1024);

    const refusedPage = await postForm(session, created.location!.split("?")[0]!, { ...fields, fractionPerWave: "2" });
    expect(refusedPage.status).toBe(400);
    expect(refusedPage.trips).toBeLessThanOrEqual(3);
    expect((await getPage(session, "/admin/surveys/sur_nope")).status).toBe(404);
  });

  it("asks for the CSRF token on every form", async () => {
    const name = uniqueName("Forged");
    const res = await postForm(session, "/admin/surveys/new", editorForm(name), { csrf: null });
    expect(res.status).toBe(403);
    expect(res.html).toContain("<!doctype html>");
    expect(await surveysNamed(name)).toBe(0);
  });
});
