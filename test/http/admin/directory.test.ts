import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { workerFetch } from "../../support/api";
import { adminSession, fieldError, getPage, type AdminSession } from "../../support/admin";
import { countRows, makeAccount, makeContact } from "../../support/fixtures";
import { inviteUser, signInAs } from "../../support/people";

let session: AdminSession;
beforeAll(async () => {
  session = await adminSession();
});

const unique = () => Math.random().toString(36).slice(2, 8);

/** Posts the import form as a browser does: multipart, with the file (if any) and the session's CSRF token. */
async function postImport(fields: Record<string, string>, file?: { name: string; type: string; text: string }) {
  const form = new FormData();
  form.set("csrf", session.csrf);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (file) form.set("file", new File([file.text], file.name, { type: file.type }));
  const res = await workerFetch("/admin/directory/import", { method: "POST", redirect: "manual", headers: { cookie: session.cookie }, body: form });
  return { status: res.status, html: await res.text(), trips: Number(res.headers.get("x-d1-round-trips")) };
}

/** A Salesforce account export as it comes, plus a column the aliases do not know. */
function salesforceExport(ids: [string, string]) {
  return [
    `"Account ID","Account Name","Annual Revenue","Billing Country","Account Owner","Tier Code"`,
    `"${ids[0]}","Kranich Logistik GmbH","1,250,000.00","DE","Olivia Owner","Strategic"`,
    `"${ids[1]}","Brightwater Foods","","US","Sam Seller","Core"`,
  ].join("\r\n");
}

