import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addSuppression, suppressionReason } from "../../../src/domain/directory/suppression";
import { MAX_IMPORT_ROWS } from "../../../src/domain/directory/import/source";
import { MAX_BODY_BYTES } from "../../../src/http/api";
import { ADMIN_TOKEN, api, json, workerFetch } from "../../support/api";
import { makeAccount, makeContact, testDb } from "../../support/fixtures";
import { tokenWithScopes } from "../../support/tokens";

const postCsv = (path: string, text: string, token?: string) =>
  api("POST", path, text, { headers: { "content-type": "text/csv; charset=utf-8" }, ...(token ? { token } : {}) });
const postBytes = (path: string, bytes: Uint8Array) =>
  workerFetch(`/api/v1${path}`, { method: "POST", body: bytes, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "text/csv" } });
const tag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe("POST /api/v1/accounts/import", () => {
  it("imports a messy CRM export: BOM, CRLF, quoted commas and line breaks, CRM header names, bad rows reported", async () => {
    const t = tag();
    const text =
      "\uFEFFAccount ID,Account Name,Annual Revenue,Billing Country,Customer Since,Account Owner Email,Notes\r\n" +
      `${t}-1,"Globex, Inc.","1,250,000",us,2021-03-15,Olivia@Quorum.test,"multi\r\nline note"\r\n` +
      `${t}-2,Initech,abc,DE,2022-01-01,,\r\n` +
      `${t}-3,"Umbrella ""Corp""",500000,Germany,2022-13-01,not-an-email,\r\n` +
      `\r\n` +
      `${t}-4,Hooli,750000,gb,,,\r\n` +
      `${t}-1,Globex again,1,US,,,\r\n` +
      `${t}-5,,100,FR,,,\r\n`;
    const res = await postCsv("/accounts/import", text);
    expect(res.status).toBe(200);
    const report = await json(res);
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0, ignoredColumns: ["Notes"] });
    expect(report.errors).toEqual([
      { row: 3, field: "annualRevenue", message: "'abc' is not a number" },
      { row: 4, field: "customerSince", message: "'2022-13-01' is not a real date" },
      // "Germany" is a country name the import reads as DE; the row fails on its date and owner address.
      { row: 4, field: "ownerEmail", message: expect.any(String) },
      { row: 7, field: "externalId", message: expect.stringContaining("row 2") },
      { row: 8, field: "name", message: "required for a new account" },
    ]);
    const globex = await env.DB.prepare("SELECT * FROM accounts WHERE external_id = ?").bind(`${t}-1`).first<Record<string, unknown>>();
    expect(globex).toMatchObject({ name: "Globex, Inc.", annual_revenue: 1250000, country: "US", customer_since: "2021-03-15T00:00:00.000Z", owner_email: "olivia@quorum.test" });
    const history = await env.DB.prepare("SELECT valid_from, amount FROM account_revenue WHERE account_id = ?").bind(globex!.id).all();
    expect(history.results).toEqual([{ valid_from: "2021-03-15T00:00:00.000Z", amount: 1250000 }]);
    expect(await count(`SELECT count(*) AS n FROM accounts WHERE external_id LIKE '${t}-%'`)).toBe(2);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'account.create' AND entity_id = ?", globex!.id)).toBe(1);
  });

  it("upserts by externalId: a revenue change adds a history row, an identical row is unchanged", async () => {
    const account = await makeAccount({ annualRevenue: 1000, segment: "SMB" });
    const json1 = [{ externalId: account.externalId, annualRevenue: 2000, segment: "SMB" }, { externalId: account.externalId.toUpperCase() + "-NEW", name: "New Co", annualRevenue: 5 }];
    const report = await json(await api("POST", "/accounts/import", json1));
    expect(report).toMatchObject({ created: 1, updated: 1, unchanged: 0, errors: [] });
    const history = await env.DB.prepare("SELECT amount FROM account_revenue WHERE account_id = ? ORDER BY valid_from").bind(account.id).all();
    expect(history.results.map((r) => r.amount)).toEqual([1000, 2000]);

    const again = await json(await api("POST", "/accounts/import", { items: [{ "External ID": account.externalId, "Annual Revenue": "2000", Segment: "SMB" }] }));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await count("SELECT count(*) AS n FROM account_revenue WHERE account_id = ?", account.id)).toBe(2);
  });

  it("imports 160 rows in chunks that stay under D1's 100 bound parameters", async () => {
    const t = tag();
    const lines = ["External ID,Name,Annual Revenue,Country,Segment,Owner Email"];
    for (let i = 0; i < 160; i++) lines.push(`${t}-${i},Company ${i},${1000 + i},DE,Mid-market,owner${i % 7}@quorum.test`);
    const report = await json(await postCsv("/accounts/import", lines.join("\n")));
    expect(report).toMatchObject({ created: 160, updated: 0, errors: [] });
    expect(await count(`SELECT count(*) AS n FROM accounts WHERE external_id LIKE '${t}-%'`)).toBe(160);
    expect(await count(`SELECT count(*) AS n FROM account_revenue r JOIN accounts a ON a.id = r.account_id WHERE a.external_id LIKE '${t}-%'`)).toBe(160);

    const updates = lines.map((line, i) => (i === 0 ? line : line.replace(/,(\d+),DE,/, (_, amount) => `,${Number(amount) + 1},DE,`)));
    const second = await json(await postCsv("/accounts/import", updates.join("\n")));
    expect(second).toMatchObject({ created: 0, updated: 160 });
    expect(await count(`SELECT count(*) AS n FROM account_revenue r JOIN accounts a ON a.id = r.account_id WHERE a.external_id LIKE '${t}-%'`)).toBe(320);
  });

  it("refuses an empty body, a header-only CSV, binary data, invalid UTF-8, a missing key column and other media types", async () => {
    const before = await count("SELECT count(*) AS n FROM accounts");
    const empty = await postCsv("/accounts/import", "");
    expect(empty.status).toBe(400);
    expect((await json(empty)).detail).toContain("empty");
    const headerOnly = await postCsv("/accounts/import", "External ID,Name,Annual Revenue\r\n");
    expect(headerOnly.status).toBe(400);
    expect((await json(headerOnly)).detail).toContain("no data rows");
    const binary = await postBytes("/accounts/import", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    expect(binary.status).toBe(415);
    expect((await json(binary)).detail).toContain("binary");
    const latin1 = await postBytes("/accounts/import", new Uint8Array([...new TextEncoder().encode("External ID,Name,Annual Revenue\nx1,M"), 0xfc, ...new TextEncoder().encode("ller,1\n")]));
    expect(latin1.status).toBe(415);
    expect((await json(latin1)).detail).toContain("UTF-8");
    const noKey = await json(await postCsv("/accounts/import", "Company,Revenue\nAcme,1\n"));
    expect(noKey.status).toBe(400);
    expect(noKey.errors).toEqual([{ path: "externalId", message: "column missing" }]);
    expect((await api("POST", "/accounts/import", "<xml/>", { headers: { "content-type": "application/xml" } })).status).toBe(415);
    expect((await api("POST", "/accounts/import", { externalId: "x" })).status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM accounts")).toBe(before);
  });

  it("refuses a body over the API limit with 413 and writes nothing", async () => {
    const row = "x".repeat(1000);
    const body = `External ID,Name,Annual Revenue\n${Array.from({ length: Math.ceil(MAX_BODY_BYTES / 1000) + 10 }, (_, i) => `big-${i},${row},1`).join("\n")}`;
    const before = await count("SELECT count(*) AS n FROM accounts");
    const res = await postCsv("/accounts/import", body);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await count("SELECT count(*) AS n FROM accounts")).toBe(before);
  });

  it("refuses more rows than one import takes, naming the limit", async () => {
    const lines = ["External ID,Name,Annual Revenue", ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `many-${i},M,1`)];
    const res = await postCsv("/accounts/import", lines.join("\n"));
    expect(res.status).toBe(413);
    expect((await json(res)).detail).toContain(String(MAX_IMPORT_ROWS));
    expect(await count("SELECT count(*) AS n FROM accounts WHERE external_id LIKE 'many-%'")).toBe(0);
  });

  it("needs the admin scope", async () => {
    const { token } = await tokenWithScopes(["read"]);
    expect((await postCsv("/accounts/import", "External ID,Name,Annual Revenue\nz,Z,1\n", token)).status).toBe(403);
  });
});

