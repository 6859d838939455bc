import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { unsubscribe, unsubscribeTarget } from "../../domain/directory/unsubscribe";
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
import { localeFromAcceptLanguage, messagesFor } from "../../views/i18n";
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
  if (!context.openedAt) await markOpened(c.var.db, context.invitationId, now);
  const notice = c.req.query("m") === "saved" ? "saved" : null;
  return c.html(surveyPage({ context, answers: context.answers, problems: new Map(), notice, now, nonce: c.var.nonce }));
});

respondent.post("/s/:token", async (c) => {
  const now = new Date();
  const token = c.req.param("token");
  const link = await verifyLink(c.env, token, "survey", now);
  if (!link.ok) return problem(c, problemOfLink(link.reason));
  const submission = parseSubmission(await formFields(c));
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
  if (!target) return problem(c, "invalid");
  const { t } = messagesFor(target.locale);
  if (target.status !== "active") return unsubscribedPage(c, target);
  return c.html(
    messagePage({
      locale: target.locale,
      nonce: c.var.nonce,
      title: t.unsubscribeTitle,
      body: t.unsubscribeConfirm(target.organizationName),
      form: { button: t.unsubscribeButton, hidden: { confirm: "1" } },
    }),
  );
});

/** The confirm button and RFC 8058 one-click (`List-Unsubscribe=One-Click` posted by the mail client) land here. */
respondent.post("/u/:token", async (c) => {
  const target = await unsubscribeTargetOf(c);
  if (!target) return problem(c, "invalid");
  await unsubscribe(c.var.db, c.env.HMAC_SECRET, target, new Date());
  return unsubscribedPage(c, target);
});

/** Any other path or method under /s and /u is a link that does not work, shown as such (not as an API error). */
respondent.all("/s/*", (c) => problem(c, "invalid"));
respondent.all("/u/*", (c) => problem(c, "invalid"));

async function unsubscribeTargetOf(c: RespondentContextC) {
  const link = await verifyLink(c.env, c.req.param("token") ?? "", "unsubscribe");
  return link.ok ? unsubscribeTarget(c.var.db, link.invitationId) : null;
}

function unsubscribedPage(c: RespondentContextC, target: { locale: string; organizationName: string }) {
  const { t } = messagesFor(target.locale);
  return c.html(
    messagePage({ locale: target.locale, nonce: c.var.nonce, title: t.unsubscribedTitle, body: t.unsubscribedBody(target.organizationName) }),
  );
}

/** An expired token is a real link past its time ("closed"); anything else is just not a working link. */
function problemOfLink(reason: LinkFailure): LinkProblem {
  return reason === "expired" ? "closed" : "invalid";
}

/** 404 for a link that does not work, 410 for a survey that is closed; in the contact's language when known. */
function problem(c: RespondentContextC, kind: LinkProblem, status?: ContentfulStatusCode, locale?: string | null) {
  const language = locale ?? localeFromAcceptLanguage(c.req.header("accept-language"));
  return c.html(linkProblemPage(kind, language, c.var.nonce), status ?? (kind === "invalid" ? 404 : 410));
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
