import type { FiguresChange, Overview } from "../../domain/scoring/dashboard";
import { CoverageBar, CoverageTable, TrendChart, TrendLegend, type CoverageSegment } from "./charts";
import { Badge, CardSection, Figure, NpsIntervalCell, SelectField, TableWrap } from "./components";
import { formatChange, formatInstant, formatMeanChange, formatInteger, formatMean, formatMoney, formatNps, formatShare } from "./format";
import { adminPage, type AdminViewer } from "./shell";

export const OVERLAP_NOTE =
  "Significance is approximate: the rotation asks many of the same contacts again, so the samples being compared overlap and are not independent.";

const npsInterval = (i: { low: number; high: number } | null) => (i ? ([formatNps(i.low), formatNps(i.high)] as [string, string]) : null);

const shareInterval = (i: { low: number; high: number } | null) => (i ? ([formatShare(i.low), formatShare(i.high)] as [string, string]) : null);

/** The quarter picker every score page shares: a GET form, so it works without JavaScript. */
export function QuarterPicker(props: { action: string; quarters: string[]; selected: string; hidden?: Record<string, string | undefined> }) {
  return (
    <form method="get" action={props.action} class="filters" aria-label="Choose a quarter">
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (value ? <input type="hidden" name={name} value={value} /> : null))}
      <SelectField name="period" label="Quarter" options={props.quarters.map((q) => ({ value: q, label: q }))} value={props.selected} />
      <button type="submit">Show</button>
    </form>
  );
}

/** "Figures as of": when the scoring run whose results are shown completed, and how long ago. */
export function Freshness(props: { finishedAt: string | null; now?: Date }) {
  return (
    <p class="muted">
      Figures from the scoring run completed {formatInstant(props.finishedAt)}
      {props.finishedAt && <> ({ageInWords(props.finishedAt, props.now ?? new Date())})</>}. New answers are in the scores within 15 minutes.
    </p>
  );
}

