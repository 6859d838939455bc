import type { Question, Survey, SurveyVersion } from "../../db/schema";
import { optionRows, QUESTION_TYPES, type EditorQuestion, type EditorState } from "../../domain/surveys/form";
import type { FieldError } from "../../lib/errors";
import { Instant, Badge, CheckboxField, CheckboxGroup, CsrfInput, ErrorSummary, FieldGroup, fieldId, SelectField, TableWrap, TextAreaField, TextField, type FormErrors, type Option } from "./components";
import { formatInstant } from "./format";
import { localeLabel, PreviewFrames } from "./survey-editor-preview";
import { adminPage, type AdminViewer } from "./shell";

export const QUESTION_TYPE_LABEL: Record<string, string> = {
  nps: "NPS (0–10, how likely to recommend)",
  osat: "Overall satisfaction (1–5)",
  ces: "Customer effort (1–7, made it easy)",
  rating: "Rating (1–5)",
  choice: "Single choice",
  multi: "Multiple choice",
  text: "Free text (up to 2,000 characters)",
  vendor_rank: "Vendor rank (providers used, our rank)",
};

export const KIND_LABEL: Record<string, string> = { relational: "Relational (periodic waves)", transactional: "Transactional (after a journey event)" };

export const STATUS_BADGE: Record<Survey["status"], { tone: "neutral" | "good" | "warn"; label: string }> = {
  draft: { tone: "neutral", label: "Draft" },
  active: { tone: "good", label: "Active" },
  archived: { tone: "warn", label: "Archived" },
};

export interface EditorPageProps {
  nonce: string;
  viewer: AdminViewer;
  flash?: string | null;
  /** Null while creating. */
  survey: (Survey & { currentVersion: number | null; unpublishedChanges: boolean }) | null;
  state: EditorState;
  errors: FieldError[];
  stages: Option[];
  roles: Option[];
  versions: Pick<SurveyVersion, "version" | "publishedAt">[];
  previewLocale: string;
  previewHtml: string | null;
  /** Set when the form was re-rendered without saving (added a question, previewed…). */
  unsaved?: boolean;
  /** The language tag typed in "Add a language", kept when it was refused. */
  newLocale?: string;
}

/** A choice question needs 2 options: never fewer than 2 rows to type them into (a fresh question had one). */
function editorOptionRows(question: EditorQuestion) {
  const rows = optionRows(question);
  return rows.length >= 2 ? rows : [...rows, ...Array.from({ length: 2 - rows.length }, () => ({ value: "", label: {} as Record<string, string> }))];
}

/** Every field name the editor renders: a problem whose path is not one of them is shown at its nearest group. */
export function editorFieldNames(state: EditorState): Set<string> {
  const names = ["name", "kind", "journeyStage", "targetRoles", "delayDays", "wavesPerYear", "fractionPerWave", "defaultLocale", "newLocale", "questions", "newQuestionType"];
  for (const l of state.locales) names.push(`texts.${l}`, `texts.${l}.title`, `texts.${l}.intro`, `texts.${l}.emailSubject`);
  state.questions.forEach((q, i) => {
    const p = `questions.${i}`;
    names.push(p, `${p}.id`, `${p}.type`, `${p}.required`, `${p}.options`, `${p}.showIf`, `${p}.showIf.questionId`, `${p}.showIf.min`, `${p}.showIf.max`, `${p}.showIf.anyOf`);
    for (const l of state.locales) names.push(`${p}.text.${l}`);
    editorOptionRows(q).forEach((_, o) => {
      names.push(`${p}.options.${o}.value`);
      for (const l of state.locales) names.push(`${p}.options.${o}.label.${l}`);
    });
  });
  return new Set(names);
}

/** Problems keyed by the field they are shown beside (the first problem of a field wins). */
export function placeErrors(errors: FieldError[], state: EditorState): FormErrors {
  const known = editorFieldNames(state);
  const placed: FormErrors = {};
  for (const error of errors) {
    let path = error.path;
    let message = error.message;
    if (!known.has(path) && known.has(`${path}.${state.defaultLocale}`)) {
      path = `${path}.${state.defaultLocale}`;
      // A question's or option's text missing in every language is shown beside its default-language box, which is
      // simply empty ("give the text in at least one locale" read oddly under "Question, English (en)").
      if (/\.(text|label)$/.test(error.path)) message = "fill this in";
    }
    while (!known.has(path) && path.includes(".")) path = path.slice(0, path.lastIndexOf("."));
    if (!known.has(path)) path = "name";
    placed[path] ??= message;
  }
  return placed;
}

