import type { Question, QuestionType, Survey, SurveyTexts, SurveyVersion } from "../../db/schema";
import { formWording } from "../../lib/form-wording";
import { fieldErrorsFromZod, type FieldError } from "../../lib/errors";
import { Locale } from "../../lib/fields";
import { isChoiceType, MAX_LOCALES, MAX_QUESTIONS } from "./questions";
import { SurveyCreate, type SurveyInput } from "./surveys";

/**
 * The survey editor's form ↔ the survey the API accepts. Field names are the zod paths of SurveyCreate
 * ("questions.2.text.de"), so a problem the schema reports lands beside the field that caused it. The editor keeps
 * everything as typed (strings), so a refused form re-renders exactly as it was sent.
 */

export const QUESTION_TYPES: QuestionType[] = ["nps", "osat", "ces", "rating", "choice", "multi", "text", "vendor_rank"];

/** At most this many question / option rows are read from a form: enough for the schema to refuse too many. */
const MAX_FORM_ROWS = 30;
const MAX_OPTIONS = 20;

export interface EditorOption {
  value: string;
  label: Record<string, string>;
}

export interface EditorQuestion {
  id: string;
  type: string;
  text: Record<string, string>;
  required: boolean;
  options: EditorOption[];
  showIf: { questionId: string; min: string; max: string; anyOf: string };
}

export interface EditorTexts {
  title: string;
  intro: string;
  emailSubject: string;
}

export interface EditorState {
  name: string;
  kind: string;
  journeyStage: string;
  targetRoles: string[];
  delayDays: string;
  wavesPerYear: string;
  fractionPerWave: string;
  defaultLocale: string;
  /** The locales the editor shows fields for, the default first. */
  locales: string[];
  texts: Record<string, EditorTexts>;
  questions: EditorQuestion[];
}

/** What a press of one of the editor's buttons asks for. */
export type EditorAction =
  | { kind: "save" }
  | { kind: "publish" }
  | { kind: "preview" }
  | { kind: "add-question"; type: string }
  | { kind: "remove-question"; index: number }
  | { kind: "move-question-up"; index: number }
  | { kind: "add-locale"; locale: string }
  | { kind: "remove-locale"; locale: string };

export type FormValues = Record<string, string | File | (string | File)[]>;

const first = (body: FormValues, name: string): string => {
  const value = body[name];
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === "string" ? one : "";
};
const all = (body: FormValues, name: string): string[] => {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string");
};

const blankQuestion = (id: string, type: string, locales: string[]): EditorQuestion => ({
  id,
  type,
  text: Object.fromEntries(locales.map((l) => [l, ""])),
  required: false,
  options: [],
  showIf: { questionId: "", min: "", max: "", anyOf: "" },
});

const blankTexts = (): EditorTexts => ({ title: "", intro: "", emailSubject: "" });

/** A new survey: one NPS question in the organization's default locale. */
export function newEditorState(defaultLocale: string, journeyStage = ""): EditorState {
  return {
    name: "",
    kind: "transactional",
    journeyStage,
    targetRoles: [],
    delayDays: "0",
    wavesPerYear: "4",
    fractionPerWave: "0.5",
    defaultLocale,
    locales: [defaultLocale],
    texts: { [defaultLocale]: blankTexts() },
    questions: [blankQuestion("q1", "nps", [defaultLocale])],
  };
}

