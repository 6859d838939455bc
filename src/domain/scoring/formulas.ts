// The formulas of SPEC §7, pure: inputs are sufficient statistics summed in SQL, outputs are what the API shows.

const Z95 = 1.96;
export const LOW_SAMPLE_N = 30;

export interface Interval {
  low: number;
  high: number;
}

const clip = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const clipScore = (interval: Interval): Interval => ({ low: clip(interval.low, -100, 100), high: clip(interval.high, -100, 100) });

/** Answer 9–10 promoter, 7–8 passive, 0–6 detractor. */
export function npsCategory(answer: number): "promoter" | "passive" | "detractor" {
  return answer >= 9 ? "promoter" : answer >= 7 ? "passive" : "detractor";
}

/** Adjusted-Wald terms (§7.1): NPS′ and V′ on the −1…1 scale, with n′ = n + 3. */
export function adjustedWald(n: number, promoters: number, detractors: number) {
  const nPrime = n + 3;
  const pPrime = (promoters + 0.75) / nPrime;
  const dPrime = (detractors + 0.75) / nPrime;
  const npsPrime = pPrime - dPrime;
  return { nPrime, npsPrime, vPrime: pPrime + dPrime - npsPrime * npsPrime };
}

export interface NpsSummary {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** 100·(P − D); null with no answers. */
  nps: number | null;
  /** Adjusted-Wald 95 % interval, clipped to [−100, 100]; null with no answers. */
  interval: Interval | null;
  lowSample: boolean;
}

/** §7.1: NPS with n, the adjusted-Wald interval and the low-sample flag. */
export function npsSummary(n: number, promoters: number, detractors: number): NpsSummary {
  const base = { n, promoters, passives: n - promoters - detractors, detractors, lowSample: n < LOW_SAMPLE_N };
  if (n === 0) return { ...base, nps: null, interval: null };
  const { nPrime, npsPrime, vPrime } = adjustedWald(n, promoters, detractors);
  const half = Z95 * Math.sqrt(vPrime / nPrime);
  return { ...base, nps: (100 * (promoters - detractors)) / n, interval: clipScore({ low: 100 * (npsPrime - half), high: 100 * (npsPrime + half) }) };
}

/** Sums over accounts a (in scope, with an answer) of R_a·x_a and friends, for any revenue-weighted mean of x. */
export interface RevenueWeightedSums {
  m: number;
  revenue: number; // Σ R
  revenueSquared: number; // Σ R²
  weighted: number; // Σ R·x
  weightedBySquare: number; // Σ R²·x
  weightedBySquareSquared: number; // Σ R²·x²
}

export interface RevenueWeightedNps {
  accounts: number;
  nps: number | null;
  effectiveN: number | null;
  interval: Interval | null;
  lowSample: boolean;
}

/**
 * §7.2: NPS_w = Σ R·NPS_a / Σ R with Kish n_eff = (Σ R)² / Σ R² and the interval
 * NPS_w ± 1.96·√(m/(m−1) · Σ w²(NPS_a − NPS_w)²), w = R / Σ R. The sum of squares is expanded
 * (Σ R²x² − 2·NPS_w·Σ R²x + NPS_w²·Σ R²) / (Σ R)² so SQL can sum it in one pass.
 */
export function revenueWeightedNps(s: RevenueWeightedSums): RevenueWeightedNps {
  if (s.m === 0 || s.revenue <= 0) return { accounts: s.m, nps: null, effectiveN: null, interval: null, lowSample: true };
  const nps = s.weighted / s.revenue;
  const effectiveN = (s.revenue * s.revenue) / s.revenueSquared;
  let interval: Interval | null = null;
  if (s.m >= 2) {
    const spread = Math.max(0, (s.weightedBySquareSquared - 2 * nps * s.weightedBySquare + nps * nps * s.revenueSquared) / (s.revenue * s.revenue));
    const half = Z95 * Math.sqrt((s.m / (s.m - 1)) * spread);
    interval = clipScore({ low: nps - half, high: nps + half });
  }
  return { accounts: s.m, nps, effectiveN, interval, lowSample: effectiveN < LOW_SAMPLE_N };
}

/** Role means differing by ≥ 4 points (means are ratios of integers; the epsilon absorbs float rounding). */
export const MIXED_SIGNALS_GAP = 4;

/** Wilson 95 % score interval for k of n, as shares in [0, 1]. */
export function wilson(k: number, n: number): Interval | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface MeanAndTopBox {
  n: number;
  mean: number | null;
  /** Share of answers in the top box (OSAT 4–5, CES 5–7), in [0, 1]. */
  topBoxShare: number | null;
  topBoxInterval: Interval | null;
}

/** §7.6: mean and top-box share with a Wilson interval. */
export function meanAndTopBox(n: number, sum: number, topBox: number): MeanAndTopBox {
  if (n === 0) return { n, mean: null, topBoxShare: null, topBoxInterval: null };
  return { n, mean: sum / n, topBoxShare: topBox / n, topBoxInterval: wilson(topBox, n) };
}

/** §7.7 Wallet Allocation Rule: SoW = (1 − rank/(N + 1)) · (2/N); N = 1 gives 1 (100 %). */
export function shareOfWallet(vendorCount: number, rank: number): number {
  return (1 - rank / (vendorCount + 1)) * (2 / vendorCount);
}

export interface NpsChange {
  /** Difference in points (current − earlier). */
  delta: number;
  z: number | null;
  significant: boolean;
}

/** §7.8: two-sample adjusted-Wald z = (NPS′₁ − NPS′₂)/√(V′₁/n′₁ + V′₂/n′₂), significant when |z| ≥ 1.96. */
export function npsChange(current: { n: number; promoters: number; detractors: number }, earlier: { n: number; promoters: number; detractors: number }): NpsChange | null {
  if (current.n === 0 || earlier.n === 0) return null;
  const a = adjustedWald(current.n, current.promoters, current.detractors);
  const b = adjustedWald(earlier.n, earlier.promoters, earlier.detractors);
  const se = Math.sqrt(a.vPrime / a.nPrime + b.vPrime / b.nPrime);
  const z = se > 0 ? (a.npsPrime - b.npsPrime) / se : null;
  const delta = (100 * (current.promoters - current.detractors)) / current.n - (100 * (earlier.promoters - earlier.detractors)) / earlier.n;
  return { delta, z, significant: z !== null && Math.abs(z) >= Z95 };
}

/** §7.8: a market's 12-month change interval, 100·((NPS′₁ − NPS′₂) ± 1.96·√(V′₁/n′₁ + V′₂/n′₂)). */
export function marketChangeInterval(current: { n: number; promoters: number; detractors: number }, earlier: { n: number; promoters: number; detractors: number }): Interval {
  const a = adjustedWald(current.n, current.promoters, current.detractors);
  const b = adjustedWald(earlier.n, earlier.promoters, earlier.detractors);
  const half = Z95 * Math.sqrt(a.vPrime / a.nPrime + b.vPrime / b.nPrime);
  return { low: 100 * (a.npsPrime - b.npsPrime - half), high: 100 * (a.npsPrime - b.npsPrime + half) };
}

/** A share num/den, or null when nothing was counted. */
export const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);
