import type { MailKind, NoticeKind } from "../messages";

/** One composed email, ready for any provider. */
export interface MailMessage {
  /** null for notices to people on our side (case opened, escalation, webhook disabled). */
  invitationId: string | null;
  kind: MailKind | NoticeKind;
  /** Claimed in the delivery ledger before the provider is called; passed on to providers that accept one. */
  idempotencyKey: string;
  to: string;
  fromName: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** e.g. List-Unsubscribe, List-Unsubscribe-Post. */
  headers: Record<string, string>;
  surveyUrl?: string;
  unsubscribeUrl?: string;
}

export type SendResult =
  | { ok: true; providerMessageId?: string }
  /** `permanent`: retrying cannot help (invalid address, rejected): the invitation becomes `failed`. */
  | { ok: false; permanent: boolean; error: string };

/** What every mail provider implements: the local outbox, an HTTP mail API, Cloudflare's send_email, and test fakes. */
export interface MailProvider {
  readonly name: string;
  send(message: MailMessage): Promise<SendResult>;
}
