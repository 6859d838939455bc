// SPEC §8: on close, optionally the one-question re-check "did we resolve it?" — exempt from the frequency caps
// (never to opted-out people), at most once per case; its answer lands on the case timeline (open.ts).
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch";
import type { Db } from "../../db/client";
import { conflict } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { emailHmac } from "../directory/suppression";
import { admitAll, type AdmissionResult } from "../frequency/admit";
import type { QueueMessage } from "../messages";
import { enqueueDeliveries } from "../targeting/enqueue";
import { assertMayWork, type CaseActor } from "./access";
import { caseForWork } from "./work";

/** The system survey of migration 0060. */
export const RECHECK_SURVEY_ID = "sur_case_recheck";

export async function sendRecheck(
  deps: { db: Db; mailQueue: Queue<QueueMessage>; hmacSecret: string },
  actor: CaseActor,
  caseId: string,
  now: Date,
): Promise<AdmissionResult> {
  const current = await caseForWork(deps.db, caseId);
  assertMayWork(actor, { id: caseId, assigneeEmail: current.assignee_email, accountOwnerEmail: current.account_owner_email, accountName: current.account_name });
  const at = now.toISOString();
  const invitationId = newId("inv", now);
  // Claimed first: a double-submitted form or two people at once send one re-check.
  const [claimed = []] = await runBatch<{ contact_id: string; email: string | null }>(deps.db, [
    sql`UPDATE cases SET recheck_invitation_id = ${invitationId}, updated_at = ${at}
      WHERE id = ${caseId} AND status = 'closed' AND recheck_invitation_id IS NULL AND contact_id IS NOT NULL
      RETURNING contact_id, (SELECT email FROM contacts c WHERE c.id = cases.contact_id) AS email`,
  ]);
  const contact = claimed[0];
  if (!contact) {
    throw conflict(`Case '${caseId}' cannot get a re-check: it is sent once, to the contact of a closed case.`, [{ path: "recheck", message: "closed case with a contact, once" }]);
  }
  const [result] = await admitAll(
    deps.db,
    [
      {
        invitationId,
        contactId: contact.contact_id,
        surveyId: RECHECK_SURVEY_ID,
        cause: { type: "recheck", id: caseId },
        emailHmac: contact.email ? await emailHmac(deps.hmacSecret, contact.email) : null,
        exempt: true,
      },
    ],
    now,
    [
      sql`INSERT INTO case_events (case_id, at, actor, kind, ref, detail)
        VALUES (${caseId}, ${at}, ${actor.email ?? actor.id}, 'recheck_sent', 'recheck', json_object('invitationId', ${invitationId}))`,
    ],
  );
  if (result!.status === "queued") await enqueueDeliveries(deps.mailQueue, [invitationId], "recheck");
  return result!;
}
