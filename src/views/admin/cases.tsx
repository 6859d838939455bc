import type { CaseDetail, CaseFilter, CaseListItem, Responsiveness } from "../../domain/cases/read";
import { Badge, CsrfInput, PostButton, ErrorSummary, Pager, SelectField, TableWrap, TextAreaField, type FormErrors, type Option } from "./components";
import { formatInstant, formatShare } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Cases (SPEC §8, §12): the follow-up queue and a case with its timeline. */

const STATUS_LABEL: Record<CaseListItem["status"], string> = { open: "Open", acknowledged: "Acknowledged", closed: "Closed" };
const STATUS_TONE = { open: "warn", acknowledged: "info", closed: "good" } as const;

/** A case's status as a badge (words; the colour repeats them). */
export function CaseStatusBadge(props: { status: CaseListItem["status"] }) {
  return <Badge tone={STATUS_TONE[props.status]}>{STATUS_LABEL[props.status]}</Badge>;
}

function StatusBadges(props: { item: Pick<CaseListItem, "status" | "breached"> }) {
  return (
    <>
      <CaseStatusBadge status={props.item.status} />
      {props.item.breached && (
        <>
          {" "}
          <Badge tone="bad">Breached</Badge>
        </>
      )}
    </>
  );
}

/** Long addresses may break after "@" and "." so a timeline line never widens the page at 320 px. */
function Breakable(props: { text: string }) {
  const parts = props.text.split(/(?<=[@.])/);
  return (
    <>
      {parts.map((part, i) => (
        <>
          {part}
          {i < parts.length - 1 && <wbr />}
        </>
      ))}
    </>
  );
}

/** A person by name, the address beside it where it helps (case page); the address alone when it is no user. */
function Person(props: { name: string | null; email: string | null; withEmail?: boolean; none: string }) {
  if (!props.email) return <>{props.none}</>;
  if (!props.name) return <Breakable text={props.email} />;
  if (!props.withEmail) return <>{props.name}</>;
  return (
    <>
      {props.name} <span class="muted">(<Breakable text={props.email} />)</span>
    </>
  );
}

const teamText = (item: { team: string | null; teamLabel: string | null }) => item.teamLabel ?? item.team ?? "—";

/** Priority = severity (1–3) × the account's revenue percentile (0–1]: a rank people read, and how it was reached. */
export function priorityRank(priority: number): "High" | "Medium" | "Low" {
  return priority >= 2 ? "High" : priority >= 1 ? "Medium" : "Low";
}
export const priorityExplained = (priority: number, severity: number) =>
  `${priority.toFixed(2)} = severity ${severity} of 3 × revenue percentile ${(severity > 0 ? priority / severity : 0).toFixed(2)}`;

