// Trailing twelve months from the quarters' staging (SPEC §7): a T12 counts each contact's latest answer over its
// four quarters — across surveys for the overall, role, stage, country and segment cuts (each from the snapshot of
// that answer's response), within each survey for the survey cut — read through
// the staged answers' spans. Checked against a direct computation from the responses, on random histories, after a
// full run and after an incremental run that added answers superseding older ones.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Contact, ScoreRun } from "../../../src/db/schema";
import { advanceScoring } from "../../../src/domain/scoring/run";
import { makeAccount, makeContact, makeSurvey, testDb } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const ALL_AT_ONCE = { trigger: "api" as const, maxQueries: 100_000, maxMillis: 600_000, pauseMillis: 0 };
/** 2025-Q2 … 2026-Q4 (UTC, calendar fiscal year), oldest first. */
const QUARTERS = Array.from({ length: 7 }, (_, i) => {
  const index = 2025 * 4 + 1 + i;
  const year = Math.floor(index / 4);
  const q = index % 4;
  return { key: `${year}-Q${q + 1}`, start: Date.UTC(year, q * 3, 1), end: Date.UTC(year, q * 3 + 3, 1) };
});
const ROLES = ["champion", "finance", "end_user"];
const STAGES = ["onboarding", "support"];
const COUNTRIES = ["DE", "FR", null];
const SEGMENTS = ["SMB", "Enterprise", null];

interface Answer {
  contact: number;
  survey: number;
  quarter: number;
  /** Minutes into the quarter (kept before NOW for the current quarter). */
  minute: number;
  role: number;
  stage: number;
  country: number;
  segment: number;
  nps: number;
  osat: number | null;
}

const answerArb = fc.record({
  contact: fc.integer({ min: 0, max: 4 }),
  survey: fc.integer({ min: 0, max: 1 }),
  quarter: fc.integer({ min: 0, max: QUARTERS.length - 1 }),
  minute: fc.integer({ min: 0, max: 60 * 24 * 50 }),
  role: fc.integer({ min: 0, max: ROLES.length - 1 }),
  stage: fc.integer({ min: 0, max: STAGES.length - 1 }),
  country: fc.integer({ min: 0, max: COUNTRIES.length - 1 }),
  segment: fc.integer({ min: 0, max: SEGMENTS.length - 1 }),
  nps: fc.integer({ min: 0, max: 10 }),
  osat: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});

const submittedAt = (a: Answer) => new Date(QUARTERS[a.quarter]!.start + a.minute * 60_000).toISOString();

interface Stored {
  id: string;
  contactId: string;
  surveyId: string;
  role: string;
  stage: string;
  country: string | null;
  segment: string | null;
  submittedAt: string;
  nps: number;
  osat: number | null;
}

/** §7 by hand: per period and cut, NPS n / promoters / detractors and OSAT n / sum over each contact's latest answers. */
function expected(stored: Stored[]) {
  const out = new Map<string, { n: number; p: number; d: number; osatN: number; osatSum: number }>();
  const add = (key: string, type: "nps" | "osat", value: number) => {
    const row = out.get(key) ?? { n: 0, p: 0, d: 0, osatN: 0, osatSum: 0 };
    if (type === "nps") {
      row.n++;
      row.p += value >= 9 ? 1 : 0;
      row.d += value <= 6 ? 1 : 0;
    } else {
      row.osatN++;
      row.osatSum += value;
    }
    out.set(key, row);
  };
  const later = (a: Stored, b: Stored) => (a.submittedAt === b.submittedAt ? a.id > b.id : a.submittedAt > b.submittedAt);
  const periods = QUARTERS.flatMap((q, i) => [
    { key: q.key, quarters: [q] },
    { key: `${q.key}-T12`, quarters: QUARTERS.slice(Math.max(0, i - 3), i + 1) },
  ]);
  for (const period of periods) {
    const from = new Date(period.quarters[0]!.start).toISOString();
    const to = new Date(period.quarters.at(-1)!.end).toISOString();
    const inPeriod = stored.filter((s) => s.submittedAt >= from && s.submittedAt < to);
    for (const type of ["nps", "osat"] as const) {
      const withType = inPeriod.filter((s) => s[type] !== null);
      const latestBy = (keyOf: (s: Stored) => string) => {
        const latest = new Map<string, Stored>();
        for (const s of withType) {
          const current = latest.get(keyOf(s));
          if (!current || later(s, current)) latest.set(keyOf(s), s);
        }
        return [...latest.values()];
      };
      for (const s of latestBy((s) => s.contactId)) {
        add(`${period.key}|all|`, type, s[type]!);
        add(`${period.key}|role|${s.role}`, type, s[type]!);
        add(`${period.key}|stage|${s.stage}`, type, s[type]!);
        add(`${period.key}|country|${s.country ?? ""}`, type, s[type]!);
        add(`${period.key}|segment|${s.segment ?? ""}`, type, s[type]!);
      }
      for (const s of latestBy((s) => `${s.contactId}|${s.surveyId}`)) add(`${period.key}|survey|${s.surveyId}`, type, s[type]!);
    }
  }
  return out;
}

