import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addSuppression, suppressionReason } from "../../../src/domain/directory/suppression";
import { api, json } from "../../support/api";
import { makeAccount, makeContact, makeInvitation, makeSurvey, testDb } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

let n = 0;
const email = () => `Person.${Date.now().toString(36)}.${n++}@Customer.TEST`;

describe("/api/v1/contacts", () => {
  it("creates a contact with a lower-cased email, the organization's locale and a prn in [0, 1)", async () => {
    const account = await makeAccount();
    const address = email();
    const res = await api("POST", "/contacts", { accountId: account.id, email: address, name: "Ada Buyer", role: "decision_maker" });
    expect(res.status).toBe(201);
    const contact = await json(res);
    expect(contact).toMatchObject({ accountId: account.id, email: address.toLowerCase(), name: "Ada Buyer", role: "decision_maker", locale: "en", status: "active" });
    expect(contact.prn).toBeGreaterThanOrEqual(0);
    expect(contact.prn).toBeLessThan(1);
    expect(await json(await api("GET", `/contacts/${contact.id}`))).toEqual(contact);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE entity_id = ?").bind(contact.id).all();
    expect(audit.results).toEqual([{ action: "contact.create" }]);
  });

  it("refuses an unknown role naming the valid keys, a missing account and a duplicate email, writing nothing", async () => {
    const account = await makeAccount();
    const badRole = await json(await api("POST", "/contacts", { accountId: account.id, email: email(), role: "ceo" }));
    expect(badRole.status).toBe(400);
    expect(badRole.errors).toEqual([{ path: "role", message: expect.stringContaining("decision_maker, end_user") }]);

    const noAccount = await json(await api("POST", "/contacts", { accountId: "acc_nope", email: email(), role: "champion" }));
    expect(noAccount.errors[0].path).toBe("accountId");

    const existing = await makeContact(account.id);
    const dup = await json(await api("POST", "/contacts", { accountId: account.id, email: existing.email!.toUpperCase(), role: "champion" }));
    expect(dup.status).toBe(409);
    expect(dup.errors).toEqual([{ path: "email", message: "already used by another contact" }]);

    const types = await json(await api("POST", "/contacts", { accountId: account.id, email: "not-an-email", role: 3, locale: "xx-!!" }));
    expect(types.errors.map((e: { path: string }) => e.path).sort()).toEqual(["email", "locale", "role"]);

    const count = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE account_id = ?").bind(account.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it("refuses an address on the suppression list with 409 saying why", async () => {
    const account = await makeAccount();
    const address = email();
    await addSuppression(testDb(), env.HMAC_SECRET, address, "unsubscribed");
    const res = await json(await api("POST", "/contacts", { accountId: account.id, email: address, role: "champion" }));
    expect(res.status).toBe(409);
    expect(res.errors[0]).toEqual({ path: "email", message: expect.stringContaining("unsubscribed") });
  });

  it("moves a contact to another account; its past invitations keep the old account", async () => {
    const [from, to] = [await makeAccount(), await makeAccount()];
    const contact = await makeContact(from.id);
    const invitation = await makeInvitation(contact, await makeSurvey());
    const moved = await json(await api("PATCH", `/contacts/${contact.id}`, { accountId: to.id, role: "finance" }));
    expect(moved).toMatchObject({ id: contact.id, accountId: to.id, role: "finance", prn: contact.prn });
    const row = await env.DB.prepare("SELECT account_id FROM invitations WHERE id = ?").bind(invitation.id).first<{ account_id: string }>();
    expect(row!.account_id).toBe(from.id);
  });

  it("unsubscribing through the API suppresses the address, and it cannot simply be reactivated", async () => {
    const contact = await makeContact((await makeAccount()).id);
    const res = await json(await api("PATCH", `/contacts/${contact.id}`, { status: "unsubscribed" }));
    expect(res.status).toBe("unsubscribed");
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, contact.email!)).toBe("unsubscribed");
    const reactivate = await api("PATCH", `/contacts/${contact.id}`, { status: "active" });
    expect(reactivate.status).toBe(409);
    expect((await json(await api("PATCH", `/contacts/${contact.id}`, { status: "erased" }))).status).toBe(400);
  });

  it("lists by account, role and status with a cursor", async () => {
    const account = await makeAccount();
    const a = await makeContact(account.id, { role: "finance" });
    const b = await makeContact(account.id, { role: "finance" });
    await makeContact(account.id, { role: "end_user" });
    await makeContact(account.id, { role: "finance", status: "bounced" });
    const first = await json(await api("GET", `/contacts?accountId=${account.id}&role=finance&status=active&limit=1`));
    expect(first.items.map((c: { id: string }) => c.id)).toEqual([[a.id, b.id].sort()[0]]);
    const second = await json(await api("GET", `/contacts?accountId=${account.id}&role=finance&status=active&limit=1&cursor=${first.nextCursor}`));
    expect(second.items.map((c: { id: string }) => c.id)).toEqual([[a.id, b.id].sort()[1]]);
    expect(second.nextCursor).toBeNull();
  });

  it("needs admin to write and read or admin to read", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await api("GET", "/contacts", undefined, { token })).status).toBe(200);
    expect((await api("POST", "/contacts", { accountId: "x", email: email(), role: "champion" }, { token })).status).toBe(403);
  });
});
