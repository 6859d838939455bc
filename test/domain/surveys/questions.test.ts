import { describe, expect, it } from "vitest";
import { missingLocaleTexts, QuestionList } from "../../../src/domain/surveys/questions";
import type { Question } from "../../../src/db/schema";

const nps: Question = { id: "nps", type: "nps", text: { en: "Recommend?" } };
const issues = (questions: unknown) => {
  const result = QuestionList.safeParse(questions);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};

describe("question definitions", () => {
  it("accepts the NPS + why + OSAT survey and a choice with a condition on its values", () => {
    expect(issues([nps, { id: "why", type: "text", text: { en: "Why?" }, showIf: { questionId: "nps", max: 6 } }, { id: "osat", type: "osat", text: { en: "Satisfied?" } }])).toEqual([]);
    const area = { id: "area", type: "choice", text: { en: "Area?" }, options: [{ value: "support", label: { en: "Support" } }, { value: "billing", label: { en: "Billing" } }] };
    expect(issues([area, { id: "detail", type: "text", text: { en: "Tell us" }, showIf: { questionId: "area", anyOf: ["billing"] } }])).toEqual([]);
  });

  it("refuses a sixth question saying short surveys are the point", () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, type: "rating", text: { en: "Rate" } }));
    expect(issues(six)).toEqual([{ path: "", message: expect.stringContaining("short surveys are the point") }]);
    expect(issues([])).toEqual([{ path: "", message: "a survey needs at least one question" }]);
  });

  it("refuses duplicate ids, choices without options, and options on plain questions", () => {
    expect(issues([nps, { ...nps }])).toEqual([{ path: "1.id", message: "question id 'nps' is used twice" }]);
    expect(issues([{ id: "c", type: "choice", text: { en: "?" }, options: [{ value: "a", label: { en: "A" } }] }])[0]!.path).toBe("0.options");
    expect(issues([{ ...nps, options: [] }])[0]!.path).toBe("0");
    expect(issues([{ id: "x", type: "slider", text: { en: "?" } }])[0]!.path).toBe("0.type");
  });

  it("a condition must point to an earlier question and fit its answers", () => {
    const later = [{ id: "why", type: "text", text: { en: "Why?" }, showIf: { questionId: "nps", max: 6 } }, nps];
    expect(issues(later)).toEqual([{ path: "0.showIf.questionId", message: expect.stringContaining("earlier question") }]);
    expect(issues([nps, { id: "why", type: "text", text: { en: "?" }, showIf: { questionId: "nps", max: 11 } }])).toEqual([
      { path: "1.showIf.max", message: "must lie within nps's scale 0–10" },
    ]);
    expect(issues([nps, { id: "why", type: "text", text: { en: "?" }, showIf: { questionId: "nps", anyOf: ["6"] } }])[0]!.path).toBe("1.showIf.anyOf");
    expect(issues([nps, { id: "why", type: "text", text: { en: "?" }, showIf: { questionId: "nps" } }])[0]!.path).toBe("1.showIf");
    const text = { id: "t", type: "text", text: { en: "?" } };
    expect(issues([text, { ...nps, showIf: { questionId: "t", min: 1 } }])[0]!.message).toContain("numeric or choice");
  });

  it("finds texts missing in the default locale", () => {
    const choice: Question = { id: "c", type: "choice", text: { de: "Bereich?" }, options: [{ value: "a", label: { en: "A" } }, { value: "b", label: { de: "B" } }] };
    expect(missingLocaleTexts([choice], "de")).toEqual([[0, "options", 0, "label", "de"]]);
  });
});
