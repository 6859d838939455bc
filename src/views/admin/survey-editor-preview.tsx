import type { Question, SurveyTexts } from "../../db/schema";
import type { RespondentContext } from "../../domain/responses/context";
import { surveyPage } from "../survey-page";

/**
 * The live preview: the respondent page's own code (views/survey-page) rendered with a made-up contact, shown in
 * sandboxed iframes (no scripts, no forms, so it cannot submit anywhere) at phone and desktop width. A srcdoc frame
 * inherits the admin page's CSP, so the page is rendered with that page's nonce for its inline stylesheet.
 */

export interface PreviewSettings {
  organizationName: string;
  ownerName: string;
  timeZone: string;
}

export const PREVIEW_CONTACT = "Alex Example";
export const PREVIEW_ACCOUNT = "Example Corp";

export function previewHtml(
  content: { questions: Question[]; texts: Record<string, SurveyTexts>; defaultLocale: string },
  locale: string,
  settings: PreviewSettings,
  nonce: string,
): string | null {
  if (content.questions.length === 0) return null;
  const context: RespondentContext = {
    invitationId: "preview",
    status: "sent",
    openedAt: null,
    expiresAt: null,
    revokedAt: null,
    contactStatus: "active",
    contactName: PREVIEW_CONTACT,
    contactLocale: locale,
    accountName: PREVIEW_ACCOUNT,
    ownerName: settings.ownerName,
    organizationName: settings.organizationName,
    timeZone: settings.timeZone,
    questions: content.questions,
    texts: content.texts,
    defaultLocale: content.defaultLocale,
    response: null,
    answers: new Map(),
  };
  try {
    // The sandboxed frames run no script: the page's own (autosave) is left out, rather than blocked with a console error.
    return surveyPage({ context, answers: new Map(), problems: new Map(), notice: null, now: new Date(), nonce }).replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
  } catch {
    // A half-typed survey the page cannot show yet: the editor says so instead of failing.
    return null;
  }
}

/** The two frames of one locale's preview; `localeLabel` names the language for screen readers. */
export function PreviewFrames(props: { html: string | null; localeLabel: string }) {
  if (!props.html) return <p class="muted">The preview appears once the survey has a question.</p>;
  return (
    <div class="preview-frames">
      <figure class="preview-phone">
        <figcaption>Phone (320 px), {props.localeLabel}</figcaption>
        <iframe sandbox="" srcdoc={props.html} title={`Respondent page preview, phone width, ${props.localeLabel}`} />
      </figure>
      <figure class="preview-desktop">
        <figcaption>Desktop, {props.localeLabel}</figcaption>
        <iframe sandbox="" srcdoc={props.html} title={`Respondent page preview, desktop width, ${props.localeLabel}`} />
      </figure>
    </div>
  );
}

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" });
  } catch {
    return null;
  }
})();

/** "German (de)"; the tag alone when the runtime does not know the language. */
export function localeLabel(locale: string): string {
  let name: string | undefined;
  try {
    name = languageNames?.of(locale);
  } catch {
    name = undefined;
  }
  return name && name !== locale ? `${name} (${locale})` : locale;
}