const editorAction = (survey: EditorPageProps["survey"]) => (survey ? `/admin/surveys/${survey.id}` : "/admin/surveys/new");

/**
 * Every question has fields labelled "Key", "Type", "Question, English (en)": in the error summary the label alone
 * does not say which question, so each of its links to a question's field is prefixed with the question's number.
 */
function withQuestionNumbers(html: string): string {
  return html.replace(/<a href="#f-questions-(\d+)-([^"]*)">/g, (link, index: string) => `${link}Question ${Number(index) + 1} · `);
}

export function surveyEditorPage(props: EditorPageProps): string {
  const { survey, state, viewer } = props;
  const errors = placeErrors(props.errors, state);
  const canEdit = viewer.role === "admin" && survey?.status !== "archived";
  const title = survey ? `Survey: ${survey.name}` : "New survey";
  const page = adminPage({
    title,
    nonce: props.nonce,
    viewer,
    active: "surveys",
    flash: props.flash,
    enhance: canEdit,
    lead: survey ? undefined : "Build the questions for one journey stage. Nothing is sent until you publish.",
    children: (
      <>
        <p>
          <a href="/admin/surveys">All surveys</a>
        </p>
        {survey && <SurveyStatus survey={survey} />}
        {!canEdit && <p class="notice">{viewer.role === "admin" ? "This survey is archived: it can be read, not changed." : "You can look at this survey; only admins change surveys."}</p>}
        {props.unsaved && Object.keys(errors).length === 0 && (
          <p class="notice" role="status">
            Not saved yet: press Save draft to keep these changes.
          </p>
        )}
        <ErrorSummary errors={errors} />
        <form
          method="post"
          action={editorAction(survey)}
          class="survey-editor"
          novalidate
          hx-post={canEdit ? "/admin/surveys/preview" : undefined}
          hx-trigger={canEdit ? "input delay:300ms, change delay:50ms" : undefined}
          hx-target={canEdit ? "#preview-frames" : undefined}
          hx-swap={canEdit ? "innerHTML" : undefined}
          hx-sync={canEdit ? "this:replace" : undefined}
        >
          <CsrfInput token={viewer.csrfToken} />
          <input type="hidden" name="previewNonce" value={props.nonce} />
          {state.locales.map((l) => (
            <input type="hidden" name="locales" value={l} />
          ))}
          {canEdit && <EditorButtons survey={survey} />}
          <div class="editor-columns">
            <div class="editor-fields">
              <fieldset class="plain" disabled={!canEdit}>
                <legend class="visually-hidden">Survey</legend>
                <SettingsSection {...props} placed={errors} />
                <TextsSection state={state} errors={errors} canEdit={canEdit} newLocale={props.newLocale} />
                <QuestionsSection state={state} errors={errors} canEdit={canEdit} />
              </fieldset>
            </div>
            <section aria-labelledby="preview-h" id="preview" class="editor-preview">
              <h2 id="preview-h">Preview</h2>
              <p class="muted">The respondent page as Alex Example at Example Corp would see it. {canEdit ? "It follows your typing; without JavaScript press Update preview." : ""}</p>
              <div class="actions">
                <SelectField name="previewLocale" label="Language of the preview" options={state.locales.map((l) => ({ value: l, label: localeLabel(l) }))} value={props.previewLocale} />
                {canEdit && (
                  <button type="submit" name="action" value="preview" class="secondary">
                    Update preview
                  </button>
                )}
              </div>
              <div id="preview-frames">
                <PreviewFrames html={props.previewHtml} localeLabel={localeLabel(props.previewLocale)} />
              </div>
            </section>
          </div>
          {canEdit && <EditorButtons survey={survey} />}
        </form>
        {survey && <Versions survey={survey} versions={props.versions} />}
        {survey && viewer.role === "admin" && survey.status !== "archived" && (
          <form method="post" action={`/admin/surveys/${survey.id}/archive`} class="card">
            <CsrfInput token={viewer.csrfToken} />
            <h2>Archive</h2>
            <p>Archiving stops new invitations; links already sent stay answerable until they expire.</p>
            <button type="submit" class="danger" data-confirm="Archive this survey? No new invitations will be sent.">
              Archive survey
            </button>
          </form>
        )}
      </>
    ),
  });
  return withQuestionNumbers(page);
}

