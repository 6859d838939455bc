import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { maskEmail, resubscribe, unsubscribe, unsubscribeTarget, type UnsubscribeTarget } from "../../domain/directory/unsubscribe";
import { verifyLink, type LinkFailure } from "../../domain/links/tokens";
import {
  deviceClass,
  missingRequired,
  parseSubmission,
  problemFor,
  submittedAsValues,
  type AnswerProblem,
} from "../../domain/responses/answers";
import { isAnswerable, loadContext, markOpened, type RespondentContext } from "../../domain/responses/context";
import { saveAnswers } from "../../domain/responses/save";
import { localeFromAcceptLanguage, messagesFor } from "../../i18n";
import { linkProblemPage, messagePage, type LinkProblem } from "../../views/message-page";
import { surveyPage } from "../../views/survey-page";
import type { PageEnv } from "../middleware/page-env";
import { securityHeaders } from "../middleware/security-headers";

type RespondentContextC = Context<PageEnv>;

/** A survey form is a few short answers; anything larger is not from our page. */
const MAX_FORM_BYTES = 64 * 1024;

/** /s/:token (survey) and /u/:token (unsubscribe): friendly localized HTML, never problem+json, never a 500 page with internals. */
export const respondent = new Hono<PageEnv>();

const respondentHeaders = securityHeaders("no-referrer");
respondent.use("/s/*", respondentHeaders);
respondent.use("/u/*", respondentHeaders);
const formLimit = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: (c) => problem(c as unknown as RespondentContextC, "invalid", 413),
});
respondent.post("/s/*", formLimit);
respondent.post("/u/*", formLimit);

respondent.onError((error, c) => {
  console.error("respondent page failed", error);
  const locale = localeFromAcceptLanguage(c.req.header("accept-language"));
  const { t } = messagesFor(locale);
  return c.html(messagePage({ locale, nonce: c.var.nonce ?? "", title: t.unavailableTitle, body: t.unavailableBody }), 503);
});

respondent.get("/s/:token", async (c) => {
  const now = new Date();
  const link = await verifyLink(c.env, c.req.param("token"), "survey", now);
  if (!link.ok) return problem(c, problemOfLink(link.reason));
  const context = await loadContext(c.var.db, link.invitationId);
  if (!context) return problem(c, "invalid");
  if (!isAnswerable(context, now)) return problem(c, "closed", undefined, context.contactLocale);
  // A bare GET records nothing (mail scanners prefetch every link): no "opened", and ?score=N only preselects.
  const preselected = scoreFromEmail(context, c.req.query("score"));
  const answers = preselected ? new Map([...context.answers, [preselected.questionId, { num: preselected.score }]]) : context.answers;
  const notice = c.req.query("m") === "saved" ? "saved" : null;
  return c.html(surveyPage({ context, answers, problems: new Map(), notice, now, nonce: c.var.nonce, preselected: !!preselected }));
});

/** `?score=N` from a link in the email: N on the survey's first question when that is NPS (0–10); anything else is ignored. */
function scoreFromEmail(context: RespondentContext, raw: string | undefined): { questionId: string; score: number } | null {
  const first = context.questions[0];
  if (!raw || !first || first.type !== "nps" || !/^(?:10|[0-9])$/.test(raw)) return null;
  return { questionId: first.id, score: Number(raw) };
}

respondent.post("/s/:token", async (c) => {
  const now = new Date();
  const token = c.req.param("token");
  const link = await verifyLink(c.env, token, "survey", now);
  if (!link.ok) return problem(c, problemOfLink(link.reason));
  const fields = await formFields(c);
  // The page's script reports the page was opened in a browser (one batch; the first save does the same).
  if (fields.action?.[0] === "open") {
    await markOpened(c.var.db, link.invitationId, now);
    return c.body(null, 204);
  }
  const submission = parseSubmission(fields);
  const { context, invalid } = await saveAnswers(
    c.var.db,
    { invitationId: link.invitationId, submission, deviceClass: deviceClass(c.req.header("user-agent")) },
    now,
  );
  if (!context) return problem(c, "invalid");
  if (!isAnswerable(context, now)) return problem(c, "closed", undefined, context.contactLocale);

  const refused = invalid.length > 0;
  const missing = submission.action === "submit" && !refused && context.response?.status !== "complete";
  if (refused || missing) {
    const answers = new Map([...context.answers, ...submittedAsValues(submission.answers)]);
    const problems = new Map<string, AnswerProblem>(
      refused
        ? invalid.map((id) => [id, problemFor(context.questions.find((q) => q.id === id))])
        : missingRequired(context.questions, answers).map((q) => [q.id, { kind: "required" }]),
    );
    return rerender(c, context, answers, problems, now);
  }
  // Closing the loop (SPEC §8): cases and webhooks run from a queue message after the response is stored, never here.
  if (context.response?.status === "complete") announceStoredResponse(c, context.invitationId);
  if (c.req.header("x-autosave") === "1") return c.body(null, 204);
  const saved = submission.action === "next" && submission.answers.length > 0;
  return c.redirect(saved ? `/s/${token}?m=saved` : `/s/${token}`, 303);
});

