import { and, asc, desc, eq, sql } from "drizzle-orm";
import { Hono, type Context } from "hono";
import type { Db } from "../../db/client";
import { settings, surveys, surveyVersions } from "../../db/schema";
import {
  applyEditorAction,
  editorStateFrom,
  newEditorState,
  previewContent,
  readEditorForm,
  validateEditorState,
  type EditorState,
} from "../../domain/surveys/form";
import { createdJustNow } from "../../domain/audit/query";
import { archiveSurvey, createSurvey, publishSurvey, updateSurvey } from "../../domain/surveys/surveys";
import { ApiError, notFound, type FieldError } from "../../lib/errors";
import { surveyEditorPage, surveyVersionPage } from "../../views/admin/survey-editor";
import { previewHtml, PreviewFrames, localeLabel, type PreviewSettings } from "../../views/admin/survey-editor-preview";
import { surveysPage } from "../../views/admin/surveys";
import { keyedOptions, roleRows, stageRows } from "./choices";
import { flashFrom, formBody } from "./forms";
import type { AdminEnv } from "./session";

/**
 * /admin/surveys: the list by journey stage, the editor (works without JavaScript: every button posts the whole form
 * and the page re-renders with what was typed), its live preview, publish, archive and the published versions.
 * Validation is the API's: the form is mapped to SurveyCreate and saved through the same domain functions.
 */
export const surveysAdmin = new Hono<AdminEnv>();
type C = Context<AdminEnv>;

const LIST_LIMIT = 500;
const FLASH = {
  saved: "Draft saved.",
  published: "Published: respondents get the new version from now on.",
  unchanged: "Nothing to publish: the draft is the same as the version respondents get, so no new version was made.",
  archived: "Archived: no new invitations will be sent.",
};
/** Who the preview says asks, when the viewer is not a person (the admin token). */
const SAMPLE_OWNER = "Olivia Owner";

surveysAdmin.get("/", async (c) => {
  const db = c.var.db;
  const [stages, roleList, rows] = await db.batch([
    stageRows(db),
    roleRows(db),
    db
      .select({
        id: surveys.id,
        name: surveys.name,
        kind: surveys.kind,
        journeyStage: surveys.journeyStage,
        targetRoles: surveys.targetRoles,
        status: surveys.status,
        version: surveyVersions.version,
      })
      .from(surveys)
      .leftJoin(surveyVersions, eq(surveyVersions.id, surveys.currentVersionId))
      .orderBy(asc(surveys.name), asc(surveys.id))
      .limit(LIST_LIMIT + 1),
  ]);
  return c.html(
    surveysPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      flash: flashFrom(c, FLASH),
      surveys: rows.slice(0, LIST_LIMIT),
      truncated: rows.length > LIST_LIMIT,
      stages: keyedOptions(stages),
      roles: keyedOptions(roleList),
    }),
  );
});

surveysAdmin.get("/new", async (c) => {
  const data = await loadEditorData(c.var.db, null);
  const state = newEditorState(data.settings.defaultLocale);
  return c.html(renderEditor(c, data, state, [], { previewLocale: c.req.query("locale") }));
});

surveysAdmin.post("/new", (c) => handleEditorForm(c, null));

/** The live preview's fragment (htmx posts the whole form on each keystroke); nothing is stored. */
surveysAdmin.post("/preview", async (c) => {
  const body = await formBody(c);
  const { state, previewLocale } = readEditorForm(body);
  const row = await c.var.db.select().from(settings).where(eq(settings.id, 1)).get();
  const sent = typeof body.previewNonce === "string" ? body.previewNonce : "";
  // The frame inherits the CSP of the page it is swapped into, so its stylesheet needs that page's nonce.
  const nonce = /^[A-Za-z0-9_-]{16,64}$/.test(sent) ? sent : c.var.nonce;
  const locale = pickLocale(state, previewLocale);
  const html = previewHtml(previewContent(state), locale, previewSettings(c, row), nonce);
  return c.html(String(<PreviewFrames html={html} localeLabel={localeLabel(locale)} />));
});

surveysAdmin.get("/:id", async (c) => {
  const data = await loadEditorData(c.var.db, c.req.param("id"));
  if (!data.survey) throw notFound("This survey");
  return c.html(renderEditor(c, data, editorStateFrom(data.survey), [], { previewLocale: c.req.query("locale"), flash: flashFrom(c, FLASH) }));
});

surveysAdmin.post("/:id", (c) => handleEditorForm(c, c.req.param("id")));

surveysAdmin.post("/:id/archive", async (c) => {
  const survey = await archiveSurvey(c.var.db, c.var.actor.id, c.req.param("id"));
  return c.redirect(`/admin/surveys/${survey.id}?done=archived`, 303);
});

surveysAdmin.get("/:id/versions/:version", async (c) => {
  const db = c.var.db;
  const id = c.req.param("id");
  const number = Number(c.req.param("version"));
  const [[survey], [version], [settingsRow]] = await db.batch([
    db.select().from(surveys).where(eq(surveys.id, id)),
    db
      .select()
      .from(surveyVersions)
      .where(and(eq(surveyVersions.surveyId, id), eq(surveyVersions.version, Number.isInteger(number) ? number : -1))),
    db.select().from(settings).where(eq(settings.id, 1)),
  ]);
  if (!survey || !version) throw notFound("This survey version");
  const requested = c.req.query("locale") ?? "";
  const locale = requested in version.texts ? requested : version.defaultLocale;
  return c.html(
    surveyVersionPage({
      nonce: c.var.nonce,
      viewer: c.var.viewer,
      survey,
      version,
      previewLocale: locale,
      previewHtml: previewHtml(version, locale, previewSettings(c, settingsRow), c.var.nonce),
    }),
  );
});

