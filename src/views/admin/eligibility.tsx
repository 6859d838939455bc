import type { ContactHit } from "../../domain/directory/search";
import type { Eligibility } from "../../domain/frequency/eligibility";
import type { RuleView } from "../../domain/frequency/rules";
import { Badge, SelectField, TableWrap, TextField, withQuery, type Option } from "./components";
import { formatInstant } from "./format";
import { describeRule } from "./rules";
import { adminPage, type AdminViewer } from "./shell";

/** Sending → Eligibility explainer: may this person get this survey now, and if not, why and until when. */

export interface ExplainedCase {
  contact: { id: string; name: string | null; email: string | null; accountName: string; roleLabel: string };
  survey: { id: string; name: string; targetRoleLabels: string[] };
  eligibility: Eligibility;
}

/** The plain-words reason for one blocking entry (a rule id, an opt-out, not-targeted, defer-limit). */
export function reasonInWords(id: string, until: string | null, rules: Map<string, RuleView>): string {
  switch (id) {
    case "not-targeted":
      return "Not targeted: their role is not among the survey's target roles, so journey events and the program never invite them.";
    case "opted-out":
      return "Opted out: they unsubscribed (or their address is on the suppression list). Nobody can send them a survey.";
    case "bounced":
      return "Their address bounced. Nobody can send them a survey until the address is corrected.";
    case "erased":
      return "Their personal data was erased. They can never be invited again.";
    case "defer-limit":
      return `The caps hold it back past the 30-day deferral limit${until ? ` (until ${formatInstant(until)})` : ""}, so an invitation now would be suppressed (defer-limit).`;
    case "revoked":
      return "The invitation was revoked by an admin.";
    case "regular-send-due":
      return `Their regular program send is due${until ? ` (${formatInstant(until)})` : " soon"}; a top-up would take its place, so none is sent.`;
    case "tried":
      return "Already invited by the program this quarter.";
    case "survey-inactive":
      return "The survey was archived before the invitation went out.";
    default: {
      const rule = rules.get(id);
      const what = rule ? ` ${describeRule(rule)}` : "";
      return `Rule ${id}:${what}${until ? ` Blocks until ${formatInstant(until)}.` : ""}`;
    }
  }
}

function Verdict(props: { explained: ExplainedCase; rules: Map<string, RuleView> }) {
  const { contact, survey, eligibility: e } = props.explained;
  const who = `${contact.name ?? contact.email ?? "A contact whose data was erased"} (${contact.accountName})`;
  return (
    <section class="card" aria-labelledby="verdict">
      <h2 id="verdict">
        {e.eligible ? <Badge tone="good">Eligible</Badge> : <Badge tone="bad">Not eligible</Badge>}{" "}
        {e.eligible ? `${who} can be sent “${survey.name}” now.` : `${who} cannot be sent “${survey.name}” now.`}
      </h2>
      <dl class="facts">
        <dt>Targeted</dt>
        <dd>
          {e.targeted ? <Badge tone="good">Targeted</Badge> : <Badge tone="warn">Not targeted</Badge>}{" "}
          Their role is {contact.roleLabel}; the survey targets {survey.targetRoleLabels.length ? survey.targetRoleLabels.join(", ") : "every role"}.
        </dd>
        <dt>An invitation now would be</dt>
        <dd>{e.decision === "queued" ? "sent at once" : e.decision === "deferred" ? "deferred (it waits, then is checked again)" : "suppressed (never sent)"}</dd>
        <dt>Next eligible</dt>
        <dd>
          {e.eligible
            ? "Now"
            : e.nextEligibleAt
              ? formatInstant(e.nextEligibleAt)
              : e.targeted
                ? "Never by itself: the reason below does not lapse"
                : "Never for this survey: change the survey's target roles or send manually with off-target contacts included"}
        </dd>
      </dl>
      <p>
        <a href={`/admin/sending/planner?surveyId=${encodeURIComponent(survey.id)}&contactIds=${encodeURIComponent(contact.id)}`}>Plan a send of this survey to {contact.name ?? contact.email ?? "this contact"}</a>
      </p>
      {e.blockingRules.length > 0 && (
        <>
          <h3>What blocks it</h3>
          <ul>
            {e.blockingRules.map((rule) => (
              <li>{reasonInWords(rule.id, rule.until, props.rules)}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function eligibilityPage(props: {
  nonce: string;
  viewer: AdminViewer;
  q: string;
  surveyId: string;
  surveys: Option[];
  hits: ContactHit[];
  explained: ExplainedCase | null;
  rules: Map<string, RuleView>;
  error: string | null;
}): string {
  return adminPage({
    title: "Eligibility explainer",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    enhance: true,
    lead: "Pick a contact and a survey: see whether an invitation now would go out, and if not, which rule holds it back and until when.",
    children: (
      <>
        <p>
          <a href="/admin/sending">Sending</a>
        </p>
        {/* With JavaScript, the matching contacts follow the search box as it is typed in (the same page, its #hits part). */}
        <form
          method="get"
          action="/admin/sending/eligibility"
          class="card filters"
          role="search"
          hx-get="/admin/sending/eligibility"
          hx-trigger="input changed delay:300ms from:#f-q, change from:#f-surveyId"
          hx-target="#hits"
          hx-select="#hits"
          hx-swap="outerHTML"
          hx-sync="this:replace"
        >
          <TextField name="q" type="search" label="Contact (name, email or account)" value={props.q} />
          <SelectField name="surveyId" label="Survey" value={props.surveyId} options={props.surveys} blank="Choose a published survey" error={props.error} />
          <div class="actions">
            <button type="submit">Find contacts</button>
          </div>
        </form>
        {props.explained && <Verdict explained={props.explained} rules={props.rules} />}
        <div id="hits" aria-live="polite">
          {props.q && props.hits.length === 0 && <p>No contact matches “{props.q}”.</p>}
          {props.hits.length > 0 && (
            <TableWrap label="Matching contacts">
              <table>
                <caption>Matching contacts — choose one to explain</caption>
                <thead>
                  <tr>
                    <th scope="col">Contact</th>
                    <th scope="col">Account</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Explain</th>
                  </tr>
                </thead>
                <tbody>
                  {props.hits.map((hit) => (
                    <tr>
                      <td>
                        {hit.name ?? "(no name)"}
                        <br />
                        <span class="muted">{hit.email ?? "(erased)"}</span>
                      </td>
                      <td>{hit.accountName}</td>
                      <td>{hit.roleLabel ?? hit.role}</td>
                      <td>{hit.status}</td>
                      <td>
                        {props.surveyId ? (
                          <a href={withQuery("/admin/sending/eligibility", { q: props.q, surveyId: props.surveyId, contactId: hit.id })} aria-label={`Explain for ${hit.name ?? hit.email ?? "this erased contact"}`}>
                            Explain
                          </a>
                        ) : (
                          <span class="muted">Choose a survey first</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </div>
      </>
    ),
  });
}
