// CRM exports imported as a new user would send them: Salesforce, HubSpot, a German spreadsheet; options as query parameters.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CONTACT_COLUMNS } from "../../../src/domain/directory/import/contacts";
import { suppressionReason } from "../../../src/domain/directory/suppression";
import { api, json } from "../../support/api";
import { germanAccounts, hubspotCompanies, hubspotContacts, salesforceAccounts, salesforceContacts } from "../../support/crm-exports";
import { makeAccount, makeContact, testDb } from "../../support/fixtures";

let n = 0;
const tag = () => `${Date.now().toString(36).slice(-5)}${(n++).toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const post = (path: string, body: string, query: Record<string, unknown> = {}, type = "text/csv") => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString();
  return api("POST", `${path}${qs ? `?${qs}` : ""}`, body, { headers: { "content-type": type } });
};
const account = (externalId: string) => env.DB.prepare("SELECT * FROM accounts WHERE external_id = ?").bind(externalId).first<Record<string, unknown>>();
const contact = (email: string) => env.DB.prepare("SELECT * FROM contacts WHERE email = ?").bind(email).first<Record<string, unknown>>();
const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe("Salesforce exports", () => {
  it("imports an Accounts report as it comes: money with currency, US dates, country names, parents, Type mapped to status", async () => {
    const t = tag();
    const res = await post("/accounts/import", salesforceAccounts(t), {
      mapping: { Type: "status" },
      valueMaps: { status: { "Customer - Direct": "active", "Customer - Channel": "active", "Former Customer": "churned" } },
    });
    expect(res.status).toBe(200);
    const report = await json(res);
    expect(report).toMatchObject({ dryRun: false, created: 4, updated: 0, errors: [], numberFormat: "point", dateFormat: "MM/DD/YYYY" });
    expect(report.mapping).toMatchObject({ "Account ID": "externalId", "Account Name": "name", "Annual Revenue": "annualRevenue", "Billing Country": "country", Industry: "segment", "Account Owner": "ownerName", "Parent Account ID": "parentExternalId", Type: "status", "Customer Since": "customerSince" });
    expect(report.ignoredColumns).toEqual(["Created Date"]);
    expect(report.rows.map((r: { outcome: string }) => r.outcome)).toEqual(["created", "created", "created", "created"]);

    const globex = await account(`0015g00000Sf${t}AAA`);
    expect(globex).toMatchObject({ name: "Globex Corporation", annual_revenue: 12_500_000, country: "US", segment: "Manufacturing", owner_name: "Olivia Owner", customer_since: "2021-03-15T00:00:00.000Z", parent_id: null });
    expect(await account(`0015g00000Sf${t}AAB`)).toMatchObject({ annual_revenue: 2_400_000, country: "DE", parent_id: globex!.id, customer_since: "2022-11-02T00:00:00.000Z" });
    // "850,000" alone could be 850 or 850000: the column's other values are written 1,234.56, so it is 850000.
    expect(await account(`0015g00000Sf${t}AAC`)).toMatchObject({ annual_revenue: 850_000, customer_since: "2020-01-31T00:00:00.000Z" });
    expect(await account(`0015g00000Sf${t}AAD`)).toMatchObject({ status: "churned", country: "GB", annual_revenue: 1_000_000 });
  });

  it("imports a Contacts export: titles mapped to roles, Email Opt Out suppresses, an opted-out person is never active", async () => {
    const t = tag();
    await post("/accounts/import", salesforceAccounts(t));
    const report = await json(await post("/contacts/import", salesforceContacts(t), { valueMaps: { role: { CEO: "decision_maker", "Director of IT": "technical_evaluator" } } }));
    expect(report).toMatchObject({ created: 2, optedOut: 1, errors: [] });
    expect(report.rows.map((r: { outcome: string; key: string }) => [r.outcome, r.key])).toEqual([
      ["created", `hank.${t}@globex.example`],
      ["optedOut", `frank.${t}@globex.example`],
      ["created", `bill.${t}@initech.example`],
    ]);
    expect(await contact(`hank.${t}@globex.example`)).toMatchObject({ name: "Hank Scorpio", role: "decision_maker", status: "active" });
    expect(await contact(`bill.${t}@initech.example`)).toMatchObject({ role: "technical_evaluator" });
    expect(await contact(`frank.${t}@globex.example`)).toBeNull();
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, `frank.${t}@globex.example`)).toBe("unsubscribed");
  });

  it("says which title names no role and how to map it", async () => {
    const t = tag();
    await post("/accounts/import", salesforceAccounts(t));
    const report = await json(await post("/contacts/import", salesforceContacts(t)));
    expect(report.created).toBe(0);
    expect(report.errors[0]).toEqual({ row: 2, field: "role", message: expect.stringContaining("the title 'CEO' names no role (map it with valueMaps.role)") });
  });
});

describe("HubSpot exports", () => {
  it("imports Companies and Contacts as exported: Record ID, Country/Region names, Buying Role via a value map, language names, Unsubscribed from all email", async () => {
    const t = tag();
    const companies = await json(await post("/accounts/import", hubspotCompanies(t)));
    expect(companies).toMatchObject({ created: 3, errors: [] });
    const hooli = await account(`98${t}01`);
    expect(hooli).toMatchObject({ name: "Hooli", country: "US", owner_name: "Gavin Belson", annual_revenue: 5_000_000, customer_since: "2020-05-01T00:00:00.000Z" });
    expect(await account(`98${t}02`)).toMatchObject({ country: "DE", parent_id: hooli!.id });
    expect(await account(`98${t}03`)).toMatchObject({ country: "FR", annual_revenue: 120_001 });

    const refused = await json(await post("/contacts/import", hubspotContacts(t)));
    expect(refused.errors.find((e: { row: number }) => e.row === 2)).toMatchObject({ field: "role", message: expect.stringContaining("Budget Holder") });

    const report = await json(await post("/contacts/import", hubspotContacts(t), { valueMaps: { role: { "Budget Holder": "decision_maker", Influencer: "champion" } } }));
    // Dinesh (End User, a label of ours) came in with the first attempt; the second adds the two mapped roles.
    expect(refused).toMatchObject({ created: 1, optedOut: 1 });
    expect(report).toMatchObject({ created: 2, unchanged: 1, optedOut: 1, errors: [] });
    expect(report.ignoredColumns).toEqual(["Record ID", "Contact owner", "Lifecycle Stage"]);
    expect(await contact(`monica.${t}@hooli.example`)).toMatchObject({ role: "decision_maker", locale: "en", name: "Monica Hall", account_id: hooli!.id });
    expect(await contact(`jared.${t}@hooli.example`)).toMatchObject({ role: "champion", locale: "de" });
    expect(await contact(`dinesh.${t}@piedpiper.example`)).toMatchObject({ role: "end_user", locale: "fr", account_id: (await account(`98${t}03`))!.id });
    expect(await contact(`erlich.${t}@hooli.example`)).toBeNull();
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, `erlich.${t}@hooli.example`)).toBe("unsubscribed");
  });
});

describe("numbers and dates in every convention", () => {
  it("reads a German export with an explicit mapping: 1.000.000 is a million, 10.000.000,00 € ten million", async () => {
    const t = tag();
    const mapping = { Kundennummer: "externalId", Firma: "name", Jahresumsatz: "annualRevenue", Land: "country", "Kunde seit": "customerSince" };
    const report = await json(await post("/accounts/import", germanAccounts(t), { mapping }));
    expect(report).toMatchObject({ created: 4, errors: [], numberFormat: "comma", dateFormat: "DD.MM.YYYY" });
    expect(await account(`DE-${t}-1`)).toMatchObject({ name: "Müller Maschinenbau GmbH", annual_revenue: 1_000_000, country: "DE", customer_since: "2020-02-01T00:00:00.000Z" });
    expect(await account(`DE-${t}-2`)).toMatchObject({ annual_revenue: 10_000_000, country: "AT" });
    expect(await account(`DE-${t}-3`)).toMatchObject({ annual_revenue: 2_500_000, country: "CH" });
    expect(await account(`DE-${t}-4`)).toMatchObject({ annual_revenue: 750_001 });
  });

  it.each([
    ["1,250,000.00", 1_250_000],
    ["1.250.000,00", 1_250_000],
    ["1 250 000", 1_250_000],
    ["1'250'000", 1_250_000],
    ["1\u00a0250\u00a0000,00 €", 1_250_000],
    ["$1,250,000", 1_250_000],
    ["EUR 1.250.000", 1_250_000],
    ["CHF 1'250'000.00", 1_250_000],
    ["1250000", 1_250_000],
  ])("reads %s as %d", async (written, amount) => {
    const t = tag();
    const report = await json(await post("/accounts/import", `External ID,Name,Annual Revenue\n${t},Co,"${written}"\n`));
    expect(report.errors).toEqual([]);
    expect((await account(t))!.annual_revenue).toBe(amount);
  });

  it("refuses an ambiguous amount with a message naming the row, follows numberFormat when given, never scales silently", async () => {
    const t = tag();
    const csv = `External ID,Name,Annual Revenue\n${t}-1,A,1.000\n${t}-2,B,"2,500"\n`;
    const refused = await json(await post("/accounts/import", csv));
    expect(refused.created).toBe(0);
    expect(refused.errors).toEqual([
      { row: 2, field: "annualRevenue", message: expect.stringMatching(/'1\.000' reads as 1 \(1,234\.56\) or 1000 \(1\.234,56\).*numberFormat/) },
      { row: 3, field: "annualRevenue", message: expect.stringContaining("numberFormat") },
    ]);
    expect(await account(`${t}-1`)).toBeNull();
    const comma = await json(await post("/accounts/import", csv, { numberFormat: "comma" }));
    expect(comma).toMatchObject({ created: 2, numberFormat: "comma" });
    expect((await account(`${t}-1`))!.annual_revenue).toBe(1000);
    expect((await account(`${t}-2`))!.annual_revenue).toBe(3); // 2,5 rounded to whole units
  });

  it("settles ambiguous values from the column's unambiguous ones (1.000 in a column that also holds 2.500.000)", async () => {
    const t = tag();
    const report = await json(await post("/accounts/import", `External ID,Name,Annual Revenue\n${t}-1,A,1.000\n${t}-2,B,2.500.000\n`));
    expect(report).toMatchObject({ created: 2, numberFormat: "comma" });
    expect((await account(`${t}-1`))!.annual_revenue).toBe(1000);
  });

  it("reads dates in ISO and the file's format, refuses ambiguous ones, impossible years and churn before start", async () => {
    const t = tag();
    const header = "External ID,Name,Annual Revenue,Customer Since,Churn Date,Account Status";
    const csv = [
      header,
      `${t}-1,A,1,2021-03-15,,`,
      `${t}-2,B,1,03/04/2021,,`,
      `${t}-3,C,1,1850-01-01,,`,
      `${t}-4,D,1,2022-05-01,2021-01-01,churned`,
      `${t}-5,E,1,2999-01-01,,`,
    ].join("\n");
    const report = await json(await post("/accounts/import", csv));
    expect(report.created).toBe(1);
    expect(report.errors).toEqual([
      { row: 3, field: "customerSince", message: expect.stringContaining("dateFormat=MM/DD/YYYY or dateFormat=DD/MM/YYYY") },
      { row: 4, field: "customerSince", message: "'1850-01-01' has the year 1850, outside 1900–2100" },
      { row: 5, field: "churnedAt", message: "2021-01-01 is before customerSince 2022-05-01" },
      { row: 6, field: "customerSince", message: "'2999-01-01' has the year 2999, outside 1900–2100" },
    ]);
    const dayFirst = await json(await post("/accounts/import", [header, `${t}-2,B,1,03/04/2021,,`].join("\n"), { dateFormat: "DD/MM/YYYY" }));
    expect(dayFirst).toMatchObject({ created: 1, dateFormat: "DD/MM/YYYY" });
    expect((await account(`${t}-2`))!.customer_since).toBe("2021-04-03T00:00:00.000Z");
  });
});

describe("dry run, media types, ids, parents, header safety", () => {
  it("dryRun answers the full per-row report and writes nothing", async () => {
    const existing = await makeAccount({ annualRevenue: 500 });
    const t = tag();
    const csv = `Account ID,Account Name,Annual Revenue,Favourite Colour\n${t}-new,New Co,100,red\n${existing.externalId},${existing.name},900,blue\n${existing.externalId}-same,,abc,\n`;
    const before = await count("SELECT count(*) AS n FROM audit_log");
    const report = await json(await post("/accounts/import", csv, { dryRun: "true" }));
    expect(report).toMatchObject({ dryRun: true, created: 1, updated: 1, unchanged: 0, ignoredColumns: ["Favourite Colour"], mapping: { "Account ID": "externalId", "Account Name": "name", "Annual Revenue": "annualRevenue" } });
    expect(report.rows).toEqual([
      { row: 2, outcome: "created", key: `${t}-new` },
      { row: 3, outcome: "updated", key: existing.externalId, id: existing.id },
      { row: 4, outcome: "error" },
    ]);
    expect(report.errors).toEqual([{ row: 4, field: "annualRevenue", message: "'abc' is not a number" }]);
    expect(await account(`${t}-new`)).toBeNull();
    expect((await account(existing.externalId))!.annual_revenue).toBe(500);
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(before);
  });

  it.each(["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel; charset=utf-8"])("accepts %s", async (type) => {
    const t = tag();
    const res = await post("/accounts/import", `External ID,Name,Annual Revenue\n${t},Co,1\n`, {}, type);
    expect(res.status).toBe(200);
    expect(await account(t)).not.toBeNull();
  });

  it("keeps ids as strings: a numeric JSON id is refused, never rounded; a string id keeps its leading zeros", async () => {
    const t = tag();
    const res = await api("POST", "/accounts/import", `[{"externalId": 12345678901234567890, "name": "Big", "annualRevenue": 1}, {"externalId": "000${t}", "name": "Zero", "annualRevenue": 1}]`, { headers: { "content-type": "application/json" } });
    const report = await json(res);
    expect(report.created).toBe(1);
    expect(report.errors).toEqual([{ row: 1, field: "externalId", message: expect.stringContaining("send the id as a string") }]);
    expect(await account(`000${t}`)).not.toBeNull();
  });

  it("links parents by CRM id and refuses cycles, in the file and through accounts already imported", async () => {
    const t = tag();
    const first = await json(await post("/accounts/import", `External ID,Name,Annual Revenue,Parent Account ID\n${t}-a,A,1,\n${t}-b,B,1,${t}-a\n${t}-self,S,1,${t}-self\n${t}-x,X,1,${t}-y\n${t}-y,Y,1,${t}-x\n${t}-orphan,O,1,${t}-nobody\n`));
    expect(first.created).toBe(2);
    expect(first.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([
      [4, "parentExternalId"],
      [5, "parentExternalId"],
      [6, "parentExternalId"],
      [7, "parentExternalId"],
    ]);
    expect(first.errors[1].message).toContain(`${t}-x → ${t}-y → ${t}-x`);
    expect(first.errors[3].message).toContain(`no account has externalId '${t}-nobody'`);
    expect((await account(`${t}-b`))!.parent_id).toBe((await account(`${t}-a`))!.id);
    // A is B's parent already: making B A's parent would close a loop through the database.
    const loop = await json(await post("/accounts/import", `External ID,Parent Account ID\n${t}-a,${t}-b\n`));
    expect(loop.errors).toEqual([{ row: 2, field: "parentExternalId", message: expect.stringContaining("loops back") }]);
    expect((await account(`${t}-a`))!.parent_id).toBeNull();
  });

  it("never lets CR or LF from a CRM reach a name that goes into a mail header", async () => {
    const t = tag();
    const csv = `External ID,Name,Annual Revenue,Account Owner\n${t},"Evil\r\nBcc: all@x.test",1,"Olivia\r\nBcc: victim@example.com"\n`;
    const report = await json(await post("/accounts/import", csv));
    expect(report.errors).toEqual([]);
    const row = await account(t);
    expect(row).toMatchObject({ name: "Evil Bcc: all@x.test", owner_name: "Olivia Bcc: victim@example.com" });
    const a = await makeAccount();
    await post("/contacts/import", JSON.stringify([{ email: `crlf-${t}@x.test`, name: "Mal\nlory\r\nSubject: hi", role: "champion", accountExternalId: a.externalId }]), {}, "application/json");
    expect((await contact(`crlf-${t}@x.test`))!.name).toBe("Mal lory Subject: hi");
  });

  it("refuses a mapping to an unknown field or naming a column the file lacks, and bad options, writing nothing", async () => {
    const csv = "External ID,Name,Annual Revenue\nq,Q,1\n";
    const unknownField = await post("/accounts/import", csv, { mapping: { Name: "nickname" } });
    expect(unknownField.status).toBe(400);
    expect((await json(unknownField)).errors).toEqual([{ path: "mapping.Name", message: expect.stringContaining("'nickname' is not a field") }]);
    const missingColumn = await post("/accounts/import", csv, { mapping: { Umsatz: "annualRevenue" } });
    expect(missingColumn.status).toBe(400);
    expect((await json(missingColumn)).detail).toContain("Umsatz");
    expect((await post("/accounts/import", csv, { numberFormat: "roman" })).status).toBe(400);
    expect((await api("POST", "/accounts/import?mapping=%7Bnot-json", csv, { headers: { "content-type": "text/csv" } })).status).toBe(400);
    expect(await account("q")).toBeNull();
  });
});

describe("opt-out columns and broken files", () => {
  it.each(CONTACT_COLUMNS.optOut!)("'%s' = yes suppresses the address and never imports the person as active", async (column) => {
    const a = await makeAccount();
    const t = tag();
    const report = await json(await post("/contacts/import", `Email,Role,Account ID,${column}\nout-${t}@x.test,champion,${a.externalId},yes\nin-${t}@x.test,champion,${a.externalId},no\n`));
    expect(report).toMatchObject({ created: 1, optedOut: 1, errors: [] });
    expect(await contact(`out-${t}@x.test`)).toBeNull();
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, `out-${t}@x.test`)).toBe("unsubscribed");
  });

  it("suppresses an opted-out address even when the row's other values are refused (an unknown role, a bad locale)", async () => {
    const a = await makeAccount();
    const t = tag();
    const csv = `Email,Role,Account ID,Preferred Language,Email Opt Out\nbad-role-${t}@x.test,Wizard,${a.externalId},de,yes\nbad-locale-${t}@x.test,champion,${a.externalId},not a locale!,true\nkept-${t}@x.test,Wizard,${a.externalId},de,no\n`;
    const report = await json(await post("/contacts/import", csv));
    expect(report).toMatchObject({ created: 0, optedOut: 2 });
    expect(report.errors).toEqual([expect.objectContaining({ row: 4, field: "role" })]);
    for (const who of ["bad-role", "bad-locale"]) {
      expect(await contact(`${who}-${t}@x.test`)).toBeNull();
      expect(await suppressionReason(testDb(), env.HMAC_SECRET, `${who}-${t}@x.test`)).toBe("unsubscribed");
    }
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, `kept-${t}@x.test`)).toBeNull();
  });

  it("takes any of several opt-out columns: one of them set is enough", async () => {
    const a = await makeAccount();
    const t = tag();
    const csv = `Email,Role,Account ID,Email Opt Out,Do Not Email\nx-${t}@x.test,champion,${a.externalId},false,1\n`;
    expect(await json(await post("/contacts/import", csv))).toMatchObject({ created: 0, optedOut: 1 });
  });

  it("reports an unclosed quote in the middle of a mixed-line-ending file at its row and imports every row after it", async () => {
    const t = tag();
    const csv = `External ID,Name,Annual Revenue\r\n${t}-1,One,1\n${t}-2,"Two, never closed,2\r${t}-3,Three,3\n${t}-4,"Four, Inc.",4\r\n`;
    const report = await json(await post("/accounts/import", csv));
    expect(report).toMatchObject({ created: 3 });
    expect(report.errors).toEqual([{ row: 3, field: "(row)", message: expect.stringContaining("quoted field is not closed") }]);
    expect(report.rows.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([[2, "created"], [3, "error"], [4, "created"], [5, "created"]]);
    expect((await account(`${t}-4`))!.name).toBe("Four, Inc.");
  });
});

