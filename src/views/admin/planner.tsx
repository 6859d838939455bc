import type { RuleView } from "../../domain/frequency/rules";
import type { Plan, PlanItem } from "../../domain/targeting/plan";
import type { SendOutcome } from "../../domain/targeting/sends";
import { Badge, CheckboxField, CheckboxGroup, CsrfInput, ErrorSummary, Pager, SelectField, TableWrap, TextField, withQuery, type FormErrors, type Option, type Tone } from "./components";
import { formatInstant, formatInteger } from "./format";
import { reasonInWords } from "./eligibility";
import { adminPage, type AdminViewer } from "./shell";

/** Sending → Send planner: a survey plus accounts or a filter → who would be invited and who not, why; then send. */

/** The planner's input as typed; carried as query parameters (the plan) and hidden fields (the send). */
export interface PlannerValues {
  surveyId: string;
  /** Named contacts (from the eligibility explainer): planned as named, those outside the survey's roles shown as not targeted. */
  contactIds: string[];
  accountIds: string[];
  roles: string[];
  countries: string;
  segments: string;
  minAnnualRevenue: string;
  includeOffTarget: boolean;
}

export const emptyPlanner: PlannerValues = { surveyId: "", contactIds: [], accountIds: [], roles: [], countries: "", segments: "", minAnnualRevenue: "", includeOffTarget: false };

/** The planner's input as URL query parameters (repeated names for lists). */
/** The confirmation before a send says what will happen, not how many were looked at ("27 contacts" when 6 get mail). */
export function sendConfirmation(totals: { queued: number; deferred: number; suppressed: number }): string {
  const parts = [`${totals.queued} invited now`, totals.deferred ? `${totals.deferred} deferred until their rules allow` : "", totals.suppressed ? `${totals.suppressed} not sent (suppressed)` : ""];
  return `Send this survey? ${parts.filter(Boolean).join(", ")}.`;
}