/** The editor's view of a stored draft (or of a published version, with the survey's other settings). */
export function editorStateFrom(survey: Survey, content: Pick<SurveyVersion, "questions" | "texts" | "defaultLocale"> = survey): EditorState {
  const locales = localesOf(content.defaultLocale, content.texts, content.questions);
  return {
    name: survey.name,
    kind: survey.kind,
    journeyStage: survey.journeyStage,
    targetRoles: [...survey.targetRoles],
    delayDays: String(survey.delayDays),
    wavesPerYear: String(survey.wavesPerYear),
    fractionPerWave: String(survey.fractionPerWave),
    defaultLocale: content.defaultLocale,
    locales,
    texts: Object.fromEntries(locales.map((l) => [l, { ...blankTexts(), ...content.texts[l] }])),
    questions: content.questions.map((q) => ({
      id: q.id,
      type: q.type,
      text: { ...q.text },
      required: q.required === true,
      options: (q.options ?? []).map((o) => ({ value: o.value, label: { ...o.label } })),
      showIf: {
        questionId: q.showIf?.questionId ?? "",
        min: q.showIf?.min === undefined ? "" : String(q.showIf.min),
        max: q.showIf?.max === undefined ? "" : String(q.showIf.max),
        anyOf: (q.showIf?.anyOf ?? []).join(", "),
      },
    })),
  };
}

function localesOf(defaultLocale: string, texts: Record<string, SurveyTexts>, questions: Question[]): string[] {
  const seen = new Set([defaultLocale, ...Object.keys(texts)]);
  for (const q of questions) {
    for (const l of Object.keys(q.text)) seen.add(l);
    for (const o of q.options ?? []) for (const l of Object.keys(o.label)) seen.add(l);
  }
  return [...seen];
}

