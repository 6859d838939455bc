import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { adminSession, getPage, postForm, type AdminSession } from "../../support/admin";
import { api, json } from "../../support/api";

// Opening a survey in the editor and saving it unchanged must store exactly what was there, for every question type:
// otherwise a no-op "Save and publish" would freeze a new version that differs from the last.

let session: AdminSession;
beforeAll(async () => {
  session = await adminSession();
});

const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const attr = (tag: string, name: string) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decode(match[1]!) : null;
};

/** The fields a browser would submit from the page's survey form (inputs, checked boxes, selects, textareas). */
function formFields(html: string): [string, string][] {
  const form = /<form method="post" action="\/admin\/surveys\/[^"]+" class="survey-editor"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: [string, string][] = [];
  const controls = /<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/g;
  for (const [control] of form.matchAll(controls)) {
    const open = /^<[^>]*>/.exec(control)![0];
    const name = attr(open, "name");
    if (!name || open.includes(" disabled")) continue;
    if (control.startsWith("<input")) {
      const type = attr(open, "type") ?? "text";
      if (type === "submit") continue;
      if ((type === "checkbox" || type === "radio") && !/\schecked=""/.test(open)) continue;
      fields.push([name, attr(open, "value") ?? "on"]);
    } else if (control.startsWith("<select")) {
      const selected = /<option value="([^"]*)" selected="">/.exec(control);
      const firstOption = /<option value="([^"]*)"/.exec(control);
      fields.push([name, decode((selected ?? firstOption)?.[1] ?? "")]);
    } else {
      fields.push([name, decode(/^<[^>]*>([\s\S]*?)<\/textarea>$/.exec(control)![1]!)]);
    }
  }
  return fields;
}

async function postFields(path: string, fields: [string, string][]) {
  const body: Record<string, string[]> = {};
  for (const [name, value] of fields) (body[name] ??= []).push(value);
  return postForm(session, path, body);
}

const SCALES = [
  { id: "nps", type: "nps", required: true, text: { en: "How likely are you to recommend us?", de: "Wie wahrscheinlich empfehlen Sie uns?" } },
  { id: "osat", type: "osat", text: { en: "Overall, how satisfied are you?" } },
  { id: "ces", type: "ces", text: { en: "It was easy to get help & answers." }, showIf: { questionId: "nps", min: 0, max: 6 } },
  { id: "rating", type: "rating", text: { en: 'Rate our "onboarding" <guide>.' } },
  { id: "vendors", type: "vendor_rank", text: { en: "How many providers do you use, and where do we rank?" } },
];
const CHOICES = [
  {
    id: "topic",
    type: "choice",
    required: true,
    text: { en: "What matters most?", de: "Was ist am wichtigsten?" },
    options: [
      { value: "price", label: { en: "Price", de: "Preis" } },
      { value: "support", label: { en: "Support", de: "Support" } },
      { value: "features", label: { en: "Features" } },
    ],
  },
  {
    id: "channels",
    type: "multi",
    text: { en: "Which channels do you use?" },
    options: [
      { value: "email", label: { en: "Email" } },
      { value: "chat", label: { en: "Chat" } },
    ],
    showIf: { questionId: "topic", anyOf: ["support", "features"] },
  },
  { id: "why", type: "text", text: { en: "Anything else?", de: "Sonst noch etwas?" }, showIf: { questionId: "topic", anyOf: ["price"] } },
];

const stored = (id: string) =>
  env.DB.prepare("SELECT name, kind, journey_stage, target_roles, default_locale, texts, questions, delay_days, waves_per_year, fraction_per_wave FROM surveys WHERE id = ?").bind(id).first<Record<string, unknown>>();

describe("/admin/surveys editor round trip", () => {
  for (const [label, questions] of [["scales and vendor rank", SCALES], ["choice, multi and text with conditions", CHOICES]] as const) {
    it(`saves an unchanged survey exactly as it was (${label}); publishing it again makes no new version`, async () => {
      const created = await json(
        await api("POST", "/surveys", {
          name: `Round trip ${label} ${Date.now()}`,
          kind: "relational",
          journeyStage: "relationship",
          targetRoles: ["champion", "finance"],
          defaultLocale: "en",
          delayDays: 3,
          wavesPerYear: 2,
          fractionPerWave: 0.25,
          texts: { en: { title: "Quick feedback", intro: "Two minutes.", emailSubject: "A quick question" }, de: { title: "Kurzes Feedback", intro: "Zwei Minuten." } },
          questions,
        }),
      );
      expect(created.id).toBeTruthy();
      expect((await api("POST", `/surveys/${created.id}/publish`)).status).toBe(200);
      const before = await stored(created.id);

      const page = await getPage(session, `/admin/surveys/${created.id}`);
      const fields = formFields(page.html);
      expect(fields.some(([name]) => name === "csrf")).toBe(true);
      const saved = await postFields(`/admin/surveys/${created.id}`, [...fields.filter(([name]) => name !== "csrf"), ["action", "publish"]]);
      expect(saved.status).toBe(303);

      const after = await stored(created.id);
      expect(after).toEqual(before);
      const versions = await env.DB.prepare("SELECT count(*) AS n FROM survey_versions WHERE survey_id = ?").bind(created.id).first<{ n: number }>();
      expect(versions?.n).toBe(1);

      // The same form with only the name changed is stored as it was but for the name: the form's fields really are
      // what a save writes (a save that wrote nothing would pass the checks above).
      const renamed = `${String(before!.name)} (renamed)`;
      const resaved = await postFields(`/admin/surveys/${created.id}`, [...fields.filter(([name]) => name !== "csrf" && name !== "name"), ["name", renamed], ["action", "save"]]);
      expect(resaved.status).toBe(303);
      expect(await stored(created.id)).toEqual({ ...before, name: renamed });
    });
  }
});
