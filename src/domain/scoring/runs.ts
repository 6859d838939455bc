// How a scoring run looks from outside (GET /scoring/runs, the Overview's "figures as of"): its state, progress
// and duration, derived from the run row.
import type { ScoreRun } from "../../db/schema";
import { parsePlan } from "./run";
import { planPeriods } from "./plan";

export type RunState = "running" | "waiting" | "complete" | "failed";

/**
 * running: an invocation holds its lease; waiting: between invocations — a budget spent (a scoring.continue message
 * carries on within moments) or an invocation cut off (the next tick takes over once the lease ran out).
 */
export function runState(run: Pick<ScoreRun, "status" | "leaseUntil">, now: Date): RunState {
  if (run.status !== "running") return run.status;
  return run.leaseUntil && run.leaseUntil > now.toISOString() ? "running" : "waiting";
}

export function runView(run: ScoreRun, now: Date) {
  const plan = run.plan ? parsePlan(run) : null;
  const scored = plan ? planPeriods(plan) : null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now.getTime();
  return {
    id: run.id,
    status: run.status,
    state: runState(run, now),
    kind: run.kind,
    trigger: run.trigger,
    asOf: run.asOf,
    step: run.step,
    totalSteps: run.totalSteps,
    progress: run.totalSteps > 0 ? Math.min(1, run.step / run.totalSteps) : 1,
    periodsComputed: plan ? plan.compute.length : 0,
    periodsScored: scored ? scored.quarters.length + scored.t12s.length : 0,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMillis: Math.max(0, end - Date.parse(run.startedAt)),
    lastError: run.lastError,
  };
}
export type RunView = ReturnType<typeof runView>;

/** How old the current figures are: the as-of instant of the run readers see (for "figures as of … ago"). */
export function figuresAge(run: Pick<ScoreRun, "asOf">, now: Date): { asOf: string; ageMillis: number } {
  return { asOf: run.asOf, ageMillis: Math.max(0, now.getTime() - Date.parse(run.asOf)) };
}
