// Incremental scoring over three years of history (SPEC §7): every quarter with data is scored; a run recomputes
// only what changed and gives the rows a full run gives; a run cut off continues at the next tick.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accountRevenue, accounts, answers, invitations, roles, type Contact, type ScoreRun } from "../../../src/db/schema";
import { categoryChanges, unresponsiveAccounts } from "../../../src/domain/scoring/events";
import { cutScores, marketRanking, overallScores, periodsOf, resolvePeriod } from "../../../src/domain/scoring/read";
import { advanceScoring, currentRun, LEASE_MILLIS, MAX_DIRTY_READ, parsePlan } from "../../../src/domain/scoring/run";
import { runState } from "../../../src/domain/scoring/runs";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";
import { makeResponse } from "../../support/responses";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const ALL_AT_ONCE = { trigger: "api" as const, maxQueries: 100_000, maxMillis: 600_000, pauseMillis: 0 };
/** 2023-Q4 … 2026-Q4 (UTC, calendar fiscal year): 13 quarters. */
const QUARTERS = Array.from({ length: 13 }, (_, i) => {
  const index = 2023 * 4 + 3 + i;
  return { key: `${Math.floor(index / 4)}-Q${(index % 4) + 1}`, month: (index % 4) * 3 + 1, year: Math.floor(index / 4) };
});
const midQuarter = (q: (typeof QUARTERS)[number], day = 10) => new Date(Date.UTC(q.year, q.month, day, 10)).toISOString();

const ids: Record<string, string> = {};
const people: Record<string, Contact> = {};
let survey: Awaited<ReturnType<typeof makeSurvey>>;

async function run(options: { full?: boolean; now?: Date } = {}): Promise<ScoreRun> {
  const state = (await advanceScoring(testDb(), options.now ?? NOW, { ...ALL_AT_ONCE, full: options.full }))!;
  expect(state.lastError).toBeNull();
  expect(state.status).toBe("complete");
  return state;
}

/** Every published row of a run (each period from the run holding it), without run ids. */
async function publishedRows(run: ScoreRun) {
  const mapping = run.periodRuns!;
  const out: Record<string, unknown[]> = {};
  const tables: [string, string][] = [["score_accounts", "period, account_id"], ["score_groups", "period, cut, group_key"], ["score_coverage", "period"]];
  for (const [table, order] of tables) {
    const rows = await env.DB.prepare(`SELECT * FROM ${table} WHERE (run_id, period) IN (SELECT value, key FROM json_each(?)) ORDER BY ${order}`).bind(mapping).all();
    out[table] = rows.results.map(({ run_id: _, ...rest }) => rest);
  }
  return out;
}

async function expectIncrementalEqualsFull(expectedKind: ScoreRun["kind"] = "incremental") {
  const incremental = await run();
  expect(incremental.kind).toBe(expectedKind);
  const full = await run({ full: true });
  expect(await publishedRows(incremental)).toEqual(await publishedRows(full));
  return incremental;
}