function SurveyStatus(props: { survey: NonNullable<EditorPageProps["survey"]> }) {
  const { survey } = props;
  const badge = STATUS_BADGE[survey.status];
  return (
    <p class="actions">
      <Badge tone={badge.tone}>{badge.label}</Badge>
      <span>{survey.currentVersion ? `Respondents get version ${survey.currentVersion}.` : "Not published yet."}</span>
      {survey.currentVersion && survey.unpublishedChanges && <Badge tone="info">Draft has unpublished changes</Badge>}
    </p>
  );
}

function EditorButtons(props: { survey: EditorPageProps["survey"] }) {
  return (
    <div class="actions editor-buttons">
      <button type="submit" name="action" value="save">
        Save draft
      </button>
      <button type="submit" name="action" value="publish" class="secondary">
        {props.survey?.currentVersionId ? "Save and publish a new version" : "Save and publish"}
      </button>
    </div>
  );
}

function SettingsSection(props: EditorPageProps & { placed: FormErrors }) {
  const { state, placed: errors } = props;
  const published = Boolean(props.survey?.currentVersionId);
  return (
    <section aria-labelledby="settings-h">
      <h2 id="settings-h">Who is asked, and when</h2>
      <TextField name="name" label="Name (for your team)" value={state.name} error={errors.name} />
      <SelectField
        name="kind"
        label="Kind"
        options={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))}
        value={state.kind}
        blank={state.kind ? undefined : "Choose a kind"}
        error={errors.kind}
        hint={published ? "Fixed once published: frequency rules and scores depend on it." : undefined}
      />
      <SelectField name="journeyStage" label="Journey stage" options={props.stages} value={state.journeyStage} blank="Choose a stage" error={errors.journeyStage} />
      <CheckboxGroup name="targetRoles" label="Target roles" options={props.roles} values={state.targetRoles} error={errors.targetRoles} hint="None ticked: every role is asked." />
      <TextField name="delayDays" label="Delay (days)" type="number" min={0} max={365} value={state.delayDays} error={errors.delayDays} hint="Transactional: days after the journey event before the invitation goes out." />
      <div class="field-row">
        <TextField name="wavesPerYear" label="Waves per year" type="number" min={1} max={52} value={state.wavesPerYear} error={errors.wavesPerYear} hint="Relational programs: how many waves a year." />
        <TextField name="fractionPerWave" label="Share of contacts per wave" type="number" step="0.05" min={0} max={1} value={state.fractionPerWave} error={errors.fractionPerWave} hint="Relational programs: more than 0, at most 1 (0.5 = half)." />
      </div>
      <SelectField name="defaultLocale" label="Default language" options={state.locales.map((l) => ({ value: l, label: localeLabel(l) }))} value={state.defaultLocale} error={errors.defaultLocale} hint="Every text is needed in this language; others fall back to it." />
    </section>
  );
}

function TextsSection(props: { state: EditorState; errors: FormErrors; canEdit: boolean; newLocale?: string }) {
  const { state, errors } = props;
  return (
    <section aria-labelledby="texts-h">
      <h2 id="texts-h">Texts per language</h2>
      {state.locales.map((l) => {
        const p = `texts.${l}`;
        const t = state.texts[l] ?? { title: "", intro: "", emailSubject: "" };
        return (
          <FieldGroup name={p} legend={`${localeLabel(l)}${l === state.defaultLocale ? ", default" : ""}`} error={errors[p]} hint={l === state.defaultLocale ? undefined : "Leave blank to show the default language."}>
            <TextField name={`${p}.title`} label="Title" value={t.title} error={errors[`${p}.title`]} />
            <TextAreaField name={`${p}.intro`} label="Introduction" value={t.intro} rows={3} error={errors[`${p}.intro`]} hint="Why you ask and what you will do with the answer." />
            <TextField name={`${p}.emailSubject`} label="Email subject (optional)" value={t.emailSubject} error={errors[`${p}.emailSubject`]} />
            {props.canEdit && l !== state.defaultLocale && (
              <button type="submit" name="action" value={`remove-locale-${l}`} class="secondary">
                Remove {localeLabel(l)}
              </button>
            )}
          </FieldGroup>
        );
      })}
      {props.canEdit && (
        <div class="actions add-row">
          <TextField name="newLocale" label="Add a language" value={errors.newLocale ? (props.newLocale ?? "") : ""} error={errors.newLocale} hint="A language tag such as de, fr, es or fr-CA." />
          <button type="submit" name="action" value="add-locale" class="secondary">
            Add locale
          </button>
        </div>
      )}
    </section>
  );
}

