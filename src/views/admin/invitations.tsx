import { INVITATION_STATUSES, type InvitationStatus } from "../../db/schema";
import type { InvitationListItem } from "../../domain/invitations/list";
import type { RuleView } from "../../domain/frequency/rules";
import { Instant, Badge, FilterForm, Pager, SelectField, TableWrap, TextField, withQuery, type FormErrors, type Option, type Tone } from "./components";
import { formatInstant } from "./format";
import { reasonInWords } from "./eligibility";
import { adminPage, type AdminViewer } from "./shell";

/** Sending → Invitations: who did we email, who answered, who was held back and why. */

export const STATUS_TONE: Record<InvitationStatus, Tone> = {
  scheduled: "info",
  suppressed: "bad",
  deferred: "warn",
  queued: "info",
  sent: "neutral",
  opened: "neutral",
  started: "neutral",
  completed: "good",
  expired: "neutral",
  failed: "bad",
};

const STATUS_LABEL: Record<InvitationStatus, string> = {
  scheduled: "Scheduled",
  suppressed: "Suppressed",
  deferred: "Deferred",
  queued: "Queued",
  sent: "Emailed",
  opened: "Opened",
  started: "Started",
  completed: "Answered",
  expired: "Expired",
  failed: "Failed",
};

export function StatusBadge(props: { status: InvitationStatus }) {
  return <Badge tone={STATUS_TONE[props.status]}>{STATUS_LABEL[props.status]}</Badge>;
}

export interface InvitationFilterValues {
  surveyId: string;
  status: string;
  rule: string;
  accountId: string;
  wave: string;
}

/** The cause as a person reads it: "journey event", "program wave 3", "manual send". */
function causeInWords(item: InvitationListItem): string {
  if (item.causeType === "program") {
    const wave = item.causeId?.split(":").pop();
    return wave ? `program wave ${wave}` : "program";
  }
  return { event: "journey event", manual: "manual send", recheck: "case re-check", override: "override" }[item.causeType] ?? item.causeType;
}

function Why(props: { item: InvitationListItem; rules: Map<string, RuleView> }) {
  const item = props.item;
  if (item.status === "deferred") {
    return (
      <>
        Waits until {formatInstant(item.scheduledFor)}
        {item.blockingRule && <> — {reasonInWords(item.blockingRule, null, props.rules)}</>}
      </>
    );
  }
  if (item.status === "scheduled") return <>Goes out {formatInstant(item.scheduledFor)}</>;
  if (item.blockingRule) return <>{reasonInWords(item.blockingRule, null, props.rules)}</>;
  return <>—</>;
}

export function invitationsPage(props: {
  nonce: string;
  viewer: AdminViewer;
  filter: InvitationFilterValues;
  errors: FormErrors;
  surveys: Option[];
  accounts: Option[];
  ruleIds: string[];
  items: InvitationListItem[];
  nextBefore: string | null;
  before: string | null;
  rules: Map<string, RuleView>;
}): string {
  const f = props.filter;
  const reasons = [...props.ruleIds, "not-targeted", "opted-out", "bounced", "erased", "defer-limit", "revoked", "survey-inactive"];
  return adminPage({
    title: "Invitations",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    lead: "Who we emailed, who answered, who was held back and why — newest first.",
    children: (
      <>
        <p>
          <a href="/admin/sending">Sending</a>
        </p>
        <FilterForm action="/admin/sending/invitations">
          <SelectField name="surveyId" label="Survey" value={f.surveyId} options={props.surveys} blank="All surveys" />
          <SelectField name="status" label="Status" value={f.status} options={INVITATION_STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} blank="Any status" error={props.errors.status} />
          <SelectField name="rule" label="Held back by" value={f.rule} options={reasons.map((r) => ({ value: r, label: r }))} blank="Any reason" />
          <SelectField name="accountId" label="Account" value={f.accountId} options={props.accounts} blank="All accounts" />
          <TextField name="wave" type="number" label="Program wave" value={f.wave} min={0} error={props.errors.wave} />
        </FilterForm>
        {props.items.length === 0 ? (
          <p>No invitations match these filters.</p>
        ) : (
          <TableWrap label="Invitations">
            <table>
              <thead>
                <tr>
                  <th scope="col">Contact</th>
                  <th scope="col">Account</th>
                  <th scope="col">Survey</th>
                  <th scope="col">Status</th>
                  <th scope="col">Why</th>
                  <th scope="col">Emailed</th>
                  <th scope="col">Answered</th>
                  <th scope="col">Cause</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((item) => (
                  <tr>
                    <td>
                      {item.contactName ?? "(no name)"}
                      <br />
                      <span class="muted">{item.contactEmail ?? "(erased)"}</span>
                    </td>
                    <td>
                      <a href={`/admin/accounts/${encodeURIComponent(item.accountId)}`}>{item.accountName ?? item.accountId}</a>
                    </td>
                    <td>{item.surveyName ?? item.surveyId}</td>
                    <td>
                      <StatusBadge status={item.status} />
                    </td>
                    <td>
                      <Why item={item} rules={props.rules} />
                    </td>
                    <td><Instant iso={item.sentAt} /></td>
                    <td><Instant iso={item.completedAt} /></td>
                    <td>
                      {causeInWords(item)}
                      <br />
                      <span class="muted"><Instant iso={item.createdAt} /></span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <Pager
          first={props.before ? withQuery("/admin/sending/invitations", { ...f }) : null}
          next={props.nextBefore ? withQuery("/admin/sending/invitations", { ...f, before: props.nextBefore }) : null}
        />
      </>
    ),
  });
}