const excerpt = (text: string | null, max = 140) => (!text ? "" : text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface CasesPageProps {
  nonce: string;
  viewer: AdminViewer;
  filter: CaseFilter;
  teams: Option[];
  items: CaseListItem[];
  next: string | null;
  first: string | null;
  responsiveness: Responsiveness[];
  /** A filter that cannot be applied as chosen ("A team's" without a team), beside its field. */
  errors?: FormErrors;
}

export function casesPage(props: CasesPageProps): string {
  const f = props.filter;
  return adminPage({
    title: "Cases",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "cases",
    lead: "Follow-ups from unhappy answers and silent accounts: highest priority first (severity 1–3 × the account's revenue percentile, so 3.00 is the most urgent; High from 2.00, Medium from 1.00, Low below), overdue cases first among equals, then by due date.",
    children: (
      <>
        <ErrorSummary errors={props.errors ?? {}} title="Choose a team to see its cases:" />
        <form method="get" action="/admin/cases" class="filters" aria-label="Filter cases">
          <SelectField
            name="scope"
            label="Whose"
            options={[
              { value: "all", label: "All cases" },
              { value: "mine", label: "Mine (assigned to me or on my accounts)" },
              { value: "team", label: "A team's" },
            ]}
            value={f.scope}
          />
          <SelectField name="team" label="Team" options={props.teams} value={f.team ?? ""} blank="Any team" error={props.errors?.team} />
          <SelectField
            name="status"
            label="Status"
            options={[
              { value: "active", label: "Not closed" },
              { value: "open", label: "Open" },
              { value: "acknowledged", label: "Acknowledged" },
              { value: "closed", label: "Closed" },
              { value: "any", label: "Any status" },
            ]}
            value={f.status}
          />
          <SelectField
            name="breached"
            label="Overdue"
            options={[
              { value: "true", label: "Breached only" },
              { value: "false", label: "Not breached" },
            ]}
            value={f.breached === undefined ? "" : String(f.breached)}
            blank="Either"
          />
          <div class="actions">
            <button type="submit">Show</button>
          </div>
        </form>
        {props.items.length > 0 && (
          <TableWrap label="Case queue">
            <table>
              <thead>
                <tr>
                  <th scope="col">Priority</th>
                  {/* the link opens the case (its page links the account): the header says so */}
                  <th scope="col">Case (account · contact)</th>
                  <th scope="col">What happened</th>
                  <th scope="col">Team</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((item) => (
                  <tr>
                    <td>
                      <strong>{priorityRank(item.priority)}</strong>
                      <br />
                      <span class="muted">{priorityExplained(item.priority, item.severity)}</span>
                    </td>
                    <th scope="row">
                      <a href={`/admin/cases/${encodeURIComponent(item.id)}`}>{item.accountName}</a>
                      {item.contactName && <span class="muted"> · {item.contactName}</span>}
                    </th>
                    <td>
                      {item.type === "silence" ? "Silent account" : item.trigger}
                      {item.verbatim && <span class="verbatim"> “{excerpt(item.verbatim)}”</span>}
                    </td>
                    <td>{teamText(item)}</td>
                    <td>
                      <Person name={item.assigneeName} email={item.assigneeEmail} none="Unassigned" />
                    </td>
                    <td>{formatInstant(item.dueAt)}</td>
                    <td>
                      <StatusBadges item={item} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        {/* no empty table: just the words (none when the filter itself needs fixing) */}
        {props.items.length === 0 && !props.errors?.team && <p>No cases match. Unhappy answers and silent accounts open cases by themselves.</p>}
        <Pager first={props.first} next={props.next} />
        <ResponsivenessTable rows={props.responsiveness} />
      </>
    ),
  });
}

function ResponsivenessTable(props: { rows: Responsiveness[] }) {
  return (
    <section aria-labelledby="responsiveness">
      <h2 id="responsiveness">Responsiveness</h2>
      <p class="muted">What staff are measured on (not scores): median time to acknowledge and the share of cases closed by their due time, over cases closed or past due, for cases opened in the last 90 days. Each case counts once under its assignee and once under its team.</p>
      <TableWrap label="Responsiveness by assignee and team">
        <table>
          <thead>
            <tr>
              <th scope="col">Assignee or team</th>
              <th scope="col">Cases</th>
              <th scope="col">Median time to acknowledge</th>
              <th scope="col">Closed within SLA</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <th scope="row">
                  {r.by === "team" ? "Team " : ""}
                  {r.by === "team" ? (r.label ?? r.key ?? "(none)") : <Person name={r.label} email={r.key} none="Unassigned" />}
                </th>
                <td>{r.cases}</td>
                <td>{r.medianHoursToAcknowledge === null ? "—" : `${r.medianHoursToAcknowledge.toFixed(1)} h (${r.acknowledged} acknowledged)`}</td>
                <td>{r.closedWithinSla === null ? "—" : `${formatShare(r.closedWithinSla)} of ${r.slaBase}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {props.rows.length === 0 && <p>No cases in the last 90 days.</p>}
    </section>
  );
}

/** Actors that are no person: the scheduled work, and the set-up token of ADMIN_TOKEN (its stored id is "bootstrap"). */
const ACTOR_LABEL: Record<string, string> = { system: "Quorum (automatic)", bootstrap: "Admin token" };

const EVENT_LABEL: Record<string, string> = {
  opened: "Opened",
  reevaluated: "Answer edited, rules re-run",
  acknowledged: "Acknowledged",
  assigned: "Assigned",
  note: "Note",
  closed: "Closed",
  reopened: "Reopened",
  breached: "Breached: escalated",
  recheck_sent: "Re-check sent",
  recheck_answer: "Re-check answered",
};

function eventText(kind: string, detail: Record<string, unknown> | null, nameOf: (email: unknown) => string): string {
  if (!detail) return "";
  switch (kind) {
    case "opened":
      return [detail.trigger, detail.assignee ? `assigned to ${nameOf(detail.assignee)}` : "unassigned"].filter(Boolean).join("; ");
    case "assigned":
      return `to ${nameOf(detail.assignee)}`;
    case "note":
      return String(detail.text ?? "");
    case "closed":
      return String(detail.resolution ?? "");
    case "reopened":
      return detail.reason ? String(detail.reason) : "";
    case "reevaluated":
      return detail.stillMeetsRules ? `still ${detail.trigger}` : "no longer meets the case rules; the case stays as it is";
    case "recheck_answer":
      return detail.resolved === "yes" ? "Resolved: yes" : detail.resolved === "no" ? "Resolved: no" : "Answered";
    default:
      return "";
  }
}

export interface CasePageProps {
  nonce: string;
  viewer: AdminViewer;
  item: CaseDetail;
  users: Option[];
  /** Active users' names by email, for the timeline's "assigned to". */
  userNames: Map<string, string>;
  /** May the viewer work this case (admins; account managers on their accounts or assigned cases)? */
  mayWork: boolean;
  errors: FormErrors;
  values: { resolution?: string; note?: string };
  flash: string | null;
  /** The note form's one-time key (http/admin/form-keys.ts). */
  formKey: string;
}

export function casePage(props: CasePageProps): string {
  const c = props.item;
  const action = (name: string) => `/admin/cases/${encodeURIComponent(c.id)}/${name}`;
  const nameOf = (email: unknown) => props.userNames.get(String(email).toLowerCase()) ?? String(email);
  return adminPage({
    title: `Case: ${c.accountName}`,
    nonce: props.nonce,
    viewer: props.viewer,
    active: "cases",
    flash: props.flash,
    children: (
      <>
        <p>
          <a href="/admin/cases">Back to the queue</a>
        </p>
        <ErrorSummary errors={props.errors} />
        <div class="card">
          <p>
            <StatusBadges item={c} />
          </p>
          <dl class="facts">
            <dt>Account</dt>
            <dd>
              <a href={`/admin/accounts/${encodeURIComponent(c.accountId)}`}>{c.accountName}</a>
              {c.topAccount ? " (top 20 % of revenue)" : ""}
            </dd>
            <dt>Contact</dt>
            <dd>{c.contactName ?? (c.contactId ? "(erased)" : "—")}</dd>
            <dt>What happened</dt>
            <dd>{c.type === "silence" ? `Silent in ${c.period}: ${c.trigger}` : c.trigger}</dd>
            <dt>Priority</dt>
            <dd>
              {priorityRank(c.priority)} ({c.priority.toFixed(2)} = severity {c.severity} of 3 × revenue percentile {c.revenuePercentile.toFixed(2)})
            </dd>
            <dt>Team</dt>
            <dd>{teamText(c)}</dd>
            <dt>Assignee</dt>
            <dd>
              <Person name={c.assigneeName} email={c.assigneeEmail} withEmail none="Unassigned" />
            </dd>
            <dt>Account owner</dt>
            <dd>
              <Person name={c.accountOwnerName} email={c.accountOwnerEmail} withEmail none="—" />
            </dd>
            {c.acknowledgedAt && c.status !== "open" ? (
              <>
                <dt>Acknowledged</dt>
                <dd>
                  {formatInstant(c.acknowledgedAt)} (due {formatInstant(c.dueAt)})
                </dd>
              </>
            ) : (
              <>
                <dt>Acknowledge by</dt>
                <dd>
                  {formatInstant(c.dueAt)}
                  {c.acknowledgedAt && ` (acknowledged ${formatInstant(c.acknowledgedAt)}, before it was reopened)`}
                </dd>
              </>
            )}
            {c.resolution && (
              <>
                <dt>Resolution</dt>
                <dd>{c.resolution}</dd>
              </>
            )}
          </dl>
          {c.verbatim && (
            <figure class="quote">
              <figcaption>In their words</figcaption>
              <blockquote class="verbatim">{c.verbatim}</blockquote>
            </figure>
          )}
        </div>
        {props.mayWork ? <WorkForms {...props} action={action} /> : <p class="muted">You can read this case; its account team works it.</p>}
        <section aria-labelledby="timeline">
          <h2 id="timeline">Timeline</h2>
          <ol class="feed">
            {c.timeline.map((e) => (
              <li>
                <p class="feed-meta">
                  <strong>{EVENT_LABEL[e.kind] ?? e.kind}</strong> · {formatInstant(e.at)} · {e.actorName ?? ACTOR_LABEL[e.actor] ?? <Breakable text={e.actor} />}
                </p>
                {eventText(e.kind, e.detail, nameOf) && (
                  <p>
                    <Breakable text={eventText(e.kind, e.detail, nameOf)} />
                  </p>
                )}
              </li>
            ))}
          </ol>
        </section>
      </>
    ),
  });
}

function WorkForms(props: CasePageProps & { action: (name: string) => string }) {
  const c = props.item;
  const csrf = props.viewer.csrfToken;
  const open = c.status !== "closed";
  return (
    <section aria-labelledby="work" class="stack">
      <h2 id="work">Work the case</h2>
      {c.status === "open" && (
        <PostButton action={props.action("acknowledge")} csrf={csrf}>
          Acknowledge
        </PostButton>
      )}
      {open && (
        <form method="post" action={props.action("assign")} class="card stack">
          <CsrfInput token={csrf} />
          {/* unassigned (or assigned to no active user): a blank first choice, or the select would show the first person as if assigned */}
          <SelectField
            name="assigneeEmail"
            label="Assign to"
            options={props.users}
            value={c.assigneeEmail}
            blank={props.users.some((u) => u.value.toLowerCase() === c.assigneeEmail?.toLowerCase()) ? undefined : "Choose a person"}
            error={props.errors.assigneeEmail}
            required
          />
          <button type="submit">Assign</button>
        </form>
      )}
      <form method="post" action={props.action("notes")} class="card stack">
        <CsrfInput token={csrf} />
        <input type="hidden" name="formKey" value={props.formKey} />
        <TextAreaField name="text" label="Note" value={props.values.note ?? ""} error={props.errors.text} rows={3} required />
        <button type="submit">Add the note</button>
      </form>
      {open && (
        <form method="post" action={props.action("close")} class="card stack" novalidate>
          <CsrfInput token={csrf} />
          <TextAreaField name="resolution" label="Resolution" hint="What was done for the customer. Required to close." value={props.values.resolution ?? ""} error={props.errors.resolution} rows={3} required />
          <button type="submit">Close the case</button>
        </form>
      )}
      {!open && (
        <PostButton action={props.action("reopen")} csrf={csrf}>
          Reopen
        </PostButton>
      )}
      {!open && c.contactId && !c.recheckInvitationId && (
        <PostButton action={props.action("recheck")} csrf={csrf}>
          Ask the contact “Did we resolve it?”
        </PostButton>
      )}
      {c.recheckInvitationId && <p class="muted">The re-check was sent (once per case); its answer appears in the timeline.</p>}
    </section>
  );
}

