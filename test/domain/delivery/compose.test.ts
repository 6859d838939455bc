import { describe, expect, it } from "vitest";
import { composeMail, type MailContext } from "../../../src/domain/delivery/compose";
import { signInMail } from "../../../src/domain/access/sign-in-links";
import { noticeMail } from "../../../src/domain/cases/notify";

const context: MailContext = {
  invitationId: "inv_1",
  email: "kim@customer.test",
  contactName: "Kim",
  contactLocale: "fr",
  accountName: "Acme SA",
  ownerName: "Olivia Owner",
  ownerEmail: "olivia@vendor.test",
  organizationName: "Vendor Inc",
  texts: { en: { title: "Feedback", intro: "We read every answer." }, fr: { title: "Avis", intro: "Nous lisons chaque réponse." } },
  defaultLocale: "en",
};
const links = { surveyUrl: "http://quorum.test/s/a.b.c", unsubscribeUrl: "http://quorum.test/u/d.e.f" };

describe("composeMail", () => {
  it("writes in the contact's language, from the owner, with both links and one-click unsubscribe headers", () => {
    const mail = composeMail(context, links, "invitation", "inv_1:invitation");
    expect(mail).toMatchObject({
      to: "kim@customer.test",
      fromName: "Olivia Owner",
      replyTo: "olivia@vendor.test",
      subject: "Olivia Owner : une petite question sur notre collaboration",
      idempotencyKey: "inv_1:invitation",
      headers: { "List-Unsubscribe": "<http://quorum.test/u/d.e.f>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    expect(mail.text).toBe(
      [
        "Bonjour Kim,",
        "",
        "Nous lisons chaque réponse.",
        "",
        "Cela prend environ deux minutes :",
        "http://quorum.test/s/a.b.c",
        "",
        "Merci,",
        "Olivia Owner",
        "Vendor Inc",
        "",
        "--",
        "Vous ne souhaitez plus recevoir ces e-mails ? Désabonnement : http://quorum.test/u/d.e.f",
      ].join("\n"),
    );
    expect(mail.html).toContain('<a href="http://quorum.test/s/a.b.c"');
  });

  it("falls back to the survey's default locale, the organization as sender, the localized defaults, and escapes names", () => {
    const mail = composeMail(
      { ...context, contactLocale: "pt", ownerName: null, ownerEmail: null, contactName: "<Kim>", texts: { en: { title: "Feedback", intro: "" } } },
      links,
      "reminder",
      "inv_1:reminder",
    );
    expect(mail.fromName).toBe("Vendor Inc");
    expect(mail.replyTo).toBeUndefined();
    expect(mail.subject).toBe("Reminder from Vendor Inc: a quick question");
    expect(mail.text).toContain("Your answer tells us honestly how well we work for Acme SA.");
    expect(mail.html).toContain("Hello &lt;Kim&gt;,");
    expect(mail.html).not.toContain("<Kim>");
  });

  it("shows a survey that starts with NPS as eleven score links (/s/{token}?score=N) in HTML and text, localized, end labels under the ends", () => {
    const firstQuestion = { id: "nps", type: "nps" as const, text: { en: "How likely are you to recommend us?", fr: "Nous recommanderiez-vous ?" }, required: true };
    const mail = composeMail({ ...context, firstQuestion }, links, "invitation", "inv_1:invitation");
    const hrefs = [...mail.html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.filter((h) => h!.includes("?score="))).toEqual(Array.from({ length: 11 }, (_, n) => `http://quorum.test/s/a.b.c?score=${n}`));
    // Real text links with accessible names that contain the visible number; no images.
    expect(mail.html).toContain('aria-label="7 sur 10" title="7 sur 10"');
    expect(mail.html).toMatch(/>7<\/a><\/td>/);
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("Nous recommanderiez-vous ?");
    expect(mail.html).toContain("0 = Pas du tout probable");
    expect(mail.html).toContain("10 = Extrêmement probable");
    expect(mail.text).toContain("Nous recommanderiez-vous ?");
    expect(mail.text).toContain("0 (Pas du tout probable): http://quorum.test/s/a.b.c?score=0");
    expect(mail.text).toContain("5: http://quorum.test/s/a.b.c?score=5");
    expect(mail.text).toContain("10 (Extrêmement probable): http://quorum.test/s/a.b.c?score=10");
    expect(mail.text).toContain("Ou ouvrez le questionnaire :\nhttp://quorum.test/s/a.b.c\n");
    for (const locale of ["en", "de", "es"]) {
      const other = composeMail({ ...context, contactLocale: locale, firstQuestion }, links, "invitation", "k");
      expect(other.text.match(/\?score=\d+/g)).toHaveLength(11);
    }
    const osat = composeMail({ ...context, firstQuestion: { ...firstQuestion, type: "osat" as const } }, links, "invitation", "k");
    expect(osat.html).not.toContain("?score=");
    expect(osat.text).not.toContain("?score=");
  });

  it("keeps CR/LF of stored names and survey subjects out of every header it builds (SPEC §13)", () => {
    const crlf = /[\r\n]/;
    const mail = composeMail(
      { ...context, contactLocale: "en", ownerName: "Olivia\r\nBcc: x@evil.test", texts: { en: { title: "T", intro: "I", emailSubject: "Quick\nBcc: y@evil.test" } } },
      links,
      "invitation",
      "k",
    );
    expect([mail.fromName, mail.subject]).toEqual(["Olivia Bcc: x@evil.test", "Quick Bcc: y@evil.test"]);
    const reminder = composeMail({ ...context, ownerName: null, organizationName: "Vendor\r\nBcc: z" }, links, "reminder", "k");
    expect(reminder.fromName).not.toMatch(crlf);
    expect(reminder.subject).not.toMatch(crlf);
    const notice = noticeMail({ kind: "case_opened", key: "k", to: "a@b.test", subject: "New case: Acme\r\nBcc: x", lines: [], link: { label: "Open", url: "http://q.test" } }, "Org\nBcc: y");
    expect([notice.fromName, notice.subject].join("")).not.toMatch(crlf);
    const signIn = signInMail({ email: "a@b.test", name: "A" }, "http://q.test/x", { organizationName: "Org\r\nBcc: z", invited: true });
    expect([signIn.fromName, signIn.subject].join("")).not.toMatch(crlf);
  });
});
