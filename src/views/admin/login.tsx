import { adminPage } from "./shell";
import { TextField } from "./components";

/** Sign-in: the admin token form (people's sign-in by email link is added beside it). */
export function loginPage(props: { nonce: string; error?: string }): string {
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
        <form method="post" action="/admin/login" class="card">
          <TextField name="token" type="password" label="Admin API token" autocomplete="off" required hint="Locally this is ADMIN_TOKEN from .dev.vars. The session lasts 12 hours." />
          <button type="submit">Sign in</button>
        </form>
      </>
    ),
  });
}
