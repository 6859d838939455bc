import { describe, expect, it } from "vitest";
import { advanceScoring, currentRun } from "../../../src/domain/scoring/run";
import { makeAccount, makeContact, makeSurvey, testDb } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const budget = { trigger: "api" as const, maxQueries: 100000, maxMillis: 600_000 };

describe("scoring run", () => {
  it("smoke: runs to completion", async () => {
    const account = await makeAccount();
    const contact = await makeContact(account.id);
    const survey = await makeSurvey();
    await makeResponse(contact, survey, { submittedAt: "2026-10-05T10:00:00.000Z", answers: [{ type: "nps", value: 9 }, { type: "osat", value: 4 }] });
    const run = await advanceScoring(testDb(), NOW, budget);
    expect(run.lastError).toBeNull();
    expect(run.status).toBe("complete");
    expect((await currentRun(testDb()))?.id).toBe(run.id);
  });
});
