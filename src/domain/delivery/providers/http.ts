import type { MailMessage, MailProvider, SendResult } from "../provider";

export interface HttpMailConfig {
  /** e.g. https://api.resend.com/emails */
  url: string;
  token: string;
  fromAddress: string;
}

/** Statuses worth retrying: timeouts, conflicts of a concurrent idempotent request, rate limits, server errors. */
const TRANSIENT = new Set([408, 409, 425, 429]);

/**
 * An HTTP mail API in the Resend style: JSON POST with a bearer token and an Idempotency-Key header (the delivery
 * ledger key), so the provider itself drops a duplicate if a retry follows a lost response.
 * 2xx → sent; 408/409/425/429/5xx and network errors → retry; any other 4xx → permanent (the invitation fails).
 */
export class HttpMailProvider implements MailProvider {
  readonly name = "http";
  constructor(
    private readonly config: HttpMailConfig,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async send(message: MailMessage): Promise<SendResult> {
    let response: Response;
    try {
      response = await this.fetcher(this.config.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.config.token}`,
          "content-type": "application/json",
          "idempotency-key": message.idempotencyKey,
        },
        body: JSON.stringify({
          from: `${message.fromName.replace(/["<>]/g, "")} <${this.config.fromAddress}>`,
          to: [message.to],
          reply_to: message.replyTo,
          subject: message.subject,
          html: message.html,
          text: message.text,
          headers: message.headers,
        }),
      });
    } catch (error) {
      return { ok: false, permanent: false, error: `mail API unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    const body = await response.text();
    if (response.ok) return { ok: true, providerMessageId: messageIdOf(body) };
    const permanent = response.status < 500 && !TRANSIENT.has(response.status);
    return { ok: false, permanent, error: `mail API answered ${response.status}: ${body.slice(0, 300)}` };
  }
}

function messageIdOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown; MessageID?: unknown };
    const id = parsed.id ?? parsed.MessageID;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