function ageInWords(iso: string, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hours ago` : `${Math.round(hours / 24)} days ago`;
}

/** A change in NPS points ("pts"), percentage points ("pp"), or of a mean on its answer scale (`{ scale: "1–5" }`). */
type ChangeUnit = "pts" | "pp" | { scale: string };

function ChangeLine(props: { label: string; change: FiguresChange | null; pick: (c: FiguresChange) => number | null; unit: ChangeUnit; significance?: boolean }) {
  if (!props.change) return <p class="figure-change">{props.label}: no earlier figures</p>;
  const value = props.pick(props.change);
  const significant = props.significance ? props.change.nps?.significant : undefined;
  const unit = props.unit;
  return (
    <p class="figure-change">
      {props.label} ({props.change.period}): {typeof unit === "string" ? formatChange(value, unit) : formatMeanChange(value, unit.scale)}
      {significant !== undefined && value !== null && (
        <>
          {" "}
          <Badge tone={significant ? "info" : "neutral"}>{significant ? "Significant" : "Not significant"}</Badge>
        </>
      )}
    </p>
  );
}

export function coverageSegments(amounts: Overview["coverage"]["amounts"]): CoverageSegment[] {
  return [
    { key: "safe", label: "Safe (promoters)", amount: amounts.safe },
    { key: "passive", label: "Passive", amount: amounts.passive },
    { key: "atRisk", label: "At risk (detractors)", amount: amounts.atRisk },
    // "silent" here = invited, no NPS answer (SPEC §7.3), wider than the silent accounts whose invitations all ended (§7.9)
    { key: "silent", label: "Unaccounted: silent (invited, no NPS answer)", amount: amounts.silent },
    { key: "unsurveyed", label: "Unaccounted: unsurveyed", amount: amounts.unsurveyed },
  ];
}

export function overviewPage(props: { nonce: string; viewer: AdminViewer; data: Overview }): string {
  const d = props.data;
  const c = d.coverage;
  const f = d.figures;
  const segments = coverageSegments(c.amounts);
  const previous = d.change.previousQuarter;
  const yearEarlier = d.change.yearEarlier;
  return adminPage({
    title: "Overview",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "overview",
    lead: `The quarter ${d.period} at a glance: how much revenue we have heard from, how it feels, and what changed.`,
    children: (
      <>
        <QuarterPicker action="/admin" quarters={d.quarters} selected={d.period} />
        <Freshness finishedAt={d.run.finishedAt} />

        <CardSection id="coverage" title="Revenue coverage">
          <p>
            <strong>{formatShare(c.coverage)}</strong> of {formatMoney(c.totalRevenue)} revenue ({formatInteger(c.accountsInScope)} accounts in scope) has an NPS answer this quarter.{" "}
            <Badge tone={c.meetsTarget ? "good" : "warn"}>{c.meetsTarget ? "Meets the 80 % target" : "Below the 80 % target"}</Badge>
          </p>
          <CoverageBar segments={segments} total={c.totalRevenue} target={c.target} coverage={c.coverage} caption={`Revenue coverage ${d.period}`} />
          <CoverageTable segments={segments} total={c.totalRevenue} caption={`Revenue by category, ${d.period}`} />
          <div class="grid">
            <Figure label="Heard-from coverage" value={formatShare(c.heardFromCoverage)}>
              <p class="figure-change">Revenue share of accounts with any complete response.</p>
            </Figure>
            <Figure label="Decision-maker coverage" value={formatShare(c.decisionMakerCoverage)}>
              <p class="figure-change">Revenue share of accounts where a decision maker answered.</p>
            </Figure>
            <Figure label="Single-threaded accounts" value={formatInteger(c.singleThreadedAccounts)}>
              <p class="figure-change">All answers of the last 12 months came from one person.</p>
              {c.singleThreadedAccounts > 0 && (
                <p class="figure-change">
                  <a href={`/admin/accounts?period=${d.period}&single=yes`}>See the single-threaded accounts</a>
                </p>
              )}
            </Figure>
            {c.unresponsive && (
              <Figure label="Silent accounts (invitations ended)" value={formatInteger(c.unresponsive.accounts)}>
                <p class="figure-change">Every invitation ended unanswered: {formatMoney(c.unresponsive.revenue)} revenue.</p>
                {c.unresponsive.accounts > 0 && (
                  <p class="figure-change">
                    <a href={`/admin/accounts?period=${d.period}&silent=1`}>See the silent accounts</a>
                  </p>
                )}
              </Figure>
            )}
          </div>
        </CardSection>

        <CardSection id="scores" title="Scores">
          <div class="grid">
            <Figure label="NPS" value={formatNps(f.nps.nps)} interval={npsInterval(f.nps.interval)} n={f.nps.n} lowSample={f.nps.lowSample}>
              <ChangeLine label="vs previous quarter" change={previous} pick={(x) => x.nps?.delta ?? null} unit="pts" significance />
              <ChangeLine label="vs a year earlier" change={yearEarlier} pick={(x) => x.nps?.delta ?? null} unit="pts" significance />
            </Figure>
            <Figure
              label="Revenue-weighted NPS"
              value={formatNps(f.npsRevenueWeighted.nps)}
              interval={npsInterval(f.npsRevenueWeighted.interval)}
              n={f.npsRevenueWeighted.effectiveN === null ? null : Math.round(f.npsRevenueWeighted.effectiveN)}
              nLabel="effective n"
              lowSample={f.npsRevenueWeighted.lowSample}
            >
              <p class="figure-change">{formatInteger(f.npsRevenueWeighted.accounts)} accounts</p>
              <ChangeLine label="vs previous quarter" change={previous} pick={(x) => x.npsRevenueWeighted} unit="pts" />
              <ChangeLine label="vs a year earlier" change={yearEarlier} pick={(x) => x.npsRevenueWeighted} unit="pts" />
            </Figure>
            <Figure label="OSAT satisfied (4–5)" value={formatShare(f.osat.topBoxShare)} interval={shareInterval(f.osat.topBoxInterval)} n={f.osat.n} lowSample={f.osat.n > 0 && f.osat.n < 30}>
              <p class="figure-change">Mean {formatMean(f.osat.mean)} of 5</p>
              <ChangeLine label="Mean vs previous quarter" change={previous} pick={(x) => x.osatMean} unit={{ scale: "1–5" }} />
              <ChangeLine label="Mean vs a year earlier" change={yearEarlier} pick={(x) => x.osatMean} unit={{ scale: "1–5" }} />
            </Figure>
            <Figure label="CES agree it was easy (5–7)" value={formatShare(f.ces.topBoxShare)} interval={shareInterval(f.ces.topBoxInterval)} n={f.ces.n} lowSample={f.ces.n > 0 && f.ces.n < 30}>
              <p class="figure-change">Mean {formatMean(f.ces.mean)} of 7</p>
              <ChangeLine label="Mean vs previous quarter" change={previous} pick={(x) => x.cesMean} unit={{ scale: "1–7" }} />
              <ChangeLine label="Mean vs a year earlier" change={yearEarlier} pick={(x) => x.cesMean} unit={{ scale: "1–7" }} />
            </Figure>
          </div>
          <p class="muted">{OVERLAP_NOTE}</p>
        </CardSection>

        <CardSection id="trend" title="NPS over 8 quarters">
          {d.trend.length === 0 ? (
            <p>No quarters scored yet.</p>
          ) : (
            <>
              <TrendChart
                id="nps-trend"
                title={`NPS by quarter, ${d.trend[0]!.period} to ${d.period}, with 95 % intervals`}
                points={d.trend.map((t) => ({ label: t.period, value: t.nps.nps, low: t.nps.interval?.low ?? null, high: t.nps.interval?.high ?? null, lowSample: t.nps.lowSample, n: t.nps.n }))}
              />
              <TrendLegend />
              <details>
                <summary>The trend as a table</summary>
                <TableWrap label="NPS by quarter">
                  <table>
                    <caption>NPS, revenue-weighted NPS and coverage by quarter</caption>
                    <thead>
                      <tr>
                        <th scope="col">Quarter</th>
                        <th scope="col" class="num">NPS</th>
                        <th scope="col">95 % interval</th>
                        <th scope="col" class="num">n</th>
                        <th scope="col" class="num">Revenue-weighted NPS</th>
                        <th scope="col">Its 95 % interval</th>
                        <th scope="col" class="num">Effective n</th>
                        <th scope="col" class="num">Coverage</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.trend.map((t) => (
                        <tr>
                          <th scope="row">{t.period}</th>
                          <td class="num">{formatNps(t.nps.nps)}</td>
                          <NpsIntervalCell interval={t.nps.interval} lowSample={t.nps.lowSample} n={t.nps.n} />
                          <td class="num">{formatInteger(t.nps.n)}</td>
                          <td class="num">{formatNps(t.npsRevenueWeighted.nps)}</td>
                          <NpsIntervalCell interval={t.npsRevenueWeighted.interval} lowSample={t.npsRevenueWeighted.lowSample} n={t.npsRevenueWeighted.accounts} />
                          <td class="num">{t.npsRevenueWeighted.effectiveN === null ? "—" : formatInteger(Math.round(t.npsRevenueWeighted.effectiveN))}</td>
                          <td class="num">{formatShare(t.coverage)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              </details>
            </>
          )}
        </CardSection>

        <CardSection id="cases" title="Cases">
          <p>
            <strong>{formatInteger(d.cases.open)}</strong> {d.cases.open === 1 ? "case" : "cases"} not closed (open or acknowledged) ·{" "}
            {d.cases.breached > 0 ? (
              <>
                <Badge tone="bad">{`${formatInteger(d.cases.breached)} breached`}</Badge> · <a href="/admin/cases?breached=true">See the breached cases</a>
              </>
            ) : (
              <Badge tone="good">None breached</Badge>
            )}{" "}
            · <a href="/admin/cases">Work the case queue</a>
          </p>
        </CardSection>

        <CardSection id="at-risk" title="At-risk accounts, largest revenue first">
          {d.atRisk.length === 0 ? (
            <p>No account is at risk this quarter.</p>
          ) : (
            <TableWrap label="At-risk accounts">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col" class="num">Revenue</th>
                    <th scope="col" class="num">Score (0–10)</th>
                    <th scope="col" class="num">Answers</th>
                    <th scope="col">Owner</th>
                  </tr>
                </thead>
                <tbody>
                  {d.atRisk.map((a) => (
                    <tr>
                      <th scope="row">
                        <a href={`/admin/accounts/${encodeURIComponent(a.accountId)}`}>{a.name ?? a.accountId}</a>
                      </th>
                      <td class="num">{formatMoney(a.revenue)}</td>
                      <td class="num">{formatMean(a.score)}</td>
                      <td class="num">{formatInteger(a.npsN)}</td>
                      <td>{a.ownerName ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          <p>
            <a href={`/admin/accounts?period=${d.period}&category=detractor`}>All at-risk accounts</a>
          </p>
        </CardSection>
      </>
    ),
  });
}

/** Before the first scoring run: what to do to see figures. */
export function noScoresPage(props: { nonce: string; viewer: AdminViewer; title: string; active: "overview" | "accounts" | "markets" }): string {
  return adminPage({
    title: props.title,
    nonce: props.nonce,
    viewer: props.viewer,
    active: props.active,
    children: (
      <p>
        No scoring run has completed yet, so there are no figures to show. The scoring cron computes them within 15 minutes of the first answers; an admin can start one now with{" "}
        <code>POST /api/v1/scoring/runs</code> (see the <a href="/api/docs">API docs</a>).
      </p>
    ),
  });
}
