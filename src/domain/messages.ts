/** Messages carried by MAIL_QUEUE. The consumer (jobs/queue.ts) dispatches on `type`. */
export type MailKind = "invitation" | "reminder" | "recheck";

/** Mail to people on our side (not survey invitations): through the same providers, the outbox locally. */
export type NoticeKind = "case_opened" | "case_breached" | "webhook_disabled" | "sign_in";

export type QueueMessage = { type: "deliver"; invitationId: string; kind: MailKind };

/**
 * Messages carried by LOOP_QUEUE (closing the loop, SPEC §8): a stored response to evaluate for a case and announce
 * to webhooks (sent after the respondent's request, never inside it), one webhook delivery attempt, a scoring run
 * to continue at once in an invocation of its own, and a completed scoring run whose consequences (silence cases,
 * category changes) follow.
 */
export type LoopMessage =
  /** A response was submitted or edited after submit (responses are one per invitation). */
  | { type: "response.submitted"; invitationId: string }
  | { type: "webhook.deliver"; deliveryId: string }
  /**
   * A scoring run that stopped short of its invocation's budget (D1 queries, time): continue it now, not at the next
   * cron tick. Never starts a run; a run no longer running (complete, failed) or unknown makes it a no-op.
   */
  | { type: "scoring.continue"; runId: string }
  /** A scoring run became current: open silence cases and announce category changes, in an invocation of their own. */
  | { type: "run.completed"; runId: string };
