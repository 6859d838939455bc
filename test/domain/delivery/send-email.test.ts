import { describe, expect, it } from "vitest";
import { mailProviderFor } from "../../../src/domain/delivery/providers";
import { SendEmailProvider } from "../../../src/domain/delivery/providers/send-email";
import { testDb } from "../../support/fixtures";
import { sampleMail } from "../../support/mail";

const message = sampleMail;

/** Cloudflare's send_email binding, faked: it answers from a script and records what it was given. */
function fakeBinding(answer: () => Promise<{ messageId: string }>) {
  const calls: unknown[] = [];
  const binding = { send: async (m: unknown) => (calls.push(m), answer()) } as unknown as SendEmail;
  return { calls, binding };
}

describe("send_email provider (Cloudflare Email Service binding)", () => {
  it("sends from the owner's name at the configured address, replying to the owner, with the one-click unsubscribe headers", async () => {
    const { calls, binding } = fakeBinding(async () => ({ messageId: "cf-123" }));
    expect(await new SendEmailProvider(binding, "surveys@quorum.test").send(message)).toEqual({ ok: true, providerMessageId: "cf-123" });
    expect(calls).toEqual([
      {
        from: { email: "surveys@quorum.test", name: "Olivia Owner" },
        to: "pat@customer.test",
        replyTo: "owner@quorum.test",
        subject: "Two questions",
        html: "<p>Hello Pat</p>",
        text: "Hello Pat",
        headers: message.headers,
      },
    ]);
  });

  it("a refused address is permanent (the invitation fails); anything else is retried", async () => {
    const refused = fakeBinding(() => Promise.reject(new Error("recipient address rejected")));
    expect(await new SendEmailProvider(refused.binding, "surveys@quorum.test").send(message)).toMatchObject({ ok: false, permanent: true });
    const unverified = fakeBinding(() => Promise.reject(new Error("destination address not verified")));
    expect(await new SendEmailProvider(unverified.binding, "surveys@quorum.test").send(message)).toMatchObject({ ok: false, permanent: true });
    const busy = fakeBinding(() => Promise.reject(new Error("internal error, try again")));
    expect(await new SendEmailProvider(busy.binding, "surveys@quorum.test").send(message)).toMatchObject({ ok: false, permanent: false, error: expect.stringContaining("send_email:") });
  });

  it("is chosen by MAIL_PROVIDER=send_email when the binding and sender are configured", () => {
    const { binding } = fakeBinding(async () => ({ messageId: "x" }));
    expect(mailProviderFor({ MAIL_PROVIDER: "send_email", SEND_EMAIL: binding, MAIL_FROM_ADDRESS: "surveys@quorum.test" }, testDb()).name).toBe("send_email");
  });
});
