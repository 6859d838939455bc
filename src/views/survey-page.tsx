import type { Question } from "../db/schema";
import {
  fieldName,
  MAX_TEXT_LENGTH,
  MAX_VENDORS,
  visibility,
  type AnswerProblem,
  type AnswerValue,
} from "../domain/responses/answers";
import type { RespondentContext } from "../domain/responses/context";
import { isNumericType, NUMERIC_SCALES } from "../domain/surveys/questions";
import { localized, messagesFor, respondentLocale, type Messages } from "../i18n";
import { Layout, page } from "./layout";

export interface SurveyPageProps {
  context: RespondentContext;
  /** Saved answers, overlaid with what was just posted when a post was refused. */
  answers: Map<string, AnswerValue>;
  problems: Map<string, AnswerProblem>;
  notice: "saved" | null;
  now: Date;
  nonce: string;
  /** The first answer came preselected from a score link in the email: recorded only when posted (script or button). */
  preselected?: boolean;
}

interface QuestionView {
  question: Question;
  text: string;
  answer: AnswerValue | undefined;
  problem: AnswerProblem | undefined;
  locale: string;
  fallback: string;
  t: Messages;
}

/**
 * Progressive enhancement (the page works without it): conditional questions appear as soon as the answer they
 * depend on is picked, the button becomes "Send" when nothing is pending, and answers autosave after each change
 * (the POST with X-Autosave answers 204 instead of redirecting). On load it reports the page opened (`action=open`) —
 * or, when a score link from the email preselected the first answer, saves that answer at once — since a bare GET
 * (a mail scanner) records nothing.
 */
const ENHANCE = `(()=>{const f=document.querySelector("form[data-survey]"),b=f&&f.querySelector("button[name=action]");if(!b)return;
const picked=id=>[...f.querySelectorAll('[name="q:'+id+'"]')].filter(e=>e.checked).map(e=>e.value);
function update(){let pending=false;f.querySelectorAll("[data-if]").forEach(el=>{const c=JSON.parse(el.dataset.if),v=picked(c.questionId);let show=false;
if(!v.length)pending=true;else if(c.anyOf)show=v.some(x=>c.anyOf.includes(x));else{const n=+v[0];show=(c.min==null||n>=c.min)&&(c.max==null||n<=c.max)}el.hidden=!show});
if(!pending){b.value="submit";b.textContent=b.dataset.submit}}
let timer;function send(d){fetch(location.pathname,{method:"POST",body:d,headers:{"X-Autosave":"1"}}).catch(()=>{})}
function save(){const d=new URLSearchParams(new FormData(f));d.set("action","next");send(d)}
f.addEventListener("change",()=>{update();clearTimeout(timer);timer=setTimeout(save,500)});update();
if(f.dataset.pre!=null)save();else if(f.dataset.open!=null)send(new URLSearchParams({action:"open"}))})();`;

