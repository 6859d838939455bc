// The scoring cron tick: every 10 minutes, a run only when something changed since the current one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DISPATCH_CRON } from "../../src/jobs/dispatcher";
import { SCORING_CRON, runScoringTick } from "../../src/jobs/scoring";
// The schedule is checked against the file that deploys it (a text import).
import wranglerToml from "../../wrangler.toml?raw";
import { makeAccount, makeContact, makeSurvey } from "../support/fixtures";
import { makeResponse } from "../support/responses";

const runs = async () => (await env.DB.prepare("SELECT id, status, kind FROM score_runs ORDER BY rowid").all<{ id: string; status: string; kind: string }>()).results;

describe("scoring cron tick", () => {
  it("runs every 10 minutes, as wrangler.toml schedules it (the handler dispatches on these exact strings)", () => {
    expect(SCORING_CRON).toBe("*/10 * * * *");
    const crons = JSON.parse(/^crons\s*=\s*(\[.*\])$/m.exec(wranglerToml)![1]!) as string[];
    expect(crons.sort()).toEqual([DISPATCH_CRON, SCORING_CRON].sort());
  });

  it("scores fully first, then does nothing until an answer arrives, then recomputes incrementally", async () => {
    const now = new Date();
    const account = await makeAccount({ annualRevenue: 100 });
    const contact = await makeContact(account.id);
    const survey = await makeSurvey();
    await makeResponse(contact, survey, { submittedAt: new Date(now.getTime() - 3600_000).toISOString(), answers: [{ type: "nps", value: 9 }] });

    await runScoringTick(env, now);
    expect(await runs()).toMatchObject([{ status: "complete", kind: "full" }]);
    await runScoringTick(env, new Date(now.getTime() + 600_000));
    expect(await runs()).toHaveLength(1);

    await makeResponse(contact, survey, { submittedAt: new Date(now.getTime() - 60_000).toISOString(), answers: [{ type: "nps", value: 3 }] });
    await runScoringTick(env, new Date(now.getTime() + 1_200_000));
    expect(await runs()).toMatchObject([{ kind: "full" }, { status: "complete", kind: "incremental" }]);
  }, 60_000);
});