describe("POST /api/v1/contacts/import", () => {
  it("imports contacts by account external id, role labels, first+last names; reports suppressed and bad rows", async () => {
    const account = await makeAccount();
    const t = tag();
    await addSuppression(testDb(), env.HMAC_SECRET, `gone-${t}@customer.test`, "unsubscribed");
    const text =
      "\uFEFFFirst Name,Last Name,Email,Role,Account ID,Language\r\n" +
      `Ada,Lovelace,Ada-${t}@Customer.test,Decision Maker,${account.externalId},de_DE\r\n` +
      `"Grace ""Amazing""",Hopper,grace-${t}@customer.test,champion,${account.externalId},\r\n` +
      `Gone,Person,gone-${t}@customer.test,champion,${account.externalId},\r\n` +
      `No,Role,norole-${t}@customer.test,CEO,${account.externalId},\r\n` +
      `No,Account,noacc-${t}@customer.test,finance,crm-missing,\r\n` +
      `Bad,Email,not-an-email,finance,${account.externalId},\r\n`;
    const report = await json(await postCsv("/contacts/import", text));
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(report.errors).toEqual([
      { row: 4, field: "email", message: expect.stringContaining("unsubscribed") },
      { row: 5, field: "role", message: expect.stringContaining("valid roles: champion, decision_maker") },
      { row: 6, field: "accountExternalId", message: expect.stringContaining("crm-missing") },
      { row: 7, field: "email", message: expect.any(String) },
    ]);
    const ada = await env.DB.prepare("SELECT * FROM contacts WHERE email = ?").bind(`ada-${t}@customer.test`).first<Record<string, unknown>>();
    expect(ada).toMatchObject({ name: "Ada Lovelace", role: "decision_maker", locale: "de-DE", account_id: account.id, status: "active" });
    expect(ada!.prn).toBeGreaterThanOrEqual(0);
    expect(await count("SELECT count(*) AS n FROM contacts WHERE email = ?", `gone-${t}@customer.test`)).toBe(0);
    const grace = await env.DB.prepare("SELECT name FROM contacts WHERE email = ?").bind(`grace-${t}@customer.test`).first<{ name: string }>();
    expect(grace!.name).toBe('Grace "Amazing" Hopper');
  });

  it("upserts by email: moving account and role updates, an unchanged row stays, prn never changes", async () => {
    const [from, to] = [await makeAccount(), await makeAccount()];
    const contact = await makeContact(from.id, { role: "end_user" });
    const report = await json(
      await api("POST", "/contacts/import", [
        { email: contact.email!.toUpperCase(), accountExternalId: to.externalId, role: "finance" },
        { email: contact.email, accountExternalId: to.externalId },
      ]),
    );
    expect(report.created).toBe(0);
    expect(report.updated).toBe(1);
    expect(report.errors).toEqual([{ row: 2, field: "email", message: expect.stringContaining("row 1") }]);
    const row = await env.DB.prepare("SELECT account_id, role, prn FROM contacts WHERE id = ?").bind(contact.id).first();
    expect(row).toEqual({ account_id: to.id, role: "finance", prn: contact.prn });
    const again = await json(await api("POST", "/contacts/import", [{ email: contact.email, role: "Finance" }]));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it("honours a CRM opt-out flag: the address is suppressed, an existing contact unsubscribed, nobody new created", async () => {
    const account = await makeAccount();
    const existing = await makeContact(account.id);
    const t = tag();
    const text =
      "Email,Name,Role,Account ID,Email Opt Out\n" +
      `${existing.email},Known,champion,${account.externalId},Yes\n` +
      `new-${t}@customer.test,New,champion,${account.externalId},true\n` +
      `keep-${t}@customer.test,Keep,champion,${account.externalId},no\n` +
      `odd-${t}@customer.test,Odd,champion,${account.externalId},maybe\n`;
    const report = await json(await postCsv("/contacts/import", text));
    expect(report).toMatchObject({ created: 1, updated: 0, optedOut: 2 });
    expect(report.errors).toEqual([{ row: 5, field: "optOut", message: "use yes/no, true/false or 1/0" }]);
    expect(await env.DB.prepare("SELECT status FROM contacts WHERE id = ?").bind(existing.id).first()).toEqual({ status: "unsubscribed" });
    expect(await count("SELECT count(*) AS n FROM contacts WHERE email = ?", `new-${t}@customer.test`)).toBe(0);
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, `new-${t}@customer.test`)).toBe("unsubscribed");
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, existing.email!)).toBe("unsubscribed");
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, `keep-${t}@customer.test`)).toBeNull();
  });

  it("imports 150 contacts in chunks and needs account and role for new ones", async () => {
    const account = await makeAccount();
    const t = tag();
    const lines = ["Email,Full Name,Role,Account External ID"];
    for (let i = 0; i < 150; i++) lines.push(`bulk-${i}-${t}@customer.test,Person ${i},end_user,${account.externalId}`);
    lines.push(`lonely-${t}@customer.test,Lonely,,`);
    const report = await json(await postCsv("/contacts/import", lines.join("\r\n")));
    expect(report.created).toBe(150);
    expect(report.errors).toEqual([
      { row: 152, field: "accountExternalId", message: "required for a new contact" },
      { row: 152, field: "role", message: "required for a new contact" },
    ]);
    expect(await count("SELECT count(*) AS n FROM contacts WHERE account_id = ?", account.id)).toBe(150);
  });
});
