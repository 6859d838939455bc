import type { TokenView } from "../../domain/access/tokens";
import { Instant, Badge, CheckboxGroup, CsrfInput, PostButton, ErrorSummary, Pager, TableWrap, TextField, withQuery, type FormErrors } from "./components";
import { formatInstant } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Administration → API tokens: create (the secret shown once), list, revoke. */

const SCOPES = [
  { value: "read", label: "read — read the directory, scores and responses" },
  { value: "integration", label: "integration — journey events, eligibility and sends" },
  { value: "admin", label: "admin — everything, including tokens and settings" },
];

export interface TokenFormValues {
  name: string;
  scopes: string[];
}

export function tokensPage(props: {
  nonce: string;
  viewer: AdminViewer;
  tokens: TokenView[];
  nextBefore: string | null;
  before: string | null;
  values: TokenFormValues;
  errors: FormErrors;
  /** Just created: its secret, shown this once. */
  created: { name: string; token: string } | null;
  flash: string | null;
}): string {
  const admin = props.viewer.role === "admin";
  return adminPage({
    title: "API tokens",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    flash: props.flash,
    enhance: true,
    lead: "Only a token's SHA-256 is stored: its secret is shown once, when it is created. Revoking takes effect at once.",
    children: (
      <>
        <p>
          <a href="/admin/administration">Administration</a>
        </p>
        {props.created && (
          <section class="card" aria-labelledby="new-token">
            <h2 id="new-token">Copy the secret of “{props.created.name}” now</h2>
            <p>It will not be shown again. Store it where the integration keeps its secrets.</p>
            <p>
              <label for="token-secret">Secret</label>
              <input type="text" id="token-secret" readonly value={props.created.token} />
            </p>
          </section>
        )}
        {admin && (
          <form method="post" action="/admin/tokens" class="card stack" novalidate>
            <h2>New token</h2>
            <ErrorSummary errors={props.errors} />
            <CsrfInput token={props.viewer.csrfToken} />
            <TextField name="name" label="Name" value={props.values.name} error={props.errors.name} hint="Who or what uses it, e.g. Salesforce sync." required />
            <CheckboxGroup name="scopes" label="Scopes" options={SCOPES} values={props.values.scopes} error={props.errors.scopes} />
            <button type="submit">Create token</button>
          </form>
        )}
        {props.tokens.length === 0 && !props.before ? (
          <p>
            No API tokens yet. Each integration (a CRM sync, a workflow tool) gets its own, with only the scopes it uses; its secret
            is shown once, when it is created. The set-up admin token (ADMIN_TOKEN) is not listed here.
          </p>
        ) : (
        <TableWrap label="Tokens">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {props.tokens.map((token) => (
                <tr>
                  <th scope="row">{token.name}</th>
                  <td>{token.scopes.join(", ")}</td>
                  <td><Instant iso={token.createdAt} /></td>
                  <td><Instant iso={token.lastUsedAt} /></td>
                  <td>
                    {token.revokedAt ? (
                      <Badge>Revoked {formatInstant(token.revokedAt)}</Badge>
                    ) : (
                      <>
                        <Badge tone="good">Active</Badge>
                        {admin && (
                          <PostButton action={`/admin/tokens/${encodeURIComponent(token.id)}/revoke`} csrf={props.viewer.csrfToken} class="danger" label={`Revoke ${token.name}`} confirm={`Revoke “${token.name}”? Integrations using it stop working at once.`}>
                            Revoke
                          </PostButton>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        )}
        <Pager first={props.before ? "/admin/tokens" : null} next={props.nextBefore ? withQuery("/admin/tokens", { before: props.nextBefore }) : null} />
      </>
    ),
  });
}