beforeAll(async () => {
  survey = await makeSurvey();
  // Three accounts answering every quarter; NPS values vary by quarter and person so categories move.
  const a = await makeAccount({ annualRevenue: 5000, customerSince: "2020-01-01T00:00:00.000Z", country: "DE" });
  const b = await makeAccount({ annualRevenue: 3000, customerSince: "2020-01-01T00:00:00.000Z", country: "US" });
  const c = await makeAccount({ annualRevenue: 1000, customerSince: "2020-01-01T00:00:00.000Z", country: null });
  // D: invited every quarter, never answers (each invitation expires): unresponsive 13 quarters running.
  const d = await makeAccount({ annualRevenue: 8000, customerSince: "2020-01-01T00:00:00.000Z" });
  Object.assign(ids, { a: a.id, b: b.id, c: c.id, d: d.id });
  const roster: [string, string, string][] = [
    ["a1", a.id, "decision_maker"], ["a2", a.id, "end_user"], ["b1", b.id, "champion"], ["b2", b.id, "finance"], ["c1", c.id, "end_user"],
  ];
  for (const [name, accountId, role] of roster) people[name] = await makeContact(accountId, { role });
  people.d1 = await makeContact(d.id, { role: "finance" });
  for (const [qi, q] of QUARTERS.entries()) {
    for (const [pi, name] of ["a1", "a2", "b1", "b2", "c1"].entries()) {
      const value = (qi * 3 + pi * 5) % 11;
      const contact = people[name]!;
      const country = contact.accountId === c.id ? null : contact.accountId === a.id ? "DE" : "US";
      await makeResponse(contact, survey, { submittedAt: midQuarter(q, 5 + pi), answers: [{ type: "nps", value }, { type: "osat", value: 1 + (value % 5) }], snapshot: { country } });
    }
    await makeInvitation(people.d1!, survey, { status: "expired", admittedAt: midQuarter(q, 3) });
  }
  // A hand-computed market: FR, 2024-Q4 answers 10, 10, 3 (NPS 33.3); 2023-Q4 answers 9, 5, 5, 5 (NPS −50).
  const fr = await makeAccount({ annualRevenue: 500, customerSince: "2020-01-01T00:00:00.000Z", country: "FR" });
  ids.fr = fr.id;
  for (const [key, values] of [["2024-Q4", [10, 10, 3]], ["2023-Q4", [9, 5, 5, 5]]] as const) {
    const q = QUARTERS.find((x) => x.key === key)!;
    for (const value of values) {
      const contact = await makeContact(fr.id, { role: "champion" });
      await makeResponse(contact, survey, { submittedAt: midQuarter(q, 20), answers: [{ type: "nps", value }], snapshot: { country: "FR" } });
    }
  }
  // B's revenue rose in 2025: quarters before keep 3,000.
  await testDb().insert(accountRevenue).values({ accountId: b.id, validFrom: "2025-04-15T00:00:00.000Z", amount: 4000 });
  await run({ full: true });
}, 120_000);

describe("every quarter with data", () => {
  it("scores all 13 quarters and their trailing 12 months, not only the latest 8", async () => {
    const current = (await currentRun(testDb()))!;
    const keys = periodsOf(current).map((p) => p.key);
    expect(keys.filter((k) => !k.endsWith("T12"))).toEqual(QUARTERS.map((q) => q.key).reverse());
    expect(keys.filter((k) => k.endsWith("T12"))).toHaveLength(13);
  });

  it("gives a quarter two years back its year-earlier change", async () => {
    const db = testDb();
    const current = (await currentRun(db))!;
    const fr = (await cutScores(db, current, "country", resolvePeriod(current, "2024-Q4"))).find((g) => g.group === "FR")!;
    // 2024-Q4: 2 promoters, 1 detractor of 3 → 33.33; 2023-Q4: 1 promoter, 3 detractors of 4 → −50; change 83.33 points.
    expect(fr.nps).toMatchObject({ n: 3, promoters: 2, detractors: 1 });
    expect(fr.change.yearEarlier!.period).toBe("2023-Q4");
    expect(fr.change.yearEarlier!.nps!.delta).toBeCloseTo(83.333, 2);
    // No market is called "": responses without a country form the market "unknown".
    const groups = (await cutScores(db, current, "country", resolvePeriod(current, "2024-Q4"))).map((g) => g.group);
    expect(groups).toContain("unknown");
    expect(groups).not.toContain("");
  });

  it("ranks markets for an older quarter and serves true promoter share for trailing 12 months", async () => {
    const db = testDb();
    const current = (await currentRun(db))!;
    const markets = await marketRanking(db, current, resolvePeriod(current, "2025-Q2"), "country");
    expect(markets.current).toBe("2025-Q2-T12");
    expect([...markets.ranked, ...markets.insufficientData].map((m) => m.market).sort()).toEqual(["DE", "FR", "US", "unknown"]);
    const t12 = await overallScores(db, current, resolvePeriod(current, "2026-Q4-T12"));
    // Contacts invited in the 4 quarters: a1, a2, b1, b2, c1 (answered) and d1 (never) = 6; promoters among the latest answers.
    expect(t12.truePromoterShare.invitedContacts).toBe(6);
    // Latest answers (2026-Q4, (36 + 5·pi) mod 11): 3, 8, 2, 7, 1 — no promoter, so 0 / 6. Counting any promoter answer
    // in the 12 months instead would give a2, b2 (2026-Q1) and b1, c1 (2026-Q3): 4 / 6.
    expect(t12.truePromoterShare.promoters).toBe(0);
    expect(t12.truePromoterShare.share).toBe(0);
  });

  it("counts a silence streak longer than the old 8-quarter window", async () => {
    const db = testDb();
    const current = (await currentRun(db))!;
    const rows = await env.DB.prepare("SELECT silent_streak FROM score_accounts WHERE run_id = ? AND period = '2026-Q4' AND account_id = ?")
      .bind(JSON.parse(current.periodRuns!)["2026-Q4"], ids.d)
      .first<{ silent_streak: number }>();
    expect(rows!.silent_streak).toBe(13);
    const unresponsive = await unresponsiveAccounts(db, await run({ full: true }));
    const d = unresponsive.find((u) => u.accountId === ids.d && u.period === "2026-Q4")!;
    // D holds 8,000 of 5,000 + 4,000 + 1,000 + 8,000 + 500 = 18,500: the largest account, alone ≥ 20 %.
    expect(d).toMatchObject({ streak: 13, revenue: 8000, revenuePercentile: 1, topRevenue: true });
  }, 60_000);
});

