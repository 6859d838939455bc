import { DATE_FORMATS, type ImportReport, type RowOutcome } from "../../domain/directory/import/options";
import { Badge, CsrfInput, ErrorSummary, fieldId, fieldNameInWords, FileField, SelectField, TableWrap, TextAreaField, type FormErrors, type Option, type Tone } from "./components";
import { formatInteger } from "./format";
import { adminPage, type AdminViewer } from "./shell";

/** Directory → Import: upload a CRM export, see the column mapping and the dry-run report per row, adjust, import. */

export type ImportKindChoice = "accounts" | "contacts";

export interface ImportFormValues {
  kind: ImportKindChoice;
  /** The file's text (uploaded or pasted); carried in the form after the first check so it need not be uploaded again. */
  body: string;
  numberFormat: string;
  dateFormat: string;
  /** Lines "field: value in the file = our value". */
  valueMaps: string;
}

export const emptyImport: ImportFormValues = { kind: "accounts", body: "", numberFormat: "", dateFormat: "", valueMaps: "" };

/** One column of the file and the field it is read as (null: ignored). */
export interface ColumnChoice {
  column: string;
  field: string | null;
}

/** Rows without problems listed in the report table (rows with problems are always listed). */
const MAX_GOOD_ROWS_SHOWN = 200;

const OUTCOME: Record<RowOutcome, { label: string; tone: Tone }> = {
  created: { label: "New", tone: "good" },
  updated: { label: "Updated", tone: "info" },
  unchanged: { label: "Unchanged", tone: "neutral" },
  optedOut: { label: "Opted out", tone: "warn" },
  error: { label: "Error", tone: "bad" },
};

/** An import field in words for the mapping and the report ("externalId" → "CRM id", "annualRevenue" → "Annual revenue"). */
export function importFieldLabel(field: string): string {
  const named: Record<string, string> = { externalId: "CRM id", parentExternalId: "Parent account's CRM id", accountExternalId: "Account's CRM id", optOut: "Email opt-out", "(row)": "Row" };
  return named[field] ?? (fieldNameInWords(field) || field);
}

/**
 * A row problem as this page says it. The import's messages are the API's (they name its query parameters, JSON value
 * maps, internal ids, zod's wording); here they name the page's own controls instead.
 */
const IN_PAGE_WORDS: [RegExp, string | ((...groups: string[]) => string)][] = [
  [/Give numberFormat=point \(1,234\.56\) or numberFormat=comma \(1\.234,56\)\./, "Choose the convention under “Numbers in the file”."],
  [/Give dateFormat=MM\/DD\/YYYY or dateFormat=DD\/MM\/YYYY\./, "Choose the format under “Dates in the file”."],
  [/ or set dateFormat\b/, " or choose the format under “Dates in the file”"],
  [/no account has externalId '/, "no account has the CRM id '"],
  [/ is before customerSince /, " is before the customer-since date "],
  [/\(map it with valueMaps\.role\)/, "(map it under “Value maps”)"],
  [/\(or map it with valueMaps\.role, e\.g\. \{"(.*)": "champion"\}\)/, (_, value) => `(or map it under “Value maps”, e.g. role: ${value} = champion)`],
  [/an earlier address of contact \S+, who is/, "an earlier address of a contact who is"],
  [/^Invalid option: expected one of (.+)$/, (_, list) => `use one of: ${list.split("|").map((v) => v.replace(/^"|"$/g, "")).join(", ")}`],
];

export function importProblemInWords(message: string): string {
  return IN_PAGE_WORDS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement as never), message);
}

