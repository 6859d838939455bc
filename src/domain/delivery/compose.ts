import { html } from "hono/html";
import type { MailKind } from "../messages";
import { headerSafe } from "../../lib/header-text";
import type { Question, SurveyTexts } from "../../db/schema";
import { localized, messagesFor, respondentLocale, type Messages } from "../../i18n";
import type { MailMessage } from "./provider";

/** What an invitation email is written from: the invitation's contact, account and survey version. */
export interface MailContext {
  invitationId: string;
  email: string;
  contactName: string | null;
  contactLocale: string | null;
  accountName: string;
  ownerName: string | null;
  ownerEmail: string | null;
  organizationName: string;
  texts: Record<string, SurveyTexts>;
  defaultLocale: string;
  /** The survey version's first question: when it is NPS, the email carries the 0–10 scale as links. */
  firstQuestion?: Question | null;
}

export interface MailLinks {
  surveyUrl: string;
  unsubscribeUrl: string;
}

/**
 * The personal email of SPEC §5, in the contact's language: from the account owner's name (reply-to the owner),
 * greeting by name, why we ask and what we will do (the survey's intro, else the localized defaults), the link,
 * and an unsubscribe link plus RFC 8058 one-click headers.
 */
export function composeMail(context: MailContext, links: MailLinks, kind: MailKind, idempotencyKey: string): MailMessage {
  const locale = respondentLocale(context.contactLocale, Object.keys(context.texts), context.defaultLocale);
  const { t } = messagesFor(locale);
  const texts = context.texts[locale] ?? context.texts[context.defaultLocale];
  // Names and subjects come from stored text (a CRM, an editor): never a CR/LF in a header (SPEC §13).
  const sender = headerSafe(context.ownerName ?? context.organizationName);
  const subject = headerSafe(kind === "reminder" ? t.email.reminderSubject(sender) : (texts?.emailSubject ?? t.email.subject(sender)));
  const intro = texts?.intro || `${t.whyDefault(context.accountName)} ${t.whatDefault}`;
  const signature = [sender, context.organizationName].filter((line, i, all) => all.indexOf(line) === i);
  const scale = npsScale(context, links, locale, t);

  const text = [
    t.hello(context.contactName),
    "",
    intro,
    "",
    ...(scale ? [scale.question, scale.hint, ...scale.points.map((p) => `${p.label}: ${p.url}`), "", t.email.orOpen] : [t.email.takesMinutes]),
    links.surveyUrl,
    "",
    t.email.signOff,
    ...signature,
    "",
    "--",
    `${t.email.unsubscribe} ${links.unsubscribeUrl}`,
  ].join("\n");

  const body = html`<!doctype html><html lang="${locale}"><body style="font-family:system-ui,sans-serif;color:#1f2328;line-height:1.5">
<p>${t.hello(context.contactName)}</p>
<p>${intro}</p>
${scale ? scaleHtml(scale) : ""}<p>${scale ? t.email.orOpen : t.email.takesMinutes}<br><a href="${links.surveyUrl}" style="color:#0a58ca;font-weight:600">${t.email.answerLink}</a></p>
<p>${t.email.signOff}<br>${signature.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>
<hr><p style="font-size:13px;color:#57606a">${t.email.unsubscribe} <a href="${links.unsubscribeUrl}" style="color:#57606a">${links.unsubscribeUrl}</a></p>
</body></html>`;

  return {
    invitationId: context.invitationId,
    kind,
    idempotencyKey,
    to: context.email,
    fromName: sender,
    ...(context.ownerEmail ? { replyTo: headerSafe(context.ownerEmail) } : {}),
    subject,
    text,
    html: String(body),
    headers: {
      "List-Unsubscribe": `<${links.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    surveyUrl: links.surveyUrl,
    unsubscribeUrl: links.unsubscribeUrl,
  };
}

interface EmailScale {
  question: string;
  hint: string;
  points: { score: number; url: string; label: string; name: string }[];
  ends: [string, string];
}

/** A survey that starts with an NPS question: its 0–10 points as signed links `/s/{token}?score=N` (SPEC §6). */
function npsScale(context: MailContext, links: MailLinks, locale: string, t: Messages): EmailScale | null {
  const question = context.firstQuestion;
  if (!question || question.type !== "nps" || question.showIf) return null;
  const [low, high] = t.scale.nps as [string, string];
  const points = Array.from({ length: 11 }, (_, score) => ({
    score,
    url: `${links.surveyUrl}?score=${score}`,
    label: score === 0 ? `0 (${low})` : score === 10 ? `10 (${high})` : String(score),
    name: t.email.scoreName(score, 10),
  }));
  return { question: localized(question.text, locale, context.defaultLocale), hint: t.email.scaleHint, points, ends: [`0 = ${low}`, `10 = ${high}`] };
}

const CELL = "padding:0 2px";
const LINK = "display:block;min-width:26px;padding:8px 0;text-align:center;border:1px solid #0a58ca;border-radius:4px;color:#0a58ca;font-weight:600;text-decoration:none";

/**
 * The scale as eleven real text links in a layout table (no images, so it reads and works with images off), each with
 * an accessible name that contains its visible number ("7 out of 10"), and the end labels under the ends.
 */
function scaleHtml(scale: EmailScale) {
  return html`<p style="font-weight:600;margin-bottom:4px">${scale.question}</p>
<p style="margin-top:0;font-size:14px;color:#57606a">${scale.hint}</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;max-width:480px"><tr>
${scale.points.map((p) => html`<td style="${CELL}"><a href="${p.url}" aria-label="${p.name}" title="${p.name}" style="${LINK}">${String(p.score)}</a></td>`)}
</tr><tr><td colspan="5" style="font-size:13px;color:#57606a;padding-top:4px;text-align:left">${scale.ends[0]}</td><td></td><td colspan="5" style="font-size:13px;color:#57606a;padding-top:4px;text-align:right">${scale.ends[1]}</td></tr></table>
`;
}
