// Property: any CSV of valid account rows — any line endings, quoting and number convention — imports to exactly those
// rows; corrupting one row leaves every other row imported and reports the bad one with its row number.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planImport } from "../../../../src/domain/directory/import/plan";
import type { NumberFormat } from "../../../../src/domain/directory/import/options";
import { headerSafe } from "../../../../src/lib/header-text";
import { testDb } from "../../../support/fixtures";

type Convention = "plain" | "point" | "comma" | "space" | "apostrophe";
interface GoodRow {
  name: string;
  revenue: number;
  country: string;
  since: string; // YYYY-MM-DD
}

const NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÄÖÜéß0123456789".split("");
const NAME_REST = [...NAME_START, " ", ",", '"', "'", "-", "&", ".", ";", "\n", "\r\n"];
// Real company names: they start with a letter or digit (not with a delimiter or a quote).
const name = fc
  .tuple(fc.constantFrom(...NAME_START), fc.array(fc.constantFrom(...NAME_REST), { maxLength: 16 }))
  .map(([first, rest]) => first + rest.join(""));
const row = fc.record({
  name,
  revenue: fc.integer({ min: 0, max: 50_000_000_000 }),
  country: fc.constantFrom("DE", "US", "FR", "GB", "JP"),
  since: fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
});

function group(n: number, separator: string): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function writeAmount(n: number, convention: Convention, decimals: boolean, currency: number): string {
  const body = {
    plain: String(n),
    point: group(n, ",") + (decimals ? ".00" : ""),
    comma: group(n, ".") + (decimals ? ",00" : ""),
    space: group(n, " "),
    apostrophe: group(n, "'"),
  }[convention];
  return [body, `$${body}`, `${body} €`, `EUR ${body}`][currency]!;
}

const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
const needsQuotes = (cell: string) => /[",\r\n]/.test(cell) || cell !== cell.trim();

const file = fc.record({
  rows: fc.array(row, { minLength: 1, maxLength: 12 }),
  convention: fc.constantFrom<Convention>("plain", "point", "comma", "space", "apostrophe"),
  decimals: fc.boolean(),
  currency: fc.integer({ min: 0, max: 3 }),
  quoteAll: fc.boolean(),
  dotDates: fc.boolean(),
  lineEndings: fc.array(fc.constantFrom("\n", "\r\n", "\r"), { minLength: 14, maxLength: 14 }),
  bom: fc.boolean(),
});

type File = typeof file extends fc.Arbitrary<infer T> ? T : never;

function writeCsv(f: File, ids: string[], corrupt?: { index: number; kind: number }): string {
  const lines = ["External ID,Account Name,Annual Revenue,Billing Country,Customer Since"];
  f.rows.forEach((r, i) => {
    const since = f.dotDates ? `${r.since.slice(8, 10)}.${r.since.slice(5, 7)}.${r.since.slice(0, 4)}` : r.since;
    const cells = [ids[i]!, r.name, writeAmount(r.revenue, f.convention, f.decimals, f.currency), r.country, since];
    let line = cells.map((cell) => (f.quoteAll || needsQuotes(cell) ? quote(cell) : cell)).join(",");
    if (corrupt?.index === i) {
      const plain = cells.map((cell) => cell.replace(/["\r\n,]/g, " "));
      line = [
        // an amount that is no number
        () => [plain[0], plain[1], "12abc", plain[3], plain[4]].join(","),
        // a quote opened and never closed
        () => [plain[0], `"${plain[1]}`, plain[2], plain[3], plain[4]].join(","),
        // a country that does not exist
        () => [plain[0], plain[1], plain[2], "ZZ", plain[4]].join(","),
        // a cell too many
        () => [...plain, "surplus"].join(","),
        // an impossible date
        () => [plain[0], plain[1], plain[2], plain[3], "2021-02-30"].join(","),
      ][corrupt.kind]!();
    }
    lines.push(line);
  });
  return (f.bom ? "\uFEFF" : "") + lines.map((line, i) => line + f.lineEndings[i % f.lineEndings.length]).join("");
}

const formatOf = (convention: Convention): NumberFormat | undefined => (convention === "point" ? "point" : convention === "comma" ? "comma" : undefined);

let runs = 0;

async function importAndRead(f: File, corrupt?: { index: number; kind: number }) {
  const prefix = `prop-${Date.now().toString(36)}-${runs++}`;
  const ids = f.rows.map((_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
  const report = await planImport(
    testDb(),
    { kind: "accounts", body: writeCsv(f, ids, corrupt), mediaType: "text/csv", numberFormat: formatOf(f.convention), dateFormat: f.dotDates ? "DD.MM.YYYY" : undefined },
    { actor: "property", secret: env.HMAC_SECRET },
  );
  const stored = await env.DB.prepare("SELECT external_id, name, annual_revenue, country, customer_since FROM accounts WHERE external_id LIKE ? ORDER BY external_id")
    .bind(`${prefix}-%`)
    .all<{ external_id: string; name: string; annual_revenue: number; country: string; customer_since: string }>();
  return { ids, report, stored: stored.results };
}

const expected = (id: string, r: GoodRow) => ({ external_id: id, name: headerSafe(r.name), annual_revenue: r.revenue, country: r.country, customer_since: `${r.since}T00:00:00.000Z` });

describe("CSV import properties", () => {
  it("imports any valid file to exactly its rows, whatever the line endings, quoting and number convention", async () => {
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const { ids, report, stored } = await importAndRead(f);
        expect(report.errors).toEqual([]);
        expect(report.created).toBe(f.rows.length);
        expect(stored).toEqual(f.rows.map((r, i) => expected(ids[i]!, r)));
      }),
      { numRuns: 40 },
    );
  });

  it("reports one corrupted row by its row number and imports every other row", async () => {
    await fc.assert(
      fc.asyncProperty(
        file.chain((f) => fc.record({ f: fc.constant(f), index: fc.integer({ min: 0, max: f.rows.length - 1 }), kind: fc.integer({ min: 0, max: 4 }) })),
        async ({ f, index, kind }) => {
          const { ids, report, stored } = await importAndRead(f, { index, kind });
          expect([...new Set(report.errors.map((e) => e.row))]).toEqual([index + 2]);
          expect(report.rows.find((r) => r.row === index + 2)?.outcome).toBe("error");
          expect(stored).toEqual(f.rows.flatMap((r, i) => (i === index ? [] : [expected(ids[i]!, r)])));
        },
      ),
      { numRuns: 40 },
    );
  });
});
