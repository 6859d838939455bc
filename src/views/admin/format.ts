/** How the admin UI writes numbers, money, shares and dates — one place, so every page reads the same. */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export const formatInteger = (value: number) => integer.format(value);

/** Revenue in whole units of the deployment's one reporting currency (SPEC §2), e.g. "1,250,000". */
export const formatMoney = (amount: number) => integer.format(amount);
/** Short money for tight places (chart labels): "1.3M". */
export const formatMoneyShort = (amount: number) => compact.format(amount);

/** A share in [0, 1] as a percentage: "82.4 %". */
export const formatShare = (share: number | null | undefined) => (share == null ? "—" : `${oneDecimal.format(share * 100)} %`);

/** An NPS (−100…100) with its sign: "+32", "−4", "0". */
export function formatNps(value: number | null | undefined): string {
  if (value == null) return "—";
  const rounded = Math.round(value);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${Math.abs(rounded)}` : "0";
}

/** A mean on a scale: "4.2". */
export const formatMean = (value: number | null | undefined) => (value == null ? "—" : oneDecimal.format(value));

/** A change in points (NPS) or percentage points (shares): "+3.5 pts" / "−1.0 pp". */
export function formatChange(value: number | null | undefined, unit: "pts" | "pp"): string {
  if (value == null) return "—";
  const text = oneDecimal.format(Math.abs(value));
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${text} ${unit}`;
}

const twoDecimals = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A difference of two means on an answer scale (not points): "+0.04 on the 1–5 scale". */
export function formatMeanChange(value: number | null | undefined, scale: string): string {
  if (value == null) return "—";
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${twoDecimals.format(Math.abs(value))} on the ${scale} scale`;
}

/** An ISO instant as "2026-11-27 14:05 UTC"; a date-only value as "2026-11-27". */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso.length <= 10 ? iso : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
export const formatDate = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : "—");

/** A period key as people say it: "2026-Q4" stays, a trailing 12 months "2026-Q4-T12" is "12 months to 2026-Q4". */
export function formatPeriod(key: string): string {
  const t12 = /^(\d{4}-Q[1-4])-T12$/.exec(key);
  return t12 ? `12 months to ${t12[1]}` : key;
}
