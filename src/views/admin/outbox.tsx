import type { OutboxMail } from "../../db/schema";
import { Instant, Badge, Pager, TableWrap, withQuery } from "./components";
import { adminPage, type AdminViewer } from "./shell";

/**
 * The answer links inside an email's HTML besides the plain survey link — e.g. the NPS scale's 0–10 buttons, each
 * opening the survey with that score — as (label, url). Only links into the same survey link are taken.
 */
export function scoreLinks(mail: Pick<OutboxMail, "htmlBody" | "surveyUrl">): { label: string; url: string }[] {
  if (!mail.surveyUrl) return [];
  const base = mail.surveyUrl.split("?")[0]!;
  const links: { label: string; url: string }[] = [];
  for (const match of mail.htmlBody.matchAll(/<a\b[^>]*\bhref="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi)) {
    const url = match[1]!.replace(/&amp;/g, "&");
    if (!url.startsWith(base) || url === mail.surveyUrl) continue;
    const label = match[2]!.replace(/<[^>]*>/g, "").replace(/&[a-z#0-9]+;/gi, " ").trim();
    links.push({ label: label || url.slice(base.length), url });
  }
  return links;
}

/** What each kind of mail is, in words (the stored kind is a key). */
const KIND_LABEL: Record<OutboxMail["kind"], string> = {
  invitation: "Survey invitation",
  reminder: "Reminder",
  recheck: "Re-check",
  case_opened: "New case",
  case_breached: "Case overdue",
  webhook_disabled: "Webhook disabled",
  sign_in: "Sign-in link",
};

/** The words on the link a mail to our side carries (the survey links of invitations are shown apart). */
const ADMIN_LINK_LABEL: Partial<Record<OutboxMail["kind"], string>> = {
  sign_in: "Sign in",
  case_opened: "Open the case",
  case_breached: "Open the case",
  webhook_disabled: "Open the webhooks",
};

/**
 * The link inside a mail to a colleague (a sign-in link, a case, the webhooks page): the first address into /admin in
 * its text, so a newcomer can sign in as the person they just invited without copying it out of the body.
 */
export function adminLink(mail: Pick<OutboxMail, "kind" | "textBody">): { label: string; url: string } | null {
  const label = ADMIN_LINK_LABEL[mail.kind];
  const url = label && mail.textBody.match(/https?:\/\/[^\s"<>]+\/admin\/[^\s"<>]*/)?.[0];
  return label && url ? { label, url } : null;
}

function AdminLink(props: { mail: OutboxMail }) {
  const link = adminLink(props.mail);
  return link ? <a href={link.url}>{link.label}</a> : null;
}

/** Administration → Outbox: mail written in local mode, with the links to click. */
export function outboxPage(props: { nonce: string; viewer: AdminViewer; mails: OutboxMail[]; nextBefore: string | null }): string {
  return adminPage({
    title: "Outbox",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    lead: "Mail written in local mode (MAIL_PROVIDER=outbox), newest first. Open a survey link to answer as the contact.",
    children: (
      <>
        {props.mails.length === 0 ? (
          <p>No mail yet. Send a survey from Sending, or fire a journey event through the API, then come back.</p>
        ) : (
          <TableWrap label="Outbox">
            <table>
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">To</th>
                  <th scope="col">From</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Links</th>
                </tr>
              </thead>
              <tbody>
                {props.mails.map((mail) => (
                  <tr>
                    <td><Instant iso={mail.createdAt} /></td>
                    <td>{mail.toEmail}</td>
                    <td>
                      {mail.fromName}
                      {mail.replyTo && <> (reply-to {mail.replyTo})</>}
                    </td>
                    <td>
                      <details>
                        <summary>
                          {mail.subject} <Badge>{KIND_LABEL[mail.kind]}</Badge>
                        </summary>
                        <pre>{mail.textBody}</pre>
                      </details>
                    </td>
                    <td>
                      <AdminLink mail={mail} />
                      {mail.surveyUrl && <a href={mail.surveyUrl}>Survey</a>}
                      {scoreLinks(mail).length > 0 && (
                        <>
                          {" · "}
                          <span>Answer links: </span>
                          {scoreLinks(mail).map((link, i) => (
                            <>
                              {i > 0 && " "}
                              <a href={link.url} aria-label={`Answer ${link.label} as ${mail.toEmail}`}>
                                {link.label}
                              </a>
                            </>
                          ))}
                        </>
                      )}
                      {mail.unsubscribeUrl && (
                        <>
                          {" · "}
                          <a href={mail.unsubscribeUrl}>Unsubscribe</a>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pager next={props.nextBefore ? withQuery("/admin/outbox", { before: props.nextBefore }) : null} />
      </>
    ),
  });
}
