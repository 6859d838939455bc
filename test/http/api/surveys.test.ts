import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, json } from "../../support/api";
import { NPS_OSAT_QUESTIONS } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

const draft = (overrides: Record<string, unknown> = {}) => ({
  name: "Relationship pulse",
  kind: "relational",
  journeyStage: "relationship",
  targetRoles: ["decision_maker", "champion"],
  texts: { en: { title: "Quick feedback", intro: "Your answer goes to your account team." } },
  questions: NPS_OSAT_QUESTIONS,
  ...overrides,
});

describe("/api/v1/surveys", () => {
  it("creates a draft with defaults, publishes version 1, republishes after an edit as version 2", async () => {
    const created = await api("POST", "/surveys", draft());
    expect(created.status).toBe(201);
    const survey = await json(created);
    expect(survey).toMatchObject({ status: "draft", currentVersionId: null, defaultLocale: "en", delayDays: 0, wavesPerYear: 4, fractionPerWave: 0.5, programEpoch: null });

    const first = await json(await api("POST", `/surveys/${survey.id}/publish`));
    expect(first.version).toMatchObject({ version: 1, surveyId: survey.id, questions: NPS_OSAT_QUESTIONS });
    expect(first.survey).toMatchObject({ status: "active", currentVersionId: first.version.id });
    // Wave 0 starts on the publish day (SPEC §5 epoch), not at the start of the quarter.
    expect(Date.now() - Date.parse(first.survey.programEpoch)).toBeLessThan(60_000);

    const again = await json(await api("POST", `/surveys/${survey.id}/publish`));
    expect(again.version.id).toBe(first.version.id);

    const edited = [...NPS_OSAT_QUESTIONS, { id: "ces", type: "ces", text: { en: "It was easy to work with us." } }];
    const patched = await json(await api("PATCH", `/surveys/${survey.id}`, { questions: edited }));
    expect(patched.currentVersionId).toBe(first.version.id);
    const second = await json(await api("POST", `/surveys/${survey.id}/publish`));
    expect(second.version.version).toBe(2);
    expect(second.survey.programEpoch).toBe(first.survey.programEpoch);

    const versions = await json(await api("GET", `/surveys/${survey.id}/versions`));
    expect(versions.items.map((v: { version: number; questions: unknown[] }) => [v.version, v.questions.length])).toEqual([[2, 4], [1, 3]]);

    const archived = await json(await api("POST", `/surveys/${survey.id}/archive`));
    expect(archived.status).toBe("archived");
    expect((await api("PATCH", `/surveys/${survey.id}`, { name: "x" })).status).toBe(409);
    expect((await api("POST", `/surveys/${survey.id}/publish`)).status).toBe(409);

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id").bind(survey.id).all();
    expect(audit.results.map((r) => r.action)).toEqual(["survey.create", "survey.publish", "survey.update", "survey.publish", "survey.archive"]);
  });

  it("a transactional survey gets no program epoch", async () => {
    const survey = await json(await api("POST", "/surveys", draft({ kind: "transactional", journeyStage: "onboarding", delayDays: 7 })));
    const published = await json(await api("POST", `/surveys/${survey.id}/publish`));
    expect(published.survey).toMatchObject({ programEpoch: null, delayDays: 7 });
    expect((await api("PATCH", `/surveys/${survey.id}`, { kind: "relational" })).status).toBe(409);
  });

  it("refuses a sixth question with a message that says why", async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, type: "rating", text: { en: `Question ${i}` } }));
    const body = await json(await api("POST", "/surveys", draft({ questions: six })));
    expect(body.status).toBe(400);
    expect(body.errors).toEqual([{ path: "questions", message: expect.stringContaining("short surveys are the point") }]);
  });

  it("refuses unknown stages and roles, missing default-locale texts and bad conditions with field paths", async () => {
    const body = await json(
      await api(
        "POST",
        "/surveys",
        draft({
          journeyStage: "nirvana",
          targetRoles: ["champion", "ceo"],
          defaultLocale: "de",
          questions: [{ id: "nps", type: "nps", text: { de: "Empfehlen?" } }, { id: "why", type: "text", text: { en: "Why?" }, showIf: { questionId: "nps", max: 6 } }],
        }),
      ),
    );
    expect(body.status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["journeyStage", "questions.1.text.de", "targetRoles.1", "texts.de"]);
    expect(body.errors.find((e: { path: string }) => e.path === "targetRoles.1").message).toContain("valid roles: champion");

    const condition = await json(await api("POST", "/surveys", draft({ questions: [{ id: "why", type: "text", text: { en: "?" }, showIf: { questionId: "nps", max: 6 } }] })));
    expect(condition.errors).toEqual([{ path: "questions.0.showIf.questionId", message: expect.any(String) }]);

    const fraction = await json(await api("POST", "/surveys", draft({ fractionPerWave: 0, kind: "monthly", colour: "red" })));
    expect(fraction.errors.map((e: { path: string }) => e.path).sort()).toEqual(["(body)", "fractionPerWave", "kind"]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM surveys WHERE journey_stage = 'nirvana'").first<{ n: number }>();
    expect(count!.n).toBe(0);
  });

  it("lists by status and kind; read tokens read, only admins write", async () => {
    const a = await json(await api("POST", "/surveys", draft({ name: "List A", kind: "transactional", journeyStage: "support" })));
    const listed = await json(await api("GET", "/surveys?status=draft&kind=transactional&journeyStage=support"));
    expect(listed.items.map((s: { id: string }) => s.id)).toContain(a.id);
    expect(listed.items.every((s: { status: string; kind: string }) => s.status === "draft" && s.kind === "transactional")).toBe(true);

    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", `/surveys/${a.id}`, undefined, { token })).status).toBe(200);
    expect((await api("POST", `/surveys/${a.id}/publish`, undefined, { token })).status).toBe(403);
    expect((await api("GET", "/surveys/sur_nope/versions")).status).toBe(404);
  });
});
