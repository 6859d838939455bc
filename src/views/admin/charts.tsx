// Server-rendered SVG charts of the admin UI. Scales, ticks and paths come from d3-scale / d3-shape; every chart has a
// title and description for screen readers and a table beside it; colours are always paired with a pattern or a marker
// and a text label, so nothing depends on seeing colour.
import { area, line } from "d3-shape";
import { scaleLinear, scalePoint } from "d3-scale";
import { TableWrap } from "./components";
import { formatMoney, formatNps, formatShare } from "./format";

// ─── revenue coverage ───────────────────────────────────────────────────────

export interface CoverageSegment {
  key: "safe" | "passive" | "atRisk" | "silent" | "unsurveyed";
  label: string;
  amount: number;
}

/** Fill and pattern of each coverage segment: solid, stripes, cross-hatch, dots, blank — distinguishable in grey. */
const SEGMENT_STYLE: Record<CoverageSegment["key"], { pattern: string; base: string; ink: string }> = {
  safe: { pattern: "solid", base: "#1a7f37", ink: "#1a7f37" },
  passive: { pattern: "stripes", base: "#fff1c2", ink: "#7d4e00" },
  atRisk: { pattern: "cross", base: "#ffd7d5", ink: "#a40e26" },
  silent: { pattern: "dots", base: "#eaeef2", ink: "#424a53" },
  unsurveyed: { pattern: "blank", base: "#ffffff", ink: "#57606a" },
};

const patternId = (key: CoverageSegment["key"]) => `cov-${key}`;

function PatternDefs() {
  return (
    <defs>
      <pattern id={patternId("safe")} width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill={SEGMENT_STYLE.safe.base} />
      </pattern>
      <pattern id={patternId("passive")} width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="8" height="8" fill={SEGMENT_STYLE.passive.base} />
        <rect width="3" height="8" fill={SEGMENT_STYLE.passive.ink} />
      </pattern>
      <pattern id={patternId("atRisk")} width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill={SEGMENT_STYLE.atRisk.base} />
        <path d="M0 0L8 8M8 0L0 8" stroke={SEGMENT_STYLE.atRisk.ink} stroke-width="1.5" />
      </pattern>
      <pattern id={patternId("silent")} width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill={SEGMENT_STYLE.silent.base} />
        <circle cx="4" cy="4" r="1.6" fill={SEGMENT_STYLE.silent.ink} />
      </pattern>
      <pattern id={patternId("unsurveyed")} width="8" height="8" patternUnits="userSpaceOnUse">
        <rect width="8" height="8" fill={SEGMENT_STYLE.unsurveyed.base} />
      </pattern>
    </defs>
  );
}

/** A small swatch of a segment's pattern, for legends and tables (the pattern itself is defined by the bar). */
export function Swatch(props: { segment: CoverageSegment["key"] }) {
  return (
    <svg class="swatch-svg" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="0.5" y="0.5" width="15" height="15" fill={`url(#${patternId(props.segment)})`} stroke="#1f2328" />
    </svg>
  );
}

const BAR = { width: 800, top: 26, height: 44, bottom: 24 };

/**
 * On a narrow screen the bar's SVG scales to a third of its size and its text would shrink to ~4 px, so there the
 * SVG's text is hidden (class "wide-only") and the target and axis are said in HTML at the page's font size
 * ("narrow-only"); the in-bar shares are dropped, since the table beside the bar gives every amount and share.
 */
function CoverageNarrowText(props: { target: number; ticks: number[] }) {
  return (
    <>
      <p class="chart-note narrow-only">Dashed line: {formatShare(props.target)} target</p>
      <div class="chart-axis narrow-only" aria-hidden="true">
        {props.ticks.map((t) => (
          <span>{`${Math.round(t * 100)} %`}</span>
        ))}
      </div>
    </>
  );
}

/**
 * One horizontal bar of total revenue split into segments, with the target line; the table under it says the same
 * in words and numbers.
 */