describe("/admin/directory", () => {
  it("searches accounts and contacts by name, email and CRM id, linking accounts to their page", async () => {
    const tag = unique();
    const account = await makeAccount({ name: `Searchable ${tag} AG` });
    await makeContact(account.id, { name: `Petra ${tag}`, email: `petra.${tag}@customer.test` });
    const page = await getPage(session, `/admin/directory?q=${tag}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<a href="/admin/accounts/${account.id}">Searchable ${tag} AG</a>`);
    expect(page.html).toContain(`Petra ${tag}`);
    expect(page.trips).toBeLessThanOrEqual(3);

    const byEmail = await getPage(session, `/admin/directory/contacts?q=petra.${tag}@`);
    expect(byEmail.html).toContain(`Petra ${tag}`);
    expect(byEmail.trips).toBeLessThanOrEqual(3);
    const byCrmId = await getPage(session, `/admin/directory/accounts?q=${account.externalId}`);
    expect(byCrmId.html).toContain(`Searchable ${tag} AG`);
    const none = await getPage(session, `/admin/directory/accounts?q=%25_nothing_${tag}`);
    expect(none.html).toContain("Nothing matches.");
  });

  it("checks a CRM export (dry run, nothing written), lets the mapping be adjusted, then imports", async () => {
    const ids: [string, string] = [`SF-${unique()}`, `SF-${unique()}`];
    const csv = salesforceExport(ids);
    const page = await getPage(session, "/admin/directory/import");
    expect(page.status).toBe(200);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.trips).toBeLessThanOrEqual(3);

    const checked = await postImport({ kind: "accounts", action: "check" }, { name: "accounts.csv", type: "text/csv", text: csv });
    expect(checked.status).toBe(200);
    expect(checked.html).toContain("Dry run: nothing was written yet");
    expect(checked.html).toMatch(/Would be created<\/dt><dd>1</);
    expect(checked.html).toContain("Annual revenue: "); // the row without revenue is refused for a new account, with its row number
    // Fields are offered and named in words, not as keys.
    expect(checked.html).toMatch(/<option value="externalId"( selected="")?>CRM id<\/option>/);
    expect(checked.html).toMatch(/<option value="annualRevenue"( selected="")?>Annual revenue<\/option>/);
    expect(checked.html).not.toMatch(/>annualRevenue</);
    expect(checked.html).toMatch(/<td>3<\/td><td>[^<]*<\/td><td><span class="badge badge-bad">Error/);
    expect(checked.html).toMatch(/<label for="f-map-\d+">Tier Code<\/label>/);
    expect(await countRows("SELECT count(*) AS n FROM accounts WHERE external_id IN (?, ?)", ...ids)).toBe(0);

    // The page carries the file and the mapping: map "Tier Code" to the segment, ignore the owner, import.
    const columns = [...checked.html.matchAll(/name="column\.(\d+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
    const mapping: Record<string, string> = {};
    for (const [i, column] of columns) {
      const selected = new RegExp(`name="map\\.${i}">[\\s\\S]*?<option value="([^"]*)" selected`).exec(checked.html.slice(checked.html.indexOf(`name="map.${i}"`) - 40))?.[1] ?? "";
      mapping[`column.${i}`] = column;
      mapping[`map.${i}`] = column === "Tier Code" ? "segment" : column === "Account Owner" ? "" : selected;
    }
    const fixed = csv.replace(`"${ids[1]}","Brightwater Foods",""`, `"${ids[1]}","Brightwater Foods","300000"`);
    const again = await postImport({ kind: "accounts", action: "check", body: fixed, ...mapping });
    expect(again.status).toBe(200);
    expect(again.html).toMatch(/Would be created<\/dt><dd>2</);

    const imported = await postImport({ kind: "accounts", action: "import", body: fixed, ...mapping });
    expect(imported.status).toBe(201);
    expect(imported.html).toMatch(/Created<\/dt><dd>2</);
    const rows = await env.DB.prepare("SELECT external_id, annual_revenue, segment, owner_name FROM accounts WHERE external_id IN (?, ?) ORDER BY annual_revenue DESC").bind(...ids).all();
    expect(rows.results).toEqual([
      { external_id: ids[0], annual_revenue: 1_250_000, segment: "Strategic", owner_name: null },
      { external_id: ids[1], annual_revenue: 300_000, segment: "Core", owner_name: null },
    ]);
  });

  it("refuses an empty upload, a value map that does not read and a file without a key column, beside the field, nothing written", async () => {
    const empty = await postImport({ kind: "accounts", action: "check" });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.html, "file")).toContain("Choose an export file");

    const badMap = await postImport({ kind: "contacts", action: "check", body: "Email,Role\na@b.test,Budget Holder", valueMaps: "role Budget Holder" });
    expect(badMap.status).toBe(422);
    expect(fieldError(badMap.html, "valueMaps")).toContain("Line 1");
    expect(badMap.html).toContain("role Budget Holder");

    const before = await countRows("SELECT count(*) AS n FROM accounts");
    const noKey = await postImport({ kind: "accounts", action: "import", body: "Colour,Size\nred,big" });
    expect(noKey.status).toBe(400);
    expect(fieldError(noKey.html, "file")).toContain("No column of the file is read as CRM id");
    expect(await countRows("SELECT count(*) AS n FROM accounts")).toBe(before);
  });

  it("shows the mapping when the file names its key column in words of its own, so the person can map it instead of a dead end", async () => {
    const id = `K-${unique()}`;
    const body = `Kundennummer,Firma,Umsatz\r\n${id},Kranich AG,"1.250.000,00"\r\n`;
    const first = await postImport({ kind: "accounts", action: "check", body });
    expect(first.status).toBe(400);
    // Before, the page said "Name the column with a mapping" and offered no mapping to name it in.
    expect(fieldError(first.html, "file")).toContain("Choose the column that holds it under “Column mapping” below");
    const columns = [...first.html.matchAll(/name="column\.(\d+)" value="([^"]*)"/g)].map((m) => m[2]);
    expect(columns).toEqual(["Kundennummer", "Firma", "Umsatz"]);
    expect(first.html).toContain("Check again");

    const mapped = await postImport({ kind: "accounts", action: "check", body, "column.0": "Kundennummer", "map.0": "externalId", "column.1": "Firma", "map.1": "name", "column.2": "Umsatz", "map.2": "annualRevenue" });
    expect(mapped.status).toBe(200);
    expect(mapped.html).toMatch(/Would be created<\/dt><dd>1</);
    expect(await countRows("SELECT count(*) AS n FROM accounts WHERE external_id = ?", id)).toBe(0);
  });

  it("reads the columns afresh when the kind is switched after a check, instead of refusing the other kind's mapping", async () => {
    const account = await makeAccount();
    const email = `switch-${unique()}@customer.test`;
    const body = `Record ID,Email,First Name,Last Name,Buying Role,Associated Company ID\r\n101,${email},Sam,Switch,Champion,${account.externalId}\r\n`;
    // Checked first as accounts (the default): Record ID was read as the account's CRM id.
    const asAccounts = { "column.0": "Record ID", "map.0": "externalId", "column.1": "Email", "map.1": "", "column.2": "First Name", "map.2": "" };
    const switched = await postImport({ kind: "contacts", action: "check", body, ...asAccounts });
    expect(switched.status).toBe(200);
    expect(fieldError(switched.html, "file")).toBeNull();
    expect(switched.html).toMatch(/Would be created<\/dt><dd>1</);
    expect(switched.html).toMatch(/<label for="f-map-\d+">Email<\/label><input type="hidden" name="column\.\d+" value="Email"\/><\/th><td><select[^>]*><option value="">Ignore this column<\/option>(<option[^>]*>[^<]*<\/option>)*<option value="email" selected="">/);
  });

  it("reads a newly chosen file's columns afresh, instead of refusing it for lacking the previous file's columns", async () => {
    const first = { "column.0": "Account ID", "map.0": "externalId", "column.1": "Account Name", "map.1": "name", "column.2": "Tier Code", "map.2": "segment" };
    const id = `NEW-${unique()}`;
    const corrected = `Account ID,Account Name,Annual Revenue\r\n${id},Corrected GmbH,100000\r\n`;
    const checked = await postImport({ kind: "accounts", action: "check", body: "", ...first }, { name: "corrected.csv", type: "text/csv", text: corrected });
    expect(checked.status).toBe(200);
    expect(fieldError(checked.html, "file")).toBeNull();
    expect(checked.html).toMatch(/Would be created<\/dt><dd>1</);
    expect(checked.html).not.toContain('value="Tier Code"');
  });

  it("names a row's problem with the page's own controls, not the API's parameters, ids or zod's wording", async () => {
    const tag = unique();
    const body = [
      "Account ID,Account Name,Annual Revenue,Status,Customer Since,Parent Account ID",
      `A-${tag}-1,One,1.000,active,03/04/2020,`,
      `A-${tag}-2,Two,200,dormant,,`,
      `A-${tag}-3,Three,300,active,,NOPE-${tag}`,
    ].join("\r\n");
    const checked = await postImport({ kind: "accounts", action: "check", body });
    expect(checked.status).toBe(200);
    expect(checked.html).toContain("Choose the convention under “Numbers in the file”; Customer since: ");
    expect(checked.html).toContain("Choose the format under “Dates in the file”</td>");
    expect(checked.html).toContain("Status: use one of: active, churned");
    expect(checked.html).toContain(`no account has the CRM id &#39;NOPE-${tag}&#39;`);
    const report = checked.html.slice(checked.html.indexOf('id="report"'));
    for (const apiWords of ["numberFormat=", "dateFormat=", "externalId", "Invalid option", "valueMaps."]) expect(report).not.toContain(apiWords);
  });

  it("applies value maps typed on the page (a HubSpot buying role)", async () => {
    const account = await makeAccount();
    const email = `vm-${unique()}@customer.test`;
    const body = `Email,First Name,Last Name,Buying Role,Associated Company ID\n${email},Vera,Map,Budget Holder,${account.externalId}`;
    const checked = await postImport({ kind: "contacts", action: "import", body, valueMaps: "role: Budget Holder = decision_maker" });
    expect(checked.status).toBe(201);
    expect(await env.DB.prepare("SELECT role, name FROM contacts WHERE email = ?").bind(email).first()).toEqual({ role: "decision_maker", name: "Vera Map" });
  });

  it("refuses an import by an account manager: a 403 page, nothing written", async () => {
    const manager = await signInAs(await inviteUser("account_manager"));
    expect((await getPage(manager, "/admin/directory")).status).toBe(200);
    // No form to fill that would end on a 403 page: the import page says who imports.
    const page = await getPage(manager, "/admin/directory/import");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Only admins import from the CRM.");
    expect(page.html).not.toContain('action="/admin/directory/import"');
    const id = `SF-${unique()}`;
    const form = new FormData();
    form.set("csrf", manager.csrf);
    form.set("kind", "accounts");
    form.set("action", "import");
    form.set("body", `Account ID,Account Name,Annual Revenue\n${id},Sneaky Ltd,1000`);
    const res = await workerFetch("/admin/directory/import", { method: "POST", redirect: "manual", headers: { cookie: manager.cookie }, body: form });
    expect(res.status).toBe(403);
    expect(await countRows("SELECT count(*) AS n FROM accounts WHERE external_id = ?", id)).toBe(0);
  });

  it("keeps the dry run of a 2,000-row export light: every count, the first good rows, every problem row", async () => {
    const tag = unique();
    const lines = ["Account ID,Account Name,Annual Revenue"];
    for (let i = 0; i < 2000; i++) lines.push(`BIG-${tag}-${i},Big ${i},${i === 7 ? "lots" : 1000 + i}`);
    const res = await postImport({ kind: "accounts", action: "check", body: lines.join("\n") });
    expect(res.status).toBe(200);
    expect(res.html).toMatch(/Would be created<\/dt><dd>1,999</);
    expect(res.html).toContain("1,799 more rows without problems are not listed");
    expect(res.html).toMatch(/<td>9<\/td><td>[^<]*<\/td><td><span class="badge badge-bad">Error/);
    expect(res.html.length).toBeLessThanOrEqual(150_000); // 85.7 KB measured, the file itself carried in the form included
    expect(await countRows("SELECT count(*) AS n FROM accounts WHERE external_id LIKE ?", `BIG-${tag}-%`)).toBe(0);
  });
});
