import type { WebhookDelivery } from "../../db/schema";
import { WEBHOOK_EVENTS } from "../../db/schema";
import type { Attempt, PublicEndpoint } from "../../domain/webhooks/endpoints";
import { Instant, Badge, CheckboxGroup, CsrfInput, PostButton, ErrorSummary, SelectField, TableWrap, TextField, type FormErrors } from "./components";
import { formatInstant } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Administration → Webhooks (SPEC §8, §12): endpoints, their deliveries with every attempt, replay. */

/** Each event in words, its key (what a delivery's payload names) after it for whoever writes the receiver. */
const EVENT_WORDS: Record<(typeof WEBHOOK_EVENTS)[number], string> = {
  "response.completed": "A response is completed",
  "response.updated": "A completed response is changed",
  "case.opened": "A case opens",
  "case.closed": "A case is closed",
  "account.category_changed": "An account changes category",
};
const eventInWords = (event: (typeof WEBHOOK_EVENTS)[number]) => `${EVENT_WORDS[event]} (${event})`;
const EVENT_OPTIONS = WEBHOOK_EVENTS.map((e) => ({ value: e, label: eventInWords(e) }));
const FORMAT_OPTIONS = [
  { value: "standard", label: "Standard Webhooks JSON" },
  { value: "slack", label: "Slack-compatible message" },
];
const DELIVERY_TONE = { pending: "info", delivered: "good", retrying: "warn", dead: "bad" } as const;

export interface EndpointValues {
  url: string;
  events: string[];
  format: string;
  description: string;
}

function SecretOnce(props: { secret: string | null }) {
  if (!props.secret) return null;
  return (
    <div class="notice" role="status">
      <p>
        <strong>The signing secret, shown this once.</strong> Store it in your receiver now; verify each delivery's <code>webhook-signature</code> with it
        (Standard Webhooks).
      </p>
      <div class="field">
        <label for="f-secret">Signing secret</label>
        <input type="text" id="f-secret" readonly value={props.secret} autocomplete="off" spellcheck={false} />
      </div>
    </div>
  );
}