/** The survey page: greeting, who asks and why, the visible questions, one primary button. Works without JavaScript. */
export function surveyPage(props: SurveyPageProps): string {
  const { context } = props;
  const surveyLocales = [...Object.keys(context.texts), ...Object.keys(context.questions[0]?.text ?? {})];
  const locale = respondentLocale(context.contactLocale, surveyLocales, context.defaultLocale);
  const { t, locale: uiLocale } = messagesFor(locale);
  const texts = context.texts[locale] ?? context.texts[context.defaultLocale];
  const owner = context.ownerName ?? context.organizationName;
  const states = context.questions.map((q) => visibility(q, context.questions, props.answers));
  const visible = context.questions.filter((_, i) => states[i] === "shown");
  const pending = states.includes("pending");
  const complete = context.response?.status === "complete";
  const view = (question: Question): QuestionView => ({
    question,
    text: localized(question.text, locale, context.defaultLocale),
    answer: props.answers.get(question.id),
    problem: props.problems.get(question.id),
    locale,
    fallback: context.defaultLocale,
    t,
  });

  return page(
    <Layout lang={uiLocale} title={texts?.title ?? t.title} nonce={props.nonce}>
      <h1>{texts?.title ?? t.title}</h1>
      <p>{t.hello(context.contactName)}</p>
      <p>{t.askedBy(owner, context.organizationName)}</p>
      {texts?.intro ? <p>{texts.intro}</p> : <p>{t.whyDefault(context.accountName)} {t.whatDefault}</p>}
      <Notices {...props} t={t} owner={owner} complete={complete} visible={visible} locale={uiLocale} />
      {props.problems.size > 0 && (
        <div class="alert" role="alert">
          <p>{t.errorSummary}</p>
          <ul>
            {[...props.problems.keys()].map((id) => {
              const question = context.questions.find((q) => q.id === id);
              return question ? <li><a href={`#f-${id}`}>{localized(question.text, locale, context.defaultLocale)}</a></li> : null;
            })}
          </ul>
        </div>
      )}
      {props.preselected && (
        <p class="notice" role="status">
          {t.scorePreselected}
        </p>
      )}
      <form method="post" data-survey="" data-open={context.openedAt ? undefined : ""} data-pre={props.preselected ? "" : undefined}>
        {context.questions.map((question, i) =>
          question.showIf ? (
            // Conditional questions wait hidden; without JavaScript the page re-renders after "Next" with them shown.
            <div data-if={JSON.stringify(question.showIf)} hidden={states[i] !== "shown"}>
              <QuestionField {...view(question)} />
            </div>
          ) : (
            <QuestionField {...view(question)} />
          ),
        )}
        <button type="submit" name="action" value={pending ? "next" : "submit"} data-submit={complete ? t.update : t.submit}>
          {pending ? t.next : complete ? t.update : t.submit}
        </button>
      </form>
      <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: ENHANCE }} />
      <p class="small">{t.identified(context.organizationName)}</p>
    </Layout>,
  );
}

function Notices(props: SurveyPageProps & { t: Messages; owner: string; complete: boolean; visible: Question[]; locale: string }) {
  const { t } = props;
  if (props.problems.size > 0) return null;
  if (props.complete) {
    const unansweredFollowUp = props.visible.some((q) => q.showIf && !props.answers.has(q.id));
    return (
      <div class="notice" role="status">
        <p>{t.thanks(props.owner)}</p>
        {unansweredFollowUp && <p>{t.moreQuestion}</p>}
        {props.context.expiresAt && <p>{t.editableUntil(formatDate(props.context.expiresAt, props.locale, props.context.timeZone))}</p>}
      </div>
    );
  }
  return props.notice === "saved" ? (
    <div class="notice" role="status">
      <p>{t.saved}</p>
    </div>
  ) : null;
}

function formatDate(iso: string, locale: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
  }
}

function QuestionField(view: QuestionView) {
  const { question } = view;
  if (isNumericType(question.type)) return <ScaleField {...view} />;
  if (question.type === "choice" || question.type === "multi") return <ChoiceField {...view} />;
  if (question.type === "vendor_rank") return <VendorRankField {...view} />;
  return <TextField {...view} />;
}

function Legend(view: QuestionView) {
  return (
    <legend>
      {view.text}
      {view.question.required && !view.question.showIf && <> ({view.t.required})</>}
    </legend>
  );
}

