// The invitations list (SPEC §12 Sending, §9 API): filtered, newest first, with the names a person reads beside the ids.
import { and, desc, eq, like, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { accounts, contacts, invitations, surveys, type InvitationStatus } from "../../db/schema";
import { programCause } from "../targeting/program";
import { splitPage } from "../../lib/pages";

export interface InvitationFilter {
  surveyId?: string;
  status?: InvitationStatus;
  /** The rule that blocked a deferred or suppressed invitation (rule id, or opted-out / bounced / erased / defer-limit). */
  rule?: string;
  accountId?: string;
  contactId?: string;
  /** A relational program's wave index; with `surveyId` exactly that survey's wave, without it that wave of any survey. */
  wave?: number;
}

export interface InvitationListItem {
  id: string;
  surveyId: string;
  surveyName: string | null;
  surveyVersionId: string;
  contactId: string;
  contactName: string | null;
  /** Null once the contact was erased. */
  contactEmail: string | null;
  accountId: string;
  accountName: string | null;
  kind: "relational" | "transactional";
  journeyStage: string;
  status: InvitationStatus;
  blockingRule: string | null;
  causeType: string;
  causeId: string | null;
  scheduledFor: string | null;
  admittedAt: string | null;
  sentAt: string | null;
  completedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export const INVITATION_PAGE_MAX = 200;

function conditions(filter: InvitationFilter, before: string | undefined): SQL | undefined {
  const waveCause =
    filter.wave === undefined
      ? undefined
      : filter.surveyId
        ? eq(invitations.causeId, programCause(filter.surveyId, filter.wave))
        : like(invitations.causeId, `%:${filter.wave}`);
  return and(
    filter.surveyId ? eq(invitations.surveyId, filter.surveyId) : undefined,
    filter.status ? eq(invitations.status, filter.status) : undefined,
    filter.rule ? eq(invitations.blockingRule, filter.rule) : undefined,
    filter.accountId ? eq(invitations.accountId, filter.accountId) : undefined,
    filter.contactId ? eq(invitations.contactId, filter.contactId) : undefined,
    filter.wave !== undefined ? eq(invitations.causeType, "program") : undefined,
    waveCause,
    before ? lt(invitations.id, before) : undefined,
  );
}

/**
 * The query for one page of invitations, newest first (ids are time-ordered), `limit + 1` rows so the caller knows
 * whether there is a next page. Returned unexecuted so a page can put it in one `db.batch` with its other reads.
 */
export function invitationsQuery(db: Db, filter: InvitationFilter, page: { before?: string; limit: number }) {
  return db
    .select({
      id: invitations.id,
      surveyId: invitations.surveyId,
      // Aliased: a D1 batch returns rows as objects, so equal column names ("name") would collapse.
      surveyName: sql<string | null>`${surveys.name}`.as("survey_name"),
      surveyVersionId: invitations.surveyVersionId,
      contactId: invitations.contactId,
      contactName: sql<string | null>`${contacts.name}`.as("contact_name"),
      contactEmail: sql<string | null>`${contacts.email}`.as("contact_email"),
      accountId: invitations.accountId,
      accountName: sql<string | null>`${accounts.name}`.as("account_name"),
      kind: invitations.kind,
      journeyStage: invitations.journeyStage,
      status: invitations.status,
      blockingRule: invitations.blockingRule,
      causeType: invitations.causeType,
      causeId: invitations.causeId,
      scheduledFor: invitations.scheduledFor,
      admittedAt: invitations.admittedAt,
      sentAt: invitations.sentAt,
      completedAt: invitations.completedAt,
      expiresAt: invitations.expiresAt,
      revokedAt: invitations.revokedAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .leftJoin(contacts, eq(contacts.id, invitations.contactId))
    .leftJoin(accounts, eq(accounts.id, invitations.accountId))
    .leftJoin(surveys, eq(surveys.id, invitations.surveyId))
    .where(conditions(filter, page.before))
    .orderBy(desc(invitations.id))
    .limit(Math.min(page.limit, INVITATION_PAGE_MAX) + 1);
}

/** One page of invitations and the id to continue before (null on the last page). One D1 round trip. */
export async function listInvitations(
  db: Db,
  filter: InvitationFilter,
  page: { before?: string; limit: number },
): Promise<{ items: InvitationListItem[]; nextBefore: string | null }> {
  const limit = Math.min(page.limit, INVITATION_PAGE_MAX);
  const rows = await invitationsQuery(db, filter, page).all();
  return pageOf(rows, limit);
}

/** Splits the `limit + 1` rows of invitationsQuery into the page and the next cursor. */
export function pageOf(rows: InvitationListItem[], limit: number): { items: InvitationListItem[]; nextBefore: string | null } {
  const { items, next } = splitPage(rows, limit, (last) => last.id);
  return { items, nextBefore: next };
}
