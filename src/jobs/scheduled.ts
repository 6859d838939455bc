import type { Env } from "../env";

/** Cron entry: the frequent dispatcher and the hourly scoring run (wrangler.toml [triggers]). */
export async function handleScheduled(controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {
  console.log("scheduled", controller.cron);
}
