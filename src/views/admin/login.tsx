import { adminPage } from "./shell";
import { TextField } from "./components";

export interface LoginProps {
  nonce: string;
  /** A refusal of the token form (wrong token, throttled, cross-site). */
  error?: string;
  /** A problem with the email field, shown beside it. */
  emailError?: string;
  email?: string;
  /** The answer after a link was requested: the same whether or not the address is known. */
  sent?: boolean;
  /** Opens the admin-token section (after a refused token). */
  tokenOpen?: boolean;
  /** The admin page the person was opening: both forms carry it, so signing in leads there. */
  next?: string | null;
}

const NextField = (props: { next?: string | null }) => (props.next ? <input type="hidden" name="next" value={props.next} /> : null);

/** Sign-in: a link by email for people; below it, the admin token for set-up and local use. */
export function loginPage(props: LoginProps): string {
  return adminPage({
    title: "Sign in to Quorum",
    nonce: props.nonce,
    viewer: null,
    children: (
      <>
        {props.error && (
          <p class="alert" role="alert">
            {props.error}
          </p>
        )}
        {props.sent && (
          <p class="notice" role="status">
            If that address belongs to an active Quorum user, a sign-in link is on its way. It works once, for 15 minutes.
          </p>
        )}
        <form method="post" action="/admin/login/email" class="card">
          <h2>Email me a sign-in link</h2>
          <NextField next={props.next} />
          <TextField name="email" type="email" label="Work email" autocomplete="email" required value={props.email} error={props.emailError} hint="We send a link that signs you in once, within 15 minutes." />
          <button type="submit">Email me a link</button>
        </form>
        <details class="card" open={props.tokenOpen}>
          <summary>Sign in with the admin token (set-up, local use)</summary>
          <form method="post" action="/admin/login">
            <NextField next={props.next} />
            <TextField name="token" type="password" label="Admin API token" autocomplete="off" required hint="Locally this is ADMIN_TOKEN from .dev.vars. The session lasts 12 hours." />
            <button type="submit">Sign in</button>
          </form>
        </details>
      </>
    ),
  });
}

/** The page an emailed link opens: one button, so a mail scanner that follows links does not use up the link. */
export function signInConfirmPage(props: { nonce: string; link: string; name: string; next?: string | null }): string {
  return adminPage({
    title: "Sign in to Quorum",
    nonce: props.nonce,
    viewer: null,
    children: (
      <form method="post" action="/admin/sign-in" class="card">
        <p>Signing in as {props.name}.</p>
        <input type="hidden" name="link" value={props.link} />
        <NextField next={props.next} />
        <button type="submit">Continue to Quorum</button>
      </form>
    ),
  });
}
