/**
 * A CSV reader for CRM and spreadsheet exports (RFC 4180 plus what real exports do): CRLF, LF, CR or mixed line
 * endings, quoted fields holding delimiters, quotes and line breaks, a comma, semicolon or tab delimiter (European
 * spreadsheets write semicolons). A record it cannot read (an unclosed quote, text after a closing quote) is returned
 * as a problem, and reading resumes on the next physical line, so one bad row never swallows the rows after it.
 */
export interface CsvRecord {
  cells: string[];
  /** Why the record could not be read; its cells are then empty. */
  problem?: string;
}

export interface CsvFile {
  header: string[];
  /** Data records in order (record 1 is the first after the header); blank lines are records with no cells. */
  records: CsvRecord[];
}

type Read = { cells: string[]; end: number; spansLines: boolean } | { problem: string };

const UNCLOSED = "a quoted field is not closed (or has text after its closing quote); check the quotes in this row";

export function readCsv(text: string): CsvFile {
  const delimiter = detectDelimiter(text);
  const first = readRecord(text, 0, delimiter);
  if ("problem" in first) return { header: [], records: [] };
  const header = first.cells;
  const records: CsvRecord[] = [];
  let pos = first.end;
  while (pos < text.length) {
    const read = readRecord(text, pos, delimiter);
    // A record that runs over several lines but does not fit the header is a quote gone astray, not a multi-line note.
    const astray = !("problem" in read) && read.spansLines && read.cells.length !== header.length;
    if ("problem" in read || astray) {
      records.push({ cells: [], problem: UNCLOSED });
      pos = nextLine(text, pos);
      continue;
    }
    records.push({ cells: read.cells.length === 1 && read.cells[0] === "" ? [] : read.cells });
    pos = read.end;
  }
  return { header, records };
}

/** The delimiter of the header line: the most frequent of comma, semicolon and tab outside quotes. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([[",", 0], [";", 0], ["\t", 0]]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

function nextLine(text: string, pos: number): number {
  const lf = text.indexOf("\n", pos);
  const cr = text.indexOf("\r", pos);
  const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  if (end === -1) return text.length;
  return text[end] === "\r" && text[end + 1] === "\n" ? end + 2 : end + 1;
}

/** Reads one record from `pos`; `end` is just after its line break (or the end of the text). */
function readRecord(text: string, pos: number, delimiter: string): Read {
  const cells: string[] = [];
  let cell = "";
  let spansLines = false;
  let i = pos;
  for (;;) {
    if (text[i] === '"' && cell.trim() === "") {
      // Quoted field: "" is a quote; it ends at a lone quote, which must be followed by a delimiter or line end.
      cell = "";
      i++;
      for (;;) {
        if (i >= text.length) return { problem: UNCLOSED };
        const char = text[i]!;
        if (char === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (char === "\n" || char === "\r") spansLines = true;
        cell += char;
        i++;
      }
      while (text[i] === " " || (text[i] === "\t" && delimiter !== "\t")) i++;
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") return { problem: UNCLOSED };
    } else {
      while (i < text.length && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") cell += text[i++];
    }
    cells.push(cell);
    cell = "";
    const char = text[i];
    if (char === delimiter) {
      i++;
      continue;
    }
    if (char === undefined) return { cells, end: i, spansLines };
    return { cells, end: char === "\r" && text[i + 1] === "\n" ? i + 2 : i + 1, spansLines };
  }
}
