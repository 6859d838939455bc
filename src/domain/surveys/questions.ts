import { z } from "zod";
import type { Question, QuestionType } from "../../db/schema";
import { canonicalLocale } from "../../lib/fields";

/**
 * Validation of question definitions (the types live in db/schema.ts). Short surveys are the point:
 * 1 to 5 questions, display conditions only on earlier answers.
 */
export const MAX_QUESTIONS = 5;

/** Answer scales of the numeric question types. */
export const NUMERIC_SCALES = {
  nps: { min: 0, max: 10 },
  osat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
  rating: { min: 1, max: 5 },
} as const satisfies Partial<Record<QuestionType, { min: number; max: number }>>;

export type NumericQuestionType = keyof typeof NUMERIC_SCALES;

export const isNumericType = (type: QuestionType): type is NumericQuestionType => type in NUMERIC_SCALES;
export const isChoiceType = (type: QuestionType) => type === "choice" || type === "multi";

export const LocaleKey = z.string().refine((tag) => canonicalLocale(tag) === tag, "use a BCP 47 language tag in canonical form, such as en, de or fr-CA");

/** Keeps a survey's JSON far below D1's 1 MB row limit. */
export const MAX_LOCALES = 20;
export const atMostMaxLocales = (texts: Record<string, unknown>) => Object.keys(texts).length <= MAX_LOCALES;

export const LocalizedText = z
  .record(LocaleKey, z.string().trim().min(1, "must not be empty").max(1000))
  .refine((texts) => Object.keys(texts).length > 0, "give the text in at least one locale")
  .refine(atMostMaxLocales, `at most ${MAX_LOCALES} locales`);

const QuestionId = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "use lower-case letters, digits and underscores, starting with a letter");

export const ShowIf = z
  .strictObject({
    questionId: QuestionId,
    min: z.number().optional(),
    max: z.number().optional(),
    anyOf: z.array(z.string().min(1)).min(1).optional(),
  })
  .refine((s) => s.min !== undefined || s.max !== undefined || s.anyOf !== undefined, "give a numeric range (min/max) or choice values (anyOf)");

const common = {
  id: QuestionId,
  text: LocalizedText,
  required: z.boolean().optional(),
  showIf: ShowIf.optional(),
};

const Option = z.strictObject({ value: z.string().trim().min(1).max(100), label: LocalizedText });

const plainQuestion = (type: Exclude<QuestionType, "choice" | "multi">) => z.strictObject({ ...common, type: z.literal(type) });
const choiceQuestion = (type: "choice" | "multi") =>
  z.strictObject({
    ...common,
    type: z.literal(type),
    options: z
      .array(Option)
      .min(2, `a ${type} question needs at least 2 options`)
      .max(20)
      .refine((options) => new Set(options.map((o) => o.value)).size === options.length, "option values must be unique"),
  });

export const QuestionDefinition = z.discriminatedUnion("type", [
  plainQuestion("nps"),
  plainQuestion("osat"),
  plainQuestion("ces"),
  plainQuestion("rating"),
  plainQuestion("text"),
  plainQuestion("vendor_rank"),
  choiceQuestion("choice"),
  choiceQuestion("multi"),
]);

/** 1–5 questions with unique ids whose conditions point at earlier questions and fit their answers. */
export const QuestionList = z
  .array(QuestionDefinition)
  .min(1, "a survey needs at least one question")
  .max(MAX_QUESTIONS, `a survey has at most ${MAX_QUESTIONS} questions: short surveys are the point, so remove one`)
  .superRefine((questions, ctx) => {
    questions.forEach((question, index) => {
      const earlier = questions.slice(0, index);
      if (earlier.some((q) => q.id === question.id)) {
        ctx.addIssue({ code: "custom", path: [index, "id"], message: `question id '${question.id}' is used twice` });
      }
      if (question.showIf) {
        for (const issue of showIfIssues(question.showIf, earlier)) {
          ctx.addIssue({ code: "custom", path: [index, "showIf", ...issue.path], message: issue.message });
        }
      }
    });
  });

function showIfIssues(showIf: z.infer<typeof ShowIf>, earlier: Question[]): { path: string[]; message: string }[] {
  const target = earlier.find((q) => q.id === showIf.questionId);
  if (!target) {
    return [{ path: ["questionId"], message: `must name an earlier question (${earlier.map((q) => q.id).join(", ") || "there is none before this one"})` }];
  }
  if (isNumericType(target.type)) {
    const scale = NUMERIC_SCALES[target.type];
    const issues: { path: string[]; message: string }[] = [];
    if (showIf.anyOf) issues.push({ path: ["anyOf"], message: `'${target.id}' is a numeric question: use min/max, not anyOf` });
    for (const bound of ["min", "max"] as const) {
      const value = showIf[bound];
      if (value !== undefined && (value < scale.min || value > scale.max)) {
        issues.push({ path: [bound], message: `must lie within ${target.type}'s scale ${scale.min}–${scale.max}` });
      }
    }
    if (showIf.min !== undefined && showIf.max !== undefined && showIf.min > showIf.max) {
      issues.push({ path: ["min"], message: "min must not exceed max" });
    }
    return issues;
  }
  if (isChoiceType(target.type)) {
    if (showIf.min !== undefined || showIf.max !== undefined || !showIf.anyOf) {
      return [{ path: ["anyOf"], message: `'${target.id}' is a ${target.type} question: list the option values in anyOf` }];
    }
    const values = new Set(target.options?.map((o) => o.value));
    const unknown = showIf.anyOf.filter((v) => !values.has(v));
    return unknown.length ? [{ path: ["anyOf"], message: `unknown option value(s) ${unknown.join(", ")} of '${target.id}'` }] : [];
  }
  return [{ path: ["questionId"], message: `a condition can only depend on a numeric or choice question, not on '${target.id}' (${target.type})` }];
}

/** Paths of every localized string of the questions that lacks `locale` (each survey's default locale is required). */
export function missingLocaleTexts(questions: Question[], locale: string): (string | number)[][] {
  const missing: (string | number)[][] = [];
  questions.forEach((question, index) => {
    if (!question.text[locale]) missing.push([index, "text", locale]);
    question.options?.forEach((option, o) => {
      if (!option.label[locale]) missing.push([index, "options", o, "label", locale]);
    });
  });
  return missing;
}
