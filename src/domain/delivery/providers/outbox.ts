import type { Db } from "../../../db/client";
import { outbox } from "../../../db/schema";
import { newId } from "../../../lib/ids";
import type { MailMessage, MailProvider, SendResult } from "../provider";

/** Local mode: mail lands in the outbox table, which /admin/outbox shows with clickable links. */
export class OutboxProvider implements MailProvider {
  readonly name = "outbox";
  constructor(private readonly db: Db) {}

  async send(message: MailMessage): Promise<SendResult> {
    const id = newId("mail");
    await this.db.insert(outbox).values({
      id,
      invitationId: message.invitationId,
      kind: message.kind,
      toEmail: message.to,
      fromName: message.fromName,
      replyTo: message.replyTo ?? null,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html,
      headers: message.headers,
      surveyUrl: message.surveyUrl ?? null,
      unsubscribeUrl: message.unsubscribeUrl ?? null,
    });
    return { ok: true, providerMessageId: id };
  }
}
