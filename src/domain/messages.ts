/** Messages carried by MAIL_QUEUE. The consumer (jobs/queue.ts) dispatches on `type`. */
export type MailKind = "invitation" | "reminder" | "recheck";

export type QueueMessage = { type: "deliver"; invitationId: string; kind: MailKind };
