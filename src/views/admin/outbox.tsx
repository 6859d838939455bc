import type { OutboxMail } from "../../db/schema";
import { Pager, TableWrap, withQuery } from "./components";
import { formatInstant } from "./format";
import { adminPage, type AdminViewer } from "./shell";

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
                    <td>{formatInstant(mail.createdAt)}</td>
                    <td>{mail.toEmail}</td>
                    <td>
                      {mail.fromName}
                      {mail.replyTo && <> (reply-to {mail.replyTo})</>}
                    </td>
                    <td>
                      <details>
                        <summary>
                          {mail.subject} ({mail.kind})
                        </summary>
                        <pre>{mail.textBody}</pre>
                      </details>
                    </td>
                    <td>
                      {mail.surveyUrl && <a href={mail.surveyUrl}>Survey</a>}
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