/** Row numbers present in a form for names like `${prefix}N.…`, in order. */
function rowIndexes(body: FormValues, prefix: string): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}(\\d{1,3})\\.`);
  for (const key of Object.keys(body)) {
    const match = pattern.exec(key);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** Reads the editor form as typed. */
export function readEditorForm(body: FormValues): { state: EditorState; action: EditorAction; previewLocale: string } {
  const defaultLocale = first(body, "defaultLocale").trim();
  const locales = [...new Set(all(body, "locales").map((l) => l.trim()).filter(Boolean))].slice(0, MAX_LOCALES + 1);
  if (defaultLocale && !locales.includes(defaultLocale)) locales.unshift(defaultLocale);
  const localized = (prefix: string) => Object.fromEntries(locales.map((l) => [l, first(body, `${prefix}.${l}`)]));
  const questions = rowIndexes(body, "questions.")
    .slice(0, MAX_FORM_ROWS)
    .map((i): EditorQuestion => {
      const p = `questions.${i}`;
      return {
        id: first(body, `${p}.id`).trim(),
        type: first(body, `${p}.type`),
        text: localized(`${p}.text`),
        required: first(body, `${p}.required`) !== "",
        options: rowIndexes(body, `${p}.options.`)
          .slice(0, MAX_FORM_ROWS)
          .map((o) => ({ value: first(body, `${p}.options.${o}.value`), label: localized(`${p}.options.${o}.label`) }))
          .filter((o) => o.value.trim() !== "" || Object.values(o.label).some((l) => l.trim() !== "")),
        showIf: {
          questionId: first(body, `${p}.showIf.questionId`).trim(),
          min: first(body, `${p}.showIf.min`).trim(),
          max: first(body, `${p}.showIf.max`).trim(),
          anyOf: first(body, `${p}.showIf.anyOf`),
        },
      };
    });
  const state: EditorState = {
    name: first(body, "name"),
    kind: first(body, "kind"),
    journeyStage: first(body, "journeyStage"),
    targetRoles: all(body, "targetRoles"),
    delayDays: first(body, "delayDays").trim(),
    wavesPerYear: first(body, "wavesPerYear").trim(),
    fractionPerWave: first(body, "fractionPerWave").trim(),
    defaultLocale,
    locales,
    texts: Object.fromEntries(
      locales.map((l) => [l, { title: first(body, `texts.${l}.title`), intro: first(body, `texts.${l}.intro`), emailSubject: first(body, `texts.${l}.emailSubject`) }]),
    ),
    questions,
  };
  return { state, action: actionOf(body), previewLocale: first(body, "previewLocale") };
}

function actionOf(body: FormValues): EditorAction {
  const action = first(body, "action");
  const removeQuestion = /^remove-question-(\d{1,3})$/.exec(action);
  if (removeQuestion) return { kind: "remove-question", index: Number(removeQuestion[1]) };
  const moveUp = /^move-question-up-(\d{1,3})$/.exec(action);
  if (moveUp) return { kind: "move-question-up", index: Number(moveUp[1]) };
  if (action.startsWith("remove-locale-")) return { kind: "remove-locale", locale: action.slice("remove-locale-".length) };
  if (action === "add-question") return { kind: "add-question", type: first(body, "newQuestionType") };
  if (action === "add-locale") return { kind: "add-locale", locale: first(body, "newLocale") };
  if (action === "publish" || action === "preview") return { kind: action };
  return { kind: "save" };
}

/** A form's number: the number when it reads as one, else what was typed, so the schema names the problem. */
const numberOrText = (value: string): number | string | undefined => {
  if (value === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
};

const nonEmpty = (texts: Record<string, string>) => Object.fromEntries(Object.entries(texts).filter(([, v]) => v.trim() !== ""));

/**
 * The body the API would receive for this form. Blank translations are left out (a locale falls back to the
 * default), blank option rows and an unset condition too; everything else goes to the schema as typed.
 */
export function surveyInputFrom(state: EditorState): Record<string, unknown> {
  const texts: Record<string, unknown> = {};
  for (const locale of state.locales) {
    const t = state.texts[locale] ?? blankTexts();
    if (locale !== state.defaultLocale && !t.title.trim() && !t.intro.trim() && !t.emailSubject.trim()) continue;
    texts[locale] = { title: t.title, intro: t.intro, ...(t.emailSubject.trim() ? { emailSubject: t.emailSubject } : {}) };
  }
  return {
    name: state.name,
    kind: state.kind,
    journeyStage: state.journeyStage,
    targetRoles: state.targetRoles,
    defaultLocale: state.defaultLocale,
    texts,
    delayDays: numberOrText(state.delayDays),
    wavesPerYear: numberOrText(state.wavesPerYear),
    fractionPerWave: numberOrText(state.fractionPerWave),
    questions: state.questions.map((q) => {
      const showIf = q.showIf.questionId
        ? {
            questionId: q.showIf.questionId,
            ...(q.showIf.min !== "" ? { min: numberOrText(q.showIf.min) } : {}),
            ...(q.showIf.max !== "" ? { max: numberOrText(q.showIf.max) } : {}),
            ...(q.showIf.anyOf.trim() ? { anyOf: q.showIf.anyOf.split(",").map((v) => v.trim()).filter(Boolean) } : {}),
          }
        : undefined;
      return {
        id: q.id,
        type: q.type,
        text: nonEmpty(q.text),
        ...(q.required ? { required: true } : {}),
        ...(isChoiceType(q.type as QuestionType) ? { options: q.options.map((o) => ({ value: o.value, label: nonEmpty(o.label) })) } : {}),
        ...(showIf ? { showIf } : {}),
      };
    }),
  };
}

/** Checks the form with the API's schema (SurveyCreate); the survey to store, or the problems by field path. */
export function validateEditorState(state: EditorState): { ok: true; value: SurveyInput } | { ok: false; errors: FieldError[] } {
  const result = SurveyCreate.safeParse(surveyInputFrom(state), { error: formWording });
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrorsFromZod(result.error.issues) };
}

/**
 * Add / remove a question or a locale without saving. A refused change (a sixth question, an unknown locale)
 * leaves the form as it was, with the schema's message for the field concerned.
 */
export function applyEditorAction(state: EditorState, action: EditorAction): { state: EditorState; errors: FieldError[] } {
  switch (action.kind) {
    case "add-question": {
      if (state.questions.length >= MAX_QUESTIONS) return { state, errors: [{ path: "questions", message: questionsLimitMessage() }] };
      const type = QUESTION_TYPES.includes(action.type as QuestionType) ? action.type : "rating";
      return { state: { ...state, questions: [...state.questions, blankQuestion(unusedQuestionId(state), type, state.locales)] }, errors: [] };
    }
    case "remove-question":
      return { state: { ...state, questions: state.questions.filter((_, i) => i !== action.index) }, errors: [] };
    case "move-question-up": {
      const i = action.index;
      if (i < 1 || i >= state.questions.length) return { state, errors: [] };
      const questions = [...state.questions];
      [questions[i - 1], questions[i]] = [questions[i]!, questions[i - 1]!];
      return { state: { ...state, questions }, errors: [] };
    }
    case "add-locale": {
      const parsed = Locale.safeParse(action.locale);
      if (!parsed.success) return { state, errors: [{ path: "newLocale", message: parsed.error.issues[0]?.message ?? "not a language tag" }] };
      const locale = parsed.data;
      if (state.locales.includes(locale)) return { state, errors: [{ path: "newLocale", message: `'${locale}' is already in this survey` }] };
      if (state.locales.length >= MAX_LOCALES) return { state, errors: [{ path: "newLocale", message: `at most ${MAX_LOCALES} locales` }] };
      return {
        state: {
          ...state,
          locales: [...state.locales, locale],
          texts: { ...state.texts, [locale]: blankTexts() },
          questions: state.questions.map((q) => ({ ...q, text: { ...q.text, [locale]: "" }, options: q.options.map((o) => ({ ...o, label: { ...o.label, [locale]: "" } })) })),
        },
        errors: [],
      };
    }
    case "remove-locale": {
      if (action.locale === state.defaultLocale) return { state, errors: [{ path: "defaultLocale", message: "choose another default locale before removing this one" }] };
      const without = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([l]) => l !== action.locale));
      return {
        state: {
          ...state,
          locales: state.locales.filter((l) => l !== action.locale),
          texts: without(state.texts),
          questions: state.questions.map((q) => ({ ...q, text: without(q.text), options: q.options.map((o) => ({ ...o, label: without(o.label) })) })),
        },
        errors: [],
      };
    }
    default:
      return { state, errors: [] };
  }
}

/** The schema's own message for too many questions (QuestionList's max). */
function questionsLimitMessage(): string {
  const six = Array.from({ length: MAX_QUESTIONS + 1 }, (_, i) => ({ id: `q${i}`, type: "text", text: { en: "?" } }));
  const result = SurveyCreate.shape.questions.safeParse(six);
  return result.success ? `at most ${MAX_QUESTIONS} questions` : (result.error.issues.find((i) => i.path.length === 0)?.message ?? `at most ${MAX_QUESTIONS} questions`);
}

function unusedQuestionId(state: EditorState): string {
  const taken = new Set(state.questions.map((q) => q.id));
  for (let n = state.questions.length + 1; ; n++) if (!taken.has(`q${n}`)) return `q${n}`;
}

/** Option rows to show: those typed plus one blank row to type a new option into (no button needed). */
export function optionRows(question: EditorQuestion): EditorOption[] {
  return question.options.length >= MAX_OPTIONS ? question.options : [...question.options, { value: "", label: {} }];
}

/**
 * What the respondent page would show for this form, even while it has problems: questions of a known type with
 * their typed texts. For the preview only; nothing here is stored.
 */
export function previewContent(state: EditorState): { questions: Question[]; texts: Record<string, SurveyTexts>; defaultLocale: string } {
  const input = surveyInputFrom(state) as { texts: Record<string, SurveyTexts>; questions: (Question & { showIf?: { min?: unknown; max?: unknown } })[] };
  const questions = input.questions
    .filter((q) => QUESTION_TYPES.includes(q.type))
    .map((q) => {
      const showIf = q.showIf && (typeof q.showIf.min === "string" || typeof q.showIf.max === "string") ? undefined : q.showIf;
      return { ...q, id: q.id || "question", showIf } as Question;
    });
  return { questions, texts: input.texts, defaultLocale: state.defaultLocale || "en" };
}