describe("re-imports never resurrect", () => {
  it("refuses a former address of a contact who opted out, and every address of an erased one", async () => {
    const a = await makeAccount();
    const t = tag();
    const old = `old-${t}@customer.test`;
    const person = await makeContact(a.id, { email: old });
    // The address changes first, then the person opts out: only the new address reaches the suppression list.
    expect((await api("PATCH", `/contacts/${person.id}`, { email: `new-${t}@customer.test` })).status).toBe(200);
    expect((await api("PATCH", `/contacts/${person.id}`, { status: "unsubscribed" })).status).toBe(200);
    expect(await suppressionReason(testDb(), env.HMAC_SECRET, old)).toBeNull();
    const older = `older-${t}@customer.test`;
    const erased = await makeContact(a.id, { email: older });
    await api("PATCH", `/contacts/${erased.id}`, { email: `newer-${t}@customer.test` });
    await api("POST", `/contacts/${erased.id}/erase`);

    const csv = `Email,Role,Account ID\n${old},champion,${a.externalId}\n${older},champion,${a.externalId}\nnewer-${t}@customer.test,champion,${a.externalId}\n`;
    const report = await json(await post("/contacts/import", csv));
    expect(report.created).toBe(0);
    expect(report.errors).toEqual([
      { row: 2, field: "email", message: expect.stringContaining(`earlier address of contact ${person.id}, who is unsubscribed`) },
      { row: 3, field: "email", message: expect.stringContaining("erased") },
      { row: 4, field: "email", message: expect.stringContaining("erased") },
    ]);
  });
});
