import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  marketChangeInterval,
  meanAndTopBox,
  npsCategory,
  npsChange,
  npsSummary,
  revenueWeightedNps,
  shareOfWallet,
  wilson,
} from "../../../src/domain/scoring/formulas";

describe("NPS with the adjusted-Wald interval (§7.1)", () => {
  it("classifies 9–10 promoter, 7–8 passive, 0–6 detractor", () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
  });

  it("computes a mixed sample by hand", () => {
    // n = 10, P = 5, D = 2 → NPS = 100·(0.5 − 0.2) = 30.
    // n′ = 13, P′ = 5.75/13 = 0.442308, D′ = 2.75/13 = 0.211538, NPS′ = 0.230769,
    // V′ = 0.653846 − 0.230769² = 0.600592, half = 1.96·√(0.600592/13) = 0.421283 → 100·(0.230769 ∓ 0.421283) = −19.05 … 65.21
    const s = npsSummary(10, 5, 2);
    expect(s).toMatchObject({ n: 10, promoters: 5, passives: 3, detractors: 2, nps: 30, lowSample: true });
    expect(s.interval!.low).toBeCloseTo(-19.051, 2);
    expect(s.interval!.high).toBeCloseTo(65.205, 2);
  });

  it("clips all promoters to 100 (40 of 40: unclipped 83.6 to 102.5)", () => {
    // n′ = 43, P′ = 40.75/43 = 0.947674, D′ = 0.75/43 = 0.017442, NPS′ = 0.930233, V′ = 0.965116 − 0.865333 = 0.099784,
    // half = 1.96·√(0.099784/43) = 0.094417 → 83.58 … 102.47, clipped to 100.
    const s = npsSummary(40, 40, 0);
    expect(s.nps).toBe(100);
    expect(s.interval!.low).toBeCloseTo(83.582, 2);
    expect(s.interval!.high).toBe(100);
    expect(s.lowSample).toBe(false);
  });

  it("one promoter: NPS 100 with −48.5 to 98.5 and lowSample", () => {
    // n′ = 4, P′ = 1.75/4 = 0.4375, D′ = 0.1875, NPS′ = 0.25, V′ = 0.625 − 0.0625 = 0.5625, half = 1.96·√(0.5625/4) = 0.735
    const s = npsSummary(1, 1, 0);
    expect(s.nps).toBe(100);
    expect(s.interval!.low).toBeCloseTo(-48.5, 6);
    expect(s.interval!.high).toBeCloseTo(98.5, 6);
    expect(s.lowSample).toBe(true);
  });

  it("no answers: no score, no interval", () => {
    expect(npsSummary(0, 0, 0)).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, interval: null, lowSample: true });
  });

  it("keeps every interval inside [−100, 100]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, p, d) => {
        fc.pre(p + d <= n);
        const { interval } = npsSummary(n, p, d);
        return interval!.low >= -100 && interval!.high <= 100 && interval!.low <= interval!.high;
      }),
    );
  });
});

describe("revenue-weighted NPS with Kish n_eff (§7.2)", () => {
  // Accounts: R = 100 with NPS_a = 100, R = 300 with −100, R = 600 with 0.
  // NPS_w = (100·100 − 300·100 + 0)/1000 = −20; n_eff = 1000² / (100² + 300² + 600²) = 1e6/460,000 = 2.1739.
  // w = 0.1, 0.3, 0.6: Σ w²(NPS_a − NPS_w)² = 0.01·120² + 0.09·80² + 0.36·20² = 144 + 576 + 144 = 864;
  // m/(m−1) = 1.5 → 1296, √ = 36, half = 1.96·36 = 70.56 → −90.56 … 50.56.
  const sums = {
    m: 3,
    revenue: 1000,
    revenueSquared: 460_000,
    weighted: 100 * 100 + 300 * -100,
    weightedBySquare: 100 ** 2 * 100 + 300 ** 2 * -100, // −8e6
    weightedBySquareSquared: 100 ** 2 * 100 ** 2 + 300 ** 2 * 100 ** 2, // 1e9
  };

  it("computes the weighted score, n_eff and interval by hand", () => {
    const s = revenueWeightedNps(sums);
    expect(s.nps).toBeCloseTo(-20, 9);
    expect(s.effectiveN).toBeCloseTo(2.173913, 5);
    expect(s.interval!.low).toBeCloseTo(-90.56, 6);
    expect(s.interval!.high).toBeCloseTo(50.56, 6);
    expect(s.lowSample).toBe(true);
  });

  it("gives no interval for one account, and nothing without accounts", () => {
    const one = revenueWeightedNps({ m: 1, revenue: 500, revenueSquared: 250_000, weighted: 500 * 50, weightedBySquare: 250_000 * 50, weightedBySquareSquared: 250_000 * 2500 });
    expect(one).toEqual({ accounts: 1, nps: 50, effectiveN: 1, interval: null, lowSample: true });
    expect(revenueWeightedNps({ m: 0, revenue: 0, revenueSquared: 0, weighted: 0, weightedBySquare: 0, weightedBySquareSquared: 0 }).nps).toBeNull();
  });
});