respondent.get("/u/:token", async (c) => {
  const target = await unsubscribeTargetOf(c);
  if (!target) return problem(c, "invalidUnsubscribe");
  const { t } = messagesFor(target.locale);
  if (target.status !== "active") return unsubscribedPage(c, target, target.status === "unsubscribed");
  return c.html(
    messagePage({
      locale: target.locale,
      nonce: c.var.nonce,
      title: t.unsubscribeTitle,
      body: t.unsubscribeConfirm(target.organizationName, maskEmail(target.email)),
      form: { button: t.unsubscribeButton, hidden: { confirm: "1" } },
    }),
  );
});

/**
 * The confirm button and RFC 8058 one-click (`List-Unsubscribe=One-Click` posted by the mail client) land here; so
 * does "undo" (`action=undo`) from the confirmation, which subscribes the address again.
 */
respondent.post("/u/:token", async (c) => {
  const target = await unsubscribeTargetOf(c);
  if (!target) return problem(c, "invalidUnsubscribe");
  const fields = await formFields(c);
  if (fields.action?.[0] === "undo") {
    await resubscribe(c.var.db, c.env.HMAC_SECRET, target, new Date());
    const { t } = messagesFor(target.locale);
    return c.html(
      messagePage({ locale: target.locale, nonce: c.var.nonce, title: t.resubscribedTitle, body: t.resubscribedBody(target.organizationName, maskEmail(target.email)) }),
    );
  }
  await unsubscribe(c.var.db, c.env.HMAC_SECRET, target, new Date());
  return unsubscribedPage(c, target, target.status === "active" || target.status === "unsubscribed");
});

/** Any other path or method under /s and /u is a link that does not work, shown as such (not as an API error). */
respondent.all("/s/*", (c) => problem(c, "invalid"));
respondent.all("/u/*", (c) => problem(c, "invalidUnsubscribe"));

async function unsubscribeTargetOf(c: RespondentContextC) {
  const link = await verifyLink(c.env, c.req.param("token") ?? "", "unsubscribe");
  return link.ok ? unsubscribeTarget(c.var.db, link.invitationId) : null;
}

/** The confirmation names the address (partly masked) and offers to undo an unsubscribe (never a bounce or erasure). */
function unsubscribedPage(c: RespondentContextC, target: UnsubscribeTarget, undo: boolean) {
  const { t } = messagesFor(target.locale);
  return c.html(
    messagePage({
      locale: target.locale,
      nonce: c.var.nonce,
      title: t.unsubscribedTitle,
      body: t.unsubscribedBody(target.organizationName, maskEmail(target.email)),
      ...(undo ? { note: t.undoHint, form: { button: t.undoButton, hidden: { action: "undo" }, secondary: true } } : {}),
    }),
  );
}

/** An expired token is a real link past its time ("closed"); anything else is just not a working link. */
function problemOfLink(reason: LinkFailure): LinkProblem {
  return reason === "expired" ? "closed" : "invalid";
}

/** 404 for a link that does not work, 410 for a survey that is closed; in the contact's language when known. */
function problem(c: RespondentContextC, kind: LinkProblem, status?: ContentfulStatusCode, locale?: string | null) {
  const language = locale ?? localeFromAcceptLanguage(c.req.header("accept-language"));
  return c.html(linkProblemPage(kind, language, c.var.nonce), status ?? (kind === "closed" ? 410 : 404));
}

function rerender(c: RespondentContextC, context: RespondentContext, answers: RespondentContext["answers"], problems: Map<string, AnswerProblem>, now: Date) {
  return c.html(surveyPage({ context, answers, problems, notice: null, now, nonce: c.var.nonce }), 422);
}

async function formFields(c: RespondentContextC): Promise<Record<string, string[]>> {
  const type = c.req.header("content-type") ?? "";
  if (!/application\/x-www-form-urlencoded|multipart\/form-data/i.test(type)) return {};
  // A malformed body (e.g. multipart without a boundary) is not from our form: treat it as no answers, never a 5xx.
  const body = await c.req.parseBody({ all: true }).catch(() => null);
  if (!body) return {};
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string")]),
  );
}

/** Queues the stored (complete) response for case rules and webhooks after the page is answered; not a D1 round trip. */
function announceStoredResponse(c: Context<PageEnv>, invitationId: string) {
  const sent = c.env.LOOP_QUEUE.send({ type: "response.submitted", invitationId }).catch((error: unknown) => console.error("could not queue the response", invitationId, error));
  try {
    c.executionCtx.waitUntil(sent);
  } catch {
    // No execution context (not in the Workers runtime): the send was started anyway.
  }
}