function QuestionsSection(props: { state: EditorState; errors: FormErrors; canEdit: boolean }) {
  const { state, errors } = props;
  return (
    <section aria-labelledby="questions-h">
      <h2 id="questions-h">Questions</h2>
      <FieldGroup name="questions" legend={`Questions (${state.questions.length} of 5)`} error={errors.questions} hint="1 to 5 questions: short surveys are the point." class="plain">
        {state.questions.map((question, i) => (
          <QuestionFields question={question} index={i} state={state} errors={errors} canEdit={props.canEdit} />
        ))}
      </FieldGroup>
      {props.canEdit && (
        <div class="actions add-row">
          <SelectField name="newQuestionType" label="Type of the new question" options={QUESTION_TYPES.map((t) => ({ value: t, label: QUESTION_TYPE_LABEL[t]! }))} value="rating" />
          <button type="submit" name="action" value="add-question" class="secondary">
            Add question
          </button>
        </div>
      )}
    </section>
  );
}

function QuestionFields(props: { question: EditorQuestion; index: number; state: EditorState; errors: FormErrors; canEdit: boolean }) {
  const { question, index, state, errors } = props;
  const p = `questions.${index}`;
  const isChoice = question.type === "choice" || question.type === "multi";
  const others = state.questions.map((q, j) => ({ q, j })).filter(({ j }) => j !== index);
  // The question a condition followed was removed (or its key changed): the select can no longer show it, so the
  // condition would be dropped silently on the next save. Say so beside it.
  const followed = question.showIf.questionId;
  const lostCondition = followed !== "" && !others.some(({ q }) => q.id === followed);
  return (
    <FieldGroup name={p} legend={`Question ${index + 1}`} error={errors[p]} class="question">
      <div class="field-row">
        <SelectField
          name={`${p}.type`}
          label="Type"
          options={QUESTION_TYPES.map((t) => ({ value: t, label: QUESTION_TYPE_LABEL[t]! }))}
          value={question.type}
          error={errors[`${p}.type`]}
        />
        <TextField name={`${p}.id`} label="Key" value={question.id} error={errors[`${p}.id`]} hint="Names the answer in conditions and exports: lower-case letters, digits, _." />
      </div>
      {state.locales.map((l) => (
        <TextField name={`${p}.text.${l}`} label={`Question, ${localeLabel(l)}`} value={question.text[l] ?? ""} error={errors[`${p}.text.${l}`]} />
      ))}
      <CheckboxField name={`${p}.required`} label="An answer is required" checked={question.required} error={errors[`${p}.required`]} />
      <div id={`options-${index}`} hidden={!isChoice} data-shown-by={fieldId(`${p}.type`)} data-shown-for="choice multi">
        <FieldGroup name={`${p}.options`} legend="Options" error={errors[`${p}.options`]} hint="At least 2. A value is stored and used in conditions; the label is shown. Blank rows are ignored; for another row, press Update preview or Save draft.">
          {editorOptionRows(question).map((option, o) => (
            <div class="option-row">
              <TextField name={`${p}.options.${o}.value`} label={`Option ${o + 1} value`} value={option.value} error={errors[`${p}.options.${o}.value`]} />
              {state.locales.map((l) => (
                <TextField name={`${p}.options.${o}.label.${l}`} label={`Option ${o + 1} label, ${localeLabel(l)}`} value={option.label[l] ?? ""} error={errors[`${p}.options.${o}.label.${l}`]} />
              ))}
            </div>
          ))}
        </FieldGroup>
      </div>
      <FieldGroup
        name={`${p}.showIf`}
        legend="Condition (optional)"
        error={errors[`${p}.showIf`] ?? (lostCondition ? `it followed question ${followed}, which is no longer in this survey; unless you choose another, this question will always show` : undefined)}
        hint="Show this question only when an earlier answer matches: a range for a scale question, option values for a choice question.">
        <SelectField
          name={`${p}.showIf.questionId`}
          label="Show only after question"
          options={others.map(({ q, j }) => ({ value: q.id, label: `Question ${j + 1} (${q.id})` }))}
          value={question.showIf.questionId}
          blank="Always show"
          error={errors[`${p}.showIf.questionId`]}
        />
        <div class="field-row">
          <TextField name={`${p}.showIf.min`} label="Lowest score" type="number" value={question.showIf.min} error={errors[`${p}.showIf.min`]} />
          <TextField name={`${p}.showIf.max`} label="Highest score" type="number" value={question.showIf.max} error={errors[`${p}.showIf.max`]} />
        </div>
        <TextField name={`${p}.showIf.anyOf`} label="Or one of these option values" value={question.showIf.anyOf} error={errors[`${p}.showIf.anyOf`]} hint="Separated by commas." />
      </FieldGroup>
      {props.canEdit && (
        <div class="actions">
          {index > 0 && (
            <button type="submit" name="action" value={`move-question-up-${index}`} class="secondary">
              Move question {index + 1} up
            </button>
          )}
          <button type="submit" name="action" value={`remove-question-${index}`} class="secondary">
            Remove question {index + 1}
          </button>
        </div>
      )}
    </FieldGroup>
  );
}