function ErrorText(view: QuestionView) {
  if (!view.problem) return null;
  const { errors } = view.t;
  const message = view.problem.kind === "range" ? errors.range(view.problem.min, view.problem.max) : errors[view.problem.kind];
  return <p class="error" id={`e-${view.question.id}`}>{message}</p>;
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

/** nps 0–10 as a compact grid with the end labels described; osat/ces/rating as a labelled list (every point named). */
function ScaleField(view: QuestionView) {
  const { question, t } = view;
  const type = question.type as keyof typeof NUMERIC_SCALES;
  const { min, max } = NUMERIC_SCALES[type];
  const points = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const names = t.scale[type];
  const isNps = type === "nps";
  const id = question.id;
  return (
    <fieldset id={`f-${id}`} class={view.problem ? "invalid" : undefined} aria-describedby={describedBy(isNps && `h-${id}`, view.problem && `e-${id}`)}>
      <Legend {...view} />
      <div class={isNps ? "scale" : "list"}>
        {points.map((value) => (
          <label for={`i-${id}-${value}`}>
            <input type="radio" id={`i-${id}-${value}`} name={fieldName.value(id)} value={String(value)} checked={view.answer?.num === value} />
            {isNps ? String(value) : `${value} – ${names[value - min]}`}
          </label>
        ))}
      </div>
      {isNps && (
        <p class="ends" id={`h-${id}`}>
          <span>0 = {names[0]}</span>
          <span>10 = {names[1]}</span>
        </p>
      )}
      <ErrorText {...view} />
    </fieldset>
  );
}

function ChoiceField(view: QuestionView) {
  const { question } = view;
  const multi = question.type === "multi";
  const id = question.id;
  const picked = multi ? (view.answer?.choices ?? []) : [view.answer?.text ?? ""];
  return (
    <fieldset id={`f-${id}`} class={view.problem ? "invalid" : undefined} aria-describedby={describedBy(view.problem && `e-${id}`)}>
      <Legend {...view} />
      <div class="list">
        {(question.options ?? []).map((option, index) => (
          <label for={`i-${id}-${index}`}>
            <input type={multi ? "checkbox" : "radio"} id={`i-${id}-${index}`} name={fieldName.value(id)} value={option.value} checked={picked.includes(option.value)} />
            {localized(option.label, view.locale, view.fallback)}
          </label>
        ))}
      </div>
      <ErrorText {...view} />
    </fieldset>
  );
}

function TextField(view: QuestionView) {
  const id = view.question.id;
  return (
    <div class="field" id={`f-${id}`}>
      <label for={`i-${id}`}>
        {view.text}
        {view.question.required && !view.question.showIf && <> ({view.t.required})</>}
      </label>
      <textarea id={`i-${id}`} name={fieldName.value(id)} maxlength={MAX_TEXT_LENGTH} aria-invalid={view.problem ? "true" : undefined} aria-describedby={describedBy(`h-${id}`, view.problem && `e-${id}`)}>
        {view.answer?.text ?? ""}
      </textarea>
      <p class="hint" id={`h-${id}`}>{view.t.textHint}</p>
      <ErrorText {...view} />
    </div>
  );
}

/** vendor_rank: how many providers the customer uses (N) and where we rank among them (SPEC §7.7). */
function VendorRankField(view: QuestionView) {
  const id = view.question.id;
  const invalid = view.problem ? "true" : undefined;
  return (
    <fieldset id={`f-${id}`} class={view.problem ? "invalid" : undefined} aria-describedby={describedBy(view.problem && `e-${id}`)}>
      <Legend {...view} />
      <div class="field">
        <label for={`i-${id}-count`}>{view.t.vendorCount}</label>
        <input type="number" inputmode="numeric" id={`i-${id}-count`} name={fieldName.vendorCount(id)} min="1" max={String(MAX_VENDORS)} value={view.answer?.vendorCount?.toString() ?? ""} aria-invalid={invalid} />
      </div>
      <div class="field">
        <label for={`i-${id}-rank`}>{view.t.vendorRank}</label>
        <input type="number" inputmode="numeric" id={`i-${id}-rank`} name={fieldName.vendorRank(id)} min="1" max={String(MAX_VENDORS)} value={view.answer?.vendorRank?.toString() ?? ""} aria-invalid={invalid} />
      </div>
      <ErrorText {...view} />
    </fieldset>
  );
}
