import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ACCOUNT_COLUMNS, importParsedAccounts } from "../../../../src/domain/directory/import/accounts";
import { CONTACT_COLUMNS, importParsedContacts } from "../../../../src/domain/directory/import/contacts";
import { parseImport } from "../../../../src/domain/directory/import/source";
import { chunkRows } from "../../../../src/db/limits";
import { paramRecordingDb } from "../../../support/bound-params";


const body = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe("directory imports at D1's limits", () => {
  it("never binds more than 100 parameters per statement, for 300 accounts and 300 contacts", async () => {
    const tag = Date.now().toString(36);
    const accountsCsv = ["External ID,Name,Annual Revenue,Country,Segment,Owner Email,Owner Name,Customer Since"];
    for (let i = 0; i < 300; i++) accountsCsv.push(`${tag}-${i},Co ${i},${i * 10},DE,SMB,o@q.test,Olivia,2024-01-0${(i % 9) + 1}`);
    const { db, bound } = paramRecordingDb();
    const accounts = await importParsedAccounts(db, { actor: "test", secret: env.HMAC_SECRET }, parseImport("text/csv", body(accountsCsv.join("\n")), ACCOUNT_COLUMNS), {});
    expect(accounts).toMatchObject({ created: 300, errors: [] });

    const contactsCsv = ["Email,Name,Role,Account ID,Language"];
    for (let i = 0; i < 300; i++) contactsCsv.push(`c${i}-${tag}@x.test,Person ${i},end_user,${tag}-${i},de`);
    const contacts = await importParsedContacts(db, { actor: "test", secret: env.HMAC_SECRET }, parseImport("text/csv", body(contactsCsv.join("\n")), CONTACT_COLUMNS), {});
    expect(contacts).toMatchObject({ created: 300, errors: [] });

    expect(bound.length).toBeGreaterThan(20);
    expect(Math.max(...bound)).toBeLessThanOrEqual(100);
    expect(Math.max(...bound)).toBeGreaterThanOrEqual(90); // chunks are filled, not one row per statement
  });

  it("maps CRM header names case- and punctuation-insensitively and ignores the rest", async () => {
    const parsed = parseImport("text/csv", body("ACCOUNT_ID;account name;Annual-Revenue;Favourite Colour\n1;A;10;red\n"), ACCOUNT_COLUMNS);
    expect(parsed.columns).toEqual(["externalId", "name", "annualRevenue"]);
    expect(parsed.ignoredColumns).toEqual(["Favourite Colour"]);
    expect(parsed.rows).toEqual([{ row: 2, values: { externalId: "1", name: "A", annualRevenue: "10" } }]);
  });

  it("reports an unclosed quote and a row with too many cells without losing the good rows", async () => {
    const parsed = parseImport("text/csv", body('External ID,Name,Annual Revenue\nok-1,Fine,1\nbad,Extra,1,surplus\n"open,Never closed,1\n'), ACCOUNT_COLUMNS);
    expect(parsed.rows.map((r) => r.row)).toEqual([2]);
    expect(parsed.errors.map((e) => [e.row, e.field])).toEqual([
      [3, "(row)"],
      [4, "(row)"],
    ]);
  });

  it("chunks rows so rows × columns stays within the limit", () => {
    expect(chunkRows(Array.from({ length: 30 }, (_, i) => i), 14).map((c) => c.length)).toEqual([7, 7, 7, 7, 2]);
    expect(chunkRows([1], 200)).toEqual([[1]]);
  });
});
