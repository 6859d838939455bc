import type { Child } from "hono/jsx";
import type { OutboxMail } from "../db/schema";
import { Layout, page } from "./layout";

/** The admin UI is English-only; respondents get their own language. */
function AdminPage(props: { title: string; nonce: string; csrfToken?: string | null; children: Child }) {
  return page(
    <Layout lang="en" title={`${props.title} · Quorum admin`} nonce={props.nonce} wide>
      <nav aria-label="Admin">
        <a href="/admin">Home</a> · <a href="/admin/outbox">Outbox</a> · <a href="/api/docs">API docs</a>
        {props.csrfToken && (
          <form method="post" action="/admin/logout" class="inline">
            {" · "}
            <input type="hidden" name="csrf" value={props.csrfToken} />
            <button type="submit">Log out</button>
          </form>
        )}
      </nav>
      <h1>{props.title}</h1>
      {props.children}
    </Layout>,
  );
}

export function loginPage(props: { nonce: string; error?: string }): string {
  return page(
    <Layout lang="en" title="Log in · Quorum admin" nonce={props.nonce}>
      <h1>Quorum admin</h1>
      {props.error && (
        <p class="alert" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/admin/login">
        <div class="field">
          <label for="token">Admin API token</label>
          <input type="password" id="token" name="token" autocomplete="off" required />
          <p class="hint">Locally this is ADMIN_TOKEN from .dev.vars. The session lasts 12 hours.</p>
        </div>
        <button type="submit">Log in</button>
      </form>
    </Layout>,
  );
}

export function homePage(props: { nonce: string; csrfToken: string | null; actor: string }): string {
  return AdminPage({
    title: "Admin",
    nonce: props.nonce,
    csrfToken: props.csrfToken,
    children: (
      <>
        <p>Signed in as {props.actor}.</p>
        <ul>
          <li>
            <a href="/admin/outbox">Outbox</a>: mail sent in local mode, with the survey and unsubscribe links to click.
          </li>
          <li>
            <a href="/api/docs">API docs</a> and the <a href="/api/v1/openapi.json">OpenAPI document</a>.
          </li>
        </ul>
      </>
    ),
  });
}

export function outboxPage(props: { nonce: string; csrfToken: string | null; mails: OutboxMail[]; nextBefore: string | null }): string {
  return AdminPage({
    title: "Outbox",
    nonce: props.nonce,
    csrfToken: props.csrfToken,
    children: (
      <>
        <p>Mail written in local mode (MAIL_PROVIDER=outbox), newest first. Open a survey link to answer as the contact.</p>
        {props.mails.length === 0 ? (
          <p>No mail yet. Invite a contact with POST /api/v1/invitations, then come back.</p>
        ) : (
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
                  <td>{mail.createdAt.replace("T", " ").slice(0, 19)}</td>
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
        )}
        {props.nextBefore && (
          <p>
            <a href={`/admin/outbox?before=${encodeURIComponent(props.nextBefore)}`}>Older mail</a>
          </p>
        )}
      </>
    ),
  });
}

export function adminMessagePage(props: { nonce: string; title: string; body: string }): string {
  return AdminPage({ title: props.title, nonce: props.nonce, children: <p>{props.body}</p> });
}
