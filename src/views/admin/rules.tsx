import type { RuleView } from "../../domain/frequency/rules";
import { Badge, CheckboxField, CsrfInput, PostButton, ErrorSummary, SelectField, TableWrap, TextField, type FormErrors, type Option } from "./components";
import { adminPage, type AdminViewer } from "./shell";

/** Sending → Frequency rules: the anti-spam caps of SPEC §4, listed in plain words, created, edited and deleted. */

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A rule in one sentence: "At most 1 invitation per contact in 14 days, any survey; otherwise defer." */
export function describeRule(rule: Pick<RuleView, "scope" | "match" | "per" | "counts" | "windowDays" | "max" | "action">): string {
  const what = rule.counts === "sent" ? plural(rule.max, "invitation", "invitations") : plural(rule.max, "answered survey", "answered surveys");
  const who = rule.scope === "contact" ? "per contact" : "per account";
  const per = rule.per === "survey" ? " of the same survey" : rule.per === "stage" ? " of the same journey stage" : "";
  const match = [
    rule.match.kind && `${rule.match.kind} surveys`,
    rule.match.surveyId && `survey ${rule.match.surveyId}`,
    rule.match.journeyStage && `stage ${rule.match.journeyStage}`,
    rule.match.role && `role ${rule.match.role}`,
  ].filter(Boolean);
  const then = rule.action === "skip" ? "otherwise the invitation is skipped" : "otherwise it waits until allowed";
  return `At most ${what}${per} ${who} in ${plural(rule.windowDays, "day", "days")}, ${match.length ? `for ${match.join(", ")}` : "any survey"}; ${then}.`;
}