export function webhooksPage(props: {
  nonce: string;
  viewer: AdminViewer;
  endpoints: PublicEndpoint[];
  values: EndpointValues;
  errors: FormErrors;
  secret: string | null;
  flash: string | null;
  /** One-time key: a second submit of this page's form is refused (http/admin/form-keys.ts). */
  formKey: string;
}): string {
  return adminPage({
    title: "Webhooks",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    flash: props.flash,
    lead: "Signed notifications to your systems when a response arrives or is edited, a case opens or closes, or an account changes category. Failed deliveries are retried for 24 hours; every attempt is logged and any delivery can be replayed.",
    children: (
      <>
        <p>
          <a href="/admin/administration">Administration</a>
        </p>
        <SecretOnce secret={props.secret} />
        {props.endpoints.length > 0 && (
        <TableWrap label="Webhook endpoints">
          <table>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {props.endpoints.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/admin/webhooks/${encodeURIComponent(e.id)}`}>{e.url}</a>
                    {e.description && <span class="muted"> · {e.description}</span>}
                  </th>
                  <td>{e.events.join(", ")}</td>
                  <td>
                    <EndpointState endpoint={e} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        )}
        {props.endpoints.length === 0 && <p>No endpoints yet.</p>}
        {props.viewer.role !== "admin" ? (
          <p class="notice">You can look at the endpoints and their deliveries; only admins add, change or replay them.</p>
        ) : (
        <form method="post" action="/admin/webhooks" class="card stack" novalidate>
          <h2>Add an endpoint</h2>
          <ErrorSummary errors={props.errors} />
          <CsrfInput token={props.viewer.csrfToken} />
            <input type="hidden" name="formKey" value={props.formKey} />
          <TextField name="url" type="url" label="URL" value={props.values.url} error={props.errors.url} hint="https to a public host; private, loopback and link-local addresses are refused." required autocomplete="off" />
          <CheckboxGroup name="events" label="Events" options={EVENT_OPTIONS} values={props.values.events} error={props.errors.events} />
          <SelectField name="format" label="Format" options={FORMAT_OPTIONS} value={props.values.format} error={props.errors.format} />
          <TextField name="description" label="Description (optional)" value={props.values.description} error={props.errors.description} autocomplete="off" />
          <button type="submit">Add the endpoint</button>
        </form>
        )}
      </>
    ),
  });
}

function EndpointState(props: { endpoint: PublicEndpoint }) {
  const e = props.endpoint;
  if (e.status === "disabled") return <Badge tone="bad">Disabled {formatInstant(e.disabledAt)}</Badge>;
  return (
    <>
      <Badge tone="good">Active</Badge>
      {e.failingSince && (
        <>
          {" "}
          <Badge tone="warn">Failing since {formatInstant(e.failingSince)}</Badge>
        </>
      )}
      {e.rotating && (
        <>
          {" "}
          <Badge tone="info">Rotating until {formatInstant(e.previousSecretUntil)}</Badge>
        </>
      )}
    </>
  );
}

export function endpointPage(props: { nonce: string; viewer: AdminViewer; endpoint: PublicEndpoint; deliveries: WebhookDelivery[]; secret: string | null; flash: string | null }): string {
  const e = props.endpoint;
  const base = `/admin/webhooks/${encodeURIComponent(e.id)}`;
  const csrf = props.viewer.csrfToken;
  return adminPage({
    title: "Webhook endpoint",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    flash: props.flash,
    children: (
      <>
        <p>
          <a href="/admin/webhooks">All webhook endpoints</a>
        </p>
        <SecretOnce secret={props.secret} />
        <div class="card">
          <dl class="facts">
            <dt>URL</dt>
            <dd>{e.url}</dd>
            <dt>Events</dt>
            <dd>{e.events.map(eventInWords).join(", ")}</dd>
            <dt>Format</dt>
            <dd>{e.format === "slack" ? "Slack-compatible message" : "Standard Webhooks JSON"}</dd>
            <dt>State</dt>
            <dd>
              <EndpointState endpoint={e} />
            </dd>
          </dl>
          {props.viewer.role === "admin" && (
          <div class="actions">
            <PostButton action={`${base}/rotate-secret`} csrf={csrf}>
              Rotate the secret (both sign for 24 h)
            </PostButton>{" "}
            <PostButton action={`${base}/${e.status === "active" ? "disable" : "enable"}`} csrf={csrf}>
              {e.status === "active" ? "Disable" : "Enable again"}
            </PostButton>
          </div>
          )}
        </div>
        <h2>Deliveries</h2>
        {props.deliveries.length > 0 && (
        <TableWrap label="Deliveries, newest first">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Replay</th>
              </tr>
            </thead>
            <tbody>
              {props.deliveries.map((d) => (
                <tr>
                  <th scope="row">
                    <a href={`${base}/deliveries/${encodeURIComponent(d.id)}`}>{d.eventType}</a>
                  </th>
                  <td><Instant iso={d.createdAt} /></td>
                  <td>
                    <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? d.lastError ?? "—"}</td>
                  <td>
                    {props.viewer.role === "admin" ? (
                      <PostButton action={`${base}/deliveries/${encodeURIComponent(d.id)}/replay`} csrf={csrf} label={`Replay the ${d.eventType} delivery of ${formatInstant(d.createdAt)}`}>
                        Replay
                      </PostButton>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        )}
        {props.deliveries.length === 0 && <p>Nothing delivered yet.</p>}
      </>
    ),
  });
}

export function deliveryPage(props: {
  nonce: string;
  viewer: AdminViewer;
  endpointId: string;
  delivery: { id: string; eventType: string; status: WebhookDelivery["status"]; attempts: number; payload: unknown; attemptLog: Attempt[]; windowStart: string };
}): string {
  const d = props.delivery;
  const base = `/admin/webhooks/${encodeURIComponent(props.endpointId)}`;
  return adminPage({
    title: `Delivery: ${d.eventType}`,
    nonce: props.nonce,
    viewer: props.viewer,
    active: "administration",
    children: (
      <>
        <p>
          <a href={base}>Back to the endpoint</a>
        </p>
        <p>
          <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge> · webhook-id <code>{d.id}</code> · retried until 24 h after {formatInstant(d.windowStart)}
        </p>
        {props.viewer.role === "admin" && (
          <PostButton action={`${base}/deliveries/${encodeURIComponent(d.id)}/replay`} csrf={props.viewer.csrfToken}>
            Replay
          </PostButton>
        )}
        <h2>Attempts</h2>
        <TableWrap label="Attempts">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Answer (excerpt)</th>
              </tr>
            </thead>
            <tbody>
              {d.attemptLog.map((a) => (
                <tr>
                  <td><Instant iso={a.at} /></td>
                  <td>{a.ok ? <Badge tone="good">{String(a.statusCode)}</Badge> : <Badge tone="bad">{a.statusCode ? String(a.statusCode) : (a.error ?? "failed")}</Badge>}</td>
                  <td>{a.latencyMs} ms</td>
                  <td>{a.responseExcerpt ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {d.attemptLog.length === 0 && <p>Not attempted yet.</p>}
        <h2>Payload</h2>
        <pre tabindex={0}>{JSON.stringify(d.payload, null, 2)}</pre>
      </>
    ),
  });
}