function Mapping(props: { columns: ColumnChoice[]; fields: Option[] }) {
  return (
    <TableWrap label="Column mapping">
      <table>
        <caption>Which column is read as which field</caption>
        <thead>
          <tr>
            <th scope="col">Column in the file</th>
            <th scope="col">Read as</th>
          </tr>
        </thead>
        <tbody>
          {props.columns.map((choice, i) => (
            <tr>
              <th scope="row">
                <label for={fieldId(`map.${i}`)}>{choice.column}</label>
                <input type="hidden" name={`column.${i}`} value={choice.column} />
              </th>
              <td>
                <select id={fieldId(`map.${i}`)} name={`map.${i}`}>
                  <option value="">Ignore this column</option>
                  {props.fields.map((field) => (
                    <option value={field.value} selected={field.value === choice.field}>
                      {field.label}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function Report(props: { report: ImportReport; kind: ImportKindChoice }) {
  const r = props.report;
  const problems = new Map<number, string[]>();
  for (const error of r.errors) problems.set(error.row, [...(problems.get(error.row) ?? []), `${importFieldLabel(error.field)}: ${importProblemInWords(error.message).replace(/\.$/, "")}`]);
  const lines: [string, number][] = [
    [r.dryRun ? "Would be created" : "Created", r.created],
    [r.dryRun ? "Would be updated" : "Updated", r.updated],
    ["Unchanged", r.unchanged],
    ...(r.optedOut !== undefined ? ([["Opted out (suppressed, not imported)", r.optedOut]] as [string, number][]) : []),
    ["Rows with errors (nothing written for them)", problems.size],
  ];
  const lined = new Set(r.rows.map((line) => line.row));
  const rowsWithoutLine = [...problems.keys()].filter((row) => !lined.has(row));
  // Every row with a problem is listed; of the good rows only the first ones, so a 2,000-row file keeps the page light.
  let good = 0;
  const shown = r.rows.filter((line) => problems.has(line.row) || line.outcome === "error" || good++ < MAX_GOOD_ROWS_SHOWN);
  const hidden = r.rows.length - shown.length;
  return (
    <section aria-labelledby="report">
      <h2 id="report">{r.dryRun ? "Dry run: nothing was written yet" : "Imported"}</h2>
      <dl class="facts">
        {lines.map(([label, n]) => (
          <>
            <dt>{label}</dt>
            <dd>{formatInteger(n)}</dd>
          </>
        ))}
        <dt>Number format</dt>
        <dd>{r.numberFormat === "comma" ? "1.250.000,00 (comma decimals)" : r.numberFormat === "point" ? "1,250,000.00 (point decimals)" : "not needed"}</dd>
        <dt>Date format</dt>
        <dd>{r.dateFormat ?? "ISO or not needed"}</dd>
      </dl>
      <TableWrap label="Report per row">
        <table>
          <caption>Each row of the file (row 1 is the header)</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Key</th>
              <th scope="col">Outcome</th>
              <th scope="col">Problems</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((line) => (
              <tr>
                <td>{line.row}</td>
                <td>{line.key ?? "—"}</td>
                <td>
                  <Badge tone={OUTCOME[line.outcome].tone}>{OUTCOME[line.outcome].label}</Badge>
                </td>
                <td>{problems.get(line.row)?.join("; ") ?? "—"}</td>
              </tr>
            ))}
            {rowsWithoutLine.map((row) => (
              <tr>
                <td>{row}</td>
                <td>—</td>
                <td>
                  <Badge tone="bad">Error</Badge>
                </td>
                <td>{problems.get(row)!.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {hidden > 0 && <p>{formatInteger(hidden)} more rows without problems are not listed; the counts above include them.</p>}
      {!r.dryRun && r.created + r.updated > 0 && (
        <p>
          <a href={`/admin/directory/${props.kind}`}>See them in the Directory</a>
        </p>
      )}
    </section>
  );
}

export function importPage(props: {
  nonce: string;
  viewer: AdminViewer;
  values: ImportFormValues;
  errors: FormErrors;
  /** After a check: the file's columns and what each is read as. */
  columns: ColumnChoice[] | null;
  fields: Option[];
  report: ImportReport | null;
}): string {
  const v = props.values;
  const e = props.errors;
  const checked = props.report?.dryRun === true;
  const importable = checked && props.report!.rows.some((line) => line.outcome === "created" || line.outcome === "updated" || line.outcome === "optedOut");
  return adminPage({
    title: "Import from the CRM",
    nonce: props.nonce,
    viewer: props.viewer,
    active: "directory",
    enhance: true,
    lead: "Upload an export (Salesforce, HubSpot or any CSV with a header row, or JSON). Check it first: nothing is written until you press Import.",
    children: (
      <>
        <p>
          <a href="/admin/directory">Directory</a>
        </p>
        <ErrorSummary errors={e} title="The import needs:" />
        {props.viewer.role !== "admin" ? (
          <p class="notice">Only admins import from the CRM. Find accounts and contacts under <a href="/admin/directory">Directory</a>.</p>
        ) : (
        <form method="post" action="/admin/directory/import" enctype="multipart/form-data" class="card stack" novalidate>
          <CsrfInput token={props.viewer.csrfToken} />
          <SelectField
            name="kind"
            label="What the file holds"
            value={v.kind}
            error={e.kind}
            options={[
              { value: "accounts", label: "Accounts (upsert by CRM id)" },
              { value: "contacts", label: "Contacts (upsert by email)" },
            ]}
          />
          <FileField
            name="file"
            label="Export file"
            accept=".csv,.txt,.json,text/csv,application/json"
            hint="CSV (UTF-8, header row) or JSON, at most 2,000 rows. Or paste the contents below."
            error={e.file}
          />
          <TextAreaField name="body" label="Or paste the export" value={v.body} rows={checked ? 8 : 5} error={e.body} hint={checked ? "The file you checked; edit it here or upload another." : undefined} />
          <SelectField
            name="numberFormat"
            label="Numbers in the file"
            value={v.numberFormat}
            error={e.numberFormat}
            blank="Detect from the file"
            options={[
              { value: "point", label: "1,250,000.00 (point decimals)" },
              { value: "comma", label: "1.250.000,00 (comma decimals)" },
            ]}
          />
          <SelectField name="dateFormat" label="Dates in the file" value={v.dateFormat} error={e.dateFormat} blank="Detect from the file" options={DATE_FORMATS.map((f) => ({ value: f, label: f }))} />
          <TextAreaField
            name="valueMaps"
            label="Value maps (optional)"
            value={v.valueMaps}
            rows={3}
            error={e.valueMaps}
            hint="One per line, field: value in the file = our value — e.g. role: Budget Holder = decision_maker, or country: Bavaria = DE."
          />
          {props.columns && (
            <>
              <h2>Column mapping</h2>
              <Mapping columns={props.columns} fields={props.fields} />
            </>
          )}
          <div class="actions">
            <button type="submit" name="action" value="check" class={importable ? "secondary" : undefined}>
              {props.columns ? "Check again" : "Check (dry run)"}
            </button>
            {importable && props.viewer.role === "admin" && (
              <button type="submit" name="action" value="import">
                Import
              </button>
            )}
          </div>
        </form>
        )}
        {props.report && <Report report={props.report} kind={v.kind} />}
      </>
    ),
  });
}
