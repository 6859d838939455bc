import type { RuleView } from "../../domain/frequency/rules";
import type { CoverageRow } from "../../domain/targeting/revenue";
import { Badge, FilterForm, SectionCards, SelectField, TableWrap, type Option, type Section } from "./components";
import { formatInteger, formatMoney } from "./format";
import { reasonInWords } from "./eligibility";
import { adminPage, type AdminViewer } from "./shell";

/** Sending: the landing page and program coverage. */

const SECTIONS: Section[] = [
  { href: "/admin/sending/planner", label: "Send planner", what: "A survey plus accounts or a filter: who would be invited, deferred, suppressed or not targeted — then send." },
  { href: "/admin/sending/invitations", label: "Invitations", what: "Who we emailed, who answered, who was held back and why; by survey, status, rule, account and wave." },
  { href: "/admin/sending/eligibility", label: "Eligibility explainer", what: "One contact and one survey: eligible or not, targeted or not, each blocking rule and until when." },
  { href: "/admin/sending/rules", label: "Frequency rules", what: "The caps that keep customers from being over-surveyed." },
  { href: "/admin/sending/coverage", label: "Program coverage", what: "Per quarter: the accounts holding the top 80 % of revenue with an invited committee contact, and the shortfalls." },
];

export function sendingPage(props: { nonce: string; viewer: AdminViewer }): string {
  return adminPage({
    title: "Sending",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    lead: "Who gets which survey when: every invitation passes the frequency rules, and every decision can be explained.",
    children: <SectionCards sections={SECTIONS} />,
  });
}

const SHORTFALL: Record<NonNullable<CoverageRow["shortfall"]>["reason"], string> = {
  "no-committee-contact": "No active contact in a committee role.",
  blocked: "Every attempt was held back:",
  "not-yet-tried": "Not tried yet this quarter (the program tops it up on a coming working day).",
};

export function coveragePage(props: {
  nonce: string;
  viewer: AdminViewer;
  quarter: string;
  quarters: Option[];
  rows: CoverageRow[];
  rules: Map<string, RuleView>;
  /** The relational survey the program tops up with (null: none active). */
  survey: string | null;
  error: string | null;
}): string {
  const covered = props.rows.filter((row) => row.covered).length;
  return adminPage({
    title: "Program coverage",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "sending",
    lead: "The accounts holding the top 80 % of revenue should each have an invited committee-role contact every quarter — through the frequency rules, never forced.",
    children: (
      <>
        <p>
          <a href="/admin/sending">Sending</a>
        </p>
        <FilterForm action="/admin/sending/coverage">
          <SelectField name="quarter" label="Quarter" value={props.quarter} options={props.quarters} error={props.error} />
        </FilterForm>
        <p>
          <strong>
            {formatInteger(covered)} of {formatInteger(props.rows.length)}
          </strong>{" "}
          top-revenue accounts covered in {props.quarter}; {formatInteger(props.rows.length - covered)} shortfalls.{" "}
          {props.survey ? `Top-ups use the relational survey “${props.survey}”.` : "No relational survey is active, so nothing tops coverage up."}
        </p>
        {props.rows.length > 0 && (
          <TableWrap label="Coverage per account">
            <table>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col" class="num">
                    Annual revenue
                  </th>
                  <th scope="col">Covered</th>
                  <th scope="col">Shortfall</th>
                </tr>
              </thead>
              <tbody>
                {props.rows.map((row) => (
                  <tr>
                    <td>
                      <a href={`/admin/accounts/${encodeURIComponent(row.accountId)}`}>{row.name}</a>
                    </td>
                    <td class="num">{formatMoney(row.annualRevenue)}</td>
                    <td>{row.covered ? <Badge tone="good">Covered</Badge> : <Badge tone="warn">Not covered</Badge>}</td>
                    <td>
                      {row.shortfall ? (
                        <>
                          {SHORTFALL[row.shortfall.reason]}
                          {row.shortfall.candidates.length > 0 && (
                            <ul>
                              {row.shortfall.candidates.map((candidate) => (
                                <li>
                                  {candidate.contactName ?? candidate.contactId} ({candidate.role}):{" "}
                                  {candidate.reason === null ? "can be invited now" : reasonInWords(candidate.reason, candidate.until, props.rules)}
                                </li>
                              ))}
                            </ul>
                          )}
                        </>
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
      </>
    ),
  });
}
