import { describe, expect, it } from "vitest";
import { readCsv } from "../../../../src/domain/directory/import/csv";
import { countryCode, detectDateFormat, languageTag, parseFlag, readDate, readNumber } from "../../../../src/domain/directory/import/values";
import { headerSafe } from "../../../../src/lib/header-text";

describe("readNumber", () => {
  it.each([
    ["1,250,000.00", 1250000, "point"],
    ["1.250.000,00", 1250000, "comma"],
    ["1.000.000", 1000000, "comma"],
    ["1,000,000", 1000000, "point"],
    ["10.000.000,00", 10000000, "comma"],
    ["1,5", 1.5, "comma"],
    ["1234.5", 1234.5, "point"],
    ["0.500", 0.5, "point"],
  ])("%s reads as %d and reveals the %s format", (text, value, implies) => {
    expect(readNumber(text)).toEqual({ value, implies });
  });

  it.each([["1 250 000"], ["1'250'000"], ["1250000"], ["USD 1250000"], ["1250000 EUR"], ["€ 1 250 000"], ["1\u202f250\u202f000"]])("%s reads as 1250000 in any format", (text) => {
    expect(readNumber(text)).toEqual({ value: 1250000 });
  });

  it("calls 1.000 and 2,500 ambiguous, and follows a given format", () => {
    expect(readNumber("1.000")).toEqual({ ambiguous: true });
    expect(readNumber("2,500")).toEqual({ ambiguous: true });
    expect(readNumber("1.000", "comma")).toEqual({ value: 1000 });
    expect(readNumber("1.000", "point")).toEqual({ value: 1 });
    expect(readNumber("2,500", "point")).toEqual({ value: 2500 });
  });

  it("refuses what is no number, or not one in the given format", () => {
    expect(readNumber("abc")).toHaveProperty("invalid");
    expect(readNumber("1,25,000")).toHaveProperty("invalid");
    expect(readNumber("1.000.000", "point")).toHaveProperty("invalid");
    expect(readNumber("12,")).toHaveProperty("invalid");
  });
});

describe("readDate", () => {
  it("reads ISO dates and date-times with or without offset", () => {
    expect(readDate("2024-03-15")).toEqual({ value: { iso: "2024-03-15T00:00:00.000Z", dateOnly: true } });
    expect(readDate("2024-03-15 10:30")).toEqual({ value: { iso: "2024-03-15T10:30:00.000Z", dateOnly: false } });
    expect(readDate("2025-02-03 14:22:10 +0100")).toEqual({ value: { iso: "2025-02-03T13:22:10.000Z", dateOnly: false } });
    expect(readDate("2024-03-15T10:30:00-05:00")).toEqual({ value: { iso: "2024-03-15T15:30:00.000Z", dateOnly: false } });
    expect(readDate("1710498600")).toEqual({ value: { iso: "2024-03-15T10:30:00.000Z", dateOnly: false } });
  });

  it("reads local forms, revealing their order when a part is over 12", () => {
    expect(readDate("15.03.2024")).toMatchObject({ value: { iso: "2024-03-15T00:00:00.000Z" }, implies: "DD.MM.YYYY" });
    expect(readDate("3/15/2024")).toMatchObject({ value: { iso: "2024-03-15T00:00:00.000Z" }, implies: "MM/DD/YYYY" });
    expect(readDate("15/3/2024")).toMatchObject({ value: { iso: "2024-03-15T00:00:00.000Z" }, implies: "DD/MM/YYYY" });
    expect(readDate("3/1/2021, 9:14 PM")).toEqual({ ambiguous: true });
    expect(readDate("3/1/2021, 9:14 PM", "MM/DD/YYYY")).toEqual({ value: { iso: "2021-03-01T21:14:00.000Z", dateOnly: false } });
    expect(readDate("05/05/2021")).toEqual({ value: { iso: "2021-05-05T00:00:00.000Z", dateOnly: true } });
  });

  it("refuses impossible dates and years outside 1900–2100", () => {
    expect(readDate("2021-02-30")).toEqual({ invalid: "is not a real date" });
    expect(readDate("1899-12-31")).toHaveProperty("invalid");
    expect(readDate("01/01/2101")).toHaveProperty("invalid");
    expect(readDate("13/13/2020")).toHaveProperty("invalid");
    expect(readDate("15/03/2024", "MM/DD/YYYY")).toEqual({ invalid: "is not a date in the file's format MM/DD/YYYY" });
  });

  it("detects a column's order from its unambiguous values", () => {
    expect(detectDateFormat([undefined, "MM/DD/YYYY"])).toBe("MM/DD/YYYY");
    expect(detectDateFormat(["DD.MM.YYYY", "DD/MM/YYYY"])).toBe("DD/MM/YYYY");
    expect(detectDateFormat(["DD.MM.YYYY"])).toBe("DD.MM.YYYY");
    expect(detectDateFormat(["MM/DD/YYYY", "DD/MM/YYYY"])).toBeNull();
    expect(detectDateFormat([undefined])).toBeNull();
  });
});

