import type { Question } from "../../db/schema";
import { isNumericType, NUMERIC_SCALES } from "../surveys/questions";

/** A saved answer, as the page shows it. Which fields are set depends on the question type. */
export interface AnswerValue {
  num?: number | null;
  text?: string | null;
  choices?: string[] | null;
  vendorCount?: number | null;
  vendorRank?: number | null;
}

/**
 * One answer as posted, before SQL checks it against the question's type (the form is untrusted, so every reading
 * the type might need is carried: `n` for scales, `t` for text and choice, `c` for multi, `vc`/`vr` for vendor_rank).
 */
export interface SubmittedAnswer {
  q: string;
  n: number | null;
  t: string | null;
  c: string[];
  vc: number | null;
  vr: number | null;
}

export type SubmitAction = "next" | "submit";

export interface Submission {
  answers: SubmittedAnswer[];
  action: SubmitAction;
}

/** Form fields of one question: `q:<id>` (value(s)), `vc:<id>` and `vr:<id>` (vendor_rank). */
export const fieldName = {
  value: (questionId: string) => `q:${questionId}`,
  vendorCount: (questionId: string) => `vc:${questionId}`,
  vendorRank: (questionId: string) => `vr:${questionId}`,
};

export const MAX_TEXT_LENGTH = 2000;
export const MAX_VENDORS = 50;
/** More than any survey has (5): anything beyond is not from our form. */
const MAX_ANSWERS = 20;
const QUESTION_ID = /^[a-z][a-z0-9_]{0,39}$/;

const integerOrNull = (value: string | undefined) => (value !== undefined && /^\d{1,3}$/.test(value.trim()) ? Number(value.trim()) : null);

/** Parses posted form fields (name → values) into answers; empty fields mean "not answered yet". */
export function parseSubmission(fields: Record<string, string[]>): Submission {
  const ids = new Set<string>();
  for (const name of Object.keys(fields)) {
    const match = /^(?:q|vc|vr):(.+)$/.exec(name);
    if (match && QUESTION_ID.test(match[1]!)) ids.add(match[1]!);
  }
  const answers: SubmittedAnswer[] = [];
  for (const q of [...ids].slice(0, MAX_ANSWERS)) {
    const values = (fields[fieldName.value(q)] ?? []).map((v) => v.trim()).filter((v) => v !== "");
    const answer: SubmittedAnswer = {
      q,
      n: integerOrNull(values[0]),
      t: values[0] ?? null,
      c: [...new Set(values)],
      vc: integerOrNull(fields[fieldName.vendorCount(q)]?.[0]),
      vr: integerOrNull(fields[fieldName.vendorRank(q)]?.[0]),
    };
    if (answer.t !== null || answer.vc !== null || answer.vr !== null) answers.push(answer);
  }
  return { answers, action: fields.action?.[0] === "submit" ? "submit" : "next" };
}

/** The posted answers in the shape the page shows, so a refused form keeps what the person entered. */
export function submittedAsValues(submitted: SubmittedAnswer[]): Map<string, AnswerValue> {
  return new Map(submitted.map((s) => [s.q, { num: s.n, text: s.t, choices: s.c, vendorCount: s.vc, vendorRank: s.vr }]));
}

/**
 * Whether a question is shown given the answers so far: "shown", "hidden" (its condition is not met), or
 * "pending" (the earlier answer it depends on is not there yet, so we cannot know until it is saved).
 */
export function visibility(question: Question, questions: Question[], answers: Map<string, AnswerValue>): "shown" | "hidden" | "pending" {
  const condition = question.showIf;
  if (!condition) return "shown";
  const source = questions.find((q) => q.id === condition.questionId);
  const answer = answers.get(condition.questionId);
  if (!source || !answer) return "pending";
  if (isNumericType(source.type)) {
    if (answer.num == null) return "pending";
    const { min = -Infinity, max = Infinity } = condition;
    return answer.num >= min && answer.num <= max ? "shown" : "hidden";
  }
  const picked = source.type === "multi" ? (answer.choices ?? []) : [answer.text ?? ""];
  return picked.some((value) => condition.anyOf?.includes(value)) ? "shown" : "hidden";
}

/** Why a posted answer was refused, as a key the page turns into a localized message. */
export type AnswerProblem = { kind: "range"; min: number; max: number } | { kind: "choice" } | { kind: "text" } | { kind: "vendor" } | { kind: "required" };

/** The message for a refused answer (SQL decided it was invalid; this only says why in words). */
export function problemFor(question: Question | undefined): AnswerProblem {
  if (!question) return { kind: "choice" };
  if (isNumericType(question.type)) return { kind: "range", ...NUMERIC_SCALES[question.type] };
  if (question.type === "text") return { kind: "text" };
  if (question.type === "vendor_rank") return { kind: "vendor" };
  return { kind: "choice" };
}

/** Required questions (never conditional ones) without an answer: they block a submit. */
export function missingRequired(questions: Question[], answers: Map<string, AnswerValue>): Question[] {
  return questions.filter((q) => q.required && !q.showIf && !answers.has(q.id));
}

/** Mobile or desktop, from the User-Agent: the only thing we keep about the device (never an IP address). */
export function deviceClass(userAgent: string | undefined): "mobile" | "desktop" {
  return /Mobi|Android|iPhone|iPad|iPod|Windows Phone|Opera Mini/i.test(userAgent ?? "") ? "mobile" : "desktop";
}
