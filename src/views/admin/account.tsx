import type { AccountPage } from "../../domain/scoring/dashboard";
import { CategoryBadge, categoryLabel } from "./accounts";
import { CaseStatusBadge } from "./cases";
import { Badge, CardSection, Figure, NpsIntervalCell, TableWrap } from "./components";
import { formatDate, formatInstant, formatInteger, formatMean, formatMoney, formatNps } from "./format";
import { Freshness } from "./overview";
import { StatusBadge as InvitationStatusBadge } from "./invitations";
import { describeRule } from "./rules";
import { reasonInWords } from "./eligibility";
import { ResponseCard } from "./responses";
import { adminPage, type AdminViewer } from "./shell";

const names = (people: { name: string | null; email?: string | null }[]) => people.map((p) => p.name ?? p.email ?? "A contact").join(", ");

/** What held an invitation back, in words: a rule by its definition (rules have no label), other reasons explained. */
function blockedBy(reason: string, rules: AccountPage["rules"]): string {
  const rule = rules.get(reason);
  return rule ? describeRule(rule) : reasonInWords(reason, null, rules);
}

export function accountPage(props: { nonce: string; viewer: AdminViewer; data: AccountPage }): string {
  const d = props.data;
  const a = d.account;
  const now = d.quarters.find((q) => q.period === d.period) ?? null;
  const heardRoles = d.committee.filter((r) => r.heard).length;
  // Category "silent" = invited, no NPS answer (SPEC §7.3); silence (§7.9) waits until every invitation has ended
  // unanswered, so until then an account with no invitation answered is "not yet" silent.
  const waitingForAnswers = !!now && !now.silent && now.category === "silent" && now.completed === 0;
  return adminPage({
    title: a.name,
    nonce: props.nonce,
    viewer: props.viewer,
    active: "accounts",
    lead: `Account ${a.externalId}${a.segment ? ` · ${a.segment}` : ""}${a.country ? ` · ${a.country}` : ""}`,
    children: (
      <>
        <p>
          <a href="/admin/accounts">All accounts</a>
        </p>
        {d.run ? <Freshness finishedAt={d.run.finishedAt} /> : <p class="muted">No scoring run has completed yet; scores appear after the first one.</p>}
        <div class="grid">
          <Figure label={`Category ${d.period ?? ""}`} value={categoryLabel(now?.category)}>
            {now?.mixedSignals && (
              <p class="figure-change">
                <Badge tone="warn">Mixed signals</Badge>
              </p>
            )}
          </Figure>
          <Figure label="Score (0–10, role-weighted)" value={formatMean(now?.score ?? null)} n={now?.nps.n ?? null} lowSample={!!now && now.nps.n > 0 && now.nps.lowSample} />
          <Figure label="Annual revenue" value={formatMoney(a.annualRevenue)}>
            <p class="figure-change">Status: {a.status === "active" ? "active" : `churned ${formatDate(a.churnedAt)}`}</p>
          </Figure>
          <Figure label="Silence" value={now?.silent ? "Silent" : waitingForAnswers ? "Not yet" : now?.silent === false ? "Not silent" : "—"}>
            {waitingForAnswers && <p class="figure-change">No invitation of this quarter answered yet: silent once every one has ended unanswered.</p>}
            <p class="figure-change">{formatInteger(now?.silentQuarters ?? 0)} consecutive silent quarters</p>
          </Figure>
        </div>
        <CardSection id="facts" title="Facts">
          <dl class="facts">
            <dt>Owner</dt>
            <dd>{a.ownerName ? `${a.ownerName}${a.ownerEmail ? ` (${a.ownerEmail})` : ""}` : (a.ownerEmail ?? "—")}</dd>
            <dt>Segment</dt>
            <dd>{a.segment ?? "—"}</dd>
            <dt>Country</dt>
            <dd>{a.country ?? "—"}</dd>
            <dt>Customer since</dt>
            <dd>{formatDate(a.customerSince)}</dd>
            <dt>CRM id</dt>
            <dd>{a.externalId}</dd>
          </dl>
        </CardSection>

        <CardSection id="committee" title="Buying committee, trailing 12 months">
          <p>
            {formatInteger(heardRoles)} of {formatInteger(d.committee.length)} committee roles heard.{" "}
            {now?.singleThreaded && <Badge tone="warn">Single-threaded: every answer came from one person</Badge>}
          </p>
          <TableWrap label="Committee roles">
            <table>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Heard?</th>
                  <th scope="col">Heard from</th>
                  <th scope="col">Held by</th>
                </tr>
              </thead>
              <tbody>
                {d.committee.map((r) => (
                  <tr>
                    <th scope="row">{r.label}</th>
                    <td>{r.heard ? <Badge tone="good">Heard</Badge> : <Badge tone="bad">Not heard</Badge>}</td>
                    <td>{r.heardFrom.length ? r.heardFrom.map((h) => `${h.name ?? "A contact"} (${formatDate(h.lastAt)})`).join(", ") : "—"}</td>
                    <td>{r.holders.length ? names(r.holders) : <span class="muted">Nobody holds this role</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </CardSection>

        <CardSection id="signals" title={`Role means ${d.period}`}>
          {now?.mixedSignals ? (
            <p>
              <Badge tone="warn">Mixed signals</Badge> Two roles' mean answers differ by {formatMean(now.roleMeanGap)} points (4 or more).
            </p>
          ) : (
            <p>No mixed signals: the roles' mean answers are within 4 points of each other.</p>
          )}
          {d.roleMeans.length > 0 && (
            <TableWrap label="Mean NPS answer by role">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Role</th>
                    <th scope="col" class="num">Mean answer (0–10)</th>
                    <th scope="col" class="num">Contacts</th>
                  </tr>
                </thead>
                <tbody>
                  {d.roleMeans.map((r) => (
                    <tr>
                      <th scope="row">{r.label}</th>
                      <td class="num">{formatMean(r.mean)}</td>
                      <td class="num">{formatInteger(r.n)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </CardSection>

        <CardSection id="quarters" title="Score and category per quarter">
          {d.quarters.length === 0 ? (
            <p>No scored quarters yet.</p>
          ) : (
            <TableWrap label="Quarters">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Quarter</th>
                    <th scope="col" class="num">Revenue</th>
                    <th scope="col">Category</th>
                    <th scope="col" class="num">Score</th>
                    <th scope="col" class="num">NPS</th>
                    <th scope="col">95 % interval</th>
                    <th scope="col" class="num">n</th>
                    <th scope="col" class="num">Answered / invited</th>
                    <th scope="col">Silence</th>
                  </tr>
                </thead>
                <tbody>
                  {d.quarters.map((q) => (
                    <tr>
                      <th scope="row">{q.period}</th>
                      <td class="num">{formatMoney(q.revenue)}</td>
                      <td>
                        <CategoryBadge category={q.category} />
                      </td>
                      <td class="num">{formatMean(q.score)}</td>
                      <td class="num">{formatNps(q.nps.nps)}</td>
                      <NpsIntervalCell interval={q.nps.interval} lowSample={q.nps.lowSample} n={q.nps.n} />
                      <td class="num">{formatInteger(q.nps.n)}</td>
                      <td class="num">
                        {q.invited === 0 ? <span class="muted">None invited</span> : `${formatInteger(q.completed)} / ${formatInteger(q.invited)}`}
                      </td>
                      <td>{q.silent ? <Badge tone="warn">{`Silent (${q.silentQuarters} in a row)`}</Badge> : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </CardSection>

        <CardSection id="revenue" title="Revenue history">
          <TableWrap label="Revenue history">
            <table>
              <thead>
                <tr>
                  <th scope="col">Valid from</th>
                  <th scope="col" class="num">Annual revenue</th>
                </tr>
              </thead>
              <tbody>
                {d.revenueHistory.map((r) => (
                  <tr>
                    <td>{formatDate(r.validFrom)}</td>
                    <td class="num">{formatMoney(r.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </CardSection>

        <CardSection id="responses" title="Responses">
          {d.responses.length === 0 ? (
            <p>No complete responses yet.</p>
          ) : (
            <ul class="feed" aria-label="Responses of this account">
              {d.responses.map((r) => (
                <ResponseCard response={r} roleLabel={d.roleLabels[r.role]} stageLabel={d.stageLabels[r.journeyStage]} showAccount={false} />
              ))}
            </ul>
          )}
          {d.moreResponses && (
            <p>
              <a href={`/admin/responses?account=${encodeURIComponent(a.id)}`}>All responses of this account</a>
            </p>
          )}
        </CardSection>

        <CardSection id="invitations" title="Invitations">
          {d.invitations.length === 0 ? (
            <p>No invitations yet.</p>
          ) : (
            <TableWrap label="Invitations">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Contact</th>
                    <th scope="col">Survey</th>
                    <th scope="col">When</th>
                    <th scope="col">Status</th>
                    <th scope="col">Blocked by</th>
                  </tr>
                </thead>
                <tbody>
                  {d.invitations.map((i) => (
                    <tr>
                      <td>{i.contactName ?? i.contactEmail ?? "Erased contact"}</td>
                      <td>{i.surveyName ?? i.surveyId}</td>
                      <td>{formatInstant(i.admittedAt ?? i.completedAt ?? i.scheduledFor ?? i.createdAt)}</td>
                      <td>
                        <InvitationStatusBadge status={i.status} />
                      </td>
                      <td>{i.blockingRule ? blockedBy(i.blockingRule, d.rules) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          {d.moreInvitations && <p class="muted">Showing the latest 20 invitations.</p>}
        </CardSection>

        <CardSection id="cases-h" title="Cases">
          {d.cases.length === 0 ? (
            <p>No cases.</p>
          ) : (
            <TableWrap label="Cases">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Opened</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Due</th>
                    <th scope="col">Verbatim</th>
                  </tr>
                </thead>
                <tbody>
                  {d.cases.map((k) => (
                    <tr>
                      <td>
                        <a href={`/admin/cases/${encodeURIComponent(k.id)}`}>{formatDate(k.openedAt)}</a>
                      </td>
                      <td>{k.type === "silence" ? `Silence ${k.period ?? ""}` : "Response"}</td>
                      <td>
                        <CaseStatusBadge status={k.status} />
                      </td>
                      <td>{formatDate(k.dueAt)}</td>
                      <td>{k.verbatim ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </CardSection>
      </>
    ),
  });
}
