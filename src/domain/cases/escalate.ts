// SPEC §8: a case not acknowledged by its due time is breached — ONE escalation email to the assignee and the admins.
// Run from the dispatcher tick: bounded work, claimed first (escalated_at), so overlapping ticks never email twice.
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { inListChunks } from "../../db/limits";
import type { MailProvider } from "../delivery/provider";
import { adminEmails, caseUrl, formatLocalInstant, sendNotices, type Notice } from "./notify";

/** Breaches escalated per tick (each is a claim and one to a few emails). */
export const ESCALATIONS_PER_TICK = 25;

interface Breach {
  id: string;
  assignee_email: string | null;
  assignee_name: string | null;
  account_name: string;
  trigger: string | null;
  verbatim: string | null;
  due_at: string;
  organization_name: string | null;
  time_zone: string | null;
}

export async function escalateBreaches(deps: { db: Db; provider: MailProvider; publicUrl: string }, now: Date): Promise<string[]> {
  const at = now.toISOString();
  const [claimed = []] = await runBatch<Breach>(deps.db, [
    sql`UPDATE cases SET escalated_at = ${at}
      WHERE id IN (SELECT id FROM cases WHERE status = 'open' AND acknowledged_at IS NULL AND due_at <= ${at} AND escalated_at IS NULL
                   ORDER BY priority DESC, due_at LIMIT ${ESCALATIONS_PER_TICK})
      RETURNING id, assignee_email, trigger, verbatim, due_at,
        (SELECT u.name FROM users u WHERE u.email = cases.assignee_email) AS assignee_name,
        (SELECT name FROM accounts a WHERE a.id = cases.account_id) AS account_name,
        (SELECT organization_name FROM settings WHERE id = 1) AS organization_name,
        (SELECT time_zone FROM settings WHERE id = 1) AS time_zone`,
  ]);
  if (claimed.length === 0) return [];
  await runBatch(
    deps.db,
    claimed.map((c) => sql`INSERT OR IGNORE INTO case_events (case_id, at, actor, kind, ref, detail)
      VALUES (${c.id}, ${at}, 'system', 'breached', 'breached', json_object('dueAt', ${c.due_at}, 'assignee', ${c.assignee_email}))`),
  );
  const admins = await adminEmails(deps.db);
  const untold: string[] = [];
  for (const breach of claimed) {
    const recipients = [...new Set([breach.assignee_email, ...admins].filter((e): e is string => Boolean(e)))];
    const notices: Notice[] = recipients.map((to) => ({
      kind: "case_breached",
      key: `${breach.id}:case_breached:${to}`,
      to,
      subject: `Overdue case: ${breach.account_name} was not acknowledged in time`,
      lines: [
        `The case for ${breach.account_name} (${breach.trigger ?? "follow-up"}) was due to be acknowledged by ${formatLocalInstant(breach.due_at, breach.time_zone)} and still is not.`,
        breach.assignee_email ? `Assigned to ${breach.assignee_name ? `${breach.assignee_name} (${breach.assignee_email})` : breach.assignee_email}.` : "Nobody is assigned to it.",
        ...(breach.verbatim ? [`In their words:\n${breach.verbatim}`] : []),
      ],
      link: { label: "Open the case", url: caseUrl(deps.publicUrl, breach.id) },
    }));
    const result = await sendNotices(deps.provider, notices, breach.organization_name ?? "Quorum");
    if (!result.ok) console.error("escalation email failed", breach.id, result.error);
    // Nobody was told (the provider failed for every recipient): the next tick tries again. Once someone got it,
    // it is not sent again (one escalation per case).
    if (result.sent === 0 && notices.length > 0) untold.push(breach.id);
  }
  await runBatch(deps.db, inListChunks(untold).map((ids) => sql`UPDATE cases SET escalated_at = NULL WHERE id IN ${ids} AND escalated_at = ${at}`));
  return claimed.map((c) => c.id);
}