export function CoverageBar(props: { segments: CoverageSegment[]; total: number; target: number; coverage: number | null; caption: string }) {
  const x = scaleLinear().domain([0, props.total > 0 ? props.total : 1]).range([0, BAR.width]);
  let start = 0;
  const placed = props.segments.map((segment) => {
    const x0 = x(start);
    start += segment.amount;
    return { ...segment, x0, width: Math.max(0, x(start) - x0) };
  });
  const targetX = x(props.total * props.target);
  const share = scaleLinear().domain([0, 1]).range([0, BAR.width]);
  const height = BAR.top + BAR.height + BAR.bottom;
  const summary = props.segments.map((s) => `${s.label} ${formatShare(props.total > 0 ? s.amount / props.total : null)}`).join(", ");
  return (
    <figure class="chart-figure">
      <svg class="chart" viewBox={`-8 0 ${BAR.width + 16} ${height}`} role="img" aria-labelledby="coverage-title coverage-desc">
        <title id="coverage-title">{props.caption}</title>
        <desc id="coverage-desc">{`Total revenue ${formatMoney(props.total)}: ${summary}. Coverage ${formatShare(props.coverage)} against a target of ${formatShare(props.target)}.`}</desc>
        <PatternDefs />
        <rect x="0" y={BAR.top} width={BAR.width} height={BAR.height} fill="#ffffff" stroke="#57606a" />
        {placed.map((s) =>
          s.width > 0 ? <rect x={s.x0} y={BAR.top} width={s.width} height={BAR.height} fill={`url(#${patternId(s.key)})`} stroke="#1f2328" stroke-width="1" /> : null,
        )}
        {placed.map((s) =>
          s.width >= 70 ? (
            <text
              x={s.x0 + s.width / 2}
              y={BAR.top + BAR.height / 2 + 4}
              text-anchor="middle"
              class={`wide-only ${s.key === "safe" ? "on-dark" : "on-light"}`}
              stroke={s.key === "safe" ? "#1a7f37" : "#ffffff"}
              stroke-width="4"
              paint-order="stroke"
            >
              {formatShare(props.total > 0 ? s.amount / props.total : null)}
            </text>
          ) : null,
        )}
        <line x1={targetX} x2={targetX} y1={BAR.top - 10} y2={BAR.top + BAR.height + 4} stroke="#1f2328" stroke-width="3" stroke-dasharray="6 3" />
        <text x={targetX} y={BAR.top - 14} text-anchor={targetX > BAR.width - 80 ? "end" : "middle"} class="wide-only">
          {`${formatShare(props.target)} target`}
        </text>
        {share.ticks(4).map((t) => (
          <text x={share(t)} y={height - 6} text-anchor={t === 0 ? "start" : t === 1 ? "end" : "middle"} class="tick wide-only">
            {`${Math.round(t * 100)} %`}
          </text>
        ))}
      </svg>
      <CoverageNarrowText target={props.target} ticks={share.ticks(4)} />
      <figcaption class="visually-hidden">{props.caption}</figcaption>
    </figure>
  );
}