export function rulesPage(props: { nonce: string; viewer: AdminViewer; rules: RuleView[]; flash: string | null }): string {
  const admin = props.viewer.role === "admin";
  return adminPage({
    title: "Frequency rules",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    flash: props.flash,
    enhance: true,
    lead: "Every invitation passes every enabled rule that fits it; a skipped invitation is suppressed, a deferred one waits (at most 30 days).",
    children: (
      <>
        <p>
          <a href="/admin/sending">Sending</a>
          {admin && (
            <>
              {" · "}
              <a href="/admin/sending/rules/new">New rule</a>
            </>
          )}
        </p>
        {props.rules.length > 0 && (
        <TableWrap label="Frequency rules">
          <table>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">What it allows</th>
                <th scope="col">State</th>
                {admin && <th scope="col">Change</th>}
              </tr>
            </thead>
            <tbody>
              {props.rules.map((rule) => (
                <tr>
                  <th scope="row">{rule.id}</th>
                  <td>{describeRule(rule)}</td>
                  <td>{rule.enabled ? <Badge tone="good">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
                  {admin && (
                    <td>
                      <a href={`/admin/sending/rules/${encodeURIComponent(rule.id)}`} aria-label={`Edit ${rule.id}`}>
                        Edit
                      </a>
                      <PostButton action={`/admin/sending/rules/${encodeURIComponent(rule.id)}/delete`} csrf={props.viewer.csrfToken} class="danger" label={`Delete ${rule.id}`} confirm={`Delete the rule ${rule.id}?`}>
                        Delete
                      </PostButton>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        )}
        {props.rules.length === 0 && <p>No rules: every invitation is allowed. Add one to protect your customers' inboxes.</p>}
      </>
    ),
  });
}

/** What the form holds: the values as typed (strings), so a refused form shows them again unchanged. */
export type RuleFormValues = Record<"id" | "scope" | "match.kind" | "match.surveyId" | "match.journeyStage" | "match.role" | "per" | "counts" | "windowDays" | "max" | "action", string> & {
  enabled: boolean;
};

export function ruleFormValues(rule?: RuleView): RuleFormValues {
  return {
    id: rule?.id ?? "",
    scope: rule?.scope ?? "contact",
    "match.kind": rule?.match.kind ?? "",
    "match.surveyId": rule?.match.surveyId ?? "",
    "match.journeyStage": rule?.match.journeyStage ?? "",
    "match.role": rule?.match.role ?? "",
    per: rule?.per ?? "",
    counts: rule?.counts ?? "sent",
    windowDays: rule ? String(rule.windowDays) : "14",
    max: rule ? String(rule.max) : "1",
    action: rule?.action ?? "defer",
    enabled: rule?.enabled ?? true,
  };
}

export interface RuleChoices {
  surveys: Option[];
  stages: Option[];
  roles: Option[];
}

export function ruleFormPage(props: {
  nonce: string;
  viewer: AdminViewer;
  /** null: a new rule; else the id of the rule being edited. */
  editing: string | null;
  values: RuleFormValues;
  errors: FormErrors;
  choices: RuleChoices;
}): string {
  const v = props.values;
  const e = props.errors;
  const action = props.editing ? `/admin/sending/rules/${encodeURIComponent(props.editing)}` : "/admin/sending/rules";
  const admin = props.viewer.role === "admin";
  return adminPage({
    title: props.editing ? (admin ? `Edit rule ${props.editing}` : `Rule ${props.editing}`) : "New frequency rule",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    enhance: true,
    children: (
      <>
        <p>
          <a href="/admin/sending/rules">All rules</a>
        </p>
        {!admin && <p class="notice">You can look at this rule; only admins change frequency rules.</p>}
        <ErrorSummary errors={e} />
        <form method="post" action={action} class="card stack" novalidate>
          <CsrfInput token={props.viewer.csrfToken} />
          {!props.editing && (
            <TextField name="id" label="Rule id" value={v.id} error={e.id} hint="Lower-case letters, digits and dashes, e.g. quarterly-champions." required />
          )}
          <SelectField
            name="scope"
            label="Counts per"
            value={v.scope}
            error={e.scope}
            options={[
              { value: "contact", label: "Contact (each person)" },
              { value: "account", label: "Account (everyone at the customer)" },
            ]}
          />
          <SelectField
            name="counts"
            label="Counts"
            value={v.counts}
            error={e.counts}
            options={[
              { value: "sent", label: "Invitations sent (admitted)" },
              { value: "responded", label: "Complete answers" },
            ]}
          />
          <TextField name="max" type="number" label="At most" value={v.max} error={e.max} min={1} hint="How many in the window, this one included (1 or more)." required />
          <TextField name="windowDays" type="number" label="Window in days" value={v.windowDays} error={e.windowDays} min={1} max={730} required />
          <SelectField
            name="action"
            label="When the cap is reached"
            value={v.action}
            error={e.action}
            options={[
              { value: "defer", label: "Defer: send once allowed (at most 30 days)" },
              { value: "skip", label: "Skip: suppress the invitation" },
            ]}
          />
          <fieldset>
            <legend>Applies to (empty = any)</legend>
            <SelectField
              name="match.kind"
              label="Survey kind"
              value={v["match.kind"]}
              error={e["match.kind"]}
              blank="Any kind"
              options={[
                { value: "relational", label: "Relational" },
                { value: "transactional", label: "Transactional" },
              ]}
            />
            <SelectField name="match.surveyId" label="Survey" value={v["match.surveyId"]} error={e["match.surveyId"]} blank="Any survey" options={props.choices.surveys} />
            <SelectField name="match.journeyStage" label="Journey stage" value={v["match.journeyStage"]} error={e["match.journeyStage"]} blank="Any stage" options={props.choices.stages} />
            <SelectField name="match.role" label="Role" value={v["match.role"]} error={e["match.role"]} blank="Any role" options={props.choices.roles} />
          </fieldset>
          <SelectField
            name="per"
            label="Count only"
            value={v.per}
            error={e.per}
            blank="Every fitting invitation"
            options={[
              { value: "survey", label: "Invitations of the same survey" },
              { value: "stage", label: "Invitations of the same journey stage" },
            ]}
          />
          <CheckboxField name="enabled" label="Enabled" checked={v.enabled} error={e.enabled} />
          {admin && (
            <div class="actions">
              <button type="submit">{props.editing ? "Save rule" : "Create rule"}</button>
              <a href="/admin/sending/rules">Cancel</a>
            </div>
          )}
        </form>
      </>
    ),
  });
}
