// SPEC §8 silence cases: at most once per (account, period), when an account in the top 20 % of revenue is silent in
// a quarter, or any account is silent for a second consecutive quarter. Fed by the scoring run (§7.9 silence).
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import { newId } from "../../lib/ids";
import { emitCasesOpened, notifyOpenedCases, ownerUserOf, percentileOf, type LoopDeps } from "./open";
import { DEFAULT_TEAM } from "./routing";
import { caseDueTimes } from "./sla";

export interface SilentAccount {
  accountId: string;
  /** The quarter, e.g. 2026-Q3. */
  period: string;
  /** Consecutive silent quarters ending with this one (1 = first). */
  silentStreak: number;
  /** In the top 20 % of revenue in that quarter (the scoring run decides, from the quarter's revenue). */
  topRevenue: boolean;
}

/** Silence is a relationship going quiet: severity 2 of 3. */
export const SILENCE_SEVERITY = 2;

/** Opens the silence cases these silent accounts call for (once per account and period); returns the new case ids. */
export async function openSilenceCases(deps: LoopDeps, silent: SilentAccount[], now: Date): Promise<string[]> {
  if (silent.length === 0) return [];
  const at = now.toISOString();
  const due = await caseDueTimes(deps.db, now);

  const opened: string[] = [];
  const calling = silent.filter((s) => s.topRevenue || s.silentStreak >= 2);
  // Small statements, one candidate each (a handful of bound parameters), in batches of 20.
  for (let i = 0; i < calling.length; i += 20) {
    const chunk = calling.slice(i, i + 20).map((s) => ({ ...s, caseId: newId("cas", now) }));
    const results = await runBatch<{ id: string }>(
      deps.db,
      chunk.flatMap((s) => [
        sql`WITH acc AS (
            SELECT a.id, a.owner_email, ${percentileOf("a")} AS p, ${ownerUserOf("a")} AS owner_user FROM accounts a
            WHERE a.id = ${s.accountId} AND a.status = 'active'
          )
          INSERT OR IGNORE INTO cases (id, type, account_id, period, status, severity, revenue_percentile, top_account, priority, team,
            owner_email, assignee_email, trigger, due_at, opened_at, updated_at)
          SELECT ${s.caseId}, 'silence', acc.id, ${s.period}, 'open', ${SILENCE_SEVERITY}, acc.p, ${s.topRevenue ? 1 : 0},
            round(${SILENCE_SEVERITY} * acc.p, 4), ${DEFAULT_TEAM}, acc.owner_email,
            coalesce(acc.owner_user, (SELECT t.assignee_email FROM case_teams t WHERE t.key = ${DEFAULT_TEAM})),
            ${`silent ${s.silentStreak} quarter${s.silentStreak === 1 ? "" : "s"} in a row`},
            ${s.topRevenue ? due.top : due.other}, ${at}, ${at}
          FROM acc
          RETURNING id`,
        // Its "opened" timeline entry, in the same batch (nothing when the case already existed and was ignored).
        sql`INSERT OR IGNORE INTO case_events (case_id, at, actor, kind, ref, detail)
          SELECT id, ${at}, 'system', 'opened', 'opened', json_object('trigger', trigger, 'period', period, 'assignee', assignee_email, 'dueAt', due_at)
          FROM cases WHERE id = ${s.caseId}`,
      ]),
    );
    const ids = results.flatMap((rows) => rows.map((row) => row.id));
    opened.push(...ids);
  }
  await emitCasesOpened(deps, opened, now);
  await notifyOpenedCases(deps, opened, now);
  return opened;
}