function Versions(props: { survey: Survey; versions: Pick<SurveyVersion, "version" | "publishedAt">[] }) {
  return (
    <section aria-labelledby="versions-h">
      <h2 id="versions-h">Versions</h2>
      {props.versions.length === 0 ? (
        <p>No version yet: publishing freezes the questions as version 1.</p>
      ) : (
        <TableWrap label="Published versions">
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
              </tr>
            </thead>
            <tbody>
              {props.versions.map((v) => (
                <tr>
                  <td>
                    <a href={`/admin/surveys/${props.survey.id}/versions/${v.version}`}>Version {v.version}</a>
                  </td>
                  <td><Instant iso={v.publishedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

/** A published version, read-only: its texts and questions as respondents get them, and its preview. */
export function surveyVersionPage(props: {
  nonce: string;
  viewer: AdminViewer;
  survey: Survey;
  version: SurveyVersion;
  previewLocale: string;
  previewHtml: string | null;
}): string {
  const { survey, version } = props;
  const locales = [version.defaultLocale, ...Object.keys(version.texts).filter((l) => l !== version.defaultLocale)];
  return adminPage({
    title: `${survey.name}: version ${version.version}`,
    nonce: props.nonce,
    viewer: props.viewer,
    active: "surveys",
    lead: `Published ${formatInstant(version.publishedAt)}. A published version never changes; invitations sent with it keep it.`,
    children: (
      <>
        <p>
          <a href={`/admin/surveys/${survey.id}`}>Back to the survey</a>
        </p>
        <h2>Texts</h2>
        <dl class="facts">
          {locales.map((l) => (
            <>
              <dt>{localeLabel(l)}</dt>
              <dd>
                <strong>{version.texts[l]?.title}</strong> {version.texts[l]?.intro}
              </dd>
            </>
          ))}
        </dl>
        <h2>Questions</h2>
        <ol class="question-list">
          {version.questions.map((q) => (
            <QuestionSummary question={q} defaultLocale={version.defaultLocale} />
          ))}
        </ol>
        <section aria-labelledby="preview-h">
          <h2 id="preview-h">Preview</h2>
          <nav aria-label="Preview language" class="actions">
            {locales.map((l) => (
              <a href={`/admin/surveys/${survey.id}/versions/${version.version}?locale=${encodeURIComponent(l)}`} aria-current={l === props.previewLocale ? "true" : undefined}>
                {localeLabel(l)}
              </a>
            ))}
          </nav>
          <PreviewFrames html={props.previewHtml} localeLabel={localeLabel(props.previewLocale)} />
        </section>
      </>
    ),
  });
}

function QuestionSummary(props: { question: Question; defaultLocale: string }) {
  const q = props.question;
  return (
    <li>
      <p>
        <strong>{q.text[props.defaultLocale] ?? Object.values(q.text)[0]}</strong> <Badge>{QUESTION_TYPE_LABEL[q.type] ?? q.type}</Badge> {q.required && <Badge tone="info">Required</Badge>}
      </p>
      <p class="muted">
        Key {q.id}
        {Object.keys(q.text).length > 1 && <> · also in {Object.keys(q.text).filter((l) => l !== props.defaultLocale).join(", ")}</>}
        {q.showIf && <> · shown when {describeCondition(q)}</>}
      </p>
      {q.options && (
        <ul>
          {q.options.map((o) => (
            <li>
              {o.label[props.defaultLocale] ?? Object.values(o.label)[0]} <span class="muted">({o.value})</span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function describeCondition(q: Question): string {
  const c = q.showIf!;
  if (c.anyOf) return `${c.questionId} is one of ${c.anyOf.join(", ")}`;
  if (c.min !== undefined && c.max !== undefined) return `${c.questionId} is between ${c.min} and ${c.max}`;
  if (c.max !== undefined) return `${c.questionId} is at most ${c.max}`;
  return `${c.questionId} is at least ${c.min}`;
}
