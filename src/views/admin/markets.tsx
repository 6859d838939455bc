import { Badge, CardSection, npsIntervalText, TableWrap } from "./components";
import { formatChange, formatInteger, formatNps, formatPeriod } from "./format";
import { Freshness, QuarterPicker } from "./overview";
import { adminPage, type AdminViewer } from "./shell";

interface Side {
  nps: number | null;
  n: number;
  interval?: { low: number; high: number } | null;
}

export interface MarketsView {
  period: string;
  quarters: string[];
  by: "country" | "segment";
  finishedAt: string | null;
  current: string;
  yearEarlier: string;
  note: string;
  ranked: { rank: number; market: string; change: number; interval: { low: number; high: number }; current: Side; yearEarlier: Side }[];
  insufficientData: { market: string; current: Side; yearEarlier: Side }[];
  /** Why nothing is ranked for this quarter (its trailing 12 months or the year before are not scored). */
  unavailable: string | null;
}

const MARKET_KINDS = [
  { by: "country", label: "Country" },
  { by: "segment", label: "Segment" },
] as const;

/** A 12-month NPS with its 95 % interval and n, as every NPS is shown. */
function SideCell(props: { side: Side }) {
  const s = props.side;
  return (
    <td class="num">
      {formatNps(s.nps)}
      <br />
      <span class="muted">
        {s.interval ? `${npsIntervalText(s.interval)} · ` : ""}n = {formatInteger(s.n)}
      </span>
    </td>
  );
}

export function marketsPage(props: { nonce: string; viewer: AdminViewer; data: MarketsView }): string {
  const d = props.data;
  const marketLabel = d.by === "country" ? "Country" : "Segment";
  return adminPage({
    title: "Markets",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "markets",
    lead: "Markets ranked by how surely their NPS improved over 12 months: the lower bound of the change's 95 % interval. Relative change, not raw score, compares across cultures.",
    children: (
      <>
        {/* the kind shown is plain bold text, the other a link: two identical links did not say which one was shown */}
        <nav aria-label="Market kind" class="actions">
          <span>Markets by:</span>
          {MARKET_KINDS.map((kind) =>
            kind.by === d.by ? (
              <strong aria-current="page">{kind.label}</strong>
            ) : (
              <a href={`/admin/markets?by=${kind.by}&period=${d.period}`}>{kind.label}</a>
            ),
          )}
        </nav>
        <QuarterPicker action="/admin/markets" quarters={d.quarters} selected={d.period} hidden={{ by: d.by }} />
        <Freshness finishedAt={d.finishedAt} />
        {d.unavailable ? (
          <p>{d.unavailable}</p>
        ) : (
          <>
            <CardSection id="ranked" title={`Ranking: ${formatPeriod(d.current)} against ${formatPeriod(d.yearEarlier)}`}>
              {d.ranked.length === 0 ? (
                <p>No market has 30 or more answers in both periods yet.</p>
              ) : (
                <TableWrap label="Ranked markets">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col" class="num">Rank</th>
                        <th scope="col">{marketLabel}</th>
                        <th scope="col" class="num">12-month change</th>
                        <th scope="col">95 % interval</th>
                        <th scope="col">Direction</th>
                        <th scope="col" class="num">NPS, {formatPeriod(d.current)} (95 % interval · n)</th>
                        <th scope="col" class="num">NPS, {formatPeriod(d.yearEarlier)} (95 % interval · n)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.ranked.map((m) => (
                        <tr>
                          <td class="num">{m.rank}</td>
                          <th scope="row">{m.market || "(none)"}</th>
                          <td class="num">{formatChange(m.change, "pts")}</td>
                          <td>
                            {formatChange(m.interval.low, "pts")} to {formatChange(m.interval.high, "pts")}
                          </td>
                          <td>
                            {m.interval.low > 0 ? (
                              <Badge tone="good">Improved</Badge>
                            ) : m.interval.high < 0 ? (
                              <Badge tone="bad">Declined</Badge>
                            ) : (
                              <Badge>No clear change</Badge>
                            )}
                          </td>
                          <SideCell side={m.current} />
                          <SideCell side={m.yearEarlier} />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
              <p class="muted">{d.note}</p>
            </CardSection>
            <CardSection id="insufficient" title="Insufficient data">
              <p>Fewer than 30 NPS answers in either 12-month period: not ranked.</p>
              {d.insufficientData.length === 0 ? (
                <p>None.</p>
              ) : (
                <TableWrap label="Markets with insufficient data">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{marketLabel}</th>
                        <th scope="col" class="num">NPS, {formatPeriod(d.current)} (95 % interval · n)</th>
                        <th scope="col" class="num">NPS, {formatPeriod(d.yearEarlier)} (95 % interval · n)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.insufficientData.map((m) => (
                        <tr>
                          <th scope="row">{m.market || "(none)"}</th>
                          <SideCell side={m.current} />
                          <SideCell side={m.yearEarlier} />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
            </CardSection>
          </>
        )}
      </>
    ),
  });
}
