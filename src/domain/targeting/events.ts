import { and, eq, isNotNull, sql } from "drizzle-orm";
import { runAll } from "../../db/batch";
import { accounts, contacts, journeyEvents, journeyStages, surveys, type Survey } from "../../db/schema";
import { newId } from "../../lib/ids";
import { unprocessable, type FieldError } from "../../lib/errors";
import { auditInsert } from "../audit/log";
import { emailHmac, normalizeEmail } from "../directory/suppression";
import { admitAll, historyStatement, pendingOf, type Admission } from "../frequency/admit";
import { isTargeted, NOT_TARGETED } from "../frequency/verdict";
import { admittedIds, enqueueDeliveries } from "./enqueue";
import type { SendDeps } from "./sends";

export interface JourneyEventInput {
  id: string;
  type: "stage.reached";
  stage: string;
  accountExternalId: string;
  contactEmail?: string;
  occurredAt: string;
}

export interface EventInvitation {
  /** null for a named contact outside the survey's target roles (status and blockingRule `not-targeted`, nothing written). */
  invitationId: string | null;
  contactId: string;
  surveyId: string;
  status: string;
  blockingRule: string | null;
  scheduledFor: string | null;
}

export interface EventOutcome {
  eventId: string;
  /** True when this event id was seen before: nothing new was created. */
  duplicate: boolean;
  invitations: EventInvitation[];
}

/** Above this many invitations an event must name the contact: the whole event is written in one batch. */
export const MAX_EVENT_INVITATIONS = 400;

async function resolve(deps: SendDeps, input: JourneyEventInput) {
  const { db } = deps;
  const errors: FieldError[] = [];
  const account = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, input.accountExternalId)).get();
  if (!account) errors.push({ path: "accountExternalId", message: `no account with externalId '${input.accountExternalId}'` });
  const stage = await db.select({ key: journeyStages.key }).from(journeyStages).where(eq(journeyStages.key, input.stage)).get();
  if (!stage) errors.push({ path: "stage", message: `no journey stage '${input.stage}'` });
  let contactId: string | undefined;
  if (input.contactEmail && account) {
    const contact = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.email, normalizeEmail(input.contactEmail)), eq(contacts.accountId, account.id)))
      .get();
    if (!contact) errors.push({ path: "contactEmail", message: `no contact '${input.contactEmail}' at account '${input.accountExternalId}'` });
    contactId = contact?.id;
  }
  if (errors.length || !account) throw unprocessable(errors.map((e) => e.message).join("; ") + ". Nothing was recorded.", errors);
  const stageSurveys = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.journeyStage, input.stage), eq(surveys.status, "active"), isNotNull(surveys.currentVersionId)))
    .all();
  return { accountId: account.id, contactId, stageSurveys };
}

/**
 * The account's active contacts in the survey's target roles, or the one named contact (taken as named, with whether
 * the survey targets its role: one outside the roles is answered as not-targeted, never invited).
 */
function targets(deps: SendDeps, survey: Survey, accountId: string, contactId?: string) {
  const roleFits = isTargeted(sql`role`, sql`${JSON.stringify(survey.targetRoles ?? [])}`);
  const who = contactId ? sql`id = ${contactId}` : sql`account_id = ${accountId} AND status = 'active' AND ${roleFits}`;
  return runAll<{ id: string; email: string | null; targeted: number }>(
    deps.db,
    sql`SELECT id, email, ${roleFits} AS targeted FROM contacts WHERE ${who} ORDER BY id`,
  );
}

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

/** A `delayDays` survey: the invitation waits as `scheduled`, and the dispatcher checks the rules when it is due. */
function scheduledInsert(survey: Survey, contactId: string, eventId: string, dueAt: string, now: Date) {
  const id = newId("inv", now);
  return {
    id,
    target: { contactId, surveyId: survey.id },
    statement: sql`INSERT OR IGNORE INTO invitations (id, survey_id, survey_version_id, contact_id, account_id, kind, journey_stage, status,
        cause_type, cause_id, scheduled_for, created_at, updated_at)
      SELECT ${id}, ${survey.id}, ${survey.currentVersionId}, c.id, c.account_id, ${survey.kind}, ${survey.journeyStage}, 'scheduled',
        'event', ${eventId}, ${dueAt}, ${now.toISOString()}, ${now.toISOString()}
      FROM contacts c WHERE c.id = ${contactId} AND ${pendingOf(sql`c.id`, sql`${survey.id}`)} IS NULL`,
  };
}

/** Whom the event reached: its invitations, the pending ones it found instead, and named contacts it does not target. */
async function storedOutcome(deps: SendDeps, eventId: string): Promise<EventInvitation[]> {
  const [row] = await runAll<{ result: string | null }>(deps.db, sql`SELECT result FROM journey_events WHERE id = ${eventId}`);
  const result = (row?.result ? JSON.parse(row.result) : {}) as EventResult;
  const invited = await runAll<EventInvitation>(
    deps.db,
    sql`SELECT id AS invitationId, contact_id AS contactId, survey_id AS surveyId, status, blocking_rule AS blockingRule, scheduled_for AS scheduledFor
      FROM invitations WHERE (cause_type = 'event' AND cause_id = ${eventId}) OR id IN (SELECT value FROM json_each(${JSON.stringify(result.pending ?? [])}))
      ORDER BY id`,
  );
  const offTarget = (result.notTargeted ?? []).map(
    (t): EventInvitation => ({ invitationId: null, contactId: t.contactId, surveyId: t.surveyId, status: NOT_TARGETED, blockingRule: NOT_TARGETED, scheduledFor: null }),
  );
  return [...invited, ...offTarget];
}