describe("OSAT / CES top box with Wilson (§7.6)", () => {
  it("computes Wilson by hand", () => {
    // k = 8, n = 10: p = 0.8, z² = 3.8416, d = 1 + 0.38416 = 1.38416, centre = (0.8 + 0.19208)/1.38416 = 0.716738,
    // half = (1.96/1.38416)·√(0.016 + 3.8416/400) = 1.416021·0.160013 = 0.226581 → 0.490157 … 0.943319
    const w = wilson(8, 10)!;
    expect(w.low).toBeCloseTo(0.490157, 5);
    expect(w.high).toBeCloseTo(0.943319, 5);
  });

  it("stays inside [0, 1] when every answer is top box, and has no interval without answers", () => {
    // k = n = 10: centre = (1 + 0.19208)/1.38416 = 0.861230, half = 1.416021·√(0.009604) = 0.138770 → 0.722460 … 1
    const w = wilson(10, 10)!;
    expect(w.low).toBeCloseTo(0.72246, 5);
    expect(w.high).toBe(1);
    expect(wilson(0, 0)).toBeNull();
  });

  it("means and shares", () => {
    // OSAT answers 5, 4, 2, 1: mean = 12/4 = 3, top-2-box = 2/4
    expect(meanAndTopBox(4, 12, 2)).toMatchObject({ n: 4, mean: 3, topBoxShare: 0.5 });
    expect(meanAndTopBox(0, 0, 0)).toEqual({ n: 0, mean: null, topBoxShare: null, topBoxInterval: null });
  });
});

describe("share of wallet by the Wallet Allocation Rule (§7.7)", () => {
  it("N = 1 gives 100 %", () => {
    // (1 − 1/2)·(2/1) = 1
    expect(shareOfWallet(1, 1)).toBe(1);
  });

  it("N = 3: ranks 1, 2, 3 get 1/2, 1/3, 1/6, which sum to 1", () => {
    // (1 − 1/4)·(2/3) = 0.5; (1 − 2/4)·(2/3) = 1/3; (1 − 3/4)·(2/3) = 1/6
    expect(shareOfWallet(3, 1)).toBeCloseTo(0.5, 12);
    expect(shareOfWallet(3, 2)).toBeCloseTo(1 / 3, 12);
    expect(shareOfWallet(3, 3)).toBeCloseTo(1 / 6, 12);
  });
});

describe("change and market intervals (§7.8)", () => {
  // Now: n = 10, P = 5, D = 2 (NPS 30; NPS′ = 0.230769, V′/n′ = 0.600592/13 = 0.046199).
  // Then: n = 20, P = 4, D = 8 (NPS −20; n′ = 23, P′ = 4.75/23 = 0.206522, D′ = 8.75/23 = 0.380435, NPS′ = −0.173913,
  //   V′ = 0.586957 − 0.030246 = 0.556711, V′/n′ = 0.024205).
  // se = √(0.046199 + 0.024205) = 0.265338; z = (0.230769 + 0.173913)/0.265338 = 1.5252 → not significant.
  const now = { n: 10, promoters: 5, detractors: 2 };
  const then = { n: 20, promoters: 4, detractors: 8 };

  it("reports the difference in points and the two-sample z", () => {
    const change = npsChange(now, then)!;
    expect(change.delta).toBeCloseTo(50, 9);
    expect(change.z).toBeCloseTo(1.52516, 4);
    expect(change.significant).toBe(false);
    expect(npsChange(now, { n: 0, promoters: 0, detractors: 0 })).toBeNull();
  });

  it("flags |z| ≥ 1.96 as significant", () => {
    // 40 of 40 promoters against 20 with 4 P / 8 D: NPS′ 0.930233 vs −0.173913,
    // se = √(0.099784/43 + 0.024205) = √(0.002321 + 0.024205) = 0.162868, z = 1.104146/0.162868 = 6.78
    const change = npsChange({ n: 40, promoters: 40, detractors: 0 }, then)!;
    expect(change.z).toBeCloseTo(6.7794, 2);
    expect(change.significant).toBe(true);
  });

  it("gives the market interval 100·((NPS′₁ − NPS′₂) ± 1.96·se)", () => {
    // 100·(0.404682 ∓ 1.96·0.265338) = 40.468 ∓ 52.006 → −11.538 … 92.474
    const interval = marketChangeInterval(now, then);
    expect(interval.low).toBeCloseTo(-11.538, 2);
    expect(interval.high).toBeCloseTo(92.474, 2);
  });
});