/** The coverage bar's text alternative: every segment with its pattern, amount and share of total revenue. */
export function CoverageTable(props: { segments: CoverageSegment[]; total: number; caption: string }) {
  return (
    <TableWrap label={props.caption}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Segment</th>
            <th scope="col" class="num">
              Revenue
            </th>
            <th scope="col" class="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {props.segments.map((s) => (
            <tr>
              <th scope="row">
                <Swatch segment={s.key} /> {s.label}
              </th>
              <td class="num">{formatMoney(s.amount)}</td>
              <td class="num">{formatShare(props.total > 0 ? s.amount / props.total : null)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Total</th>
            <td class="num">{formatMoney(props.total)}</td>
            <td class="num">{props.total > 0 ? "100.0 %" : "—"}</td>
          </tr>
        </tbody>
      </table>
    </TableWrap>
  );
}

// ─── trend ──────────────────────────────────────────────────────────────────

export interface TrendChartPoint {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
  lowSample: boolean;
  n: number;
}

// Margins fit the axis labels at 12 px and at the larger font (in viewBox units) that narrow screens get from
// admin.css, so they stay ~11 px tall when the chart scales down to ~270 px.
const TREND = { width: 640, height: 280, left: 72, right: 16, top: 20, bottom: 70 };

/** A line of values with its 95 % interval band over periods; hollow markers are low-sample points. */
export function TrendChart(props: { id: string; title: string; points: TrendChartPoint[]; format?: (v: number) => string; domain?: [number, number] }) {
  const format = props.format ?? ((v: number) => formatNps(v));
  const values = props.points.flatMap((p) => [p.value, p.low, p.high]).filter((v): v is number => v !== null);
  const [lo, hi] = props.domain ?? [-100, 100];
  const y = scaleLinear()
    .domain(values.length ? [Math.max(lo, Math.min(...values) - 10), Math.min(hi, Math.max(...values) + 10)] : [lo, hi])
    .nice()
    .range([TREND.height - TREND.bottom, TREND.top]);
  const x = scalePoint<string>()
    .domain(props.points.map((p) => p.label))
    .range([TREND.left, TREND.width - TREND.right])
    .padding(0.5);
  const withInterval = props.points.filter((p) => p.low !== null && p.high !== null);
  const band = area<TrendChartPoint>()
    .defined((p) => p.low !== null && p.high !== null)
    .x((p) => x(p.label) ?? 0)
    .y0((p) => y(p.low ?? 0))
    .y1((p) => y(p.high ?? 0))(props.points);
  const path = line<TrendChartPoint>()
    .defined((p) => p.value !== null)
    .x((p) => x(p.label) ?? 0)
    .y((p) => y(p.value ?? 0))(props.points);
  const described = props.points.map((p) => `${p.label}: ${p.value === null ? "no answers" : format(p.value)}`).join("; ");
  return (
    <svg class="chart chart-trend" viewBox={`0 0 ${TREND.width} ${TREND.height}`} role="img" aria-labelledby={`${props.id}-title ${props.id}-desc`}>
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{described}</desc>
      {y.ticks(5).map((t) => (
        <g>
          <line x1={TREND.left} x2={TREND.width - TREND.right} y1={y(t)} y2={y(t)} stroke={t === 0 ? "#57606a" : "#d0d7de"} stroke-width="1" />
          <text x={TREND.left - 6} y={y(t)} dy="0.35em" text-anchor="end" class="tick">
            {format(t)}
          </text>
        </g>
      ))}
      {withInterval.length > 0 && band && <path d={band} fill="#0a58ca" fill-opacity="0.15" stroke="#0a58ca" stroke-opacity="0.4" stroke-dasharray="4 3" />}
      {path && <path d={path} fill="none" stroke="#0a58ca" stroke-width="2.5" />}
      {props.points.map((p) =>
        p.value === null ? null : (
          <circle cx={x(p.label) ?? 0} cy={y(p.value)} r="5" fill={p.lowSample ? "#ffffff" : "#0a58ca"} stroke="#0a58ca" stroke-width="2" />
        ),
      )}
      {props.points.map((p) => {
        const [year, quarter] = p.label.split("-");
        return (
          <text x={x(p.label) ?? 0} y={TREND.height - TREND.bottom + 4} text-anchor="middle" class="tick">
            <tspan x={x(p.label) ?? 0} dy="1.1em">
              {quarter ?? p.label}
            </tspan>
            <tspan x={x(p.label) ?? 0} dy="1.15em">
              {year}
            </tspan>
          </text>
        );
      })}
    </svg>
  );
}

/** Legend shared by trend charts. */
export function TrendLegend() {
  return (
    <ul class="legend">
      <li>
        <svg width="24" height="12" aria-hidden="true" focusable="false">
          <line x1="0" x2="24" y1="6" y2="6" stroke="#0a58ca" stroke-width="2.5" />
          <circle cx="12" cy="6" r="4" fill="#0a58ca" />
        </svg>{" "}
        Score (filled dot: n ≥ 30)
      </li>
      <li>
        <svg width="24" height="12" aria-hidden="true" focusable="false">
          <circle cx="12" cy="6" r="4" fill="#ffffff" stroke="#0a58ca" stroke-width="2" />
        </svg>{" "}
        Hollow dot: low sample (n &lt; 30)
      </li>
      <li>
        <svg width="24" height="12" aria-hidden="true" focusable="false">
          <rect x="0" y="1" width="24" height="10" fill="#0a58ca" fill-opacity="0.15" stroke="#0a58ca" stroke-dasharray="4 3" />
        </svg>{" "}
        Shaded band: 95 % interval
      </li>
    </ul>
  );
}