describe("incremental runs", () => {
  it("does nothing on the cron when nothing changed", async () => {
    await run();
    expect(await advanceScoring(testDb(), NOW, { ...ALL_AT_ONCE, trigger: "cron", onlyIfChanged: true })).toBeNull();
  });

  it("recomputes only the current quarter and its T12 after a new answer in it, with the rows a full run gives", async () => {
    await makeResponse(people.a2!, survey, { submittedAt: "2026-11-19T09:00:00.000Z", answers: [{ type: "nps", value: 10 }] });
    const incremental = await expectIncrementalEqualsFull();
    expect(parsePlan(incremental).compute).toEqual(["2026-Q4", "2026-Q4-T12"]);
    expect(parsePlan(incremental).stage).toEqual(["2026-Q4"]);
  }, 60_000);

  it("follows an edited answer in an old quarter to the quarters and T12s that include it", async () => {
    const old = await env.DB.prepare("SELECT r.id FROM responses r WHERE r.contact_id = ? AND r.submitted_at LIKE '2025-05%'").bind(people.b1!.id).first<{ id: string }>();
    await testDb().update(answers).set({ numValue: 0 }).where(eq(answers.responseId, old!.id));
    const incremental = await expectIncrementalEqualsFull();
    expect(parsePlan(incremental).compute).toEqual(["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2025-Q2-T12", "2025-Q3-T12", "2025-Q4-T12", "2026-Q1-T12"]);
    expect(parsePlan(incremental).carry).toEqual(["2026-Q2", "2026-Q3", "2026-Q4"]);
  }, 60_000);

  it("follows an edited answer to its invitation's quarter (the cohort's true promoter share)", async () => {
    // Invited in 2026-Q2, answered in 2026-Q3: the Q2 cohort counts it.
    const { response } = await makeResponse(people.c1!, survey, {
      submittedAt: "2026-07-02T10:00:00.000Z",
      answers: [{ type: "nps", value: 10 }],
      invitation: { admittedAt: "2026-06-29T10:00:00.000Z" },
    });
    await run();
    const share = async () => (await overallScores(testDb(), (await currentRun(testDb()))!, resolvePeriod((await currentRun(testDb()))!, "2026-Q2"))).truePromoterShare;
    const before = await share();
    await testDb().update(answers).set({ numValue: 0 }).where(eq(answers.responseId, response.id));
    const incremental = await expectIncrementalEqualsFull();
    expect(parsePlan(incremental).compute).toContain("2026-Q2");
    expect((await share()).promoters).toBe(before.promoters! - 1);
  }, 60_000);

  it("follows a revenue change", async () => {
    await testDb().insert(accountRevenue).values({ accountId: ids.c!, validFrom: "2026-02-01T00:00:00.000Z", amount: 9000 });
    const incremental = await expectIncrementalEqualsFull();
    expect(parsePlan(incremental).compute).toEqual(["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-Q1-T12", "2026-Q2-T12", "2026-Q3-T12", "2026-Q4-T12"]);
  }, 60_000);

  it("follows a role weight", async () => {
    await testDb().update(roles).set({ weight: 250 }).where(eq(roles.key, "end_user"));
    const incremental = await expectIncrementalEqualsFull();
    expect(parsePlan(incremental).stage).toEqual([]); // weights do not touch the staged answers
  }, 60_000);

  it("follows an invitation admitted and then ended", async () => {
    const open = await makeInvitation(people.c1!, survey, { status: "sent", admittedAt: "2026-10-02T10:00:00.000Z" });
    await expectIncrementalEqualsFull();
    await testDb().update(invitations).set({ status: "expired" }).where(eq(invitations.id, open.id));
    await expectIncrementalEqualsFull();
  }, 60_000);

  it("follows a churned account", async () => {
    await testDb().update(accounts).set({ status: "churned", churnedAt: "2026-03-01T00:00:00.000Z" }).where(eq(accounts.id, ids.c!));
    await expectIncrementalEqualsFull();
  }, 60_000);

  it("computes a trailing 12 months alone when the base run holds its quarter but not it, with the rows a full run gives", async () => {
    // As after a run from before every quarter's T12 was scored: the T12 builds its quarter's cube itself.
    const current = (await currentRun(testDb()))!;
    const mapping = JSON.parse(current.periodRuns!) as Record<string, string>;
    delete mapping["2025-Q2-T12"];
    await env.DB.prepare("UPDATE score_runs SET period_runs = ? WHERE id = ?").bind(JSON.stringify(mapping), current.id).run();
    const incremental = await expectIncrementalEqualsFull();
    expect(parsePlan(incremental).compute).toEqual(["2025-Q2-T12"]);
  }, 60_000);

  it("recomputes everything when a setting moves the calendar", async () => {
    await env.DB.prepare("UPDATE settings SET time_zone = 'America/New_York' WHERE id = 1").run();
    await expectIncrementalEqualsFull("full");
    await env.DB.prepare("UPDATE settings SET time_zone = 'UTC' WHERE id = 1").run();
    await run();
  }, 60_000);

  it("reports accounts whose category changed against the previous current run", async () => {
    await makeResponse(people.d1!, survey, { submittedAt: "2026-11-19T11:00:00.000Z", answers: [{ type: "nps", value: 10 }] });
    const incremental = await run();
    const changes = await categoryChanges(testDb(), incremental, { currentOnly: true });
    expect(changes).toEqual([{ accountId: ids.d, period: "2026-Q4", from: "silent", to: "promoter" }]);
  }, 60_000);
});

