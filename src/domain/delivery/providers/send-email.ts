import type { MailMessage, MailProvider, SendResult } from "../provider";

/** Errors that a retry cannot fix: a bad or refused address, a sender the binding does not allow. */
const PERMANENT = /invalid|not allowed|not verified|rejected|suppress|unauthori[sz]ed|forbidden/i;

/** Cloudflare Email Service through the Worker's `send_email` binding (structured builder form). */
export class SendEmailProvider implements MailProvider {
  readonly name = "send_email";
  constructor(
    private readonly binding: SendEmail,
    private readonly fromAddress: string,
  ) {}

  async send(message: MailMessage): Promise<SendResult> {
    try {
      const result = await this.binding.send({
        from: { email: this.fromAddress, name: message.fromName },
        to: message.to,
        replyTo: message.replyTo,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
      });
      return { ok: true, providerMessageId: result?.messageId };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return { ok: false, permanent: PERMANENT.test(text), error: `send_email: ${text}` };
    }
  }
}
