// SPEC §8: which complete responses open a case, and how severe it is. Pure: tested at every threshold.
import { NUMERIC_SCALES } from "../surveys/questions";

export interface CaseThresholds {
  caseNpsMax: number;
  caseOsatMax: number;
  caseCesMax: number;
}

export interface ScoredAnswer {
  type: string;
  value: number | null;
}

export interface Trigger {
  type: "nps" | "osat" | "ces";
  value: number;
  max: number;
  severity: 1 | 2 | 3;
}

const TRIGGER_TYPES = ["nps", "osat", "ces"] as const;

/**
 * Severity 1–3 of an answer at or under its threshold: the span from the scale's minimum to the threshold is cut
 * into thirds — an answer at the threshold is 1, the scale's minimum is 3 when the span allows (NPS 6 → 1, 3 → 2,
 * 0 → 3; OSAT 2 → 1, 1 → 2; CES 3 → 1, 2 → 2, 1 → 3 with the default thresholds).
 */
export function severityOf(type: Trigger["type"], value: number, max: number): 1 | 2 | 3 {
  const min = NUMERIC_SCALES[type].min;
  const span = max - min + 1;
  return Math.min(3, 1 + Math.floor((3 * (max - value)) / span)) as 1 | 2 | 3;
}

/** The answers that open a case (NPS ≤ 6, OSAT ≤ 2, CES ≤ 3 by default), most severe first. */
export function triggersOf(answers: ScoredAnswer[], thresholds: CaseThresholds): Trigger[] {
  const maxOf = { nps: thresholds.caseNpsMax, osat: thresholds.caseOsatMax, ces: thresholds.caseCesMax };
  return answers
    .flatMap((a) => {
      const type = TRIGGER_TYPES.find((t) => t === a.type);
      if (!type || a.value === null || a.value > maxOf[type]) return [];
      return [{ type, value: a.value, max: maxOf[type], severity: severityOf(type, a.value, maxOf[type]) }];
    })
    .sort((a, b) => b.severity - a.severity);
}

export const describeTrigger = (t: Pick<Trigger, "type" | "value" | "max">) => `${t.type.toUpperCase()} ${t.value} (case at ≤ ${t.max})`;

/** Priority = severity × the account's revenue percentile (largest account 1), rounded to 4 places so ties stay ties. */
export const priorityOf = (severity: number, revenuePercentile: number) => Math.round(severity * revenuePercentile * 10_000) / 10_000;