export function plannerQuery(values: PlannerValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  params.set("surveyId", values.surveyId);
  for (const id of values.contactIds) params.append("contactIds", id);
  for (const id of values.accountIds) params.append("accountIds", id);
  for (const role of values.roles) params.append("roles", role);
  if (values.countries) params.set("countries", values.countries);
  if (values.segments) params.set("segments", values.segments);
  if (values.minAnnualRevenue) params.set("minAnnualRevenue", values.minAnnualRevenue);
  if (values.includeOffTarget) params.set("includeOffTarget", "on");
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

export const VERDICT: Record<PlanItem["wouldBe"], { label: string; tone: Tone }> = {
  queued: { label: "Invited", tone: "good" },
  scheduled: { label: "Scheduled", tone: "info" },
  deferred: { label: "Deferred", tone: "warn" },
  suppressed: { label: "Suppressed", tone: "bad" },
  "not-targeted": { label: "Not targeted", tone: "neutral" },
};

function PlannerForm(props: { values: PlannerValues; errors: FormErrors; surveys: Option[]; accounts: Option[]; roles: Option[]; planKey: string }) {
  const v = props.values;
  const e = props.errors;
  return (
    <form method="get" action="/admin/sending/planner" class="card stack" novalidate>
      {/* A new plan's identity, kept in its URL: back to that plan and Send again answers "already sent". */}
      <input type="hidden" name="planKey" value={props.planKey} />
      <SelectField name="surveyId" label="Survey" value={v.surveyId} options={props.surveys} blank="Choose a published survey" error={e.surveyId} required />
      {v.contactIds.length > 0 && (
        <p>
          {v.contactIds.map((id) => (
            <input type="hidden" name="contactIds" value={id} />
          ))}
          Planned for {v.contactIds.length === 1 ? "one named contact" : `${v.contactIds.length} named contacts`} (their names are in the plan below).{" "}
          <a href={`/admin/sending/planner?surveyId=${encodeURIComponent(v.surveyId)}`}>Choose accounts or a filter instead</a>
          {e.contactIds && <span class="error"> {e.contactIds}</span>}
        </p>
      )}
      <SelectField
        name="accountIds"
        label="Accounts"
        multiple
        size={6}
        values={v.accountIds}
        options={props.accounts}
        hint="Their active contacts in the survey's target roles. Choose none to use the filter below instead (largest accounts listed first)."
        error={e.accountIds}
      />
      <fieldset>
        <legend>Or a filter over active accounts</legend>
        <CheckboxGroup name="roles" label="Roles (none = the survey's target roles)" options={props.roles} values={v.roles} error={e.roles} />
        <TextField name="countries" label="Countries" value={v.countries} error={e.countries} hint="ISO codes separated by commas, e.g. DE, FR." />
        <TextField name="segments" label="Segments" value={v.segments} error={e.segments} hint="Separated by commas." />
        <TextField name="minAnnualRevenue" type="number" label="Annual revenue at least" value={v.minAnnualRevenue} error={e.minAnnualRevenue} min={0} />
      </fieldset>
      <CheckboxField name="includeOffTarget" label="Include contacts outside the survey's target roles" checked={v.includeOffTarget} error={e.includeOffTarget} />
      <div class="actions">
        <button type="submit">Plan the send</button>
      </div>
    </form>
  );
}

function Totals(props: { plan: Plan; rules: Map<string, RuleView> }) {
  const t = props.plan.totals;
  const lines: [string, number][] = [
    ["Would be invited now", t.queued],
    ["Deferred", t.deferred],
    ["Suppressed", t.suppressed],
    ["Not targeted", t.notTargeted],
    ["Already pending (no second invitation)", t.pending],
  ];
  const byRule = Object.entries(t.byRule).sort((a, b) => b[1] - a[1]);
  return (
    <section class="card" aria-labelledby="plan-totals">
      <h2 id="plan-totals">{formatInteger(t.candidates)} contacts in this send</h2>
      <dl class="facts">
        {lines.map(([label, n]) => (
          <>
            <dt>{label}</dt>
            <dd>{formatInteger(n)}</dd>
          </>
        ))}
      </dl>
      {byRule.length > 0 && (
        <>
          <h3>Held back by</h3>
          <ul>
            {byRule.map(([rule, n]) => (
              <li>
                <strong>{formatInteger(n)}</strong> — {reasonInWords(rule, null, props.rules)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * A plan row's reason in a few words: the blocking entries that are not rules (an opt-out, a bounce, an erasure, the
 * deferral limit) were shown as their keys ("opted-out"); a rule keeps its id, the name admins gave it.
 */
const SHORT_REASON: Record<string, string> = {
  "opted-out": "opted out",
  bounced: "address bounced",
  erased: "personal data erased",
  "defer-limit": "held past the 30-day deferral limit",
  "not-targeted": "role not targeted",
  revoked: "revoked by an admin",
  "survey-inactive": "survey archived",
};

function PlanItems(props: { plan: Plan }) {
  return (
    <TableWrap label="Who would be invited">
      <table>
        <caption>Who would be invited and who not</caption>
        <thead>
          <tr>
            <th scope="col">Contact</th>
            <th scope="col">Account</th>
            <th scope="col">Would be</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {props.plan.items.map((item) => (
            <tr>
              <td>{item.contactName ?? "(name erased)"}</td>
              <td>
                <a href={`/admin/accounts/${encodeURIComponent(item.accountId)}`}>{item.accountName}</a>
              </td>
              <td>
                <Badge tone={VERDICT[item.wouldBe].tone}>{VERDICT[item.wouldBe].label}</Badge>
                {item.pending && " (already pending)"}
              </td>
              <td>
                {item.blockingRules.length === 0
                  ? item.until
                    ? `until ${formatInstant(item.until)}`
                    : "—"
                  : item.blockingRules.map((rule, i) => (
                      <>
                        {i > 0 && "; "}
                        {SHORT_REASON[rule.id] ?? rule.id}
                        {rule.until && ` until ${formatInstant(rule.until)}`}
                      </>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Hidden fields repeating the planned input, so "Send" posts exactly what was planned. */
function CarriedInput(props: { values: PlannerValues; cursor?: string | null; sendKey: string }) {
  const v = props.values;
  return (
    <>
      <input type="hidden" name="surveyId" value={v.surveyId} />
      {v.contactIds.map((id) => (
        <input type="hidden" name="contactIds" value={id} />
      ))}
      {v.accountIds.map((id) => (
        <input type="hidden" name="accountIds" value={id} />
      ))}
      {v.roles.map((role) => (
        <input type="hidden" name="roles" value={role} />
      ))}
      {v.countries && <input type="hidden" name="countries" value={v.countries} />}
      {v.segments && <input type="hidden" name="segments" value={v.segments} />}
      {v.minAnnualRevenue && <input type="hidden" name="minAnnualRevenue" value={v.minAnnualRevenue} />}
      {v.includeOffTarget && <input type="hidden" name="includeOffTarget" value="on" />}
      {props.cursor && <input type="hidden" name="cursor" value={props.cursor} />}
      <input type="hidden" name="idempotencyKey" value={props.sendKey} />
    </>
  );
}

export function plannerPage(props: {
  nonce: string;
  viewer: AdminViewer;
  values: PlannerValues;
  errors: FormErrors;
  surveys: Option[];
  accounts: Option[];
  roles: Option[];
  plan: Plan | null;
  /** The page's cursor, for the "first page" link. */
  cursor: string | null;
  rules: Map<string, RuleView>;
  /** One-time key of the Send form (the plan URL's planKey): pressing Send twice, or back and Send again, sends once. */
  sendKey: string;
  /** A fresh key for the next plan the form makes. */
  nextPlanKey: string;
}): string {
  const plan = props.plan;
  return adminPage({
    title: "Send planner",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    enhance: true,
    lead: "Plan a send: see who would be invited, deferred, suppressed or not targeted, and why — nothing is written until you press Send.",
    children: (
      <>
        <p>
          <a href="/admin/sending">Sending</a>
        </p>
        <ErrorSummary errors={props.errors} title="The plan needs:" />
        <PlannerForm values={props.values} errors={props.errors} surveys={props.surveys} accounts={props.accounts} roles={props.roles} planKey={props.nextPlanKey} />
        {plan && (
          <>
            <Totals plan={plan} rules={props.rules} />
            {plan.items.length > 0 ? <PlanItems plan={plan} /> : <p>Nobody matches this selection.</p>}
            <Pager
              first={props.cursor ? `/admin/sending/planner?${plannerQuery(props.values, { planKey: props.sendKey })}` : null}
              next={plan.nextCursor ? `/admin/sending/planner?${plannerQuery(props.values, { cursor: plan.nextCursor, planKey: props.sendKey })}` : null}
            />
            {props.viewer.role === "admin" && plan.totals.candidates > 0 && (
              <form method="post" action="/admin/sending/planner/send" class="card">
                <CsrfInput token={props.viewer.csrfToken} />
                <CarriedInput values={props.values} sendKey={props.sendKey} />
                <p>Sending goes through the same rules at the moment you press the button; the result may differ if something changed meanwhile.</p>
                <button type="submit" data-confirm={sendConfirmation(plan.totals)}>
                  Send
                </button>
              </form>
            )}
          </>
        )}
      </>
    ),
  });
}

/** After "Send": what the send did, with a link to the invitations it wrote; large selections continue in slices. */
export function sentPage(props: { nonce: string; viewer: AdminViewer; values: PlannerValues; outcome: SendOutcome; surveyName: string; sendKey: string }): string {
  const t = props.outcome.totals;
  return adminPage({
    title: props.outcome.replayed ? "Survey already sent" : "Survey sent",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    flash: `“${props.surveyName}”: ${t.queued} invited now, ${t.deferred} deferred, ${t.suppressed} suppressed, ${t.notTargeted} not targeted, ${t.pending} already pending.`,
    children: (
      <>
        {props.outcome.replayed && (
          <p class="card">
            This send was already made (the Send button was pressed again). Nothing was sent twice; this is the result of the first send.
          </p>
        )}
        {props.outcome.nextCursor && (
          <form method="post" action="/admin/sending/planner/send" class="card">
            <CsrfInput token={props.viewer.csrfToken} />
            <CarriedInput values={props.values} cursor={props.outcome.nextCursor} sendKey={props.sendKey} />
            <p>This selection is larger than one batch. Continue with the next contacts:</p>
            <button type="submit">Send to the next contacts</button>
          </form>
        )}
        <p>
          <a href={withQuery("/admin/sending/invitations", { surveyId: props.values.surveyId })}>See the invitations of this survey</a>
          {" · "}
          <a href={`/admin/sending/planner?${plannerQuery(props.values)}`}>Back to the plan</a>
        </p>
      </>
    ),
  });
}