describe("flags, countries, languages, header text", () => {
  it("reads the checkbox styles of CRMs", () => {
    for (const yes of ["true", "TRUE", "Yes", "1", "x", "X", "Do Not Allow", "Unsubscribed"]) expect(parseFlag(yes)).toBe(true);
    for (const no of ["false", "No", "0", "Allow"]) expect(parseFlag(no)).toBe(false);
    expect(parseFlag("maybe")).toBe("maybe");
  });

  it("knows country names in several languages and never a withdrawn code", () => {
    expect(countryCode("United States")).toBe("US");
    expect(countryCode("United States of America")).toBe("US");
    expect(countryCode("Germany")).toBe("DE");
    expect(countryCode("Deutschland")).toBe("DE");
    expect(countryCode("Österreich")).toBe("AT");
    expect(countryCode("United Kingdom")).toBe("GB");
    expect(countryCode("UK")).toBe("GB");
    expect(countryCode("Allemagne")).toBe("DE");
    expect(countryCode("Atlantis")).toBeUndefined();
  });

  it("knows language names", () => {
    expect(languageTag("English")).toBe("en");
    expect(languageTag("German")).toBe("de");
    expect(languageTag("Deutsch")).toBe("de");
    expect(languageTag("français")).toBe("fr");
    expect(languageTag("English (United States)")).toBe("en");
    expect(languageTag("Klingon")).toBeUndefined();
  });

  it("never lets CR, LF or other control characters into header text", () => {
    expect(headerSafe("Olivia\r\nBcc: x@y.test")).toBe("Olivia Bcc: x@y.test");
    expect(headerSafe("a\u2028b\u0085c\td")).toBe("a b c d");
    expect(headerSafe("  plain  name ")).toBe("plain name");
  });
});

describe("readCsv", () => {
  it("reads CRLF, LF, CR and mixed line endings the same", () => {
    const rows = [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]];
    for (const text of ["a,b\r\n1,2\n3,4\r5,6", "a,b\n1,2\n3,4\n5,6\n", "a,b\r\n1,2\r\n3,4\r\n5,6\r\n", "a,b\r1,2\r3,4\r5,6"]) {
      const { header, records } = readCsv(text);
      expect([header, ...records.map((r) => r.cells)]).toEqual(rows);
    }
  });

  it("keeps quoted delimiters, quotes and line breaks in one cell", () => {
    const { records } = readCsv('a,b\n"x, ""y""\r\nz",2\n');
    expect(records).toEqual([{ cells: ['x, "y"\r\nz', "2"] }]);
  });

  it("reads semicolon and tab files", () => {
    expect(readCsv("a;b\n1,5;2\n").records).toEqual([{ cells: ["1,5", "2"] }]);
    expect(readCsv("a\tb\n1\t2\n").records).toEqual([{ cells: ["1", "2"] }]);
  });

  it("reports an unclosed quote in the middle of a file at its row and reads every row after it", () => {
    const { records } = readCsv('id,name,n\n1,ok,1\n2,"broken,2\n3,"fine, too",3\n4,last,4\n');
    expect(records.map((r) => (r.problem ? "problem" : r.cells[0]))).toEqual(["1", "problem", "3", "4"]);
    const atEnd = readCsv('id,name\n1,a\n2,"never closed\n3,c\n');
    expect(atEnd.records.map((r) => (r.problem ? "problem" : r.cells[0]))).toEqual(["1", "problem", "3"]);
  });

  it("reports text after a closing quote", () => {
    expect(readCsv('a,b\n"x"y,2\n3,4\n').records.map((r) => r.problem ?? r.cells[0])).toEqual([expect.stringContaining("quoted field"), "3"]);
  });
});
