import { html } from "hono/html";
import type { MailKind } from "../messages";
import type { SurveyTexts } from "../../db/schema";
import { messagesFor, respondentLocale } from "../../views/i18n";
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
  const sender = context.ownerName ?? context.organizationName;
  const subject = kind === "reminder" ? t.email.reminderSubject(sender) : (texts?.emailSubject ?? t.email.subject(sender));
  const intro = texts?.intro || `${t.whyDefault(context.accountName)} ${t.whatDefault}`;
  const signature = [sender, context.organizationName].filter((line, i, all) => all.indexOf(line) === i);

  const text = [
    t.hello(context.contactName),
    "",
    intro,
    "",
    t.email.takesMinutes,
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
<p>${t.email.takesMinutes}<br><a href="${links.surveyUrl}" style="color:#0a58ca;font-weight:600">${t.email.answerLink}</a></p>
<p>${t.email.signOff}<br>${signature.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}</p>
<hr><p style="font-size:13px;color:#57606a">${t.email.unsubscribe} <a href="${links.unsubscribeUrl}" style="color:#57606a">${links.unsubscribeUrl}</a></p>
</body></html>`;

  return {
    invitationId: context.invitationId,
    kind,
    idempotencyKey,
    to: context.email,
    fromName: sender,
    ...(context.ownerEmail ? { replyTo: context.ownerEmail } : {}),
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
