import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ACCOUNT_COLUMNS, importParsedAccounts } from "../../../../src/domain/directory/import/accounts";
import { CONTACT_COLUMNS, importParsedContacts } from "../../../../src/domain/directory/import/contacts";
import { parseImport } from "../../../../src/domain/directory/import/source";
import { chunkRows } from "../../../../src/db/limits";
import { paramRecordingDb } from "../../../support/bound-params";
import { makeSurvey } from "../../../support/fixtures";
import { planImport } from "../../../../src/domain/directory/import/plan";


const body = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe("directory imports at D1's limits", () => {
  it("imports 2,000 accounts, 2,000 contacts and 5,000 past answers with ≤ 100 bound parameters per statement and far fewer than 1,000 queries each", async () => {
    const tag = Date.now().toString(36);
    const accountsCsv = ["External ID,Name,Annual Revenue,Country,Segment,Owner Email,Owner Name,Customer Since,Parent Account ID"];
    for (let i = 0; i < 2000; i++) accountsCsv.push(`${tag}-${i},"Co ${i}, Inc.","${(i * 1000).toLocaleString("en-US")}",Germany,SMB,o@q.test,Olivia,2024-01-0${(i % 9) + 1},${i % 10 === 9 ? `${tag}-${i - 9}` : ""}`);
    const context = { actor: "test", secret: env.HMAC_SECRET };
    const counted = async (run: (db: ReturnType<typeof paramRecordingDb>["db"]) => Promise<{ created: number; errors: unknown[] }>, created: number) => {
      const { db, bound } = paramRecordingDb();
      const report = await run(db);
      expect(report).toMatchObject({ created, errors: [] });
      expect(Math.max(...bound)).toBeLessThanOrEqual(100);
      expect(bound.length).toBeLessThan(600); // D1 allows 1,000 queries per invocation
      return bound;
    };
    const accountBinds = await counted((db) => importParsedAccounts(db, context, parseImport("text/csv", body(accountsCsv.join("\r\n")), ACCOUNT_COLUMNS), {}), 2000);
    expect(Math.max(...accountBinds)).toBeGreaterThanOrEqual(90); // chunks are filled, not one row per statement

    const contactsCsv = ["Email,Name,Role,Account ID,Language"];
    for (let i = 0; i < 2000; i++) contactsCsv.push(`c${i}-${tag}@x.test,Person ${i},end_user,${tag}-${i},German`);
    await counted((db) => importParsedContacts(db, context, parseImport("text/csv", body(contactsCsv.join("\n")), CONTACT_COLUMNS), {}), 2000);

    const survey = await makeSurvey();
    const historyCsv = ["Email,Date,Score,Comment"];
    for (let i = 0; i < 5000; i++) historyCsv.push(`c${i % 2000}-${tag}@x.test,2024-0${1 + (i % 9)}-1${i % 10}T10:${String(i % 60).padStart(2, "0")}:00Z,${i % 11},${i % 3 ? "" : `"Because ${i}, really"`}`);
    const historyBinds = await counted((db) => planImport(db, { kind: "responses", body: historyCsv.join("\n"), mediaType: "text/csv", surveyId: survey.survey.id }, context), 5000);
    expect(historyBinds.length).toBeLessThan(100); // thousands of rows per statement: one bound JSON parameter each
    expect(await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE survey_id = ? AND imported_at IS NOT NULL").bind(survey.survey.id).first()).toEqual({ n: 5000 });
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