async function published(run: ScoreRun) {
  const rows = await env.DB.prepare(
    `SELECT period, cut, group_key AS g, nps_n AS n, nps_promoters AS p, nps_detractors AS d, osat_n AS osatN, osat_sum AS osatSum
     FROM score_groups WHERE (run_id, period) IN (SELECT value, key FROM json_each(?)) AND cut IN ('all', 'role', 'stage', 'country', 'segment', 'survey') AND (nps_n > 0 OR osat_n > 0)`,
  )
    .bind(run.periodRuns)
    .all<{ period: string; cut: string; g: string; n: number; p: number; d: number; osatN: number; osatSum: number }>();
  return new Map(rows.results.map(({ period, cut, g, ...figures }) => [`${period}|${cut}|${g}`, figures]));
}

async function run(full: boolean): Promise<ScoreRun> {
  const state = (await advanceScoring(testDb(), NOW, { ...ALL_AT_ONCE, full }))!;
  expect(state.lastError).toBeNull();
  expect(state.status).toBe("complete");
  return state;
}

async function wipe() {
  await env.DB.batch(
    ["answers", "responses", "invitations", "contacts", "score_runs", "score_accounts", "score_groups", "score_coverage", "score_latest", "score_survey_cube", "score_cube", "score_heard", "score_staged", "score_cohort", "score_dirty"].map(
      (table) => env.DB.prepare(`DELETE FROM ${table}`),
    ),
  );
}

describe("trailing 12 months", () => {
  it("count each contact's latest answer over four quarters, as a direct computation does — after a full and an incremental run", async () => {
    const account = await makeAccount();
    const surveys = [await makeSurvey(), await makeSurvey()];
    await fc.assert(
      fc.asyncProperty(fc.array(answerArb, { minLength: 1, maxLength: 25 }), fc.array(answerArb, { minLength: 1, maxLength: 4 }), async (history, recent) => {
        await wipe();
        const contacts: Contact[] = [];
        for (let i = 0; i < 5; i++) contacts.push(await makeContact(account.id, { role: ROLES[i % ROLES.length] }));
        const stored: Stored[] = [];
        const store = async (a: Answer) => {
          const at = submittedAt(a);
          if (at >= NOW.toISOString()) return;
          const answers = [{ type: "nps" as const, value: a.nps }, ...(a.osat === null ? [] : [{ type: "osat" as const, value: a.osat }])];
          const snapshot = { role: ROLES[a.role], journeyStage: STAGES[a.stage], country: COUNTRIES[a.country], segment: SEGMENTS[a.segment] };
          const { response } = await makeResponse(contacts[a.contact]!, surveys[a.survey]!, { submittedAt: at, answers, snapshot });
          stored.push({ ...response, submittedAt: at, nps: a.nps, osat: a.osat, stage: response.journeyStage });
        };
        for (const a of history) await store(a);
        expect(await published(await run(true))).toEqual(expected(stored));
        // Answers in the last two quarters supersede older ones: the incremental run restages them and respans the
        // quarters before, and its T12s must drop what they superseded.
        for (const a of recent) await store({ ...a, quarter: QUARTERS.length - 1 - (a.quarter % 2), minute: a.minute % (60 * 24 * 40) });
        const incremental = await run(false);
        expect(incremental.kind).toBe("incremental");
        expect(await published(incremental)).toEqual(expected(stored));
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});
