import type { MailMessage } from "../../src/domain/delivery/provider";

/** A composed email as every provider receives it, for provider tests. */
export const sampleMail: MailMessage = {
  invitationId: "inv_1",
  kind: "invitation",
  idempotencyKey: "inv_1:invitation",
  to: "pat@customer.test",
  fromName: "Olivia Owner",
  replyTo: "owner@quorum.test",
  subject: "Two questions",
  text: "Hello Pat",
  html: "<p>Hello Pat</p>",
  headers: { "List-Unsubscribe": "<https://q.test/u/t>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
};