describe("a long backlog of changes (a bulk import)", () => {
  it("recomputes everything instead of reading the changes one by one, then forgets them in bounded chunks", async () => {
    await env.DB.prepare(
      `INSERT INTO score_dirty (kind, at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i <= ${MAX_DIRTY_READ}) SELECT 'at', '2025-05-05T10:00:00.000Z' FROM n`,
    ).run();
    const incremental = await run();
    expect(parsePlan(incremental).compute).toHaveLength(26);
    expect(parsePlan(incremental).stage).toHaveLength(13);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM score_dirty").first<{ n: number }>())!.n).toBe(0);
  }, 60_000);
});

describe("a run cut off", () => {
  it("continues at the next tick once its short lease has lapsed, and says it is waiting meanwhile", async () => {
    const db = testDb();
    const partial = (await advanceScoring(db, NOW, { ...ALL_AT_ONCE, full: true, maxQueries: 12 }))!;
    expect(partial.status).toBe("running");
    // The invocation dies between steps holding its lease (as a killed process would).
    const leaseUntil = new Date(NOW.getTime() + LEASE_MILLIS).toISOString();
    await env.DB.prepare("UPDATE score_runs SET lease_owner = 'dead', lease_until = ? WHERE id = ?").bind(leaseUntil, partial.id).run();
    const during = new Date(NOW.getTime() + 10_000);
    expect((await advanceScoring(db, during, ALL_AT_ONCE))!.progressing).toBe(false);
    expect(runState({ status: "running", leaseUntil }, during)).toBe("running");
    const nextTick = new Date(NOW.getTime() + 10 * 60_000);
    expect(runState({ status: "running", leaseUntil }, nextTick)).toBe("waiting");
    const resumed = (await advanceScoring(db, nextTick, ALL_AT_ONCE))!;
    expect(resumed).toMatchObject({ id: partial.id, status: "complete", progressing: true });
  });
});