/**
 * Save / publish validate and store; the other buttons (add or remove a question or a locale, update the preview)
 * re-render what was typed without storing anything.
 */
async function handleEditorForm(c: C, id: string | null) {
  const { state, action, previewLocale } = readEditorForm(await formBody(c));
  const db = c.var.db;
  if (action.kind !== "save" && action.kind !== "publish") {
    const { state: next, errors } = applyEditorAction(state, action);
    const data = await loadEditorData(db, id);
    if (id && !data.survey) throw notFound("This survey");
    const newLocale = action.kind === "add-locale" ? action.locale : undefined;
    return c.html(renderEditor(c, data, next, errors, { previewLocale, unsaved: true, newLocale }), errors.length ? 400 : 200);
  }
  const checked = validateEditorState(state);
  let errors: FieldError[] = checked.ok ? [] : checked.errors;
  let status: 400 | 409 | 422 = 400;
  if (checked.ok && !id && (await createdJustNow(db, { action: "survey.create", actor: c.var.actor.id, name: checked.value.name, now: new Date() }))) {
    // Back and Save again (or a double click) would make a second survey of the same name: refuse it, nothing written.
    errors = [{ path: "name", message: "You created a survey of this name a moment ago; this form was sent twice. Find it under All surveys." }];
    status = 409;
  } else if (checked.ok) {
    try {
      const survey = id ? await updateSurvey(db, c.var.actor.id, id, checked.value) : await createSurvey(db, c.var.actor.id, checked.value);
      let done: keyof typeof FLASH = "saved";
      if (action.kind === "publish") {
        const { version } = await publishSurvey(db, c.var.actor.id, survey.id);
        // An active survey whose draft equals its version keeps that version: say so, not "the new version".
        done = survey.status === "active" && version.id === survey.currentVersionId ? "unchanged" : "published";
      }
      return c.redirect(`/admin/surveys/${survey.id}?done=${done}`, 303);
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 409 && error.status !== 422)) throw error;
      errors = error.errors?.length ? error.errors : [{ path: "(form)", message: error.detail ?? error.title }];
      status = error.status;
    }
  }
  const data = await loadEditorData(db, id);
  if (id && !data.survey) throw notFound("This survey");
  return c.html(renderEditor(c, data, state, errors, { previewLocale }), status);
}

type EditorData = Awaited<ReturnType<typeof loadEditorData>>;

/** Everything the editor shows besides the form, in one batch (one D1 round trip). */
async function loadEditorData(db: Db, id: string | null) {
  const [stages, roleList, settingsRows, surveyRows, versionRows] = await db.batch([
    stageRows(db),
    roleRows(db),
    db.select().from(settings).where(eq(settings.id, 1)),
    db
      .select({
        survey: surveys,
        // The stored JSON texts compare as written: the draft differs from what respondents get.
        unpublishedChanges: sql<number>`coalesce(${surveys.questions} <> ${surveyVersions.questions} OR ${surveys.texts} <> ${surveyVersions.texts} OR ${surveys.defaultLocale} <> ${surveyVersions.defaultLocale}, 0)`,
      })
      .from(surveys)
      .leftJoin(surveyVersions, eq(surveyVersions.id, surveys.currentVersionId))
      .where(eq(surveys.id, id ?? "")),
    db
      .select({ id: surveyVersions.id, version: surveyVersions.version, publishedAt: surveyVersions.publishedAt })
      .from(surveyVersions)
      .where(eq(surveyVersions.surveyId, id ?? ""))
      .orderBy(desc(surveyVersions.version)),
  ]);
  const survey = surveyRows[0] ? { ...surveyRows[0].survey, unpublishedChanges: Boolean(surveyRows[0].unpublishedChanges) } : null;
  const settingsRow = settingsRows[0];
  return {
    stages: keyedOptions(stages),
    roles: keyedOptions(roleList),
    settings: { row: settingsRow, defaultLocale: settingsRow?.defaultLocale ?? "en" },
    survey: survey && { ...survey, currentVersion: versionRows.find((v) => v.id === survey.currentVersionId)?.version ?? null },
    versions: versionRows,
  };
}

function renderEditor(c: C, data: EditorData, state: EditorState, errors: FieldError[], options: { previewLocale?: string; flash?: string | null; unsaved?: boolean; newLocale?: string }) {
  const locale = pickLocale(state, options.previewLocale);
  return surveyEditorPage({
    nonce: c.var.nonce,
    viewer: c.var.viewer,
    flash: options.flash,
    survey: data.survey,
    state,
    errors,
    stages: data.stages,
    roles: data.roles,
    versions: data.versions,
    previewLocale: locale,
    previewHtml: previewHtml(previewContent(state), locale, previewSettings(c, data.settings.row), c.var.nonce),
    unsaved: options.unsaved,
    newLocale: options.newLocale,
  });
}


function pickLocale(state: EditorState, wanted: string | undefined): string {
  return wanted && state.locales.includes(wanted) ? wanted : state.defaultLocale || state.locales[0] || "en";
}

function previewSettings(c: C, row: { organizationName: string; timeZone: string } | undefined): PreviewSettings {
  const viewer = c.var.viewer;
  return { organizationName: row?.organizationName ?? "Quorum", timeZone: row?.timeZone ?? "UTC", ownerName: viewer.email ? viewer.name : SAMPLE_OWNER };
}