/** What the journey event row keeps of its outcome besides its own invitations. */
type EventResult = {
  surveys?: string[];
  notTargeted?: { contactId: string; surveyId: string }[];
  /** Pending invitations (scheduled/deferred, same survey) answered instead of a second row. */
  pending?: string[];
};

/**
 * A journey event: idempotent by its id (a repeat creates nothing and says so). Every active survey of the stage
 * invites the account's contacts in its target roles through the frequency rules, or schedules them `delayDays`
 * after the event. The event row, its audit row and every invitation are written in ONE batch: all or nothing.
 */
export async function receiveJourneyEvent(deps: SendDeps, actor: string, input: JourneyEventInput, now: Date): Promise<EventOutcome> {
  const { db } = deps;
  const seen = await db.select({ id: journeyEvents.id }).from(journeyEvents).where(eq(journeyEvents.id, input.id)).get();
  if (seen) return { eventId: input.id, duplicate: true, invitations: await storedOutcome(deps, input.id) };

  const { accountId, contactId, stageSurveys } = await resolve(deps, input);
  const immediate: Admission[] = [];
  const scheduled: ReturnType<typeof scheduledInsert>[] = [];
  const notTargeted: { contactId: string; surveyId: string }[] = [];
  for (const survey of stageSurveys) {
    for (const target of await targets(deps, survey, accountId, contactId)) {
      if (!target.targeted) {
        notTargeted.push({ contactId: target.id, surveyId: survey.id });
      } else if (survey.delayDays > 0) {
        scheduled.push(scheduledInsert(survey, target.id, input.id, addDays(input.occurredAt, survey.delayDays), now));
      } else {
        const hmac = target.email ? await emailHmac(deps.hmacSecret, target.email) : null;
        immediate.push({ contactId: target.id, surveyId: survey.id, cause: { type: "event", id: input.id }, emailHmac: hmac });
      }
    }
  }
  if (immediate.length + scheduled.length > MAX_EVENT_INVITATIONS) {
    throw unprocessable(`This event would invite ${immediate.length + scheduled.length} people; name the contact (contactEmail) or narrow the survey's targetRoles (at most ${MAX_EVENT_INVITATIONS}).`);
  }
  const pending = await pendingOfTargets(deps, [...immediate, ...scheduled.map((s) => s.target)]);
  const result: EventResult = { surveys: stageSurveys.map((s) => s.id), notTargeted, pending };
  const record = [
    // A plain INSERT: a concurrent twin of this event fails here and the whole batch rolls back.
    db.insert(journeyEvents).values({ ...pick(input), accountId, contactId: contactId ?? null, receivedAt: now.toISOString(), result }),
    auditInsert(db, { actor, action: "event.receive", entityType: "journey_event", entityId: input.id, detail: { stage: input.stage, accountId, contactId: contactId ?? null } }, now),
    ...scheduled.map((s) => s.statement),
    ...(scheduled.length ? [historyStatement(scheduled.map((s) => s.id), now)] : []),
  ];
  try {
    const admitted = await admitAll(db, immediate, now, record, { oneBatch: true });
    await enqueueDeliveries(deps.queue, admittedIds(admitted));
  } catch (error) {
    if (await db.select({ id: journeyEvents.id }).from(journeyEvents).where(eq(journeyEvents.id, input.id)).get()) {
      return { eventId: input.id, duplicate: true, invitations: await storedOutcome(deps, input.id) };
    }
    throw error;
  }
  return { eventId: input.id, duplicate: false, invitations: await storedOutcome(deps, input.id) };
}

/**
 * The pending invitations (scheduled or deferred, same contact and survey) that stand in for some of these targets:
 * read before the write and recorded with the event; the guarded inserts skip those targets by themselves.
 */
async function pendingOfTargets(deps: SendDeps, targets: { contactId: string; surveyId: string }[]): Promise<string[]> {
  if (targets.length === 0) return [];
  const pairs = JSON.stringify(targets.map((t) => [t.contactId, t.surveyId]));
  const rows = await runAll<{ id: string }>(
    deps.db,
    sql`SELECT i.id FROM json_each(${pairs}) p JOIN invitations i ON i.contact_id = json_extract(p.value, '$[0]') AND i.survey_id = json_extract(p.value, '$[1]')
      WHERE i.status IN ('scheduled', 'deferred')`,
  );
  return rows.map((r) => r.id);
}

const pick = (input: JourneyEventInput) => ({ id: input.id, type: input.type, stage: input.stage, occurredAt: input.occurredAt });
