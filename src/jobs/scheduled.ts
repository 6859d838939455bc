import type { Env } from "../env";
import { dispatch, DISPATCH_CRON } from "./dispatcher";
import { runScoringTick, SCORING_CRON } from "./scoring";

/** Cron entry: the frequent dispatcher and the 10-minute scoring tick (wrangler.toml [triggers]). */
export async function handleScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  console.log("scheduled", controller.cron);
  if (controller.cron === SCORING_CRON) await runScoringTick(env, new Date(controller.scheduledTime));
  if (controller.cron === DISPATCH_CRON) await dispatch(env, new Date(controller.scheduledTime));
}
